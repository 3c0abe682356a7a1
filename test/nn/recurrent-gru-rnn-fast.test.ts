/**
 * The GRU and the RNN on each compiled backend (1 and 2 threads), through their fused cell-step
 * kernels, against the float64 reference: both GRU forms, tanh and relu, clip, variable lengths
 * and recurrent dropout (masks drawn from the same seed on both sides). Outputs, final states,
 * input and state gradients and every weight gradient agree to float32 accuracy, and the fused
 * kernels are the ones that ran.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Floats, Kernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';
import { k64 } from '../helpers/lstm-setup.js';
import { type RecurrentCase, makeRecurrent } from '../helpers/recurrent-setup.js';

const base = { inputSize: 5, hiddenSize: 9 };

const CASES: RecurrentCase[] = [
  {
    name: 'GRU, linear before reset, 2 layers, clip 0.8, lengths',
    opts: { kind: 'gru', ...base, numLayers: 2, clip: 0.8 },
    T: 4,
    B: 3,
    lengths: [4, 1, 3],
  },
  {
    name: 'GRU, original form, bidirectional, recurrent dropout, lengths',
    opts: { kind: 'gru', ...base, linearBeforeReset: false, bidirectional: true, recurrentDropout: 0.4 },
    T: 4,
    B: 3,
    lengths: [2, 4, 0],
  },
  {
    name: 'RNN tanh, 2 layers, recurrent dropout, lengths',
    opts: { kind: 'rnn', ...base, numLayers: 2, recurrentDropout: 0.3 },
    T: 4,
    B: 3,
    lengths: [3, 4, 1],
  },
  {
    name: 'RNN relu, clip 0.6',
    opts: { kind: 'rnn', ...base, clip: 0.6, activations: ['relu'] },
    T: 4,
    B: 2,
  },
];

const FUSED = new Set(['gruGatesForward', 'gruCandidateBackward', 'rnnCellForward', 'rnnCellBackward']);

/** `k` with its calls of the fused forward/backward kernels counted. */
function counting(k: Kernels): { k: Kernels; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(k, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && FUSED.has(prop)) calls.set(prop, (calls.get(prop) ?? 0) + 1);
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { k: proxy, calls };
}

/** Forward and backward of case c on k: every output and gradient, as float64. */
function run(k: Kernels, c: RecurrentCase): Float64Array[] {
  const s = makeRecurrent(k, c);
  s.net.training = (c.opts.recurrentDropout ?? 0) > 0;
  s.net.setDropoutRng(new Rng(5));
  const out = s.net.forward(s.x, c.T, c.B, s.h0, s.c0, s.lengths);
  const forward = [out.y, out.hN].map((a: Floats) => Float64Array.from(a));
  s.arena.zeroGrads();
  const g = s.net.backward(s.Ry, s.Rh, s.Rc);
  return [...forward, ...[g.dx, g.dh0, s.arena.grads].map((a: Floats) => Float64Array.from(a))];
}

for (const backend of FAST_BACKENDS)
  for (const threads of [1, 2])
    describe(
      `GRU and RNN on ${backend.label} (${threads} thread(s)) against the float64 reference`,
      {
        skip: backend.skip,
      },
      () => {
        for (const c of CASES)
          it(c.name, () => {
            const fast = backend.make(threads);
            const { k, calls } = counting(fast);
            const expected = run(k64, c);
            const actual = run(k, c);
            const names = ['y', 'hN', 'dx', 'dh0', 'weight gradients'];
            expected.forEach((e, n) => {
              const a = actual[n] as Float64Array;
              assert.equal(a.length, e.length);
              const scale = Math.max(1, ...e.map(Math.abs));
              const diff = Math.max(...e.map((v, i) => Math.abs(v - (a[i] as number))));
              assert.ok(diff <= 2e-5 * scale, `${names[n]}: max difference ${diff} (scale ${scale})`);
            });
            const kinds =
              c.opts.kind === 'gru'
                ? ['gruGatesForward', 'gruCandidateBackward']
                : ['rnnCellForward', 'rnnCellBackward'];
            for (const name of kinds) assert.ok((calls.get(name) ?? 0) > 0, `${name} ran`);
            backend.dispose(fast);
          });
      },
    );
