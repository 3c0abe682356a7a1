import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefKernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';

// Sizes around the 4 × 2 (and 1 × 4) register blocks: 1, tile − 1, tile, tile + 1 and primes.
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 13];
const PAD = 3; // extra columns in every row: strides wider than the data
const SENTINEL = -777;

/** Naive C = beta·C + op(A)·op(B) in float64, straight from the definition. */
function naive(
  tA: boolean,
  tB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float64Array,
  lda: number,
  B: Float64Array,
  ldb: number,
  C: Float64Array,
  ldc: number,
  beta: 0 | 1,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = tA ? A[k * lda + i] : A[i * lda + k];
        const b = tB ? B[j * ldb + k] : B[k * ldb + j];
        s += (a as number) * (b as number);
      }
      C[i * ldc + j] = beta === 0 ? s : (C[i * ldc + j] as number) + s;
    }
  }
}

function filled(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

describe('reference kernels', () => {
  const k = new RefKernels('float64');
  for (const [tA, tB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    it(`gemm ${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'} matches the definition over odd sizes and wide strides, padding untouched`, () => {
      const rng = new Rng(11);
      for (const M of SIZES) {
        for (const N of SIZES) {
          for (const K of [1, 3, 8, 17]) {
            const aRows = tA ? K : M;
            const aCols = tA ? M : K;
            const bRows = tB ? N : K;
            const bCols = tB ? K : N;
            const lda = aCols + PAD;
            const ldb = bCols + PAD;
            const ldc = N + PAD;
            const A = filled(aRows * lda, rng);
            const B = filled(bRows * ldb, rng);
            for (const beta of [0, 1] as const) {
              const C = filled(M * ldc, rng);
              for (let i = 0; i < M; i++) C.fill(SENTINEL, i * ldc + N, (i + 1) * ldc);
              const expected = Float64Array.from(C);
              naive(tA, tB, M, N, K, A, lda, B, ldb, expected, ldc, beta);
              k.gemm(tA, tB, M, N, K, A, lda, B, ldb, C, ldc, beta);
              for (let i = 0; i < C.length; i++) {
                const diff = Math.abs((C[i] as number) - (expected[i] as number));
                assert.ok(
                  diff < 1e-12,
                  `at ${i} (row ${Math.floor(i / ldc)}, col ${i % ldc}): ref=${C[i]}, naive=${expected[i]}, M×N×K=${M}×${N}×${K} beta=${beta}`,
                );
              }
            }
          }
        }
      }
    });
  }

  it('packB + gemmPrepacked equal gemm for both layouts of B, odd sizes and wide strides', () => {
    const rng = new Rng(12);
    for (const transB of [false, true]) {
      for (const [M, N, K] of [
        [1, 1, 1],
        [5, 9, 3],
        [8, 4, 13],
        [3, 17, 8],
      ] as const) {
        const ldb = (transB ? K : N) + PAD;
        const A = filled(M * (K + PAD), rng);
        const B = filled((transB ? N : K) * ldb, rng);
        const packed = new Float64Array(K * N);
        k.packB(transB, K, N, B, ldb, packed);
        for (const beta of [0, 1] as const) {
          const C = filled(M * N, rng);
          const expected = Float64Array.from(C);
          k.gemm(false, transB, M, N, K, A, K + PAD, B, ldb, expected, N, beta);
          k.gemmPrepacked(M, N, K, A, K + PAD, packed, C, N, beta);
          for (let i = 0; i < C.length; i++) assert.ok(Math.abs((C[i] as number) - (expected[i] as number)) < 1e-12);
        }
      }
    }
  });

  it('float32 gemm stays within a K-scaled tolerance of float64', () => {
    const k32 = new RefKernels('float32');
    const rng = new Rng(5);
    const [M, N, K] = [37, 29, 301];
    const A = filled(M * K, rng);
    const B = filled(N * K, rng);
    const C64 = new Float64Array(M * N);
    k.gemm(false, true, M, N, K, A, K, B, K, C64, N, 0);
    const C32 = new Float32Array(M * N);
    k32.gemm(false, true, M, N, K, Float32Array.from(A), K, Float32Array.from(B), K, C32, N, 0);
    for (let i = 0; i < C32.length; i++) assert.ok(Math.abs((C32[i] as number) - (C64[i] as number)) < 1e-6 * K);
  });

  it('the LSTM cell is stable for pre-activations of ±300 (σ and tanh saturate, never NaN)', () => {
    const H = 2;
    const gates = Float64Array.from([300, -300, 300, -300, -300, 300, -300, 300]);
    const cPrev = Float64Array.from([0.5, -0.5]);
    const c = new Float64Array(2);
    const tanhC = new Float64Array(2);
    const h = new Float64Array(2);
    k.lstmCellForward(1, H, gates, cPrev, c, tanhC, h);
    const near = (a: ArrayLike<number>, b: number[]): boolean =>
      b.every((v, i) => Math.abs((a[i] as number) - v) < 1e-12);
    // rows [i i | f f | g g | o o]: σ(±300) is 1 or 5e-131, tanh(±300) is ±1
    assert.ok(near(gates, [1, 0, 1, 0, -1, 1, 0, 1]), `gates ${Array.from(gates)}`);
    // c = f·cPrev + i·g: unit 0 has i=1, f=1, g=−1 → 0.5 − 1; unit 1 has i≈0, f≈0 → 0
    assert.ok(near(c, [-0.5, 0]), `c ${Array.from(c)}`);
    for (const v of [...tanhC, ...h]) assert.ok(Number.isFinite(v));
  });

  it('softmax cross-entropy handles logits of ±300 without overflow', () => {
    const logits = Float64Array.from([300, -300, 0, 299]);
    const d = new Float64Array(4);
    const loss = k.softmaxCrossEntropy(1, 4, logits, Int32Array.from([3]), d, 1);
    // −log softmax[3] = log(e^0 + e^−1 + …) ≈ log(1 + e^−1) + 1 … computed relative to the max 300
    assert.ok(Math.abs(loss - (Math.log(1 + Math.exp(-1)) + 1)) < 1e-12);
    assert.ok(d.every((v) => Number.isFinite(v)));
  });
});
