/**
 * The Forecaster end to end on generated monthly tables: it beats seasonal naive in a rolling-origin
 * backtest with a calibrated interval, reads exogenous columns (input size independent of output
 * size), forecasts several targets, runs the recursive strategy, saves and loads to identical
 * forecasts, and refuses bad input with errors that name the column, row or time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backtest,
  ConfigError,
  DataError,
  decodeForecaster,
  encodeForecaster,
  Forecaster,
  forecastChart,
  IntervalCalibrator,
  lineChartText,
  ModelFileError,
  prepareSeries,
  type Table,
  tableFromRecords,
} from '../../src/index.js';
import { Rng } from '../../src/rng.js';

const month = (r: number): string => {
  const d = new Date(Date.UTC(2000, r, 1));
  return d.toISOString().slice(0, 10);
};

/** A monthly table: a trend with a seasonal cycle and noise, and optional extra columns. */
function seasonalTable(N: number, seed = 3, extra: Record<string, (r: number, y: number[]) => number> = {}): Table {
  const rng = new Rng(seed);
  const y: number[] = [];
  for (let r = 0; r < N; r++) y.push(10 + 0.05 * r + 2 * Math.sin((2 * Math.PI * r) / 12) + 0.3 * rng.normal());
  const names = ['date', 'y', ...Object.keys(extra)];
  const rows = y.map((v, r) => [month(r), v.toFixed(4), ...Object.values(extra).map((f) => f(r, y).toFixed(4))]);
  return tableFromRecords([names, ...rows], 'generated.csv');
}

const quick = { epochs: 80, patience: 15, seed: 1 };

