import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kernels, RefKernels, WasmKernels, wasmUnavailableReason } from '../../src/kernels/index.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { ParamArena } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

// Sizes around the 4 × 8 register tile and the 1 × 8 edge tile: 1, tile − 1, tile, tile + 1, primes.
const SIZES = [1, 3, 4, 5, 7, 8, 9, 13, 17];
const PAD = 5; // row strides wider than the data
const SENTINEL = -555;

// Each compiled backend's kernels against the TypeScript reference (and, at the end, what only the
// WebAssembly backend has: its growing memory and its SIMD-path counter).
for (const backend of FAST_BACKENDS)
  describe(`${backend.label} kernels`, { skip: backend.skip }, () => {
    const wasm = backend.make(1);
    const ref = new RefKernels('float32');
    const simdCalls = (): number => (wasm instanceof WasmKernels ? wasm.simdGemmCalls : 0);

    function filled(n: number, rng: Rng): Float32Array {
      const a = wasm.alloc(n) as Float32Array;
      for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
      return a;
    }

    for (const [tA, tB] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      it(`gemm ${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'} matches the reference over edge sizes, wide strides, padding untouched`, () => {
        const rng = new Rng(21);
        const before = simdCalls();
        let calls = 0;
        for (const M of SIZES) {
          for (const N of SIZES) {
            for (const K of [1, 2, 9, 33]) {
              const lda = (tA ? M : K) + PAD;
              const ldb = (tB ? K : N) + PAD;
              const ldc = N + PAD;
              const A = filled((tA ? K : M) * lda, rng);
              const B = filled((tB ? N : K) * ldb, rng);
              for (const beta of [0, 1] as const) {
                const C = filled(M * ldc, rng);
                for (let i = 0; i < M; i++) C.fill(SENTINEL, i * ldc + N, (i + 1) * ldc);
                const expected = Float32Array.from(C);
                ref.gemm(tA, tB, M, N, K, A, lda, B, ldb, expected, ldc, beta);
                wasm.gemm(tA, tB, M, N, K, A, lda, B, ldb, C, ldc, beta);
                calls++;
                for (let i = 0; i < C.length; i++) {
                  const diff = Math.abs((C[i] as number) - (expected[i] as number));
                  // float32 sums in another order: the tolerance grows with the reduction length
                  assert.ok(
                    diff <= 1e-6 * (K + 1) * 4,
                    `at (${Math.floor(i / ldc)},${i % ldc}): ref=${expected[i]}, ${backend.label}=${C[i]}, M×N×K=${M}×${N}×${K} beta=${beta}`,
                  );
                }
              }
            }
          }
        }
        if (wasm instanceof WasmKernels)
          assert.equal(simdCalls() - before, calls, 'every product must run in the SIMD kernel');
      });
    }

    it('packB + gemmPrepacked match the reference for both layouts of B, edge sizes included', () => {
      const rng = new Rng(41);
      for (const transB of [false, true]) {
        for (const [M, N, K] of [
          [1, 1, 1],
          [5, 9, 3],
          [50, 512, 128],
          [7, 33, 129],
          [13, 600, 530], // beyond the 256 × 256 cache blocks in K and in N
        ] as const) {
          const ldb = (transB ? K : N) + PAD;
          const A = filled(M * K, rng);
          const B = filled((transB ? N : K) * ldb, rng);
          const packed = wasm.alloc(wasm.packedLength(K, N));
          wasm.packB(transB, K, N, B, ldb, packed);
          const C = filled(M * N, rng);
          const expected = Float32Array.from(C);
          ref.gemm(false, transB, M, N, K, A, K, B, ldb, expected, N, 1);
          const before = simdCalls();
          wasm.gemmPrepacked(M, N, K, A, K, packed, C, N, 1);
          if (wasm instanceof WasmKernels) assert.equal(simdCalls(), before + 1);
          for (let i = 0; i < C.length; i++)
            assert.ok(Math.abs((C[i] as number) - (expected[i] as number)) <= 4e-6 * (K + 1));
        }
      }
    });

    it('the fused LSTM cell forward matches the reference, saturating inputs of ±300 included', () => {
      const rng = new Rng(31);
      for (const [B, H] of [
        [1, 1],
        [3, 5],
        [4, 17],
      ] as const) {
        const make = (k: Kernels) => {
          const gates = k.alloc(B * 4 * H);
          const cPrev = k.alloc(B * H);
          return { gates, cPrev, c: k.alloc(B * H), tanhC: k.alloc(B * H), h: k.alloc(B * H) };
        };
        const a = make(ref);
        const b = make(wasm);
        for (let i = 0; i < a.gates.length; i++)
          a.gates[i] = i % 11 === 0 ? (i % 2 === 0 ? 300 : -300) : rng.uniform(-6, 6);
        for (let i = 0; i < a.cPrev.length; i++) a.cPrev[i] = rng.uniform(-2, 2);
        b.gates.set(a.gates);
        b.cPrev.set(a.cPrev);
        ref.lstmCellForward(B, H, a.gates, a.cPrev, a.c, a.tanhC, a.h);
        wasm.lstmCellForward(B, H, b.gates, b.cPrev, b.c, b.tanhC, b.h);
        for (const key of ['gates', 'c', 'tanhC', 'h'] as const) {
          for (let i = 0; i < a[key].length; i++) {
            const x = a[key][i] as number;
            const y = b[key][i] as number;
            assert.ok(
              Number.isFinite(y) && Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x)),
              `${key}[${i}] ref=${x} ${backend.label}=${y} B×H=${B}×${H}`,
            );
          }
        }
      }
    });

    it('σ and tanh of the vectorised cell are within 2e-7 of float64 over a dense grid of ±20', () => {
      // pre-activations −20 … 20 in steps of 1/64, in every gate and in every lane position
      const H = 2563; // 2563 = 4 · 640 + 3: the scalar tail takes the last 3 units of each gate
      const gates = wasm.alloc(4 * H);
      for (let i = 0; i < gates.length; i++) gates[i] = -20 + ((i * 7) % 2561) / 64;
      const input = Float64Array.from(gates);
      const cPrev = wasm.alloc(H);
      wasm.lstmCellForward(1, H, gates, cPrev, wasm.alloc(H), wasm.alloc(H), wasm.alloc(H));
      for (let i = 0; i < gates.length; i++) {
        const x = input[i] as number;
        const exact = Math.floor(i / H) === 2 ? Math.tanh(x) : 1 / (1 + Math.exp(-x));
        assert.ok(
          Math.abs((gates[i] as number) - exact) <= 2e-7,
          `gate ${Math.floor(i / H)} at ${x}: ${gates[i]} vs ${exact}`,
        );
      }
    });
  });

