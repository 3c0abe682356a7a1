/**
 * One cell over one sequence batch, whatever its kind: the dispatch to the LSTM (fused kernels for
 * the plain LSTM over full-length sequences, the general cell otherwise), GRU and RNN loops, with
 * one calling convention:
 *   forward:  x (T, B, D), h0 (B, R), c0 (B, H) for an LSTM → y (T, B, R), hT (B, R), cT (B, H)
 *   backward: StateGradients: dy (T, B, R) | null, dhT, dcT | null → dx (T, B, D) | null, dh0, dc0;
 *             += weight grads
 */
import { ShapeError } from '../../errors.js';
import type { Floats, Kernels } from '../../kernels/index.js';
import { type CellConfig, type CellWeights, isPlainLstm } from '../cell-config.js';
import { type LSTMCache, type PackedLstmWeights, lstmBackward, lstmForward, packedWhhLength } from './lstm-fused.js';
import { gruCellSequenceBackward, gruCellSequenceForward } from './gru-cell.js';
import { lstmCellSequenceBackward, lstmCellSequenceForward } from './lstm-cell.js';
import { rnnCellSequenceBackward, rnnCellSequenceForward } from './rnn-cell.js';
import type { Buffers, CellSequenceBackward, SequenceRun } from './sequence.js';

export interface CellResult {
  y: Floats; // (T, B, R), zero past each sequence's end
  hT: Floats; // (B, R) the state at each sequence's end
  cT: Floats | null; // (B, H), LSTM only
}

/** Whether a layer runs the plain LSTM's fused kernels (cells/lstm-fused.ts): no option they lack. */
export function runsFusedLstm(cfg: CellConfig, run: SequenceRun): boolean {
  return isPlainLstm(cfg) && run.lengths === null && run.recMask === null;
}

function fusedCache(buf: Buffers, run: SequenceRun, cfg: CellConfig): LSTMCache {
  const { T, B } = run;
  const H = cfg.H;
  return {
    x: run.x,
    gates: buf('gates', T * B * 4 * H),
    h: buf('h', (T + 1) * B * H),
    c: buf('c', (T + 1) * B * H),
    tanhC: buf('tanhC', T * B * H),
  };
}

export function lstmWeights(w: CellWeights): { wIh: Floats; wHh: Floats; bIh: Floats; bHh: Floats } {
  return { wIh: w.wIh, wHh: w.wHh, bIh: w.bIh, bHh: w.bHh };
}

export function cellForward(
  k: Kernels,
  cfg: CellConfig,
  w: CellWeights,
  run: SequenceRun,
  h0: Floats,
  c0: Floats | null,
  buf: Buffers,
  prepacked: PackedLstmWeights | null = null, // the plain LSTM's weights packed once (Recurrent.frozenWeights)
): CellResult {
  const { T, B } = run;
  const { R, H } = cfg;
  const last = (a: Floats, width: number): Floats => a.subarray(T * B * width, (T + 1) * B * width);
  if (cfg.kind === 'lstm') {
    if (c0 === null) throw new ShapeError('cellForward', 'an LSTM needs c0, its initial cell state.');
    if (runsFusedLstm(cfg, run)) {
      const cache = fusedCache(buf, run, cfg);
      const packedWih = buf('packedWih', k.lstmLayerForward === undefined ? 0 : k.packedLength(cfg.D, 4 * H));
      const packedWhh = buf('packedWhh', packedWhhLength(k, H));
      const bias = buf('bias', 4 * H);
      lstmForward(k, lstmWeights(w), run.x, h0, c0, T, B, cfg.D, H, cache, bias, packedWhh, packedWih, prepacked);
      return { y: cache.h.subarray(B * H), hT: last(cache.h, H), cT: last(cache.c, H) };
    }
    lstmCellSequenceForward(k, cfg, w, run, h0, c0, buf);
    return { y: buf('y', T * B * R), hT: last(buf('h', (T + 1) * B * R), R), cT: last(buf('c', (T + 1) * B * H), H) };
  }
  if (cfg.kind === 'gru') gruCellSequenceForward(k, cfg, w, run, h0, buf);
  else rnnCellSequenceForward(k, cfg, w, run, h0, buf);
  return { y: buf('y', T * B * R), hT: last(buf('h', (T + 1) * B * R), R), cT: null };
}

/**
 * Whether cellBackward(…, deferWeightProducts = true) leaves dW_ih += dAᵀ x and dW_hh += dAᵀ h_{t−1}
 * to the caller, dA (T, B, 4H) in buf('dGates'): the plain LSTM's fused path.
 */
export function defersWeightProducts(cfg: CellConfig, run: SequenceRun): boolean {
  return runsFusedLstm(cfg, run);
}

export const cellBackward: CellSequenceBackward = (k, cfg, w, g, run, grads, buf, deferWeightProducts = false) => {
  const { T, B } = run;
  const H = cfg.H;
  if (cfg.kind === 'lstm') {
    const dc0 = grads.dc0;
    if (dc0 === null) throw new ShapeError('cellBackward', 'an LSTM needs dc0 to write its cell-state gradient.');
    if (runsFusedLstm(cfg, run)) {
      const work = {
        dGates: buf('dGates', T * B * 4 * H),
        dhNext: buf('dhNext', B * H),
        dcNext: buf('dcNext', B * H),
        biasSum: buf('bias', 4 * H),
        packedWhh: buf('packedWhh', packedWhhLength(k, H)),
      };
      const weightGrads = { dWIh: g.wIh, dWHh: g.wHh, dBIh: g.bIh, dBHh: g.bHh };
      const cache = fusedCache(buf, run, cfg);
      lstmBackward(
        k,
        lstmWeights(w),
        weightGrads,
        cache,
        { ...grads, dc0 },
        T,
        B,
        cfg.D,
        H,
        work,
        !deferWeightProducts,
      );
      return;
    }
    lstmCellSequenceBackward(k, cfg, w, g, run, grads, buf);
    return;
  }
  if (cfg.kind === 'gru') gruCellSequenceBackward(k, cfg, w, g, run, grads, buf);
  else rnnCellSequenceBackward(k, cfg, w, g, run, grads, buf);
};
