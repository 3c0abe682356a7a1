/**
 * How the main thread and the kernel workers share a product: a control block of Int32 words in
 * the shared WebAssembly.Memory, and the rule that splits a job into numbered shares.
 *
 * A job: the main thread writes KIND and the arguments, zeroes DONE, stores the share count in
 * CLAIM, then increments GENERATION and notifies. Every thread (the main one included) then claims
 * shares by incrementing CLAIM until none is left, computes each one and counts it in DONE; the
 * main thread returns when DONE reaches the share count. So a share that no worker has started
 * (a worker still waking, or preempted by another process) runs on the main thread instead of
 * being waited for, and how many workers took part never matters. CLAIM holds the count in its
 * high 16 bits and the next share in its low 16: a claim that lands on a finished job's word sees
 * that job's count and takes nothing.
 *
 * A share is a set of whole 8-column strips (products) or batch rows (cell steps), computed the
 * same way whatever the split, so the numbers do not depend on how many shares or threads there
 * were. The share count comes from the job's size (jobShares): one thread per MIN_*_PER_THREAD of
 * work, at most the ready threads, SHARES_PER_THREAD shares each.
 */
import type { ShareExports } from './wasm-exports.js';

/** Control block words (Int32 indices). */
export const GENERATION = 0;
export const DONE = 1;
export const READY = 2;
/** The job's share count (high 16 bits) and the next share to claim (low 16). */
export const CLAIM = 3;
export const KIND = 4;
/** Set by a worker whose share threw (the job's numbers are then wrong; the main thread throws). */
export const FAILED = 5;
/** Job arguments start here (Int32: sizes, strides, byte offsets into the memory). */
export const ARGS = 8;
export const CONTROL_WORDS = 32;

export const JOB_STOP = 0;
/** gemmPacked(M, N, K, A, lda, P, C, ldc, beta) split by 8-column strips of C. */
export const JOB_GEMM_PACKED = 1;
/** gemmABtRows(M, N, K, A, lda, B, ldb, C, ldc, beta) split by groups of 8 columns of C (rows of B). */
export const JOB_GEMM_ABT_ROWS = 2;

/** lstmCellForward(B, H, gates, cPrev, c, tanhC, h) split by rows of the batch. */
export const JOB_CELL_FORWARD = 3;
/** lstmCellBackward(B, H, dh, dc, gates, cPrev, tanhC, dGates, dcPrev) split by rows of the batch. */
export const JOB_CELL_BACKWARD = 4;

/** A thread is worth waking for at least this many multiply-adds of a product (tens of µs). */
export const MIN_MACS_PER_THREAD = 1 << 19;
/** … or this many batch rows × hidden units of a cell step. */
export const MIN_CELLS_PER_THREAD = 2048;
/** Shares per thread taking part: a late worker leaves whole shares to the others. */
export const SHARES_PER_THREAD = 2;

const SHARE_BITS = 16;
const SHARE_MASK = (1 << SHARE_BITS) - 1;

/** How many shares the job in the control block splits into on `threads` ready threads (1: no split). */
export function jobShares(control: Int32Array, threads: number): number {
  const a = ARGS;
  const isCell = control[KIND] === JOB_CELL_FORWARD || control[KIND] === JOB_CELL_BACKWARD;
  // cells: B rows × H units; products: M · N · K multiply-adds over ⌈N / 8⌉ strips
  const work = isCell ? control[a] * control[a + 1] : control[a] * control[a + 1] * control[a + 2];
  const units = isCell ? control[a] : Math.ceil(control[a + 1] / 8);
  const worth = Math.min(threads, Math.floor(work / (isCell ? MIN_CELLS_PER_THREAD : MIN_MACS_PER_THREAD)));
  return worth < 2 ? 1 : Math.min(units, worth * SHARES_PER_THREAD, SHARE_MASK);
}

