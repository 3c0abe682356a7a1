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

/** The WebAssembly exports a share needs (a subset of the kernel module's exports). */
export interface ShareExports {
  gemmPacked(
    M: number,
    N: number,
    K: number,
    A: number,
    lda: number,
    P: number,
    C: number,
    ldc: number,
    beta: number,
    j0: number,
    j1: number,
  ): void;
  gemmABtRows(
    M: number,
    N: number,
    K: number,
    A: number,
    lda: number,
    B: number,
    ldb: number,
    C: number,
    ldc: number,
    beta: number,
  ): void;
}

/** Columns [j0, j1) of N for share t of nt: whole strips of 8, the last share takes the rest. */
export function shareColumns(N: number, t: number, nt: number): [number, number] {
  const strips = Math.ceil(N / 8);
  const j0 = Math.floor((t * strips) / nt) * 8;
  const j1 = Math.min(Math.floor(((t + 1) * strips) / nt) * 8, N);
  return [Math.min(j0, N), j1];
}

/** Compute share t of nt of the job described in the control block. */
export function runShare(w: ShareExports, control: Int32Array, t: number, nt: number): void {
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
