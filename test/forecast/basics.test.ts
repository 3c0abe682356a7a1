/**
 * The forecasting building blocks on small hand-checked series: the metrics (MASE against its
 * definition), the three baselines, the scaler fitted on training rows only, and the windows on
 * counting data, where every value says which row it came from.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StandardScaler } from '../../src/data/scaler.js';
import { makeWindows } from '../../src/data/windows.js';
import { baselineForecast } from '../../src/forecast/baselines.js';
import { forecastMetrics, seasonalNaiveScale } from '../../src/forecast/metrics.js';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('forecast metrics', () => {
  it('MAE, RMSE, MAPE, sMAPE and MASE by their definitions; missing pairs skipped', () => {
    const actual = [10, 20, Number.NaN, 40];
    const predicted = [12, 15, 30, 40];
    const train = [1, 3, 2, 6, 5]; // |Δ| with m = 1: 2, 1, 4, 1 → scale 2
    const m = forecastMetrics(actual, predicted, train, 1);
    close(m.mae, 7 / 3);
    close(m.rmse, Math.sqrt((4 + 25 + 0) / 3));
    close(m.mape, (100 * (2 / 10 + 5 / 20 + 0)) / 3);
    close(m.smape, (100 * ((2 * 2) / 22 + (2 * 5) / 35 + 0)) / 3);
    close(m.mase, 7 / 3 / 2);
    close(seasonalNaiveScale([1, 2, 3, 11, 12, 13], 3), 10);
  });

  it('refuses unpaired or empty inputs, and a training series shorter than the season', () => {
    assert.throws(() => forecastMetrics([1, 2], [1], [1, 2, 3], 1), /2 actual values but 1 predictions/);
    assert.throws(() => forecastMetrics([Number.NaN], [1], [1, 2], 1), /no pair of finite/);
    assert.throws(() => seasonalNaiveScale([1, 2, 3], 12), /more than m = 12 finite values; it has 3/);
  });
});

describe('baselines', () => {
  const history = [1, 2, 3, 10, 20, 30]; // seasons of 3: the last full period is 10, 20, 30
  it('naive repeats the last value; seasonal naive the last period; drift extends the first-to-last line', () => {
    assert.deepEqual([...baselineForecast('naive', history, 4)], [30, 30, 30, 30]);
    assert.deepEqual([...baselineForecast('seasonal-naive', history, 5, 3)], [10, 20, 30, 10, 20]);
    assert.deepEqual([...baselineForecast('drift', history, 2)], [30 + 29 / 5, 30 + (2 * 29) / 5]);
  });
  it('names what is missing', () => {
    assert.throws(
      () => baselineForecast('seasonal-naive', [1, 2], 3, 12),
      /needs at least 12 past value\(s\); the history has 2/,
    );
    assert.throws(() => baselineForecast('naive', [1, Number.NaN], 1), /history value 1 is NaN/);
  });
});

describe('StandardScaler', () => {
  it('fits mean and std on the given rows, ignores missing values, inverts exactly, survives a round trip', () => {
    const s = StandardScaler.fit({ co2: [1, 3, Number.NaN, 5], flat: [7, 7, 7, 7] });
    assert.deepEqual(s.state.mean, [3, 7]);
    close(s.state.std[0] as number, Math.sqrt(8 / 3));
    assert.equal(s.state.std[1], 1); // a constant column is shifted, not divided by zero
    const z = s.transform('co2', [3, 5]);
    close(z[0] as number, 0);
    const back = StandardScaler.fromState(JSON.parse(JSON.stringify(s.state))).inverse('co2', z);
    close(back[1] as number, 5, 1e-12);
    assert.throws(() => s.transform('sales', [1]), /no column 'sales'; the scaler knows co2, flat/);
  });
});

describe('makeWindows', () => {
  it('lookback L, horizon h: inputs are rows t−L+1…t, targets rows t+1…t+h; windows over a missing value are skipped', () => {
    const N = 8;
    const inputs = Array.from({ length: N * 2 }, (_, i) => Math.floor(i / 2) * 10 + (i % 2)); // row r: r·10, r·10+1
    const targets = Array.from({ length: N }, (_, r) => (r === 6 ? Number.NaN : r));
    const w = makeWindows(inputs, targets, N, 2, 1, 3, 2);
    assert.deepEqual([...w.ends], [2, 3]); // windows ending at 4 and 5 would need row 6's target
    assert.equal(w.skipped, 2);
    assert.equal(w.B, 2);
    // x (L, B, F): step s of window b reads row ends[b] − 2 + s
    assert.deepEqual([...w.x.subarray(0, 4)], [0, 1, 10, 11]);
    assert.deepEqual([...w.x.subarray(8, 12)], [20, 21, 30, 31]);
    assert.deepEqual([...w.y], [3, 4, 4, 5]);
  });
  it('too few rows for the lookback and horizon is a clear error', () => {
    assert.throws(
      () => makeWindows([1, 2, 3], [1, 2, 3], 3, 1, 1, 12, 1),
      /a lookback of 12 and a horizon of 1 need at least 13 rows; there are 3/,
    );
  });
});
