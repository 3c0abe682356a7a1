/**
 * The pinball loss (float64 gradient check; its minimiser is the empirical quantile) and the
 * forecasting network on a noisy seasonal series it must forecast 6 steps ahead better than the
 * seasonal-naive baseline, with its 10–90 % band covering most of the held-out points.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeWindows } from '../../src/data/windows.js';
import { baselineForecast } from '../../src/forecast/baselines.js';
import { defaultKernels } from '../../src/index.node.js';
import { pinballLoss } from '../../src/loss/pinball.js';
import { ForecastNetwork } from '../../src/models/forecast-network.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck } from '../helpers/gradcheck.js';

describe('pinball loss', () => {
  it('gradient by central differences (float64), missing targets ignored', () => {
    const rng = new Rng(2);
    const quantiles = [0.1, 0.5, 0.9];
    const target = [0.3, Number.NaN, -1.2, 0.8];
    const pred = Float64Array.from({ length: 12 }, () => rng.uniform(-2, 2));
    const d = new Float64Array(12);
    pinballLoss(pred, target, quantiles, d);
    const report = gradcheck([{ name: 'pred', values: pred, analytic: d }], () => pinballLoss(pred, target, quantiles));
    assert.equal(report.failures.length, 0, describeReport(report));
    assert.deepEqual([...d.subarray(3, 6)], [0, 0, 0]);
  });

  it('a constant prediction minimises it at the empirical quantile', () => {
    const samples = Array.from({ length: 101 }, (_, i) => i); // 0 … 100: the 0.9-quantile is 90
    const loss = (c: number): number => pinballLoss(new Float64Array(101).fill(c), samples, [0.9]);
    assert.ok(loss(90) < loss(88) && loss(90) < loss(92));
  });
});

describe('ForecastNetwork', () => {
  it('forecasts a noisy seasonal series 6 steps ahead better than seasonal naive', () => {
    const rng = new Rng(5);
    const N = 400;
    const series = Float64Array.from({ length: N }, (_, t) => Math.sin((2 * Math.PI * t) / 12) + 0.15 * rng.normal());
    const [L, h, test] = [24, 6, 60];
    const trainRows = N - test;
    const train = makeWindows(series, series, N, 1, 1, L, h, { from: 0, to: trainRows - 40 });
    const valid = makeWindows(series, series, N, 1, 1, L, h, { from: trainRows - 40 - L, to: trainRows });
    const net = new ForecastNetwork(defaultKernels(), {
      features: 1,
      targets: 1,
      horizon: h,
      quantiles: [0.1, 0.5, 0.9],
      hiddenSize: 16,
      numLayers: 1,
      dropout: 0,
    });
    net.fit(train, valid, { epochs: 60, patience: 15, seed: 1 });
    const held = makeWindows(series, series, N, 1, 1, L, h, { from: trainRows - L, to: N });
    const out = net.predict(held.x, L, held.B);
    let modelError = 0;
    let naiveError = 0;
    let covered = 0;
    held.ends.forEach((end, b) => {
      const naive = baselineForecast('seasonal-naive', series.subarray(0, end + 1), h, 12);
      for (let j = 0; j < h; j++) {
        const actual = series[end + 1 + j] as number;
        const [lo, mid, hi] = [0, 1, 2].map((q) => out[(b * h + j) * 3 + q] as number) as [number, number, number];
        modelError += Math.abs(actual - mid);
        naiveError += Math.abs(actual - (naive[j] as number));
        if (actual >= lo && actual <= hi) covered++;
      }
    });
    assert.ok(
      modelError < 0.85 * naiveError,
      `model MAE ${modelError / (held.B * h)}, seasonal naive ${naiveError / (held.B * h)}`,
    );
    const coverage = covered / (held.B * h);
    assert.ok(coverage > 0.6 && coverage < 0.97, `10–90 % band covers ${coverage}`);
  });
});
