/**
 * No product silently takes the slow path. On each compiled backend:
 * - every kernel that takes float arrays refuses, with a ShapeError naming the kernel and the
 *   argument, a Float32Array its `alloc` did not hand out, in each array position in turn (the
 *   table below must list every kernel of the interface: the compiler checks it);
 * - a training step of the LSTM and of the forecaster (whose batches once ran the products at
 *   JavaScript speed on WebAssembly) runs with every method of the TypeScript reference trapped,
 *   but the row copies the backends delegate to it by design.
 * The reference backend ('js') has no memory of its own: every array is in it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeError } from '../../src/errors.js';
import { ForecastNetwork } from '../../src/models/forecast-network.js';
import { type Floats, type KernelArgs, type KernelMethod, type Kernels, RefKernels } from '../../src/kernels/index.js';
import { WasmKernels } from '../../src/kernels/index.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { ParamArena } from '../../src/nn/params.js';
import { clipGradNorm } from '../../src/optim/clip.js';
import { createOptimizer } from '../../src/optim/optimizers.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

/** A valid call of each kernel on arrays from `k` (tiny sizes), or null for kernels without arrays. */
type Calls = { [K in KernelMethod]: ((k: Kernels) => KernelArgs<K>) | null };

const ids = (): Int32Array => Int32Array.from([0, 1]);
const CALLS: Calls = {
  alloc: null,
  packedLength: null,
  gemm: (k) => [false, false, 2, 2, 2, k.alloc(4), 2, k.alloc(4), 2, k.alloc(4), 2, 0],
  packB: (k) => [false, 2, 2, k.alloc(4), 2, k.alloc(k.packedLength(2, 2))],
  gemmPrepacked: (k) => [2, 2, 2, k.alloc(4), 2, k.alloc(k.packedLength(2, 2)), k.alloc(4), 2, 0],
  lstmLayerForward: (k) => {
    const [T, B, D, H] = [1, 1, 2, 64];
    const [x, wIh, wHh, bias] = [k.alloc(T * B * D), k.alloc(4 * H * D), k.alloc(4 * H * H), k.alloc(4 * H)];
    const states = (): Floats => k.alloc((T + 1) * B * H);
    return [T, B, D, H, x, wIh, wHh, null, null, bias, k.alloc(T * B * 4 * H), states(), k.alloc(T * B * H), states()];
  },
  gruLayerForward: (k) => {
    const [T, B, H] = [1, 1, 64];
    const rows = (): Floats => k.alloc(T * B * 3 * H);
    const [wHh, bHh, h] = [k.alloc(3 * H * H), k.alloc(3 * H), k.alloc((T + 1) * B * H)];
    const [mask, hRec] = [k.alloc(B * H), k.alloc(T * B * H)];
    return [T, B, H, rows(), wHh, null, bHh, rows(), rows(), rows(), h, null, mask, hRec, 0, true];
  },
  lstmOptionsLayerForward: (k) => {
    const [T, B, D, H] = [1, 1, 2, 64];
    const rows = (): Floats => k.alloc(T * B * 4 * H);
    const states = (): Floats => k.alloc((T + 1) * B * H);
    const [x, wIh, bias, wHh] = [k.alloc(T * B * D), k.alloc(4 * H * D), k.alloc(4 * H), k.alloc(4 * H * H)];
    const [hAct, mask, hRec, peep] = [k.alloc(T * B * H), k.alloc(B * H), k.alloc(T * B * H), k.alloc(3 * H)];
    const input = [x, wIh, null, bias] as const;
    return [
      T,
      B,
      D,
      H,
      ...input,
      rows(),
      rows(),
      wHh,
      null,
      states(),
      states(),
      hAct,
      null,
      mask,
      hRec,
      peep,
      0.5,
      false,
    ];
  },
  lstmOptionsLayerBackward: (k) => {
    const [T, B, H] = [1, 1, 64];
    const rows = (): Floats => k.alloc(T * B * 4 * H);
    const state = (): Floats => k.alloc(B * H);
    const [c, hAct, packed, peep] = [
      k.alloc((T + 1) * B * H),
      k.alloc(T * B * H),
      k.alloc(k.packedLength(4 * H, H)),
      k.alloc(3 * H),
    ];
    return [
      T,
      B,
      H,
      k.alloc(T * B * H),
      state(),
      state(),
      rows(),
      rows(),
      c,
      hAct,
      packed,
      rows(),
      null,
      state(),
      peep,
      0,
      false,
      k.alloc(3 * H),
    ];
  },
  rnnLayerForward: (k) => {
    const [T, B, H] = [1, 1, 64];
    const [pre, wHh, h, mask, hRec] = [
      k.alloc(T * B * H),
      k.alloc(H * H),
      k.alloc((T + 1) * B * H),
      k.alloc(B * H),
      k.alloc(T * B * H),
    ];
    return [T, B, H, pre, wHh, null, h, null, mask, hRec, false, 0];
  },
  fillRows: (k) => [2, 2, k.alloc(2), k.alloc(4), 2],
  addColumnSums: (k) => [2, 2, k.alloc(4), k.alloc(2)],
  lstmCellForward: (k) => [1, 2, k.alloc(8), k.alloc(2), k.alloc(2), k.alloc(2), k.alloc(2)],
  lstmCellBackward: (k) => [1, 2, k.alloc(2), k.alloc(2), k.alloc(8), k.alloc(2), k.alloc(2), k.alloc(8), k.alloc(2)],
  gatherRows: (k) => [2, 3, k.alloc(6), ids(), k.alloc(6)],
  // Ts 2, B 2, Hk 3, Hm 4
  attentionForward: (k) => [2, 2, 3, 4, k.alloc(6), k.alloc(12), k.alloc(16), ids(), k.alloc(4), k.alloc(8)],
  attentionBackward: (k) => {
    const a = (n: number) => k.alloc(n);
    return [2, 2, 3, 4, a(6), a(12), a(16), a(4), a(8), a(4), a(6), a(12), a(16)];
  },
  scatterAddRows: (k) => [2, 3, k.alloc(6), ids(), k.alloc(6)],
  softmaxCrossEntropy: (k) => [2, 3, k.alloc(6), ids(), k.alloc(6), 0.5],
  lstmCellOptionsForward: (k) => {
    const row = (): Floats => k.alloc(2);
    return [1, 2, k.alloc(8), k.alloc(8), row(), row(), row(), row(), k.alloc(6), 0.5, false];
  },
  lstmCellOptionsBackward: (k) => {
    const row = (): Floats => k.alloc(2);
    const [pre, act, dPre] = [k.alloc(8), k.alloc(8), k.alloc(8)];
    return [1, 2, row(), row(), pre, act, row(), row(), row(), k.alloc(6), 0.5, true, dPre, row(), k.alloc(6)];
  },
  multiply: (k) => [4, k.alloc(4), k.alloc(4), k.alloc(4)],
  softmaxRow: (k) => [3, k.alloc(3), 1, k.alloc(3)],
  sumSquares: (k) => [4, k.alloc(4)],
  scale: (k) => [4, k.alloc(4), 2],
  addInPlace: (k) => [4, k.alloc(4), k.alloc(4)],
  adamUpdate: (k) => [4, k.alloc(4), k.alloc(4), k.alloc(4), k.alloc(4), 1e-3, 0.9, 0.999, 1e-8, 0, 0, 0.1, 0.001],
  sgdUpdate: (k) => [4, k.alloc(4), k.alloc(4), k.alloc(4), 0.1, 0.9, 0, false],
  gruGatesForward: (k) => [1, 2, k.alloc(6), k.alloc(6), k.alloc(2), k.alloc(6), k.alloc(6), k.alloc(2), 0, false],
  gruCandidateForward: (k) => [1, 2, k.alloc(6), k.alloc(6), k.alloc(2), k.alloc(6), k.alloc(6), k.alloc(2), 0, true],
  gruCandidateBackward: (k) => [1, 2, k.alloc(2), k.alloc(6), k.alloc(6), k.alloc(6), k.alloc(6), 0, true],
  gruGatesBackward: (k) => {
    const [state, rows] = [(): Floats => k.alloc(2), (): Floats => k.alloc(6)];
    return [1, 2, state(), state(), state(), rows(), rows(), rows(), state(), rows(), rows(), 0, false];
  },
  gruStateBackward: (k) => [1, 2, k.alloc(2), k.alloc(6), k.alloc(2), k.alloc(2), k.alloc(2), k.alloc(2), false],
  rnnCellForward: (k) => [1, 2, k.alloc(2), k.alloc(2), true, 0],
  rnnCellBackward: (k) => [1, 2, k.alloc(2), k.alloc(2), k.alloc(2), k.alloc(2), false, 1],
};

