/**
 * RecurrentSteps: a unidirectional stack run one step at a time with backpropagation through the
 * steps. Over inputs known in advance it computes what Recurrent.forward and backward compute over
 * the whole sequence (float64, to round-off: the weight gradients are summed step by step), for
 * every cell; with each step's input made from the previous step's output (input feeding) and
 * dropout of both kinds, it passes a float64 gradient check; and it refuses what it cannot do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefKernels } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import { RecurrentSteps } from '../../src/nn/recurrent-steps.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck, randomArray, weightedSum } from '../helpers/gradcheck.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';
import type { Kernels } from '../../src/kernels/index.js';

const k64 = new RefKernels('float64');
const [T, B] = [4, 3];

function stack(opts: RecurrentOptions, seed: number): { net: Recurrent; arena: ParamArena } {
  const arena = new ParamArena(k64, Recurrent.paramSpecs(opts));
  const rng = new Rng(seed);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.5, 0.5);
  return { net: new Recurrent(k64, arena, opts), arena };
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i] as number, expected[i] as number];
    assert.ok(Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} against ${e}`);
  }
}

const CASES: RecurrentOptions[] = [
  { kind: 'lstm', inputSize: 5, hiddenSize: 6, numLayers: 2 },
  { kind: 'lstm', inputSize: 5, hiddenSize: 6, numLayers: 2, projSize: 4, peephole: true },
  { kind: 'gru', inputSize: 5, hiddenSize: 6, numLayers: 2 },
  { kind: 'rnn', inputSize: 5, hiddenSize: 6, activations: ['relu'] },
];

describe('RecurrentSteps (float64)', () => {
  for (const opts of CASES) {
    it(`equals Recurrent over the whole sequence: ${JSON.stringify(opts).replace(/"/g, '')}`, () => {
      const rng = new Rng(3);
      const D = opts.inputSize;
      const whole = stack(opts, 1);
      const steps = stack(opts, 1);
      const { numLayers: L, stateSize: R, hiddenSize: H } = whole.net;
      const lstm = opts.kind === 'lstm';
      const x = randomArray(T * B * D, rng);
      const h0 = randomArray(L * B * R, rng);
      const c0 = lstm ? randomArray(L * B * H, rng) : null;
      const dy = randomArray(T * B * R, rng);
      const out = whole.net.forward(x, T, B, h0, c0);
      const y = Array.from(out.y);
      const grads = whole.net.backward(dy);
      const runner = new RecurrentSteps(steps.net);
      runner.begin(B, h0, c0, T);
      const ys: number[] = [];
      for (let t = 0; t < T; t++) ys.push(...runner.forward(t, x.subarray(t * B * D, (t + 1) * B * D)));
      close(ys, y, 'y');
      const dxs: number[][] = [];
      for (let t = T - 1; t >= 0; t--) dxs[t] = Array.from(runner.backward(t, dy.subarray(t * B * R, (t + 1) * B * R)));
      close(dxs.flat(), grads.dx, 'dx');
      const states = runner.stateGradients();
      close(states.dh0, grads.dh0, 'dh0');
      if (lstm) close(states.dc0 as Float64Array, grads.dc0 as Float64Array, 'dc0');
      close(steps.arena.grads, whole.arena.grads, 'weight gradients');
    });
  }

  it('passes a gradient check with input feeding (x_t holds y_{t−1}) and both dropouts while training', () => {
    const [E, H] = [3, 4];
    const opts: RecurrentOptions = {
      kind: 'lstm',
      inputSize: E + H,
      hiddenSize: H,
      numLayers: 2,
      dropout: 0.3,
      recurrentDropout: 0.2,
    };
    const { net, arena } = stack(opts, 5);
    net.training = true;
    const runner = new RecurrentSteps(net);
    const rng = new Rng(6);
    const e = randomArray(T * B * E, rng);
    const h0 = randomArray(2 * B * H, rng);
    const R = randomArray(T * B * H, rng);
    const x = new Float64Array(B * (E + H));
    const loss = (): number => {
      net.setDropoutRng(new Rng(9)); // the same masks at every evaluation
      runner.begin(B, h0, null, T);
      let previous = new Float64Array(B * H);
      let sum = 0;
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          x.set(e.subarray((t * B + b) * E, (t * B + b + 1) * E), b * (E + H));
          x.set(previous.subarray(b * H, (b + 1) * H), b * (E + H) + E);
        }
        const y = runner.forward(t, x);
        sum += weightedSum(y, R.subarray(t * B * H, (t + 1) * B * H));
        previous = Float64Array.from(y);
      }
      return sum;
    };
    loss();
    arena.zeroGrads();
    const de = new Float64Array(T * B * E);
    let fed = new Float64Array(B * H); // the gradient into y_t through x_{t+1}
    for (let t = T - 1; t >= 0; t--) {
      const dy = Float64Array.from(R.subarray(t * B * H, (t + 1) * B * H));
      for (let i = 0; i < dy.length; i++) dy[i] = (dy[i] as number) + (fed[i] as number);
      const dx = runner.backward(t, dy);
      fed = new Float64Array(B * H);
      for (let b = 0; b < B; b++) {
        de.set(dx.subarray(b * (E + H), b * (E + H) + E), (t * B + b) * E);
        fed.set(dx.subarray(b * (E + H) + E, (b + 1) * (E + H)), b * H);
      }
    }
    const dh0 = Float64Array.from(runner.stateGradients().dh0);
    const targets = [
      { name: 'e', values: e, analytic: de },
      { name: 'h0', values: h0, analytic: dh0 },
      ...arena.entries.map((en) => ({
        name: en.name,
        values: arena.value(en.name),
        analytic: Float64Array.from(arena.grad(en.name)),
      })),
    ];
    const report = gradcheck(targets, loss);
    assert.equal(report.failures.length, 0, describeReport(report));
  });

  it('refuses a bidirectional stack, steps out of order and state gradients before step 0', () => {
    const bi = stack({ kind: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true }, 1);
    assert.throws(() => new RecurrentSteps(bi.net), /bidirectional/);
    const { net } = stack({ kind: 'gru', inputSize: 2, hiddenSize: 3 }, 1);
    const runner = new RecurrentSteps(net);
    runner.begin(1, null, null, 2);
    assert.throws(() => runner.forward(1, new Float64Array(2)), /not the next one/);
    assert.throws(() => runner.forward(0, new Float64Array(3)), /x has 3 values/);
    runner.forward(0, new Float64Array(2));
    runner.forward(1, new Float64Array(2));
    assert.throws(() => runner.forward(2, new Float64Array(2)), /not the next one/);
    assert.throws(() => runner.backward(0, null), /not the next one back \(1\)/);
    runner.backward(1, null);
    assert.throws(() => runner.stateGradients(), /steps 0 … 0 have not gone back/);
    runner.backward(0, new Float64Array(3));
    assert.equal(runner.stateGradients().dh0.length, 3);
    assert.throws(() => runner.begin(1, new Float64Array(2), null, 2), /h0 has 2 values/);
  });
});

/** Outputs, input gradients and weight gradients of 5 steps of a 2 × 64 LSTM, B 16, on `k`. */
function stepsOn(k: Kernels): number[][] {
  const opts: RecurrentOptions = { kind: 'lstm', inputSize: 40, hiddenSize: 64, numLayers: 2 };
  const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
  const rng = new Rng(1);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.3, 0.3);
  const runner = new RecurrentSteps(new Recurrent(k, arena, opts));
  const filled = (n: number) => {
    const a = k.alloc(n);
    for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
    return a;
  };
  runner.begin(16, null, null, 5);
  const ys: number[] = [];
  for (let t = 0; t < 5; t++) ys.push(...runner.forward(t, filled(16 * 40)));
  const dxs: number[] = [];
  for (let t = 4; t >= 0; t--) dxs.push(...runner.backward(t, filled(16 * 64)));
  return [ys, dxs, Array.from(arena.grads)];
}

for (const backend of FAST_BACKENDS)
  describe(`RecurrentSteps on ${backend.label}`, { skip: backend.skip }, () => {
    it('computes what the float64 reference computes, to float32 round-off', () => {
      const k = backend.make(2);
      const fast = stepsOn(k);
      backend.dispose(k);
      const reference = stepsOn(k64);
      fast.forEach((values, i) =>
        values.forEach((v, j) => assert.ok(Math.abs(v - (reference[i]?.[j] as number)) < 2e-5, `output ${i}[${j}]`)),
      );
    });
  });
