/**
 * How the main thread and the kernel workers share a product: a control block of Int32 words in
 * the shared WebAssembly.Memory, and the rule that splits a job into per-thread shares.
 *
 * A job: the main thread writes KIND, NTHREADS and the arguments, zeroes DONE, then increments
 * GENERATION and notifies. Each worker with index < NTHREADS computes its share and increments
 * DONE; the main thread computes share 0 itself and waits until DONE = NTHREADS − 1. A worker
 * reads GENERATION before it announces itself in READY, so the first job that counts it is one it
 * sees. Workers get indices 1, 2, … in the order they become ready; until then the main thread
 * splits jobs among the threads that are ready (possibly only itself), and because a share is a
 * set of whole 8-column strips computed the same way whatever the split, the numbers do not depend
 * on how many threads took part.
 */
import type { ShareExports } from './wasm-exports.js';

/** Control block words (Int32 indices). */
export const GENERATION = 0;
export const DONE = 1;
export const READY = 2;
export const NTHREADS = 3;
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