describe('Forecaster', () => {
  const table = seasonalTable(240);
  const options = { timeColumn: 'date', targets: ['y'], calendar: ['month' as const], lookback: 24, horizon: 6 };
  const series = prepareSeries(table, { ...options, features: [], missing: 'error' });
  const trainEnd = series.N - 36;
  const f = Forecaster.fit(series, options, { ...quick, trainEnd });

  it('beats seasonal naive in a rolling-origin backtest, with baselines and a calibrated interval', () => {
    const result = backtest(f, series, { trainEnd });
    assert.equal(result.origins.length, 36 - 6 + 1);
    assert.equal(result.points, result.origins.length * 6);
    const [t] = result.targets;
    assert.ok(t !== undefined);
    for (const m of ['lstm', 'naive', 'seasonal-naive', 'drift'] as const)
      assert.ok(Number.isFinite(t.metrics[m].mase), m);
    assert.ok(t.metrics.lstm.mase < 0.8 * t.metrics['seasonal-naive'].mase, JSON.stringify(t.metrics));
    assert.ok(t.coverage > 0.6 && t.coverage < 0.97, `coverage ${t.coverage}`);
    assert.equal(result.level.toFixed(2), '0.80');
  });

  it('forecasts the months after the data, the interval around the median', () => {
    const fc = f.forecast(series);
    assert.deepEqual(
      fc.times.map((t) => new Date(t).toISOString().slice(0, 10)),
      [0, 1, 2, 3, 4, 5].map((j) => month(240 + j)),
    );
    const [t] = fc.targets;
    assert.ok(t !== undefined);
    for (let j = 0; j < 6; j++) {
      assert.ok((t.lower[j] as number) <= (t.median[j] as number) && (t.median[j] as number) <= (t.upper[j] as number));
      assert.ok(
        Math.abs((t.median[j] as number) - (10 + 0.05 * (240 + j) + 2 * Math.sin((2 * Math.PI * (240 + j)) / 12))) <
          1.5,
      );
    }
    const text = lineChartText(forecastChart(series, fc, backtest(f, series, { trainEnd })), { width: 50, height: 10 });
    assert.match(text, /• observed {3}\* backtest median {3}\+ forecast/);
  });

  it('saves and loads with its scales and calibration: identical forecasts', () => {
    const bytes = encodeForecaster(f);
    const loaded = decodeForecaster(bytes);
    const fresh = loaded.prepare(table);
    const [a, b] = [f.forecast(series), loaded.forecast(fresh)];
    assert.deepEqual(b, a);
    assert.deepEqual(loaded.config, f.config);
    const damaged = bytes.slice();
    damaged[damaged.length - 3] = (damaged[damaged.length - 3] as number) ^ 0xff;
    assert.throws(
      () => decodeForecaster(damaged),
      (e: Error) => e instanceof ModelFileError && /checksum/.test(e.message),
    );
  });

  it("the 'ets' reference (the default: Holt–Winters states, the LSTM on what they miss) beats 'trend' clearly, and saves", () => {
    const hybrid = Forecaster.fit(series, { ...options, reference: 'ets' }, { ...quick, trainEnd });
    const trend = Forecaster.fit(series, { ...options, reference: 'trend' }, { ...quick, trainEnd });
    const [plain, mixed] = [backtest(trend, series, { trainEnd }), backtest(hybrid, series, { trainEnd })].map(
      (r) => r.targets[0]?.metrics.lstm.mase as number,
    );
    assert.ok((mixed as number) < 0.8 * (plain as number), `hybrid MASE ${mixed} vs plain ${plain}`);
    assert.equal(hybrid.encoding.smoothing?.[0]?.spec.season, 'additive');
    const loaded = decodeForecaster(encodeForecaster(hybrid));
    assert.deepEqual(loaded.forecast(loaded.prepare(table)), hybrid.forecast(series));
    assert.throws(
      () => Forecaster.fit(series, { ...options, reference: 'ets', strategy: 'recursive' }, { ...quick, trainEnd }),
      (e: Error) => e instanceof ConfigError && /use --strategy direct with --reference ets/.test(e.message),
    );
  });

  it('reads lagged targets (--lags 12): trains, saves the lags with the model, forecasts the same loaded', () => {
    const lagged = Forecaster.fit(series, { ...options, lags: [12] }, { ...quick, epochs: 10, trainEnd });
    assert.equal(lagged.encoderFor(series).F, 1 + 1 + 2);
    const loaded = decodeForecaster(encodeForecaster(lagged));
    assert.deepEqual(loaded.config.lags, [12]);
    assert.deepEqual(loaded.forecast(loaded.prepare(table)), lagged.forecast(series));
    assert.throws(
      () => Forecaster.fit(series, { ...options, lags: [12, 3] }, { ...quick, trainEnd }),
      (e: Error) => e instanceof ConfigError && /lags must be whole numbers ≥ 1 in increasing order/.test(e.message),
    );
  });

  it('refuses a table with another time step when loaded', () => {
    const daily = tableFromRecords(
      [
        ['date', 'y'],
        ...Array.from({ length: 40 }, (_, d) => [new Date(Date.UTC(2000, 0, d + 1)).toISOString().slice(0, 10), '1']),
      ],
      'daily.csv',
    );
    assert.throws(
      () => f.prepare(daily),
      (e: Error) => e instanceof DataError && /1 day apart; .* 1 month/.test(e.message),
    );
  });
});

