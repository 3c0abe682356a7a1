// C (M, N) = beta · C + A (M, K) · P (K, N), f32, WebAssembly 128-bit SIMD.
// A: row stride lda (elements). P: B packed by the caller into K rows of N contiguous values
// (row stride N). C: row stride ldc. Blocked in KC × NC blocks of P for the cache; inside a block,
// tiles of 4 rows × 8 columns with 8 f32x4 accumulators (each k step broadcasts 4 values of A and
// loads 2 vectors of P); leftover rows take 1 × 8 tiles, leftover columns scalars.
// Tested against the TypeScript reference over odd sizes and strides (test/kernels/wasm.test.ts).

@inline function idx(ptr: usize, i: i32): usize {
  return ptr + (<usize>i << 2);
}

// Cache blocks: a KC × NC block of P (256 × 256 floats = 256 KiB) stays in L2 while every row
// block of A passes over it.
const KC = 256;
const NC = 256;

export function gemmPacked(M: i32, N: i32, K: i32, A: usize, lda: i32, P: usize, C: usize, ldc: i32, beta: i32): void {
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let kc = 0; kc < K; kc += KC) {
      const kb = min(KC, K - kc);
      // the first K block applies beta; later ones accumulate onto it
      tiles(M, nc, kb, idx(A, kc), lda, idx(P, kc * N + jc), N, idx(C, jc), ldc, kc == 0 ? beta : 1);
    }
  }
}

// C (M, N) = beta · C + A (M, K) · P (K, N) with P's row stride ldp: the register tiles.
function tiles(M: i32, N: i32, K: i32, A: usize, lda: i32, P: usize, ldp: i32, C: usize, ldc: i32, beta: i32): void {
  const M4 = M - (M % 4);
  const N8 = N - (N % 8);
  for (let i = 0; i < M4; i += 4) {
    const a0 = idx(A, i * lda);
    const a1 = idx(A, (i + 1) * lda);
    const a2 = idx(A, (i + 2) * lda);
    const a3 = idx(A, (i + 3) * lda);
    for (let j = 0; j < N8; j += 8) {
      let c00 = f32x4.splat(0);
      let c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0);
      let c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0);
      let c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0);
      let c31 = f32x4.splat(0);
      let p = idx(P, j);
      const pStep = <usize>ldp << 2;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(p);
        const b1 = v128.load(p, 16);
        const o = <usize>k << 2;
        const x0 = f32x4.splat(load<f32>(a0 + o));
        const x1 = f32x4.splat(load<f32>(a1 + o));
        const x2 = f32x4.splat(load<f32>(a2 + o));
        const x3 = f32x4.splat(load<f32>(a3 + o));
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        p += pStep;
      }
      storeTile(idx(C, i * ldc + j), c00, c01, beta);
      storeTile(idx(C, (i + 1) * ldc + j), c10, c11, beta);
      storeTile(idx(C, (i + 2) * ldc + j), c20, c21, beta);
      storeTile(idx(C, (i + 3) * ldc + j), c30, c31, beta);
    }
    for (let r = i; r < i + 4; r++) scalarRow(r, N8, N, K, A, lda, P, ldp, C, ldc, beta);
  }
  // the last M % 4 rows (every row of a matrix-vector product): 1 × 8 tiles, then scalars
  for (let r = M4; r < M; r++) {
    const a = idx(A, r * lda);
    for (let j = 0; j < N8; j += 8) {
      let c0 = f32x4.splat(0);
      let c1 = f32x4.splat(0);
      let p = idx(P, j);
      const pStep = <usize>ldp << 2;
      for (let k = 0; k < K; k++) {
        const x = f32x4.splat(load<f32>(a + (<usize>k << 2)));
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(p)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(p, 16)));
        p += pStep;
      }
      storeTile(idx(C, r * ldc + j), c0, c1, beta);
    }
    scalarRow(r, N8, N, K, A, lda, P, ldp, C, ldc, beta);
  }
}

