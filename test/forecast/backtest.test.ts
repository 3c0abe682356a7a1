/**
 * The forecaster encodes each window once, and a backtest builds one encoder for all its origins
 * without leaking the future into them: the fit reads only the training rows (its scales, weights
 * and calibration do not move when the rows after trainEnd change), and the forecast and interval
 * of every origin do not move when the rows after that origin change. A small network trained a few
 * epochs is enough: these are properties of the data flow, not of the accuracy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WindowEncoder } from '../../src/data/series-encoding.js';
import {
  backtest,
  Forecaster,
  type ForecasterOptions,
  IntervalCalibrator,
  type PreparedSeries,
  prepareSeries,
  tableFromRecords,
} from '../../src/index.js';
import { Rng } from '../../src/rng.js';

const month = (r: number): string => new Date(Date.UTC(2000, r, 1)).toISOString().slice(0, 10);

/** A monthly seasonal target and an exogenous column it follows. */
function makeSeries(N: number): PreparedSeries {
  const rng = new Rng(7);
  const rows = Array.from({ length: N }, (_, r) => {
    const drive = Math.cos(r / 3);
    const y = 10 + 0.05 * r + 2 * Math.sin((2 * Math.PI * r) / 12) + drive + 0.2 * rng.normal();
    return [month(r), y.toFixed(4), drive.toFixed(4)];
  });
  return prepareSeries(tableFromRecords([['date', 'y', 'drive'], ...rows], 'generated.csv'), {
    timeColumn: 'date',
    targets: ['y'],
    features: ['drive'],
    calendar: ['month'],
    missing: 'error',
  });
}

/** The same series with every target and exogenous value after row `last` replaced. */
function futureChanged(series: PreparedSeries, last: number): PreparedSeries {
  const change = (column: Float64Array): Float64Array => column.map((v, r) => (r > last ? 1000 - v : v));
  return { ...series, targets: series.targets.map(change), features: series.features.map(change) };
}

/** Records the encoder and the end of every WindowEncoder.window call while `run` runs. */
function recordWindows<T>(run: () => T): { result: T; calls: { encoder: WindowEncoder; end: number; h: number }[] } {
  const calls: { encoder: WindowEncoder; end: number; h: number }[] = [];
  const original = WindowEncoder.prototype.window;
  WindowEncoder.prototype.window = function (this: WindowEncoder, end: number, h: number) {
    calls.push({ encoder: this, end, h });
    return original.call(this, end, h);
  };
  try {
    return { result: run(), calls };
  } finally {
    WindowEncoder.prototype.window = original;
  }
}

const options: ForecasterOptions = {
  timeColumn: 'date',
  targets: ['y'],
  features: ['drive'],
  calendar: ['month'],
  lookback: 12,
  horizon: 4,
  hiddenSize: 8,
};
const quick = { epochs: 4, seed: 2 };

describe('forecaster windows and the backtest encoder', () => {
  const series = makeSeries(120);
  const trainEnd = 90;

  it('fit encodes each window once, with the network horizon', () => {
    const { result: f, calls } = recordWindows(() => Forecaster.fit(series, options, { ...quick, trainEnd }));
    const ends = calls.map((c) => c.end);
    assert.equal(new Set(ends).size, ends.length, 'no window encoded twice');
    assert.ok(calls.every((c) => c.h === 4 && c.encoder === f.encoderFor(series)));
    // every window whose targets are training rows: ends firstEnd … trainEnd − h − 1
    const first = f.encoderFor(series).firstEnd;
    assert.deepEqual(
      ends,
      Array.from({ length: trainEnd - 4 - first }, (_, i) => first + i),
    );
  });

  it('the backtest builds one encoder for every origin, and encodes each origin once', () => {
    const f = Forecaster.fit(series, options, { ...quick, trainEnd });
    const other = futureChanged(series, series.N); // the same rows in another series object
    const { result, calls } = recordWindows(() => backtest(f, other, { trainEnd }));
    assert.equal(new Set(calls.map((c) => c.encoder)).size, 1, 'one encoder');
    assert.deepEqual(
      calls.map((c) => c.end),
      result.origins,
    );
    assert.ok(calls.every((c) => c.h === 0 && c.encoder.series === other));
  });

  it('the fit reads only the training rows: its scales, weights and calibration ignore the rows after', () => {
    const a = Forecaster.fit(series, options, { ...quick, trainEnd });
    const b = Forecaster.fit(futureChanged(series, trainEnd - 1), options, { ...quick, trainEnd });
    assert.deepEqual(b.encoding, a.encoding);
    assert.deepEqual(b.network.arena.values, a.network.arena.values);
    assert.deepEqual(b.calibrator?.state, a.calibrator?.state);
  });

  it('every origin reads only the rows up to it: changing the rows after it leaves its forecast', () => {
    const f = Forecaster.fit(series, options, { ...quick, trainEnd });
    const calibration = JSON.stringify(f.calibrator?.state);
    const run = (s: PreparedSeries): ReturnType<typeof backtest> => {
      // each backtest moves the calibration on: start both from the fitted state
      f.calibrator = IntervalCalibrator.fromState(JSON.parse(calibration));
      return backtest(f, s, { trainEnd });
    };
    const full = run(series);
    const h = full.horizon;
    for (const b of [0, 7, 19]) {
      const origin = full.origins[b] as number;
      const cut = run(futureChanged(series, origin));
      assert.deepEqual(cut.origins, full.origins);
      const [x, y] = [full.targets[0], cut.targets[0]];
      assert.ok(x !== undefined && y !== undefined);
      // origins 0 … b forecast from rows up to `origin`, and their intervals see outcomes up to it
      const upTo = (a: Float64Array): number[] => [...a.subarray(0, (b + 1) * h)];
      assert.deepEqual(upTo(y.median), upTo(x.median), `median up to origin ${origin}`);
      assert.deepEqual(upTo(y.lower), upTo(x.lower), `lower up to origin ${origin}`);
      assert.deepEqual(upTo(y.upper), upTo(x.upper), `upper up to origin ${origin}`);
      // and the next origin does see the change
      assert.notDeepEqual(
        [...y.median.subarray((b + 1) * h, (b + 2) * h)],
        [...x.median.subarray((b + 1) * h, (b + 2) * h)],
      );
    }
  });
});
