/**
 * The plain (Elman) RNN cell, one direction over a sequence, as PyTorch's nn.RNN and ONNX RNN:
 *
 *   a_t = W_ih x_t + b_ih + W_hh (h_{t−1} ⊙ m) + b_hh       (B, H)
 *   h_t = f(clip a_t)                                       f = tanh by default, or relu …
 *
 * Cache (Buffers): pre (T, B, H) the sums before clip, h (T+1, B, H), hRec (T, B, H) (recurrent
 * dropout only), y (T, B, H).
 *
 * With tanh or relu each step's pointwise work runs in the fused kernels rnnCellForward and
 * rnnCellBackward (src/kernels/types.ts); a cell configured with another activation keeps the
 * plain loops below, which compute the same equations through `Activation`.
 */
import type { Activation } from '../activations.js';
import { clipSlope, clipValue } from './lstm-cell.js';
import {
  type CellSequenceBackward,
  type StatelessCellForward,
  carryPastEnd,
  emitOutput,
  inputProjection,
  anyPastEnd,
  passThroughPastEnd,
  recurrentOperand,
  recurrentOperands,
  packRecurrentWeight,
  recurrentProduct,
  totalStateGradient,
  weightGradients,
  zeroPastEnd,
} from './sequence.js';

/** Whether the fused kernels compute activation f: tanh and relu do. */
function fusedActivation(f: Activation): boolean {
  return f.spec.name === 'tanh' || f.spec.name === 'relu';
}

export const rnnCellSequenceForward: StatelessCellForward = (k, cfg, w, run, h0, buf) => {
  const { T, B } = run;
  const { D, H, clip } = cfg;
  const f = cfg.activations[0] as Activation;
  const pre = buf('pre', T * B * H);
  const h = buf('h', (T + 1) * B * H);
  const hRec = buf('hRec', run.recMask === null ? 0 : T * B * H);
  const y = buf('y', T * B * H);
  const bias = buf('bias', H);
  bias.set(w.bIh);
  k.addInPlace(H, w.bHh, bias);
  inputProjection(k, run, D, H, w.wIh, bias, pre, buf);
  h.set(h0.subarray(0, B * H));
  const packed = packRecurrentWeight(k, buf, 'packedWhh', T, true, H, H, w.wHh, H);
  const fused = fusedActivation(f);
  const relu = f.spec.name === 'relu';
  const rec = run.recMask === null ? null : hRec;
  if (fused && k.rnnLayerForward?.(T, B, H, pre, w.wHh, packed, h, run.lengths, run.recMask, rec, relu, clip)) {
    // the backend ran every step in one call (the same numbers as the calls below)
    for (let t = 0; t < T; t++) emitOutput(run, H, t, h.subarray((t + 1) * B * H, (t + 2) * B * H), y);
    return;
  }
  for (let t = 0; t < T; t++) {
    const preT = pre.subarray(t * B * H, (t + 1) * B * H);
    const hPrev = h.subarray(t * B * H, (t + 1) * B * H);
    const hCur = h.subarray((t + 1) * B * H, (t + 2) * B * H);
    recurrentProduct(k, packed, true, B, H, H, recurrentOperand(run, H, t, hPrev, hRec), H, w.wHh, H, preT, H, 1);
    if (fused) k.rnnCellForward(B, H, preT, hCur, relu, clip);
    else for (let q = 0; q < B * H; q++) hCur[q] = f.apply(clipValue(preT[q] as number, clip));
    carryPastEnd(run, t, H, hPrev, hCur);
    emitOutput(run, H, t, hCur, y);
  }
};

export const rnnCellSequenceBackward: CellSequenceBackward = (k, cfg, w, g, run, grads, buf) => {
  const { dy, dhT, dx, dh0 } = grads;
  const { T, B } = run;
  const { H, clip } = cfg;
  const f = cfg.activations[0] as Activation;
  const fused = fusedActivation(f);
  const relu = f.spec.name === 'relu';
  const pre = buf('pre', T * B * H);
  const h = buf('h', (T + 1) * B * H);
  const hRec = buf('hRec', run.recMask === null ? 0 : T * B * H);
  const dhLive = buf('dhLive', run.lengths === null ? 0 : B * H); // dhTot, 0 on rows past their end
  const dPre = buf('dPre', T * B * H);
  const dhNext = buf('dhNext', B * H);
  const dhTot = buf('dhTot', B * H);
  if (dhT === null) dhNext.fill(0);
  else dhNext.set(dhT.subarray(0, B * H));
  const packed = packRecurrentWeight(k, buf, 'packedWhhBack', T, false, H, H, w.wHh, H);
  for (let t = T - 1; t >= 0; t--) {
    totalStateGradient(run, H, t, dy, dhNext, dhTot);
    const preT = pre.subarray(t * B * H, (t + 1) * B * H);
    const hCur = h.subarray((t + 1) * B * H, (t + 2) * B * H);
    const dPreT = dPre.subarray(t * B * H, (t + 1) * B * H);
    // rows past their end get no gradient: their dh enters as 0
    let dh = dhTot;
    if (anyPastEnd(run, t)) {
      dhLive.set(dhTot);
      zeroPastEnd(run, t, H, dhLive);
      dh = dhLive;
    }
    if (fused) k.rnnCellBackward(B, H, dh, preT, hCur, dPreT, relu, clip);
    else {
      for (let q = 0; q < B * H; q++) {
        const a = preT[q] as number;
        const slope = f.derivative(clipValue(a, clip), hCur[q] as number) * clipSlope(a, clip);
        dPreT[q] = (dh[q] as number) * slope;
      }
    }
    recurrentProduct(k, packed, false, B, H, H, dPreT, H, w.wHh, H, dhNext, H, 0);
    if (run.recMask !== null)
      for (let q = 0; q < B * H; q++) dhNext[q] = (dhNext[q] as number) * (run.recMask[q] as number);
    passThroughPastEnd(run, t, H, dhTot, dhNext);
  }
  const operands = recurrentOperands(run, H, h, hRec);
  weightGradients(k, cfg, w, g, run, dPre, dPre, [{ row0: 0, rows: H, operand: operands }], dx, buf);
  dh0.set(dhNext);
};