describe('Forecaster inputs and strategies', () => {
  it('reads an exogenous column: a target driven by last month’s input is forecast far better than naive', () => {
    const rng = new Rng(9);
    const drive = Array.from({ length: 300 }, () => rng.normal());
    const table = tableFromRecords(
      [
        ['date', 'sales', 'ads'],
        ...drive.map((x, r) => [month(r), (5 + 2 * (drive[r - 1] ?? 0) + 0.1 * rng.normal()).toFixed(4), x.toFixed(4)]),
      ],
      'ads.csv',
    );
    const options = {
      timeColumn: 'date',
      targets: ['sales'],
      features: ['ads'],
      lookback: 6,
      horizon: 1,
      reference: 'none' as const,
    };
    const series = prepareSeries(table, { ...options, calendar: [], missing: 'error' });
    const f = Forecaster.fit(series, options, { ...quick, trainEnd: 240 });
    const [t] = backtest(f, series, { trainEnd: 240 }).targets;
    assert.ok(t !== undefined);
    assert.ok(t.metrics.lstm.mae < 0.3 * t.metrics.naive.mae, JSON.stringify(t.metrics));
  });

  it('forecasts two targets at once, and recursively', () => {
    const table = seasonalTable(200, 4, { z: (r, y) => (y[r] as number) * 0.5 + Math.cos(r) });
    const options = {
      timeColumn: 'date',
      targets: ['y', 'z'],
      lookback: 18,
      horizon: 4,
      strategy: 'recursive' as const,
    };
    const f = Forecaster.fit(table, options, { ...quick, trainEnd: 170 });
    const series = f.prepare(table);
    const result = backtest(f, series, { trainEnd: 170 });
    assert.deepEqual(
      result.targets.map((t) => t.name),
      ['y', 'z'],
    );
    const [y] = result.targets;
    assert.ok(y !== undefined && y.metrics.lstm.mase < y.metrics.naive.mase, JSON.stringify(y?.metrics));
    assert.equal(f.forecast(series).targets[1]?.median.length, 4);
    assert.throws(
      () => Forecaster.fit(table, { ...options, features: ['z'], targets: ['y'] }),
      (e: Error) => e instanceof ConfigError && /exogenous column 'z' has no future values/.test(e.message),
    );
  });
});

describe('Forecaster bad input', () => {
  const options = { timeColumn: 'date', targets: ['y'], lookback: 12, horizon: 3 };

  it('names a missing column beside the ones there are', () => {
    assert.throws(
      () => Forecaster.fit(seasonalTable(60), { ...options, targets: ['sales'] }),
      (e: Error) => e instanceof DataError && /'sales'/.test(e.message) && /date, y/.test(e.message),
    );
  });

  it('names the row and column of a non-numeric cell', () => {
    const table = seasonalTable(60);
    (table.columns.y as string[])[6] = 'twelve';
    assert.throws(
      () => Forecaster.fit(table, options),
      (e: Error) => e instanceof DataError && /row 8, column 'y': 'twelve' is not a number/.test(e.message),
    );
  });

  it('names the time of a missing value under the error policy, and fills it when asked', () => {
    const table = seasonalTable(80);
    (table.columns.y as string[])[10] = '';
    assert.throws(
      () => Forecaster.fit(table, options),
      (e: Error) => e instanceof DataError && /column 'y' at 2000-11-01 is missing/.test(e.message),
    );
    assert.doesNotThrow(() => Forecaster.fit(table, { ...options, missing: 'interpolate' }, { epochs: 2 }));
  });

  it('says how many rows the lookback needs when there are too few', () => {
    assert.throws(
      () => Forecaster.fit(seasonalTable(20), { ...options, lookback: 24 }),
      (e: Error) =>
        e instanceof DataError &&
        /lookback of 24 and a horizon of 3 .*need at least 28 training rows with values; there are 20 rows/.test(
          e.message,
        ),
    );
  });
});

describe('IntervalCalibrator', () => {
  it('widens after misses and narrows after a calm run', () => {
    const c = IntervalCalibrator.start(0.8, 0.1, [[0, 0, 0, 0]]);
    const before = c.widening(0);
    for (let i = 0; i < 10; i++) c.observe(0, -1, 1, 3, c.widening(0)); // outcomes far outside
    const widened = c.widening(0);
    assert.ok(widened > before, `${widened} > ${before}`);
    for (let i = 0; i < 60; i++) c.observe(0, -1, 1, 0, c.widening(0)); // inside, score −1
    assert.ok(c.widening(0) < widened);
    assert.deepEqual(
      c.apply(0, -1, 0.5, 1),
      [-1 - c.widening(0), 1 + c.widening(0)].map((v, i) => (i === 0 ? Math.min(v, 0.5) : Math.max(v, 0.5))),
    );
  });
});
