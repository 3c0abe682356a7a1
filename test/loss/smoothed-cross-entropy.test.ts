/**
 * Label-smoothed cross-entropy over rows with and without targets: PyTorch's F.cross_entropy
 * (label_smoothing, ignore_index=−1) on frozen vectors (test/fixtures/smoothed_ce_reference.json,
 * made by make_smoothed_ce_reference.py), a float64 gradient check, and its errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { smoothedCrossEntropy } from '../../src/loss/smoothed-cross-entropy.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck, randomArray } from '../helpers/gradcheck.js';

interface Fixture {
  N: number;
  V: number;
  logits: number[];
  targets: number[];
  cases: { smoothing: number; loss: number; dLogits: number[] }[];
}

describe('smoothedCrossEntropy', () => {
  const fixture = JSON.parse(readFileSync('test/fixtures/smoothed_ce_reference.json', 'utf8')) as Fixture;
  const { N, V } = fixture;
  const targets = Int32Array.from(fixture.targets);
  for (const c of fixture.cases) {
    it(`matches PyTorch's value and gradient, smoothing ${c.smoothing}, padding rows skipped`, () => {
      const d = new Float64Array(N * V);
      const { sum, count } = smoothedCrossEntropy(Float64Array.from(fixture.logits), targets, N, V, c.smoothing, d);
      assert.equal(count, 5);
      assert.ok(Math.abs(sum / count - c.loss) < 1e-12, `${sum / count} against ${c.loss}`);
      d.forEach((v, i) => assert.ok(Math.abs(v - (c.dLogits[i] as number)) < 1e-12, `dLogits[${i}]`));
    });
  }

  it('passes a float64 gradient check', () => {
    const logits = randomArray(N * V, new Rng(3));
    const d = new Float64Array(N * V);
    const loss = (): number => {
      const r = smoothedCrossEntropy(logits, targets, N, V, 0.2);
      return r.sum / r.count;
    };
    smoothedCrossEntropy(logits, targets, N, V, 0.2, d);
    const report = gradcheck([{ name: 'logits', values: logits, analytic: d }], loss);
    assert.equal(report.failures.length, 0, describeReport(report));
  });

  it('refuses targets out of range, a smoothing outside [0, 1) and mismatched sizes', () => {
    const z = new Float64Array(6);
    assert.throws(() => smoothedCrossEntropy(z, Int32Array.from([0, 3]), 2, 3, 0), /target 1 is 3/);
    assert.throws(
      () => smoothedCrossEntropy(z, Int32Array.from([0, 1]), 2, 3, 1),
      /label smoothing must be in \[0, 1\)/,
    );
    assert.throws(() => smoothedCrossEntropy(z, Int32Array.from([0]), 2, 3, 0), /needs 6 and 2/);
  });
});