/** The CLAIM word of a job of `shares` shares, none claimed yet. */
export function claimWord(shares: number): number {
  return shares << SHARE_BITS;
}

/**
 * Claim and compute shares of the current job until none is left, counting each in DONE (and
 * waking the main thread). A share that throws sets FAILED (the job's numbers are then wrong).
 */
export function runClaimedShares(w: ShareExports, control: Int32Array): void {
  for (;;) {
    const word = Atomics.add(control, CLAIM, 1);
    const share = word & SHARE_MASK;
    const shares = word >>> SHARE_BITS;
    if (share >= shares) return;
    try {
      runShare(w, control, share, shares);
    } catch {
      Atomics.store(control, FAILED, 1);
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/** Columns [j0, j1) of N for share t of nt: whole strips of 8, the last share takes the rest. */
export function shareColumns(N: number, t: number, nt: number): [number, number] {
  const strips = Math.ceil(N / 8);
  const j0 = Math.floor((t * strips) / nt) * 8;
  const j1 = Math.min(Math.floor(((t + 1) * strips) / nt) * 8, N);
  return [Math.min(j0, N), j1];
}

/** Rows [b0, b1) of B for share t of nt (pointwise jobs: any split gives the same numbers). */
export function shareRows(B: number, t: number, nt: number): [number, number] {
  return [Math.floor((t * B) / nt), Math.floor(((t + 1) * B) / nt)];
}

/** Share t of nt of a fused cell job: the same kernel on a block of batch rows. */
function runCellShare(w: ShareExports, control: Int32Array, t: number, nt: number): void {
  const a = ARGS;
  const H = control[a + 1];
  const [b0, b1] = shareRows(control[a], t, nt);
  if (b1 <= b0) return;
  const gateRow = b0 * 4 * H * 4; // byte offset of row b0 in a (B, 4H) array
  const stateRow = b0 * H * 4; // … and in a (B, H) array
  const at = (i: number, row: number): number => control[a + i] + row;
  if (control[KIND] === JOB_CELL_FORWARD) {
    w.lstmCellForward(b1 - b0, H, at(2, gateRow), at(3, stateRow), at(4, stateRow), at(5, stateRow), at(6, stateRow));
  } else {
    // dh, dc, gates, cPrev, tanhC, dGates, dcPrev
    w.lstmCellBackward(
      b1 - b0,
      H,
      at(2, stateRow),
      at(3, stateRow),
      at(4, gateRow),
      at(5, stateRow),
      at(6, stateRow),
      at(7, gateRow),
      at(8, stateRow),
    );
  }
}

/** Compute share t of nt of the job described in the control block. */
export function runShare(w: ShareExports, control: Int32Array, t: number, nt: number): void {
  const kind = control[KIND];
  if (kind === JOB_CELL_FORWARD || kind === JOB_CELL_BACKWARD) {
    runCellShare(w, control, t, nt);
    return;
  }
  const a = ARGS;
  const M = control[a];
  const N = control[a + 1];
  const K = control[a + 2];
  const [j0, j1] = shareColumns(N, t, nt);
  if (j1 <= j0) return;
  switch (control[KIND]) {
    case JOB_GEMM_PACKED:
      // A, lda, P, C, ldc, beta
      w.gemmPacked(
        M,
        N,
        K,
        control[a + 3],
        control[a + 4],
        control[a + 5],
        control[a + 6],
        control[a + 7],
        control[a + 8],
        j0,
        j1,
      );
      return;
    case JOB_GEMM_ABT_ROWS: {
      // columns j0… of C are rows j0… of B: offset both, and the product is an ordinary narrower one
      const ldb = control[a + 6];
      const B = control[a + 5] + j0 * ldb * 4;
      const C = control[a + 7] + j0 * 4;
      w.gemmABtRows(M, j1 - j0, K, control[a + 3], control[a + 4], B, ldb, C, control[a + 8], control[a + 9]);
      return;
    }
  }
}
