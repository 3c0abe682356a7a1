/**
 * The recurrent family against frozen PyTorch vectors (test/fixtures/recurrent_reference.json,
 * written by test/fixtures/make_recurrent_reference.py): nn.LSTM / nn.GRU / nn.RNN with 1–3
 * layers, bidirectional, proj_size, odd sizes and variable lengths (pack_padded_sequence).
 * Outputs, final states and the gradients of x, h0, c0 and every weight, under PyTorch's names,
 * on every backend. Tolerance: max |ours − PyTorch| ≤ tol · max |PyTorch| per array, with tol
 * 1e-5 in float32 (the bound) and 1e-10 in float64.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Floats, type Kernels, RefKernels } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

interface Case {
  name: string;
  kind: 'lstm' | 'gru' | 'rnn';
  T: number;
  B: number;
  D: number;
  H: number;
  L: number;
  bidirectional: boolean;
  projSize: number;
  nonlinearity: 'tanh' | 'relu';
  lengths: number[] | null;
  inputs: Record<string, number[]>;
  params: Record<string, number[]>;
  outputs: Record<string, number[]>;
  grads: Record<string, number[]>;
  shapes: Record<string, number[]>;
}

const fixture = JSON.parse(readFileSync('test/fixtures/recurrent_reference.json', 'utf8')) as { cases: Case[] };

const BACKENDS: ReadonlyArray<{ label: string; make: () => Kernels; tol: number; skip?: string | undefined }> = [
  { label: 'js, float64', make: () => new RefKernels('float64'), tol: 1e-10 },
  { label: 'js, float32', make: () => new RefKernels('float32'), tol: 1e-5 },
  ...FAST_BACKENDS.map((b) => ({ label: `${b.label}, float32`, make: () => b.make(2), tol: 1e-5, skip: b.skip })),
  ...FAST_BACKENDS.map((b) => ({
    label: `${b.label}, float32, 1 thread`,
    make: () => b.make(1),
    tol: 1e-5,
    skip: b.skip,
  })),
];

function optionsOf(c: Case): RecurrentOptions {
  return {
    kind: c.kind,
    inputSize: c.D,
    hiddenSize: c.H,
    numLayers: c.L,
    bidirectional: c.bidirectional,
    projSize: c.projSize,
    ...(c.kind === 'rnn' ? { activations: [c.nonlinearity] } : {}),
    prefix: '',
  };
}

function from(k: Kernels, values: readonly number[] | undefined): Floats | null {
  if (values === undefined) return null;
  const a = k.alloc(values.length);
  a.set(values);
  return a;
}

function assertClose(
  actual: ArrayLike<number>,
  expected: readonly number[] | undefined,
  what: string,
  tol: number,
): void {
  assert.ok(expected !== undefined, `${what}: missing from the fixture`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i] as number));
    const d = Math.abs((actual[i] as number) - (expected[i] as number));
    if (!(d <= worst)) worst = d; // NaN fails
  }
  assert.ok(
    worst <= tol * Math.max(scale, 1e-30),
    `${what}: max |ours − PyTorch| = ${worst}, ${worst / scale} of max |PyTorch| ${scale}`,
  );
}

export function runCase(k: Kernels, c: Case, params: Record<string, number[]> = c.params) {
  const opts = optionsOf(c);
  const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
  for (const [name, values] of Object.entries(params)) arena.value(name).set(values);
  const net = new Recurrent(k, arena, opts);
  const lengths = c.lengths === null ? null : Int32Array.from(c.lengths);
  const out = net.forward(
    from(k, c.inputs['x']) as Floats,
    c.T,
    c.B,
    from(k, c.inputs['h0']),
    from(k, c.inputs['c0']),
    lengths,
  );
  const outputs = {
    y: Float64Array.from(out.y),
    hN: Float64Array.from(out.hN),
    cN: out.cN === null ? null : Float64Array.from(out.cN),
  };
  arena.zeroGrads();
  const g = net.backward(from(k, c.inputs['dy']), from(k, c.inputs['dhN']), from(k, c.inputs['dcN']));
  return { arena, outputs, g };
}

for (const backend of BACKENDS) {
  describe(`LSTM, GRU and RNN against PyTorch (${backend.label})`, { skip: backend.skip }, () => {
    const k = backend.make();
    for (const c of fixture.cases) {
      it(c.name, () => {
        const specs = Recurrent.paramSpecs(optionsOf(c));
        assert.deepEqual(specs.map((s) => s.name).sort(), Object.keys(c.params).sort(), 'parameter names');
        for (const s of specs) assert.deepEqual(s.shape, c.shapes[s.name], `shape of ${s.name}`);
        const { arena, outputs, g } = runCase(k, c);
        assertClose(outputs.y, c.outputs['y'], 'y', backend.tol);
        assertClose(outputs.hN, c.outputs['hN'], 'hN', backend.tol);
        assertClose(g.dx, c.grads['x'], 'dx', backend.tol);
        assertClose(g.dh0, c.grads['h0'], 'dh0', backend.tol);
        if (c.kind === 'lstm') {
          assertClose(outputs.cN as Float64Array, c.outputs['cN'], 'cN', backend.tol);
          assertClose(g.dc0 as Floats, c.grads['c0'], 'dc0', backend.tol);
        }
        for (const name of Object.keys(c.params)) assertClose(arena.grad(name), c.grads[name], `d${name}`, backend.tol);
      });
    }
  });
}

describe('the recurrent PyTorch comparison can fail', () => {
  it('misses the reference when a GRU reads its r and z blocks swapped', () => {
    const c = fixture.cases.find((x) => x.kind === 'gru') as Case;
    const swapped: Record<string, number[]> = {};
    for (const [name, values] of Object.entries(c.params)) {
      const block = values.length / 3;
      swapped[name] = [...values.slice(block, 2 * block), ...values.slice(0, block), ...values.slice(2 * block)];
    }
    const { outputs } = runCase(new RefKernels('float64'), c, swapped);
    const expected = c.outputs['y'] as number[];
    const worst = Math.max(...expected.map((v, i) => Math.abs(v - (outputs.y[i] as number))));
    assert.ok(worst > 1e-2, `swapped gates changed y by only ${worst}`);
  });
});
