/**
 * The LSTM with options inside Recurrent on each compiled backend, 1 and 2 threads, against the
 * float64 reference: lengths, recurrent dropout (masks from the same seed), peepholes, projection,
 * clip and coupled gates, stacked and bidirectional, at a hidden size that is no multiple of any
 * SIMD width. Outputs, final states, the input and state gradients and every weight gradient must
 * agree to float32 precision (max |fast − float64| ≤ 2e-5 · max |float64| per array), with the
 * reference's cell-step loops trapped so the backend's own kernels do the work. Each backend's
 * run follows a step over other lengths and data on the same stack (and in float64, must equal a
 * fresh stack's exactly): rows a step skips must not keep an earlier step's numbers.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type Floats, type Kernels, RefKernels } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

const [T, B, D, H] = [6, 5, 5, 19];
const LENGTHS = [6, 1, 4, 0, 5];
const ASCENDING = [0, 2, 3, 3, 5]; // the running rows a suffix, as the classifier's batches are sorted
const base = { kind: 'lstm', inputSize: D, hiddenSize: H, numLayers: 2, prefix: '' } as const;

const CASES: ReadonlyArray<{ name: string; opts: RecurrentOptions; lengths: number[] | null }> = [
  { name: 'lengths, bidirectional', opts: { ...base, bidirectional: true }, lengths: LENGTHS },
  { name: 'lengths sorted ascending, bidirectional', opts: { ...base, bidirectional: true }, lengths: ASCENDING },
  {
    name: 'peepholes, projection to 7, clip 0.6, lengths sorted ascending',
    opts: { ...base, peephole: true, projSize: 7, clip: 0.6 },
    lengths: ASCENDING,
  },
  {
    name: 'coupled gates, peepholes, recurrent dropout 0.3, bidirectional, lengths',
    opts: { ...base, inputForget: true, peephole: true, recurrentDropout: 0.3, bidirectional: true },
    lengths: LENGTHS,
  },
  { name: 'clip 0.5 and coupled gates, full lengths', opts: { ...base, clip: 0.5, inputForget: true }, lengths: null },
];

/** Forward and backward of one stack on k; every result as float64 arrays, named. */
function runOn(k: Kernels, opts: RecurrentOptions, lengths: number[] | null, warm = false): Map<string, Float64Array> {
  const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
  const rng = new Rng(17);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.7, 0.7);
  const net = new Recurrent(k, arena, opts);
  net.training = (opts.recurrentDropout ?? 0) > 0;
  net.setDropoutRng(new Rng(5));
  const S = net.numLayers * net.dirs;
  const draw = (n: number): Floats => {
    const a = k.alloc(n);
    for (let i = 0; i < n; i++) a[i] = rng.uniform(-1.5, 1.5);
    return a;
  };
  const [x, h0, c0] = [draw(T * B * D), draw(S * B * net.stateSize), draw(S * B * H)];
  const [dy, dhN, dcN] = [draw(T * B * net.outputSize), draw(S * B * net.stateSize), draw(S * B * H)];
  if (warm) {
    // a step over full lengths first leaves every buffer full of other numbers: nothing of it may show
    net.forward(
      dy.subarray(0, T * B * D),
      T,
      B,
      dhN,
      dcN,
      Int32Array.from({ length: B }, () => T),
    );
    net.backward(dy, dhN, dcN);
    net.setDropoutRng(new Rng(5));
  }
  const out = net.forward(x, T, B, h0, c0, lengths === null ? null : Int32Array.from(lengths));
  const results = new Map<string, Float64Array>([
    ['y', Float64Array.from(out.y)],
    ['hN', Float64Array.from(out.hN)],
    ['cN', Float64Array.from(out.cN as Floats)],
  ]);
  arena.zeroGrads();
  const g = net.backward(dy, dhN, dcN);
  results.set('dx', Float64Array.from(g.dx));
  results.set('dh0', Float64Array.from(g.dh0));
  results.set('dc0', Float64Array.from(g.dc0 as Floats));
  for (const e of arena.entries) results.set(`d${e.name}`, Float64Array.from(arena.grad(e.name)));
  return results;
}

/** Run `body` with the reference's cell-step kernels throwing. */
function referenceTrapped<T>(body: () => T): T {
  const proto = RefKernels.prototype as unknown as Record<string, unknown>;
  const methods = ['lstmCellOptionsForward', 'lstmCellOptionsBackward', 'multiply'];
  const originals = methods.map((m) => proto[m]);
  for (const m of methods)
    proto[m] = () => {
      throw new Error(`${m} ran the TypeScript reference`);
    };
  try {
    return body();
  } finally {
    methods.forEach((m, i) => (proto[m] = originals[i]));
  }
}

const expected = new Map(CASES.map((c) => [c.name, runOn(new RefKernels('float64'), c.opts, c.lengths)]));

for (const backend of FAST_BACKENDS)
  for (const threads of [1, 2])
    describe(`LSTM options on ${backend.label}, ${threads} thread(s), against float64`, { skip: backend.skip }, () => {
      const k = backend.make(threads);
      after(() => backend.dispose(k));
      for (const c of CASES)
        it(c.name, () => {
          const got = referenceTrapped(() => runOn(k, c.opts, c.lengths, true));
          const want = expected.get(c.name) as Map<string, Float64Array>;
          assert.deepEqual([...got.keys()], [...want.keys()]);
          for (const [name, ref] of want) {
            const ours = got.get(name) as Float64Array;
            const scale = Math.max(1e-30, ...ref.map(Math.abs));
            const worst = Math.max(0, ...ref.map((v, i) => Math.abs(v - (ours[i] as number))));
            assert.ok(worst <= 2e-5 * scale, `${name}: max |${backend.label} − float64| = ${worst} of ${scale}`);
          }
        });
    });

describe('LSTM options: a step after another over other lengths gives what a fresh stack gives', () => {
  for (const c of CASES)
    it(`float64: ${c.name}`, () => {
      const fresh = expected.get(c.name) as Map<string, Float64Array>;
      const warm = runOn(new RefKernels('float64'), c.opts, c.lengths, true);
      for (const [name, values] of fresh)
        assert.deepEqual(warm.get(name), values, `${name} differs after an earlier step`);
    });
});
