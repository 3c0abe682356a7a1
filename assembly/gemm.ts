// C (M, N) = beta · C + A (M, K) · op(B) (K, N), f32, WebAssembly 128-bit SIMD, in the BLIS
// manner: op(B) is packed once into column strips, the product runs in KC × NC cache blocks of
// the packed B, and inside a block 4 × 8 register tiles accumulate in 8 f32x4 registers (each k
// step broadcasts 4 values of A straight from memory and loads one 8-wide row of the strip).
//
// Packed layout of op(B) (K × N floats in all):
//   full strips of 8 columns, strip s = columns [8s, 8s + 8): K rows of 8 contiguous floats at
//   P + s·8K; then the last N mod 8 columns as K rows of N mod 8 floats at P + N8·K.
// Reading a strip is one contiguous stream, whatever N is (row-major (K, N) would jump N floats
// per k and, at N = 1024, land every row in the same cache set).
// Tested against the TypeScript reference over odd sizes and strides (test/kernels/wasm.test.ts).

@inline function idx(ptr: usize, i: i32): usize {
  return ptr + (<usize>i << 2);
}

const NR = 8; // columns per strip and per register tile
const MR = 4; // rows per register tile
// Cache blocks: KC rows of NC columns of the packed B (256 × 256 floats = 256 KiB) stay in L2
// while every row block of A passes over them; 4 rows × KC of A (4 KiB) stay in L1.
const KC = 256;
const NC = 256;

// Pack op(B) (K, N) into the strip layout above. transB = 0: B is (K, N) with row stride ldb;
// transB = 1: B is (N, K) with row stride ldb.
export function packB(transB: i32, K: i32, N: i32, B: usize, ldb: i32, P: usize): void {
  const N8 = N - (N % NR);
  for (let j0 = 0; j0 < N8; j0 += NR) {
    const strip = idx(P, j0 * K);
    if (transB == 0) {
      for (let k = 0; k < K; k++) v128.store(idx(strip, k * NR), v128.load(idx(B, k * ldb + j0)));
      for (let k = 0; k < K; k++) v128.store(idx(strip, k * NR + 4), v128.load(idx(B, k * ldb + j0 + 4)));
    } else {
      for (let c = 0; c < NR; c++) {
        const src = idx(B, (j0 + c) * ldb);
        for (let k = 0; k < K; k++) store<f32>(idx(strip, k * NR + c), load<f32>(src + (<usize>k << 2)));
      }
    }
  }
  const rest = N - N8;
  const tail = idx(P, N8 * K);
  for (let c = 0; c < rest; c++) {
    for (let k = 0; k < K; k++) {
      const v = transB == 0 ? load<f32>(idx(B, k * ldb + N8 + c)) : load<f32>(idx(B, (N8 + c) * ldb + k));
      store<f32>(idx(tail, c * K + k), v);
    }
  }
}

// C = beta · C + A · op(B), op(B) in the packed layout of packB. Columns [j0, j1) of C only
// (j0 and, unless j1 = N, j1 are multiples of 8): so threads can share a product by strips, and
// each column is computed the same way whatever the split.
export function gemmPacked(
  M: i32,
  N: i32,
  K: i32,
  A: usize,
  lda: i32,
  P: usize,
  C: usize,
  ldc: i32,
  beta: i32,
  j0: i32,
  j1: i32,
): void {
  const N8 = N - (N % NR);
  const fullEnd = min(j1, N8);
  for (let jc = j0; jc < fullEnd; jc += NC) {
    const jEnd = min(jc + NC, fullEnd);
    for (let kc = 0; kc < K; kc += KC) {
      const kb = min(KC, K - kc);
      // the first K block applies beta; later ones accumulate onto it
      const b = kc == 0 ? beta : 1;
      for (let i = 0; i + MR <= M; i += MR) {
        for (let j = jc; j < jEnd; j += NR) tile4x8(kb, idx(A, i * lda + kc), lda, idx(P, j * K + kc * NR), idx(C, i * ldc + j), ldc, b);
      }
      // the last M mod 4 rows: a 2 × 8 tile, then a 1 × 8 tile
      let i = M - (M % MR);
      if (i + 2 <= M) {
        for (let j = jc; j < jEnd; j += NR) tile2x8(kb, idx(A, i * lda + kc), lda, idx(P, j * K + kc * NR), idx(C, i * ldc + j), ldc, b);
        i += 2;
      }
      if (i < M) {
        for (let j = jc; j < jEnd; j += NR) tile1x8(kb, idx(A, i * lda + kc), idx(P, j * K + kc * NR), idx(C, i * ldc + j), b);
      }
    }
  }
  if (j1 > N8) tailColumns(M, N - N8, K, A, lda, idx(P, N8 * K), idx(C, N8), ldc, beta);
}