// dst (cols, rows) = transpose of src (rows, cols) with row stride ld; dst is contiguous.
export function transpose(rows: i32, cols: i32, src: usize, ld: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    const s = idx(src, r * ld);
    for (let c = 0; c < cols; c++) store<f32>(idx(dst, c * rows + r), load<f32>(s + (<usize>c << 2)));
  }
}

// dst (rows, cols) contiguous = src (rows, cols) with row stride ld.
export function copyRows(rows: i32, cols: i32, src: usize, ld: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) memory.copy(idx(dst, r * cols), idx(src, r * ld), <usize>cols << 2);
}

@inline function storeTile(c: usize, v0: v128, v1: v128, beta: i32): void {
  if (beta != 0) {
    v0 = f32x4.add(v0, v128.load(c));
    v1 = f32x4.add(v1, v128.load(c, 16));
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

// C[r, j0..j1) for one row: plain dot products against the packed columns
function scalarRow(r: i32, j0: i32, j1: i32, K: i32, A: usize, lda: i32, P: usize, ldp: i32, C: usize, ldc: i32, beta: i32): void {
  const a = idx(A, r * lda);
  for (let j = j0; j < j1; j++) {
    let s: f32 = 0;
    for (let k = 0; k < K; k++) s += load<f32>(a + (<usize>k << 2)) * load<f32>(idx(P, k * ldp + j));
    const c = idx(C, r * ldc + j);
    store<f32>(c, beta != 0 ? load<f32>(c) + s : s);
  }
}

// C (M, N) = beta · C + A (M, K) · Bᵀ, B (N, K) read in place (no packing): for small M
// (batch-1 generation, matrix-vector), where packing B would cost as much as the product itself.
// Each output is a dot product of two contiguous rows; 4 columns at a time share the A loads.
export function gemmABtRows(M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: i32): void {
  const K4 = K - (K % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M; i++) {
    const a = idx(A, i * lda);
    for (let j = 0; j < N4; j += 4) {
      const b0 = idx(B, j * ldb);
      const b1 = idx(B, (j + 1) * ldb);
      const b2 = idx(B, (j + 2) * ldb);
      const b3 = idx(B, (j + 3) * ldb);
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let s2 = f32x4.splat(0);
      let s3 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const o = <usize>k << 2;
        const x = v128.load(a + o);
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(b0 + o)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(b1 + o)));
        s2 = f32x4.add(s2, f32x4.mul(x, v128.load(b2 + o)));
        s3 = f32x4.add(s3, f32x4.mul(x, v128.load(b3 + o)));
      }
      let t0 = hsum(s0);
      let t1 = hsum(s1);
      let t2 = hsum(s2);
      let t3 = hsum(s3);
      for (let k = K4; k < K; k++) {
        const x = load<f32>(a + (<usize>k << 2));
        t0 += x * load<f32>(b0 + (<usize>k << 2));
        t1 += x * load<f32>(b1 + (<usize>k << 2));
        t2 += x * load<f32>(b2 + (<usize>k << 2));
        t3 += x * load<f32>(b3 + (<usize>k << 2));
      }
      const c = idx(C, i * ldc + j);
      if (beta != 0) {
        t0 += load<f32>(c);
        t1 += load<f32>(c, 4);
        t2 += load<f32>(c, 8);
        t3 += load<f32>(c, 12);
      }
      store<f32>(c, t0);
      store<f32>(c, t1, 4);
      store<f32>(c, t2, 8);
      store<f32>(c, t3, 12);
    }
    for (let j = N4; j < N; j++) {
      const b = idx(B, j * ldb);
      let t: f32 = 0;
      for (let k = 0; k < K; k++) t += load<f32>(a + (<usize>k << 2)) * load<f32>(b + (<usize>k << 2));
      const c = idx(C, i * ldc + j);
      store<f32>(c, beta != 0 ? load<f32>(c) + t : t);
    }
  }
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
