/**
 * What every cell's sequence loop shares: the run description (lengths, recurrent dropout mask),
 * the input projection before the loop, the handling of steps past a sequence's end, and the
 * weight-gradient products after the backward loop.
 *
 * Steps past a sequence's end (t ≥ lengths[b]): the state is carried unchanged (so the final
 * state is the one at the sequence's own end), the output is zero, and backward passes the state
 * gradients through untouched, with no gradient into the gates (so none into the weights).
 */
import type { Floats, Kernels } from '../../kernels/index.js';
import type { CellConfig, CellWeights } from '../cell-config.js';
import { type PackedRows, findPackedRows } from './packed-rows.js';

/** Named storage for one cell's forward cache and backward work, kept between the two calls. */
export type Buffers = (name: string, length: number) => Floats;

/** One direction of one layer over a batch of sequences. */
export interface SequenceRun {
  T: number;
  B: number;
  x: Floats; // (T, B, D), time-major
  /** Per-sequence lengths (B), each in [0, T]; null = every sequence has T steps. */
  lengths: Int32Array | null;
  /** Variational recurrent dropout (B, R): h_{t−1} ⊙ mask enters the recurrent products; null = none. */
  recMask: Floats | null;
  /** The real rows of a padded batch (packed-rows.ts), found on first use; null = none packed. */
  packed?: PackedRows | null;
}

/** Gradients of one cell's parameters, accumulated with +=; the same shapes as CellWeights. */
export type CellGrads = CellWeights;

/**
 * The state gradients a cell's backward reads (dy, dhT, dcT) and writes (dx, dh0, dc0), for one
 * direction of one layer. R is the carried h's width, H the cell's.
 */
export interface StateGradients {
  dy: Floats | null; // (T, B, R) gradient of the outputs, or null for none
  dhT: Floats | null; // (B, R) gradient of the final h (from a later chunk or a reader of it), or null
  dcT: Floats | null; // (B, H) gradient of the final c (LSTM), or null
  dx: Floats | null; // (T, B, D) written when given
  dh0: Floats; // (B, R) written
  dc0: Floats | null; // (B, H) written (LSTM)
}

/** A cell without a cell state (GRU, RNN) forward over `run` from h0 (B, H), caching in `buf`. */
export type StatelessCellForward = (
  k: Kernels,
  cfg: CellConfig,
  w: CellWeights,
  run: SequenceRun,
  h0: Floats,
  buf: Buffers,
) => void;

/**
 * A cell's backward through its last forward over `run` (whose cache is in `buf`): accumulates
 * the weight gradients into g (+=) and writes the outputs of `grads`.
 */
export type CellSequenceBackward = (
  k: Kernels,
  cfg: CellConfig,
  w: CellWeights,
  g: CellGrads,
  run: SequenceRun,
  grads: StateGradients,
  buf: Buffers,
  /** Leave the weight products to the caller where the cell's path allows it (defersWeightProducts). */
  deferWeightProducts?: boolean,
) => void;

export function isPastEnd(run: SequenceRun, t: number, b: number): boolean {
  return run.lengths !== null && t >= (run.lengths[b] as number);
}

/** True when some sequence has ended before step t. */
export function anyPastEnd(run: SequenceRun, t: number): boolean {
  if (run.lengths === null) return false;
  for (let b = 0; b < run.B; b++) if (t >= (run.lengths[b] as number)) return true;
  return false;
}

/**
 * The first row still running at step t (B when none is): with the next function, the range of
 * rows a step must compute. Rows outside it have all ended; inside it some may have, where the
 * batch is not sorted by length (a batch sorted either way has none).
 */
export function firstRunningRow(run: SequenceRun, t: number): number {
  if (run.lengths === null) return 0;
  let b = 0;
  while (b < run.B && t >= (run.lengths[b] as number)) b++;
  return b;
}