/** Kernels the compiled backends delegate to the reference by design (row copies, one-row softmax). */
const DELEGATED = new Set<string>(['gatherRows', 'scatterAddRows', 'softmaxRow']);

/** Run `body` with every RefKernels method but the delegated ones throwing. */
function withReferenceTrapped<T>(body: () => T): T {
  const proto = RefKernels.prototype as unknown as Record<string, unknown>;
  const trapped = Object.getOwnPropertyNames(RefKernels.prototype).filter(
    (m) => m !== 'constructor' && typeof proto[m] === 'function' && !DELEGATED.has(m),
  );
  const originals = trapped.map((m) => proto[m]);
  for (const m of trapped)
    proto[m] = () => {
      throw new Error(`${m} ran the TypeScript reference`);
    };
  try {
    return body();
  } finally {
    trapped.forEach((m, i) => (proto[m] = originals[i]));
  }
}

for (const backend of FAST_BACKENDS)
  describe(`${backend.label} backend: foreign arrays and the fast path`, { skip: backend.skip }, () => {
    const k = backend.make(1);

    for (const [name, make] of Object.entries(CALLS) as [KernelMethod, ((k: Kernels) => unknown[]) | null][]) {
      if (make === null) continue;
      it(`${name} refuses a Float32Array from outside the backend's memory, in every array argument`, (t) => {
        const run = k[name] as ((...args: unknown[]) => unknown) | undefined;
        if (run === undefined) return t.skip(`${backend.label} has no ${name}`);
        run(...make(k)); // the valid call runs
        const args = make(k);
        const arrays = args.flatMap((a, i) => (a instanceof Float32Array ? [i] : []));
        assert.ok(arrays.length > 0);
        for (const i of arrays) {
          const foreign = args.slice();
          const length = 1000 + i; // tells which argument the message names
          foreign[i] = new Float32Array(length);
          assert.throws(
            () => run(...foreign),
            (e: unknown) =>
              e instanceof ShapeError &&
              e.message.includes(`.${name}: the array `) &&
              e.message.includes(`a Float32Array of ${length} elements) is not in this backend's memory`) &&
              e.message.includes('kernels.alloc'),
            `${name}, argument ${i + 1}`,
          );
        }
      });
    }

    it('a Float64Array is refused too, as is a view of another backend of the same kind', () => {
      const other = backend.make(1);
      assert.throws(() => k.scale(4, new Float64Array(4), 2), ShapeError);
      assert.throws(() => k.addInPlace(4, k.alloc(4), other.alloc(4)), /the array y \(a Float32Array of 4 elements\)/);
      backend.dispose(other);
    });

    it('an LSTM forward, backward, clip and Adam step never run the TypeScript reference', () => {
      const opts = { inputSize: 5, hiddenSize: 12, numLayers: 2 };
      const arena = new ParamArena(k, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
      const rng = new Rng(4);
      for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.5, 0.5);
      const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
      const optimizer = createOptimizer(k, arena, { name: 'adam' });
      const x = k.alloc(6 * 3 * 5);
      for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
      const dy = k.alloc(6 * 3 * 12).fill(0.1);
      withReferenceTrapped(() => {
        lstm.forward(x, 6, 3, null, null);
        lstm.backward(dy, null, null);
        clipGradNorm(k, arena, 1);
        optimizer.step(1e-3);
      });
    });

    it("the forecaster's training batches and predictions run the fast kernels", () => {
      const [L, B, F, h] = [8, 10, 2, 3];
      const rng = new Rng(6);
      // windows as the forecaster builds them: ordinary arrays, outside the backend's memory
      const windows = (): Parameters<ForecastNetwork['fit']>[0] => ({
        x: Float32Array.from({ length: L * B * F }, () => rng.uniform(-1, 1)),
        y: Float32Array.from({ length: B * h }, () => rng.uniform(-1, 1)),
        ends: Int32Array.from({ length: B }, (_, i) => i + L),
        ...{ L, B, F, h, K: 1, skipped: 0 },
      });
      const net = new ForecastNetwork(k, {
        features: F,
        targets: 1,
        horizon: h,
        quantiles: [0.1, 0.5, 0.9],
        hiddenSize: 8,
        numLayers: 1,
        dropout: 0,
      });
      const before = k instanceof WasmKernels ? k.simdGemmCalls : 0;
      const [train, valid] = [windows(), windows()];
      const out = withReferenceTrapped(() => {
        net.fit(train, valid, { epochs: 2, batchSize: 4, seed: 1 });
        return net.predict(valid.x, L, B);
      });
      assert.equal(out.length, B * h * 3);
      assert.ok(out.every(Number.isFinite));
      if (k instanceof WasmKernels) assert.ok(k.simdGemmCalls > before, 'the products ran in WebAssembly');
    });
  });

describe('reference backend', () => {
  it('the trap of these tests catches a call that reaches the reference', () => {
    const ref = new RefKernels('float32');
    const x = ref.alloc(1);
    assert.throws(() => withReferenceTrapped(() => ref.scale(1, x, 2)), /scale ran the TypeScript reference/);
    ref.scale(1, ref.alloc(1), 2); // restored after
  });

  it('takes any array of its float type: all of JavaScript memory is its memory', () => {
    const k = new RefKernels('float32');
    const x = new Float32Array([1, 2, 3]);
    k.scale(3, x, 2);
    assert.deepEqual([...x], [2, 4, 6]);
  });
});
