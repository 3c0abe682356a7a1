/**
 * Frozen reference vectors from PyTorch: test/fixtures/lstm2_reference.json, written by
 * test/fixtures/make_lstm_reference.py (float64, PyTorch's nn.LSTM / nn.Embedding / nn.Linear /
 * F.cross_entropy; the script also checks PyTorch's forward against its own NumPy LSTM).
 * Every expected number below comes from that file; arrays there are flat, row-major, with
 * PyTorch's names and shapes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Floats, type Kernels, RefKernels } from '../../src/kernels/index.js';
import { LMNetwork } from '../../src/models/lm-network.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { ParamArena } from '../../src/nn/params.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

interface LSTMFixture {
  T: number;
  B: number;
  D: number;
  H: number;
  L: number;
  inputs: Record<'x' | 'h0' | 'c0' | 'dy' | 'dhN' | 'dcN', number[]>;
  params: Record<string, number[]>;
  outputs: Record<'y' | 'hN' | 'cN', number[]>;
  grads: Record<string, number[]>;
  shapes: Record<string, number[]>;
}

interface LMFixture {
  T: number;
  B: number;
  V: number;
  E: number;
  H: number;
  L: number;
  tokens: number[];
  targets: number[];
  params: Record<string, number[]>;
  loss: number;
  logits: number[];
  grads: Record<string, number[]>;
  shapes: Record<string, number[]>;
}

// Tests run with the repository root as the working directory.
const fixture = JSON.parse(readFileSync('test/fixtures/lstm2_reference.json', 'utf8')) as LSTMFixture & {
  lm: LMFixture;
};

// float32 (our production type) must agree to 1e-5 absolute (measured: about 5e-8); float64
// agrees to round-off (measured: about 2e-16), so it is held to 1e-12.
const TOL: Record<'float32' | 'float64', number> = { float32: 1e-5, float64: 1e-12 };

/** Every backend the vectors are checked on: the reference in both precisions, WebAssembly and native on 1 and 2 threads. */
const BACKENDS: ReadonlyArray<{ label: string; make: () => Kernels; tol: number; skip?: string | undefined }> = [
  { label: 'js, float64', make: () => new RefKernels('float64'), tol: TOL.float64 },
  { label: 'js, float32', make: () => new RefKernels('float32'), tol: TOL.float32 },
  ...FAST_BACKENDS.flatMap((backend) =>
    [1, 2].map((threads) => ({
      label: `${backend.label}, float32, ${threads} thread${threads > 1 ? 's' : ''}`,
      make: () => backend.make(threads),
      tol: TOL.float32,
      skip: backend.skip,
    })),
  ),
];

function from(k: Kernels, values: readonly number[]): Floats {
  const a = k.alloc(values.length);
  a.set(values);
  return a;
}

/** Max |a − b| over equal-length arrays; fails on a length mismatch. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  assert.equal(a.length, b.length, `${what}: length`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (!(d <= m)) m = d; // NaN propagates as a failure
  }
  return m;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol: number): void {
  const d = maxAbsDiff(actual, expected, what);
  assert.ok(d <= tol, `${what}: max |ours − PyTorch| = ${d} > ${tol}`);
}

/** Rows [a·H, (a+1)·H) and [b·H, (b+1)·H) of a (4H, cols) matrix or (4H) vector swapped. */
function swapGateBlocks(values: readonly number[], H: number, a: number, b: number): number[] {
  const out = [...values];
  const rowLen = values.length / (4 * H);
  const block = H * rowLen;
  for (let i = 0; i < block; i++) {
    out[a * block + i] = values[b * block + i] as number;
    out[b * block + i] = values[a * block + i] as number;
  }
  return out;
}