/** One past the last row still running at step t (0 when none is). */
export function runningRowsEnd(run: SequenceRun, t: number): number {
  if (run.lengths === null) return run.B;
  let b = run.B;
  while (b > 0 && t >= (run.lengths[b - 1] as number)) b--;
  return b;
}

/** True when some row in [b0, b1) has ended before step t. */
export function anyPastEndWithin(run: SequenceRun, t: number, b0: number, b1: number): boolean {
  if (run.lengths === null) return false;
  for (let b = b0; b < b1; b++) if (t >= (run.lengths[b] as number)) return true;
  return false;
}

/** Rows b past their end at step t: cur[b] = prev[b] (rows of `width`). */
export function carryPastEnd(run: SequenceRun, t: number, width: number, prev: Floats, cur: Floats): void {
  if (!anyPastEnd(run, t)) return;
  for (let b = 0; b < run.B; b++) {
    if (isPastEnd(run, t, b)) cur.set(prev.subarray(b * width, (b + 1) * width), b * width);
  }
}

/** Rows b past their end at step t set to zero. */
export function zeroPastEnd(run: SequenceRun, t: number, width: number, rows: Floats): void {
  if (!anyPastEnd(run, t)) return;
  for (let b = 0; b < run.B; b++) if (isPastEnd(run, t, b)) rows.fill(0, b * width, (b + 1) * width);
}

/**
 * The operand of step t's recurrent product: h_{t−1} itself, or h_{t−1} ⊙ mask stored in
 * hRec (T, B, R) for backward. With k the product runs on its multiply kernel (the cells that
 * pass k); without, in a loop.
 */
export function recurrentOperand(
  run: SequenceRun,
  R: number,
  t: number,
  hPrev: Floats,
  hRec: Floats,
  k?: Kernels,
): Floats {
  if (run.recMask === null) return hPrev;
  const BR = run.B * R;
  const out = hRec.subarray(t * BR, (t + 1) * BR);
  if (k !== undefined) k.multiply(BR, hPrev, run.recMask, out);
  else for (let i = 0; i < BR; i++) out[i] = (hPrev[i] as number) * (run.recMask[i] as number);
  return out;
}

/** All T operands of the recurrent products (T, B, R): h[0..T−1], or the masked copies. */
export function recurrentOperands(run: SequenceRun, R: number, h: Floats, hRec: Floats): Floats {
  const n = run.T * run.B * R;
  return run.recMask === null ? h.subarray(0, n) : hRec.subarray(0, n);
}

/** The run's real rows (packed-rows.ts), found once per run. */
function packedRows(run: SequenceRun): PackedRows | null {
  if (run.packed === undefined) run.packed = findPackedRows(run.T, run.B, run.lengths);
  return run.packed;
}

/**
 * out (T·B, N) = bias broadcast + x (T·B, D) · Wᵀ (W is (N, D)). In a padded batch the product
 * runs over the real rows only (packed-rows.ts), and padding rows get the bias alone: a cell that
 * computes an ended row (the GRU and RNN compute every row) reads finite numbers, and then carries
 * the state past it.
 */
export function inputProjection(
  k: Kernels,
  run: SequenceRun,
  D: number,
  N: number,
  w: Floats,
  bias: Floats,
  out: Floats,
  buf: Buffers,
): void {
  const rows = run.T * run.B;
  const packed = packedRows(run);
  if (packed === null) {
    k.fillRows(rows, N, bias, out, N);
    k.gemm(false, true, rows, N, D, run.x, D, w, D, out, N, 1);
    return;
  }
  const n = packed.rows.length;
  const xPacked = buf('xPacked', n * D);
  k.gatherRows(n, D, run.x, packed.rows, xPacked);
  const outPacked = buf('projectionPacked', (n + 1) * N); // row n: the padding rows' bias
  k.fillRows(n + 1, N, bias, outPacked, N);
  k.gemm(false, true, n, N, D, xPacked, D, w, D, outPacked, N, 1);
  k.gatherRows(rows, N, outPacked, packed.slots, out);
}

