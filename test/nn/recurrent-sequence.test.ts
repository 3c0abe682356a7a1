/**
 * Sequence handling of the recurrent stack, on every backend: stepping one step at a time (the
 * streaming API) and running in chunks equal the whole-sequence forward; a padded batch with
 * lengths equals each sequence run alone; padding never matters, forward or backward.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Floats, type Kernels, RefKernels } from '../../src/kernels/index.js';
import type { RecurrentOptions } from '../../src/nn/recurrent.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';
import { type RecurrentSetup, makeRecurrent } from '../helpers/recurrent-setup.js';

const D = 5;
const H = 6;
const T = 5;
const B = 3;

const UNIDIRECTIONAL: [string, RecurrentOptions][] = [
  ['plain LSTM (fused kernels)', { kind: 'lstm', inputSize: D, hiddenSize: H, numLayers: 2 }],
  [
    'LSTM with projection and peepholes',
    { kind: 'lstm', inputSize: D, hiddenSize: H, numLayers: 2, projSize: 4, peephole: true },
  ],
  ['GRU', { kind: 'gru', inputSize: D, hiddenSize: H, numLayers: 2 }],
  ['GRU, original form', { kind: 'gru', inputSize: D, hiddenSize: H, numLayers: 2, linearBeforeReset: false }],
  ['RNN relu', { kind: 'rnn', inputSize: D, hiddenSize: H, numLayers: 2, activations: ['relu'] }],
];

const BACKENDS: ReadonlyArray<{ label: string; make: () => Kernels; skip?: string | undefined }> = [
  { label: 'js, float64', make: () => new RefKernels('float64') },
  { label: 'js, float32', make: () => new RefKernels('float32') },
  ...FAST_BACKENDS.map((b) => ({ label: b.label, make: () => b.make(2), skip: b.skip })),
];

const copy = (a: ArrayLike<number>): number[] => Array.from(a);

/** Rows [from, to) of a (T, B, width) array. */
function steps(a: Floats, width: number, from: number, to: number): Floats {
  return a.subarray(from * B * width, to * B * width);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

for (const backend of BACKENDS) {
  describe(`recurrent sequences (${backend.label})`, { skip: backend.skip }, () => {
    const k = backend.make();
    // float32 products may group a single step's sums differently from a batch of steps (a
    // backend's matrix-vector path), so fast backends are held to float32 round-off
    const exact = k.name === 'js';
    const tol = exact ? 0 : 2e-6;

    for (const [name, opts] of UNIDIRECTIONAL) {
      it(`${name}: stepping equals the whole sequence`, () => {
        const s = makeRecurrent(k, { name, opts, T, B });
        const whole = copy(s.net.forward(s.x, T, B, s.h0, s.c0).y);
        const R = s.net.stateSize;
        const state = s.net.initialState(B);
        state.h.set(s.h0);
        if (state.c !== null && s.c0 !== null) state.c.set(s.c0);
        const stepped: number[] = [];
        for (let t = 0; t < T; t++) stepped.push(...copy(s.net.step(steps(s.x, D, t, t + 1), state)));
        assert.ok(maxDiff(stepped, whole) <= tol, `stepped differs by ${maxDiff(stepped, whole)}`);
        const final = s.net.forward(s.x, T, B, s.h0, s.c0);
        assert.ok(maxDiff(state.h, final.hN) <= tol);
        assert.equal(whole.length, T * B * R);
        s.net.resetState(state);
        assert.ok(state.h.every((v) => v === 0));
      });

      it(`${name}: chunks of 1, 2 and T − 1 carry the state exactly`, () => {
        const s = makeRecurrent(k, { name, opts, T, B });
        const whole = copy(s.net.forward(s.x, T, B, s.h0, s.c0).y);
        for (const first of [1, 2, T - 1]) {
          const a = s.net.forward(steps(s.x, D, 0, first), first, B, s.h0, s.c0);
          const part1 = copy(a.y);
          const h = Float64Array.from(a.hN);
          const c = a.cN === null ? null : Float64Array.from(a.cN);
          const hk = k.alloc(h.length);
          hk.set(h);
          let ck: Floats | null = null;
          if (c !== null) {
            ck = k.alloc(c.length);
            ck.set(c);
          }
          const part2 = copy(s.net.forward(steps(s.x, D, first, T), T - first, B, hk, ck).y);
          const d = maxDiff([...part1, ...part2], whole);
          assert.ok(d <= tol, `chunk at ${first}: ${d}`);
        }
      });
    }

    for (const kind of ['lstm', 'gru', 'rnn'] as const) {
      const opts: RecurrentOptions = { kind, inputSize: D, hiddenSize: H, numLayers: 2, bidirectional: true };
      const lengths = [5, 2, 3];

      it(`${kind}, bidirectional: a padded batch equals each sequence run alone`, () => {
        const s = makeRecurrent(k, { name: kind, opts, T, B, lengths });
        const out = s.net.forward(s.x, T, B, s.h0, s.c0, s.lengths);
        const y = copy(out.y);
        const hN = copy(out.hN);
        const O = s.net.outputSize;
        const R = s.net.stateSize;
        const S = s.net.numLayers * 2;
        lengths.forEach((L, b) => {
          const x1 = k.alloc(L * D);
          for (let t = 0; t < L; t++) x1.set(s.x.subarray((t * B + b) * D, (t * B + b + 1) * D), t * D);
          const pick = (a: Floats, width: number): Floats => {
            const out1 = k.alloc(S * width);
            for (let q = 0; q < S; q++) out1.set(a.subarray((q * B + b) * width, (q * B + b + 1) * width), q * width);
            return out1;
          };
          const c1 = s.c0 === null ? null : pick(s.c0, H);
          const alone = s.net.forward(x1, L, 1, pick(s.h0, R), c1, null);
          for (let t = 0; t < T; t++) {
            const row = y.slice((t * B + b) * O, (t * B + b + 1) * O);
            if (t < L) assert.ok(maxDiff(row, alone.y.subarray(t * O, (t + 1) * O)) <= 1e-6, `y[${t}, ${b}]`);
            else
              assert.ok(
                row.every((v) => v === 0),
                `y[${t}, ${b}] past the end is zero`,
              );
          }
          for (let q = 0; q < S; q++) {
            const ours = hN.slice((q * B + b) * R, (q * B + b + 1) * R);
            assert.ok(maxDiff(ours, alone.hN.subarray(q * R, (q + 1) * R)) <= 1e-6, `hN[${q}, ${b}]`);
          }
        });
      });

      it(`${kind}, bidirectional: padding changes nothing, forward or backward`, () => {
        const run = (s: RecurrentSetup) => {
          const out = s.net.forward(s.x, T, B, s.h0, s.c0, s.lengths);
          const y = copy(out.y);
          s.arena.zeroGrads();
          const g = s.net.backward(s.Ry, s.Rh, s.Rc);
          return { y, dx: copy(g.dx), dh0: copy(g.dh0), grads: copy(s.arena.grads) };
        };
        const clean = makeRecurrent(k, { name: kind, opts, T, B, lengths });
        const noisy = makeRecurrent(k, { name: kind, opts, T, B, lengths });
        const O = noisy.net.outputSize;
        // garbage in the padded inputs and in the output gradients of padded steps
        lengths.forEach((L, b) => {
          for (let t = L; t < T; t++) {
            noisy.x.fill(1e3 * (t + 1), (t * B + b) * D, (t * B + b + 1) * D);
            noisy.Ry.fill(-7e2, (t * B + b) * O, (t * B + b + 1) * O);
            clean.Ry.fill(0, (t * B + b) * O, (t * B + b + 1) * O);
          }
        });
        const a = run(clean);
        const r = run(noisy);
        assert.deepEqual(r.y, a.y);
        assert.deepEqual(r.grads, a.grads, 'weight gradients');
        assert.deepEqual(r.dh0, a.dh0);
        lengths.forEach((L, b) => {
          for (let t = 0; t < T; t++) {
            const row = r.dx.slice((t * B + b) * D, (t * B + b + 1) * D);
            if (t >= L)
              assert.ok(
                row.every((v) => v === 0),
                `dx[${t}, ${b}] past the end is zero`,
              );
            else assert.deepEqual(row, a.dx.slice((t * B + b) * D, (t * B + b + 1) * D));
          }
        });
      });
    }
  });
}

describe('recurrent stack: bad input gets a clear error', () => {
  const k = new RefKernels('float64');
  const opts: RecurrentOptions = { kind: 'gru', inputSize: D, hiddenSize: H, bidirectional: true };
  const s = makeRecurrent(k, { name: 'gru', opts, T, B });

  it('names the expected layout when x has the wrong size', () => {
    assert.throws(
      () => s.net.forward(k.alloc(7), T, B),
      /x has 7 values, but \(T, B, D\) = \(5, 3, 5\) needs 75.*time-major/,
    );
  });
  it('rejects lengths outside [0, T] and of the wrong count', () => {
    assert.throws(
      () => s.net.forward(s.x, T, B, null, null, Int32Array.from([5, 6, 1])),
      /lengths\[1\] = 6 is outside \[0, T = 5\]/,
    );
    assert.throws(
      () => s.net.forward(s.x, T, B, null, null, Int32Array.from([5])),
      /lengths has 1 entries; the batch has 3/,
    );
  });
  it('rejects a cell state for a GRU and a wrong h0', () => {
    assert.throws(() => s.net.forward(s.x, T, B, null, k.alloc(2 * B * H)), /has no cell state/);
    assert.throws(
      () => s.net.forward(s.x, T, B, k.alloc(3), null),
      /h0 has 3 values, but \(L·dirs, B, R\) = \(2, 3, 6\)/,
    );
  });
  it('refuses to stream a bidirectional stack', () => {
    assert.throws(() => s.net.initialState(2), /bidirectional stack cannot stream/);
  });
  it('rejects options that do not fit the cell kind', () => {
    assert.throws(
      () => makeRecurrent(k, { name: 'x', opts: { kind: 'gru', inputSize: 2, hiddenSize: 3, projSize: 2 }, T, B }),
      /projSize is an LSTM option/,
    );
    assert.throws(
      () =>
        makeRecurrent(k, {
          name: 'x',
          opts: { kind: 'rnn', inputSize: 2, hiddenSize: 3, activations: ['tanh', 'tanh'] },
          T,
          B,
        }),
      /takes 1 activations/,
    );
    assert.throws(
      () => makeRecurrent(k, { name: 'x', opts: { kind: 'lstm', inputSize: 2, hiddenSize: 3, dropout: 1 }, T, B }),
      /dropout must be in \[0, 1\)/,
    );
  });
});
