import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Recurrent } from '../../src/nn/recurrent.js';
import { describeReport, gradcheck, randomArray, weightedSum } from '../helpers/gradcheck.js';
import { k64, makeLSTM } from '../helpers/lstm-setup.js';
import { oracleForward, oracleLayer } from '../reference/lstm64.js';

// Sizes that all differ, so a transposed index is always the wrong size.
const T = 3;
const B = 2;
const D = 5;
const H = 4;
const L = 2;

function setup(seed = 7) {
  const { arena, lstm, rng } = makeLSTM(D, H, L, seed);
  const x = randomArray(T * B * D, rng);
  const h0 = randomArray(L * B * H, rng);
  const c0 = randomArray(L * B * H, rng);
  const Ry = randomArray(T * B * H, rng);
  const Rh = randomArray(L * B * H, rng);
  const Rc = randomArray(L * B * H, rng);
  return { arena, lstm, x, h0, c0, Ry, Rh, Rc };
}

/** Compare the library's forward with the oracle, one batch element at a time. */
function oracleOutputs(
  arena: ReturnType<typeof setup>['arena'],
  x: Float64Array,
  h0: Float64Array,
  c0: Float64Array,
  order?: readonly ('i' | 'f' | 'g' | 'o')[],
) {
  const layers = Array.from({ length: L }, (_, l) =>
    oracleLayer(
      arena.value(`lstm.weight_ih_l${l}`),
      arena.value(`lstm.weight_hh_l${l}`),
      arena.value(`lstm.bias_ih_l${l}`),
      arena.value(`lstm.bias_hh_l${l}`),
      l === 0 ? D : H,
      H,
      order,
    ),
  );
  const y = new Float64Array(T * B * H);
  for (let b = 0; b < B; b++) {
    const xs = Array.from({ length: T }, (_, t) => Array.from(x.subarray((t * B + b) * D, (t * B + b + 1) * D)));
    const hs = Array.from({ length: L }, (_, l) => Array.from(h0.subarray((l * B + b) * H, (l * B + b + 1) * H)));
    const cs = Array.from({ length: L }, (_, l) => Array.from(c0.subarray((l * B + b) * H, (l * B + b + 1) * H)));
    const { ys } = oracleForward(layers, xs, hs, cs);
    ys.forEach((row, t) => {
      y.set(row, (t * B + b) * H);
    });
  }
  return y;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('LSTM', () => {
  it('matches the independent float64 oracle (four separate gate matrices)', () => {
    const { arena, lstm, x, h0, c0 } = setup();
    const { y } = lstm.forward(x, T, B, h0, c0);
    assert.ok(maxAbsDiff(y, oracleOutputs(arena, x, h0, c0)) < 1e-12);
  });

  it('fails the oracle comparison when two gates are swapped (the gate order is really checked)', () => {
    const { arena, lstm, x, h0, c0 } = setup();
    const { y } = lstm.forward(x, T, B, h0, c0);
    // read the same weights as if the rows were ordered i, g, f, o
    const swapped = oracleOutputs(arena, x, h0, c0, ['i', 'g', 'f', 'o']);
    assert.ok(maxAbsDiff(y, swapped) > 1e-3, 'swapping the f and g gates must change the outputs');
  });

  it('passes a float64 gradient check on every entry of x, h0, c0 and every parameter', () => {
    const { arena, lstm, x, h0, c0, Ry, Rh, Rc } = setup();
    const loss = (): number => {
      const out = lstm.forward(x, T, B, h0, c0);
      return weightedSum(out.y, Ry) + weightedSum(out.hN, Rh) + weightedSum(out.cN!, Rc);
    };
    loss();
    arena.zeroGrads();
    const { dx, dh0, dc0 } = lstm.backward(Ry, Rh, Rc);
    const targets = [
      { name: 'x', values: x, analytic: Float64Array.from(dx) },
      { name: 'h0', values: h0, analytic: Float64Array.from(dh0) },
      { name: 'c0', values: c0, analytic: Float64Array.from(dc0!) },
      ...arena.entries.map((e) => ({
        name: e.name,
        values: arena.value(e.name),
        analytic: Float64Array.from(arena.grad(e.name)),
      })),
    ];
    const report = gradcheck(targets, loss);
    assert.equal(report.failures.length, 0, describeReport(report));
    assert.equal(report.checked, x.length + h0.length + c0.length + arena.size);
  });

  for (const chunk of [1, 2, T - 1]) {
    it(`stepping in chunks of ${chunk} with carried state equals one call, forward and backward`, () => {
      const full = setup();
      const { y, hN, cN } = full.lstm.forward(full.x, T, B, full.h0, full.c0);
      const yFull = Float64Array.from(y);
      const hFull = Float64Array.from(hN);
      const cFull = Float64Array.from(cN!);
      full.arena.zeroGrads();
      const gFull = full.lstm.backward(full.Ry, full.Rh, full.Rc);
      const dxFull = Float64Array.from(gFull.dx);
      const dh0Full = Float64Array.from(gFull.dh0);
      const gradsFull = Float64Array.from(full.arena.grads);

      // the same weights and inputs, cut into chunks; one LSTM (own caches) per chunk
      const s = setup();
      const bounds: Array<[number, number]> = [];
      for (let t = 0; t < T; t += chunk) bounds.push([t, Math.min(T, t + chunk)]);
      const layers = bounds.map(
        () => new Recurrent(k64, s.arena, { kind: 'lstm', inputSize: D, hiddenSize: H, numLayers: L }),
      );
      let h = s.h0;
      let c = s.c0;
      const yChunks = new Float64Array(T * B * H);
      bounds.forEach(([t0, t1], n) => {
        const out = (layers[n] as Recurrent).forward(s.x.subarray(t0 * B * D, t1 * B * D), t1 - t0, B, h, c);
        yChunks.set(out.y, t0 * B * H);
        h = Float64Array.from(out.hN);
        c = Float64Array.from(out.cN!);
      });
      assert.ok(maxAbsDiff(yChunks, yFull) < 1e-13);
      assert.ok(maxAbsDiff(h, hFull) < 1e-13);
      assert.ok(maxAbsDiff(c, cFull) < 1e-13);

      // backward from the last chunk to the first, chaining the state gradients
      s.arena.zeroGrads();
      let dh: Float64Array = s.Rh;
      let dc: Float64Array = s.Rc;
      const dx = new Float64Array(T * B * D);
      for (let n = bounds.length - 1; n >= 0; n--) {
        const [t0, t1] = bounds[n] as [number, number];
        const g = (layers[n] as Recurrent).backward(s.Ry.subarray(t0 * B * H, t1 * B * H), dh, dc);
        dx.set(g.dx, t0 * B * D);
        dh = Float64Array.from(g.dh0);
        dc = Float64Array.from(g.dc0!);
      }
      assert.ok(maxAbsDiff(dx, dxFull) < 1e-12);
      assert.ok(maxAbsDiff(dh, dh0Full) < 1e-12);
      assert.ok(maxAbsDiff(s.arena.grads, gradsFull) < 1e-12);
    });
  }

  it('rejects a batch-major input of the wrong length with a hint', () => {
    const { lstm } = setup();
    assert.throws(() => lstm.forward(new Float64Array(T * B * D - 1), T, B, null, null), /needs 30.*time-major/s);
  });
});