/** The output rows of step t (B, R): h_t, or zero past a sequence's end. */
export function emitOutput(run: SequenceRun, R: number, t: number, hT: Floats, y: Floats): void {
  const BR = run.B * R;
  const yT = y.subarray(t * BR, (t + 1) * BR);
  yT.set(hT);
  zeroPastEnd(run, t, R, yT);
}

/**
 * dhTot (B, R) = dhNext + dy_t, with dy ignored past a sequence's end (its output is a constant 0).
 * With k the sums run on its addInPlace kernel, one call per run of rows that have not ended (the
 * cells that pass k); without, in a loop.
 */
export function totalStateGradient(
  run: SequenceRun,
  R: number,
  t: number,
  dy: Floats | null,
  dhNext: Floats,
  dhTot: Floats,
  k?: Kernels,
): void {
  dhTot.set(dhNext);
  if (dy === null) return;
  const BR = run.B * R;
  if (k !== undefined) {
    const dyT = dy.subarray(t * BR, (t + 1) * BR);
    for (let b0 = 0; b0 < run.B;) {
      if (isPastEnd(run, t, b0)) {
        b0++;
        continue;
      }
      let b1 = b0 + 1;
      while (b1 < run.B && !isPastEnd(run, t, b1)) b1++;
      k.addInPlace((b1 - b0) * R, dyT.subarray(b0 * R, b1 * R), dhTot.subarray(b0 * R, b1 * R));
      b0 = b1;
    }
    return;
  }
  for (let b = 0; b < run.B; b++) {
    if (isPastEnd(run, t, b)) continue;
    const base = t * run.B * R + b * R;
    for (let j = 0; j < R; j++) dhTot[b * R + j] = (dhTot[b * R + j] as number) + (dy[base + j] as number);
  }
}

/** A block of weight_hh rows and the (T, B, R) operand its gradient is the product with. */
export interface RecurrentBlock {
  row0: number;
  rows: number;
  operand: Floats;
}

/**
 * The products after the backward loop:
 *   dW_ih += dXPᵀ (G·H, T·B) · x;  db_ih += Σ dXP;  db_hh += Σ dHP;
 *   dW_hh[block] += dHP[:, block]ᵀ · operand (per block);  dx = dXP · W_ih (when asked).
 * dXP (T, B, G·H) is the gradient of the input projection, dHP of the recurrent one (the same
 * array for LSTM and RNN, where both enter the gates as one sum). Padding rows carry no gradient
 * (zero dXP, dHP): in a padded batch the products run over the real rows only (packed-rows.ts),
 * and dx is zero on the padding.
 */
export function weightGradients(
  k: Kernels,
  c: CellConfig,
  w: CellWeights,
  g: CellGrads,
  run: SequenceRun,
  dXP: Floats,
  dHP: Floats,
  blocks: readonly RecurrentBlock[],
  dx: Floats | null,
  buf: Buffers,
): void {
  const GH = c.G * c.H;
  const packed = packedRows(run);
  if (packed === null) {
    productsOverRows(k, c, w, g, run.T * run.B, run.x, dXP, dHP, blocks, dx, buf);
    return;
  }
  // the same products over the n real rows, on packed copies
  const n = packed.rows.length;
  const gather = (name: string, a: Floats, width: number): Floats => {
    const out = buf(name, n * width);
    k.gatherRows(n, width, a, packed.rows, out);
    return out;
  };
  const dXPPacked = gather('dXPPacked', dXP, GH);
  const dHPPacked = dHP === dXP ? dXPPacked : gather('dHPPacked', dHP, GH);
  const operands = new Map<Floats, Floats>(); // blocks that share an operand share its copy
  const packedBlocks = blocks.map((blk) => {
    let operand = operands.get(blk.operand);
    if (operand === undefined) {
      operand = gather(`operandPacked${operands.size}`, blk.operand, c.R);
      operands.set(blk.operand, operand);
    }
    return { ...blk, operand };
  });
  const xPacked = gather('xPacked', run.x, c.D);
  const dxPacked = dx === null ? null : buf('dxPacked', (n + 1) * c.D); // row n: the padding's zero
  productsOverRows(k, c, w, g, n, xPacked, dXPPacked, dHPPacked, packedBlocks, dxPacked, buf);
  if (dx !== null && dxPacked !== null) {
    dxPacked.fill(0, n * c.D);
    k.gatherRows(run.T * run.B, c.D, dxPacked, packed.slots, dx);
  }
}