describe('WebAssembly backend', { skip: wasmUnavailableReason() }, () => {
  it('views handed out before the memory grows stay valid and shared with the kernels', () => {
    const k = new WasmKernels();
    const A = k.alloc(4 * 3) as Float32Array;
    const B = k.alloc(3 * 8) as Float32Array;
    A.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    B.fill(1);
    k.alloc(40 * 1024 * 1024); // 160 MB: forces the memory to grow
    const C = k.alloc(4 * 8) as Float32Array;
    k.gemm(false, false, 4, 8, 3, A, 3, B, 8, C, 8, 0);
    assert.equal(k.simdGemmCalls, 1, 'views from before the growth must still take the SIMD path');
    assert.deepEqual(Array.from(C.subarray(0, 8)), new Array(8).fill(6));
    assert.deepEqual(Array.from(C.subarray(24, 32)), new Array(8).fill(33));
  });

  it('an LSTM forward and backward on the WebAssembly backend match the reference (float32)', () => {
    const opts = { inputSize: 5, hiddenSize: 12, numLayers: 2 };
    const run = (k: Kernels) => {
      const arena = new ParamArena(k, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
      const rng = new Rng(8);
      for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.5, 0.5);
      const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
      const x = k.alloc(6 * 3 * 5);
      for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
      const dy = k.alloc(6 * 3 * 12);
      for (let i = 0; i < dy.length; i++) dy[i] = rng.uniform(-1, 1);
      const y = Float32Array.from(lstm.forward(x, 6, 3, null, null).y);
      const { dx } = lstm.backward(dy, null, null);
      return { y, dx: Float32Array.from(dx), grads: Float32Array.from(arena.grads) };
    };
    const a = run(new RefKernels('float32'));
    const wasmKernels = new WasmKernels();
    const b = run(wasmKernels);
    assert.ok(wasmKernels.simdGemmCalls > 10);
    for (const key of ['y', 'dx', 'grads'] as const) {
      for (let i = 0; i < a[key].length; i++) {
        assert.ok(Math.abs((a[key][i] as number) - (b[key][i] as number)) < 1e-5, `${key}[${i}]`);
      }
    }
  });
});