// C (4, 8) = beta · C + A (4, K) · S (K, 8), S one strip's K rows of 8.
@inline function tile4x8(K: i32, A: usize, lda: i32, S: usize, C: usize, ldc: i32, beta: i32): void {
  const rowBytes = <usize>lda << 2;
  const a0 = A;
  const a1 = a0 + rowBytes;
  const a2 = a1 + rowBytes;
  const a3 = a2 + rowBytes;
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let p = S;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(p);
    const b1 = v128.load(p, 16);
    const o = <usize>k << 2;
    const x0 = v128.load32_splat(a0 + o);
    c00 = f32x4.add(c00, f32x4.mul(x0, b0));
    c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    const x1 = v128.load32_splat(a1 + o);
    c10 = f32x4.add(c10, f32x4.mul(x1, b0));
    c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    const x2 = v128.load32_splat(a2 + o);
    c20 = f32x4.add(c20, f32x4.mul(x2, b0));
    c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    const x3 = v128.load32_splat(a3 + o);
    c30 = f32x4.add(c30, f32x4.mul(x3, b0));
    c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    p += NR << 2;
  }
  const rowC = <usize>ldc << 2;
  storeTile(C, c00, c01, beta);
  storeTile(C + rowC, c10, c11, beta);
  storeTile(C + 2 * rowC, c20, c21, beta);
  storeTile(C + 3 * rowC, c30, c31, beta);
}

// C (2, 8) = beta · C + A (2, K) · S (K, 8).
@inline function tile2x8(K: i32, A: usize, lda: i32, S: usize, C: usize, ldc: i32, beta: i32): void {
  const a0 = A;
  const a1 = A + (<usize>lda << 2);
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let p = S;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(p);
    const b1 = v128.load(p, 16);
    const o = <usize>k << 2;
    const x0 = v128.load32_splat(a0 + o);
    c00 = f32x4.add(c00, f32x4.mul(x0, b0));
    c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    const x1 = v128.load32_splat(a1 + o);
    c10 = f32x4.add(c10, f32x4.mul(x1, b0));
    c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    p += NR << 2;
  }
  storeTile(C, c00, c01, beta);
  storeTile(C + (<usize>ldc << 2), c10, c11, beta);
}

// C (1, 8) = beta · C + A (1, K) · S (K, 8): the last M mod 4 rows, every row of a thin product.
@inline function tile1x8(K: i32, A: usize, S: usize, C: usize, beta: i32): void {
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let p = S;
  for (let k = 0; k < K; k++) {
    const x = v128.load32_splat(A + (<usize>k << 2));
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(p)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(p, 16)));
    p += NR << 2;
  }
  storeTile(C, c0, c1, beta);
}

// The last `cols` (< 8) columns: C (M, cols) = beta · C + A (M, K) · T, where T holds each
// column as K contiguous floats: one SIMD dot product per entry.
function tailColumns(M: i32, cols: i32, K: i32, A: usize, lda: i32, T: usize, C: usize, ldc: i32, beta: i32): void {
  for (let r = 0; r < M; r++) {
    const a = idx(A, r * lda);
    for (let c = 0; c < cols; c++) {
      const s = dot(K, a, idx(T, c * K));
      const out = idx(C, r * ldc + c);
      store<f32>(out, beta != 0 ? load<f32>(out) + s : s);
    }
  }
}

// Σ x[k]·y[k] over K contiguous floats: 4 lanes, then the lanes and the last K mod 4 in order.
@inline function dot(K: i32, x: usize, y: usize): f32 {
  const K4 = K - (K % 4);
  let acc = f32x4.splat(0);
  for (let k = 0; k < K4; k += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(idx(x, k)), v128.load(idx(y, k))));
  let s = hsum(acc);
  for (let k = K4; k < K; k++) s += load<f32>(idx(x, k)) * load<f32>(idx(y, k));
  return s;
}

// dst (cols, rows) = transpose of src (rows, cols) with row stride ld; dst is contiguous. In
// 16 × 16 blocks, so both the rows read and the rows written stay in L1 (a plain double loop
// strides `rows` floats per write and misses the cache at every element for large matrices).
const TB = 16;
export function transpose(rows: i32, cols: i32, src: usize, ld: i32, dst: usize): void {
  for (let r0 = 0; r0 < rows; r0 += TB) {
    const r1 = min(r0 + TB, rows);
    for (let c0 = 0; c0 < cols; c0 += TB) {
      const c1 = min(c0 + TB, cols);
      for (let r = r0; r < r1; r++) {
        const s = idx(src, r * ld);
        for (let c = c0; c < c1; c++) store<f32>(idx(dst, c * rows + r), load<f32>(s + (<usize>c << 2)));
      }
    }
  }
}

@inline function storeTile(c: usize, v0: v128, v1: v128, beta: i32): void {
  if (beta != 0) {
    v0 = f32x4.add(v0, v128.load(c));
    v1 = f32x4.add(v1, v128.load(c, 16));
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
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
