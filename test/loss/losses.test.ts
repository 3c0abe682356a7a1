/**
 * The losses of src/loss/ in float64: the one softmax (against its definition, in place, in
 * float32, and its log), the mean squared error and the masked class-weighted cross-entropy by
 * central differences.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveClassWeights } from '../../src/loss/class-weights.js';
import { meanSquaredError } from '../../src/loss/mse.js';
import { logSoftmaxInto, softmaxInto } from '../../src/loss/softmax.js';
import { weightedCrossEntropy } from '../../src/loss/weighted-cross-entropy.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck } from '../helpers/gradcheck.js';

function random(n: number, seed: number, scale = 2): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

describe('softmax', () => {
  it('is exp(z) / Σ exp(z) on a row at an offset, and its log matches', () => {
    const z = random(9, 1);
    const p = new Float64Array(4);
    softmaxInto(z, 3, 4, p);
    const exps = [3, 4, 5, 6].map((i) => Math.exp(z[i] as number));
    const total = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, j) => assert.ok(Math.abs((p[j] as number) - e / total) < 1e-15, `p[${j}]`));
    const logP = new Float64Array(6);
    logSoftmaxInto(z, 3, 4, logP, 2);
    for (let j = 0; j < 4; j++) assert.ok(Math.abs((logP[2 + j] as number) - Math.log(p[j] as number)) < 1e-12);
  });

  it('works in place, in float32, and without overflow for logits of ±1000', () => {
    const z = Float32Array.of(1000, -1000, 999, 0);
    softmaxInto(z, 0, 4, z);
    assert.ok(Number.isFinite(z[0]) && Math.abs((z[0] as number) + (z[2] as number) - 1) < 1e-6);
    assert.ok((z[0] as number) > (z[2] as number) && z[1] === 0);
  });
});

describe('mean squared error', () => {
  it('gradient by central differences (float64) and the count within a tolerance', () => {
    const pred = random(7, 2);
    const target = random(7, 3);
    const d = new Float64Array(7);
    const { loss, within } = meanSquaredError(pred, target, d, 1);
    let expected = 0;
    let close = 0;
    pred.forEach((y, n) => {
      expected += (y - (target[n] as number)) ** 2 / 7;
      if (Math.abs(y - (target[n] as number)) < 1) close++;
    });
    assert.ok(Math.abs(loss - expected) < 1e-12);
    assert.equal(within, close);
    const report = gradcheck([{ name: 'pred', values: pred, analytic: d }], () => meanSquaredError(pred, target).loss);
    assert.equal(report.failures.length, 0, describeReport(report));
  });

  it('refuses predictions and targets of different lengths', () => {
    assert.throws(() => meanSquaredError(new Float64Array(3), [1, 2]), /3 values; 2 targets need 2/);
  });
});

describe('masked class-weighted cross-entropy', () => {
  it('gradient by central differences (float64), unlabelled rows (−1) skipped', () => {
    const [N, K] = [5, 3];
    const labels = Int32Array.of(2, -1, 0, 1, 2);
    const weights = resolveClassWeights('test', 'balanced', labels, ['a', 'b', 'c']);
    const logits = random(N * K, 4);
    const d = new Float64Array(N * K);
    weightedCrossEntropy(logits, labels, N, K, weights, d);
    const mean = (): number => {
      const { sum, weight } = weightedCrossEntropy(logits, labels, N, K, weights);
      return sum / weight;
    };
    const report = gradcheck([{ name: 'logits', values: logits, analytic: d }], mean);
    assert.equal(report.failures.length, 0, describeReport(report));
    assert.deepEqual([...d.subarray(K, 2 * K)], [0, 0, 0]);
  });
});