function runLSTM(k: Kernels, params: Record<string, number[]> = fixture.params) {
  const { T, B, D, H, L, inputs } = fixture;
  const opts = { inputSize: D, hiddenSize: H, numLayers: L };
  const arena = new ParamArena(k, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
  for (const [name, values] of Object.entries(params)) {
    const entry = arena.entry(`lstm.${name}`);
    assert.deepEqual(entry.shape, fixture.shapes[name], `shape of ${name}`);
    arena.value(entry.name).set(values);
  }
  const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
  const out = lstm.forward(from(k, inputs.x), T, B, from(k, inputs.h0), from(k, inputs.c0));
  const y = Float64Array.from(out.y);
  const hN = Float64Array.from(out.hN);
  const cN = Float64Array.from(out.cN!);
  arena.zeroGrads();
  const g = lstm.backward(from(k, inputs.dy), from(k, inputs.dhN), from(k, inputs.dcN));
  return { arena, y, hN, cN, dx: g.dx, dh0: g.dh0, dc0: g.dc0 };
}

for (const backend of BACKENDS) {
  describe(`2-layer LSTM against PyTorch (${backend.label})`, { skip: backend.skip }, () => {
    const k = backend.make();
    const tol = backend.tol;

    it('has every PyTorch parameter, under the same name and shape, and nothing else', () => {
      const { D, H, L } = fixture;
      const specs = Recurrent.paramSpecs({ kind: 'lstm', inputSize: D, hiddenSize: H, numLayers: L });
      assert.deepEqual(
        specs.map((s) => s.name).sort(),
        Object.keys(fixture.params)
          .map((n) => `lstm.${n}`)
          .sort(),
      );
    });

    it('matches y, hN and cN', () => {
      const r = runLSTM(k);
      assertClose(r.y, fixture.outputs.y, 'y', tol);
      assertClose(r.hN, fixture.outputs.hN, 'hN', tol);
      assertClose(r.cN, fixture.outputs.cN, 'cN', tol);
    });

    it('matches the gradients of x, h0, c0 and every weight', () => {
      const r = runLSTM(k);
      assertClose(r.dx, fixture.grads['x'] as number[], 'dx', tol);
      assertClose(r.dh0, fixture.grads['h0'] as number[], 'dh0', tol);
      assertClose(r.dc0!, fixture.grads['c0'] as number[], 'dc0', tol);
      for (const name of Object.keys(fixture.params)) {
        assertClose(r.arena.grad(`lstm.${name}`), fixture.grads[name] as number[], `d${name}`, tol);
      }
    });
  });
}

describe('the PyTorch comparison can fail', () => {
  it('misses the reference when the f and g gate blocks of one layer are swapped on loading', () => {
    const { H } = fixture;
    const swapped = { ...fixture.params };
    for (const name of ['weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1']) {
      swapped[name] = swapGateBlocks(fixture.params[name] as number[], H, 1, 2);
    }
    const r = runLSTM(new RefKernels('float64'), swapped);
    assert.ok(maxAbsDiff(r.y, fixture.outputs.y, 'y') > 1e-2);
  });
});

function runLM(k: Kernels) {
  const lm = fixture.lm;
  const shape = { vocabSize: lm.V, embeddingSize: lm.E, hiddenSize: lm.H, numLayers: lm.L };
  const arena = new ParamArena(k, LMNetwork.paramSpecs(shape));
  for (const [name, values] of Object.entries(lm.params)) {
    assert.deepEqual(arena.entry(name).shape, lm.shapes[name], `shape of ${name}`);
    arena.value(name).set(values);
  }
  const net = new LMNetwork(k, arena, shape);
  const { logits } = net.forward(Int32Array.from(lm.tokens), lm.T, lm.B, null, null);
  const logitsCopy = Float64Array.from(logits);
  arena.zeroGrads();
  const loss = net.loss(Int32Array.from(lm.targets), logits);
  net.backward();
  return { arena, logits: logitsCopy, loss };
}

for (const backend of BACKENDS) {
  describe(
    `language-model network against PyTorch (${backend.label}, zero initial state)`,
    { skip: backend.skip },
    () => {
      const k = backend.make();
      const tol = backend.tol;
      const lm = fixture.lm;

      it('names its parameters as PyTorch does (embedding.weight, lstm.*, head.weight, head.bias)', () => {
        const shape = { vocabSize: lm.V, embeddingSize: lm.E, hiddenSize: lm.H, numLayers: lm.L };
        const specs = LMNetwork.paramSpecs(shape);
        assert.deepEqual(specs.map((s) => s.name).sort(), Object.keys(lm.params).sort());
        for (const s of specs) assert.deepEqual(s.shape, lm.shapes[s.name], `shape of ${s.name}`);
      });

      it('matches the logits (T, B, V) and the mean cross-entropy', () => {
        const r = runLM(k);
        assertClose(r.logits, lm.logits, 'logits', tol);
        assert.ok(Math.abs(r.loss - lm.loss) <= tol, `loss ${r.loss} vs PyTorch ${lm.loss}`);
      });

      it('matches the gradient of every parameter', () => {
        const r = runLM(k);
        for (const name of Object.keys(lm.params)) {
          assertClose(r.arena.grad(name), lm.grads[name] as number[], `d(${name})`, tol);
        }
      });
    },
  );
}