/** weightGradients' products over `rows` rows of x (rows, D), dXP, dHP and the blocks' operands. */
function productsOverRows(
  k: Kernels,
  c: CellConfig,
  w: CellWeights,
  g: CellGrads,
  rows: number,
  x: Floats,
  dXP: Floats,
  dHP: Floats,
  blocks: readonly RecurrentBlock[],
  dx: Floats | null,
  buf: Buffers,
): void {
  const GH = c.G * c.H;
  k.gemm(true, false, GH, c.D, rows, dXP, GH, x, c.D, g.wIh, c.D, 1);
  for (const blk of blocks) {
    const dHPBlock = dHP.subarray(blk.row0);
    const dW = g.wHh.subarray(blk.row0 * c.R);
    k.gemm(true, false, blk.rows, c.R, rows, dHPBlock, GH, blk.operand, c.R, dW, c.R, 1);
  }
  const columnSums = buf('colSums', GH);
  columnSums.fill(0);
  k.addColumnSums(rows, GH, dXP, columnSums);
  k.addInPlace(GH, columnSums, g.bIh);
  if (dHP !== dXP) {
    columnSums.fill(0);
    k.addColumnSums(rows, GH, dHP, columnSums);
  }
  k.addInPlace(GH, columnSums, g.bHh);
  if (dx !== null) k.gemm(false, false, rows, c.D, GH, dXP, GH, w.wIh, c.D, dx, c.D, 0);
}

/** After step t's backward: rows past their end pass the incoming state gradient through. */
export function passThroughPastEnd(
  run: SequenceRun,
  t: number,
  width: number,
  incoming: Floats,
  outgoing: Floats,
): void {
  carryPastEnd(run, t, width, incoming, outgoing);
}

/** Rows past their end get no gate gradient: dRows (B, width) zeroed there. */
export function noGateGradientPastEnd(run: SequenceRun, t: number, width: number, dRows: Floats): void {
  zeroPastEnd(run, t, width, dRows);
}

/**
 * op(W) packed once for the T per-step recurrent products of a sequence (the LSTM's fused path
 * does the same), or null for a single step, where packing would not pay. `name` keeps the
 * forward's and the backward's packings apart.
 */
export function packRecurrentWeight(
  k: Kernels,
  buf: Buffers,
  name: string,
  T: number,
  transB: boolean,
  K: number,
  N: number,
  w: Floats,
  ldb: number,
): Floats | null {
  if (T <= 1) return null;
  const packed = buf(name, k.packedLength(K, N));
  k.packB(transB, K, N, w, ldb, packed);
  return packed;
}

/**
 * C (M, N) = beta · C + A (M, K) · op(W): through the packing when there is one. Called every time
 * step, so its operands are positional (a rest parameter would build an array per call).
 */
export function recurrentProduct(
  k: Kernels,
  packed: Floats | null,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Floats,
  lda: number,
  w: Floats,
  ldw: number,
  C: Floats,
  ldc: number,
  beta: 0 | 1,
): void {
  if (packed === null) k.gemm(false, transB, M, N, K, A, lda, w, ldw, C, ldc, beta);
  else k.gemmPrepacked(M, N, K, A, lda, packed, C, ldc, beta);
}
