import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Floats, type Kernels, NativeKernels, nativeUnavailableReason } from '../../src/kernels/index.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { ParamArena } from '../../src/nn/params.js';
import '../../src/node/native-addon.js';
import { Rng } from '../../src/rng.js';

// The addon's pool splits products by whole register-tile panels of rows or columns (never the
// sum over k), cell steps by rows, and flat reductions by fixed chunks added in order; so every
// number must be bit-identical on 1, 2 and 3 threads, and from run to run.

function filled(k: Kernels, n: number, seed: number, lo = -1, hi = 1): Floats {
  const a = k.alloc(n);
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

describe('native backend with threads', { skip: nativeUnavailableReason() }, () => {
  const backends = [1, 2, 3].map((threads) => new NativeKernels({ threads }));

  function sameOnEveryThreadCount(what: string, run: (k: Kernels) => ArrayLike<number>): void {
    const first = Array.from(run(backends[0] as Kernels));
    for (const k of backends) {
      assert.deepEqual(Array.from(run(k)), first, `${what}: ${(k as NativeKernels).threads} threads`);
      assert.deepEqual(Array.from(run(k)), first, `${what}: ${(k as NativeKernels).threads} threads, run again`);
    }
  }

  it('every product variant, packed or not, over sizes that split unevenly', () => {
    for (const [tA, tB] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      for (const [M, N, K] of [
        [67, 203, 131], // column panels, the last partial
        [64, 2048, 512], // the C2 recurrent product
        [300, 17, 700], // few columns: split by rows
        [1, 2050, 513], // matrix-vector (A·Bᵀ: dot products along rows of B)
      ] as const) {
        for (const beta of [0, 1] as const) {
          sameOnEveryThreadCount(`${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'} ${M}×${N}×${K} beta=${beta}`, (k) => {
            const A = filled(k, M * K, 1);
            const B = filled(k, K * N, 2);
            const C = filled(k, M * N, 3);
            k.gemm(tA, tB, M, N, K, A, tA ? M : K, B, tB ? K : N, C, N, beta);
            return C;
          });
        }
      }
    }
    sameOnEveryThreadCount('packB + gemmPrepacked 64×1024×256', (k) => {
      const [M, N, K] = [64, 1024, 256];
      const packed = k.alloc(k.packedLength(K, N));
      k.packB(true, K, N, filled(k, N * K, 4), K, packed);
      const C = filled(k, M * N, 5);
      k.gemmPrepacked(M, N, K, filled(k, M * K, 6), K, packed, C, N, 1);
      return C;
    });
  });

  it('cell forward and backward, softmax cross-entropy, sum of squares and Adam', () => {
    const [B, H] = [37, 259];
    sameOnEveryThreadCount('lstmCellForward', (k) => {
      const gates = filled(k, B * 4 * H, 7, -4, 4);
      const out = [k.alloc(B * H), k.alloc(B * H), k.alloc(B * H)] as const;
      k.lstmCellForward(B, H, gates, filled(k, B * H, 8), ...out);
      return [...gates, ...out[0], ...out[1], ...out[2]];
    });
    sameOnEveryThreadCount('lstmCellBackward', (k) => {
      const dGates = k.alloc(B * 4 * H);
      const dc = filled(k, B * H, 9);
      k.lstmCellBackward(
        B,
        H,
        filled(k, B * H, 10),
        dc,
        filled(k, B * 4 * H, 11, 0, 1),
        filled(k, B * H, 12),
        filled(k, B * H, 13),
        dGates,
        dc,
      );
      return [...dGates, ...dc];
    });
    sameOnEveryThreadCount('softmaxCrossEntropy', (k) => {
      const [N, V] = [2503, 65];
      const logits = filled(k, N * V, 14, -5, 5);
      const targets = Int32Array.from({ length: N }, (_, i) => (i * 7) % V);
      const loss = k.softmaxCrossEntropy(N, V, logits, targets, logits, 1 / N);
      return [loss, ...logits];
    });
    sameOnEveryThreadCount('sumSquares and adamUpdate', (k) => {
      const n = 600_001;
      const p = filled(k, n, 15);
      const m = k.alloc(n);
      const v = k.alloc(n);
      for (let t = 1; t <= 2; t++)
        k.adamUpdate(n, p, filled(k, n, 15 + t), m, v, 1e-3, 0.9, 0.999, 1e-8, 0, 0.01, 1 - 0.9 ** t, 1 - 0.999 ** t);
      return [k.sumSquares(n, p), ...p, ...m, ...v];
    });
  });

  function lstmRun(
    k: Kernels,
    opts: { inputSize: number; hiddenSize: number; numLayers: number },
    T: number,
    B: number,
  ) {
    const arena = new ParamArena(k, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
    const rng = new Rng(3);
    for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.3, 0.3);
    const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
    const out = lstm.forward(filled(k, T * B * opts.inputSize, 4), T, B, filled(k, 2 * B * opts.hiddenSize, 5), null);
    const y = [...out.y, ...out.hN, ...out.cN!];
    const { dx } = lstm.backward(filled(k, T * B * opts.hiddenSize, 6), null, null);
    return [...y, ...dx, ...arena.grads];
  }

  it('the whole-layer forward (lstmLayerForward) gives the same bits as the separate calls, on any thread count', () => {
    // H = 64: whole register tiles, so the addon runs every step of a layer in one call
    const opts = { inputSize: 11, hiddenSize: 64, numLayers: 2 };
    for (const k of backends) {
      const separate = new NativeKernels({ threads: k.threads });
      Object.defineProperty(separate, 'lstmLayerForward', { value: undefined });
      assert.deepEqual(lstmRun(k, opts, 9, 5), lstmRun(separate, opts, 9, 5), `${k.threads} threads`);
    }
    sameOnEveryThreadCount('LSTM H 64', (k) => lstmRun(k, opts, 9, 33));
    // single steps of up to 4 rows (generation) read the weights in place, in one call too
    for (const k of backends) {
      const separate = new NativeKernels({ threads: k.threads });
      Object.defineProperty(separate, 'lstmLayerForward', { value: undefined });
      for (const B of [1, 3, 4, 5])
        assert.deepEqual(lstmRun(k, opts, 1, B), lstmRun(separate, opts, 1, B), `T 1, B ${B}`);
    }
    // a layer the addon does not take whole (H not a multiple of the tile) goes through the separate calls
    const k1 = backends[0] as NativeKernels;
    const none = k1.alloc(0);
    assert.equal(k1.lstmLayerForward(2, 1, 1, 70, none, none, none, none, none, none, none, none, none, none), false);
  });

  it('a 2-layer LSTM forward and backward (T 9, B 33, H 70)', () => {
    const opts = { inputSize: 11, hiddenSize: 70, numLayers: 2 };
    sameOnEveryThreadCount('LSTM', (k) => {
      const arena = new ParamArena(k, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
      const rng = new Rng(3);
      for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.3, 0.3);
      const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
      const y = Array.from(lstm.forward(filled(k, 9 * 33 * 11, 4), 9, 33, null, null).y);
      const { dx } = lstm.backward(filled(k, 9 * 33 * 70, 5), null, null);
      return [...y, ...dx, ...arena.grads];
    });
  });
});
