import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Floats } from '../../src/kernels/index.js';
import { RefKernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

// The element-wise and row-wise kernels of each compiled backend against the TypeScript reference: lengths
// around the 4-lane SIMD width and primes, and a sentinel tail past the data that must stay
// untouched. While the backend's method runs, the reference method it could fall back to throws,
// so a silent fallback fails the test.
const LENGTHS = [1, 3, 4, 5, 7, 8, 9, 13, 17, 1031];
const TAIL = 5;
const SENTINEL = -555;

type Method = keyof RefKernels & string;

function wasmOnly<T>(method: Method, run: () => T): T {
  const proto = RefKernels.prototype as unknown as Record<string, unknown>;
  const original = proto[method];
  proto[method] = () => {
    throw new Error(`${method} fell back to the reference loop`);
  };
  try {
    return run();
  } finally {
    proto[method] = original;
  }
}

function close(actual: Floats, expected: Floats, tol: number, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const x = expected[i] as number;
    const y = actual[i] as number;
    assert.ok(Math.abs(x - y) <= tol * Math.max(1, Math.abs(x)), `${what}[${i}]: ref=${x} fast=${y}`);
  }
}

for (const backend of FAST_BACKENDS)
  describe(`${backend.label} element-wise kernels`, { skip: backend.skip }, () => {
    const wasm = backend.make(1);
    const ref = new RefKernels('float32');

    /** The same random values in both backends' memories, with a sentinel tail past `n`. */
    function pair(n: number, rng: Rng, lo = -1, hi = 1): [Floats, Floats] {
      const a = ref.alloc(n + TAIL);
      const b = wasm.alloc(n + TAIL);
      for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
      a.fill(SENTINEL, n);
      b.set(a);
      return [a, b];
    }

    it('scale, addInPlace and sumSquares', () => {
      const rng = new Rng(3);
      for (const n of LENGTHS) {
        const [xa, xb] = pair(n, rng);
        const [ya, yb] = pair(n, rng);
        ref.addInPlace(n, xa, ya);
        wasmOnly('addInPlace', () => wasm.addInPlace(n, xb, yb));
        close(yb, ya, 0, `addInPlace n=${n}`);
        ref.scale(n, ya, -0.37);
        wasmOnly('scale', () => wasm.scale(n, yb, -0.37));
        close(yb, ya, 2e-7, `scale n=${n}`); // the factor is rounded to float32 first: 1 ulp
        const s = wasmOnly('sumSquares', () => wasm.sumSquares(n, yb));
        assert.ok(Math.abs(s - ref.sumSquares(n, ya)) <= 1e-6 * s, `sumSquares n=${n}`);
      }
    });

    it('fillRows and addColumnSums, with a row stride wider than the data', () => {
      const rng = new Rng(5);
      for (const M of [1, 4, 7]) {
        for (const N of [1, 5, 8, 13]) {
          const ldc = N + 3;
          const [biasA, biasB] = pair(N, rng);
          const [ca, cb] = pair(M * ldc, rng);
          ref.fillRows(M, N, biasA, ca, ldc);
          wasmOnly('fillRows', () => wasm.fillRows(M, N, biasB, cb, ldc));
          close(cb, ca, 0, `fillRows ${M}×${N}`);
          const [aa, ab] = pair(M * N, rng);
          const [outA, outB] = pair(N, rng);
          ref.addColumnSums(M, N, aa, outA);
          wasmOnly('addColumnSums', () => wasm.addColumnSums(M, N, ab, outB));
          close(outB, outA, 1e-6, `addColumnSums ${M}×${N}`);
        }
      }
    });

    it('the fused LSTM cell backward, dcPrev aliasing dc included', () => {
      const rng = new Rng(7);
      for (const [B, H] of [
        [1, 1],
        [3, 5],
        [2, 8],
        [4, 17],
      ] as const) {
        for (const alias of [false, true]) {
          const [dhA, dhB] = pair(B * H, rng);
          const [dcA, dcB] = pair(B * H, rng);
          const [gA, gB] = pair(B * 4 * H, rng, 0, 1); // activated gates
          for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) gA[b * 4 * H + 2 * H + j] = rng.uniform(-1, 1);
          gB.set(gA);
          const [cpA, cpB] = pair(B * H, rng, -2, 2);
          const [thA, thB] = pair(B * H, rng);
          const [dgA, dgB] = pair(B * 4 * H, rng);
          const [dcpA, dcpB] = alias ? [dcA, dcB] : pair(B * H, rng);
          ref.lstmCellBackward(B, H, dhA, dcA, gA, cpA, thA, dgA, dcpA);
          wasmOnly('lstmCellBackward', () => wasm.lstmCellBackward(B, H, dhB, dcB, gB, cpB, thB, dgB, dcpB));
          close(dgB, dgA, 1e-6, `dGates B×H=${B}×${H}`);
          close(dcpB, dcpA, 1e-6, `dcPrev B×H=${B}×${H} alias=${alias}`);
        }
      }
    });

    it('softmax cross-entropy: loss and gradient, in place and not, with large logits', () => {
      const rng = new Rng(9);
      for (const [N, V] of [
        [1, 1],
        [3, 5],
        [7, 65],
        [2, 130],
      ] as const) {
        for (const inPlace of [false, true]) {
          const [za, zb] = pair(N * V, rng, -4, 4);
          za[0] = 80; // exp(80) overflows float32 unless the max is subtracted first
          zb[0] = 80;
          const targets = Int32Array.from({ length: N }, () => rng.int(V));
          const [da, db] = inPlace ? [za, zb] : pair(N * V, rng);
          const lossA = ref.softmaxCrossEntropy(N, V, za, targets, da, 0.25);
          const lossB = wasmOnly('softmaxCrossEntropy', () => wasm.softmaxCrossEntropy(N, V, zb, targets, db, 0.25));
          assert.ok(Math.abs(lossA - lossB) <= 1e-5 * Math.max(1, lossA), `loss ${lossA} vs ${lossB}`);
          close(db, da, 1e-6, `dLogits N×V=${N}×${V}`);
        }
      }
    });

    it('Adam/AdamW and SGD (momentum, Nesterov, L2) updates over several steps', () => {
      const rng = new Rng(11);
      for (const n of LENGTHS) {
        const [pa, pb] = pair(n, rng);
        const [ma, mb] = pair(n, rng, 0, 0);
        const [va, vb] = pair(n, rng, 0, 0);
        for (let t = 1; t <= 3; t++) {
          const [ga, gb] = pair(n, rng);
          const args = [2e-3, 0.9, 0.999, 1e-8, 1e-4, 1e-2, 1 - 0.9 ** t, 1 - 0.999 ** t] as const;
          ref.adamUpdate(n, pa, ga, ma, va, ...args);
          wasmOnly('adamUpdate', () => wasm.adamUpdate(n, pb, gb, mb, vb, ...args));
        }
        close(pb, pa, 1e-5, `adam p n=${n}`);
        close(mb, ma, 1e-6, `adam m n=${n}`);
        close(vb, va, 1e-6, `adam v n=${n}`);
        for (const nesterov of [false, true]) {
          const [bufA, bufB] = pair(n, rng, 0, 0);
          for (let t = 0; t < 3; t++) {
            const [ga, gb] = pair(n, rng);
            ref.sgdUpdate(n, pa, ga, bufA, 0.1, 0.9, 1e-3, nesterov);
            wasmOnly('sgdUpdate', () => wasm.sgdUpdate(n, pb, gb, bufB, 0.1, 0.9, 1e-3, nesterov));
          }
          close(pb, pa, 1e-5, `sgd p n=${n} nesterov=${nesterov}`);
          close(bufB, bufA, 1e-5, `sgd buf n=${n}`);
        }
      }
    });
  });
