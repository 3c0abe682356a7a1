/**
 * Windows encoded once and stacked: encodeWindows calls its encoder once per end and counts the
 * windows it could not use; stackWindows lays (L, F) windows out as (L, B, F); the forecaster's
 * WindowEncoder.window gives exactly what inputs/targets give for that end, or null where the
 * forecaster may not use the window.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitEncoding, WindowEncoder } from '../../src/data/series-encoding.js';
import { type EncodedWindow, encodeWindows, rowRange, stackWindows } from '../../src/data/windows.js';
import { calendarFeatures, DataError, prepareSeries, tableFromRecords } from '../../src/index.js';

describe('encodeWindows and stackWindows', () => {
  it('encodes each end once, keeps the usable windows in order and counts the rest', () => {
    const calls: number[] = [];
    const { kept, skipped } = encodeWindows(rowRange(3, 8), (end) => {
      calls.push(end);
      return end % 2 === 0 ? null : { end, x: Float32Array.of(end), y: Float32Array.of(-end) };
    });
    assert.deepEqual(calls, [3, 4, 5, 6, 7]);
    assert.deepEqual(
      kept.map((w) => w.end),
      [3, 5, 7],
    );
    assert.equal(skipped, 2);
  });

  it('stacks (L, F) windows time-major: x (L, B, F), y (B, h, K)', () => {
    // window b ending at row 10b: x[s][f] = 10b + s + f / 10, y[j][k] = 100b + 10j + k
    const windows: EncodedWindow[] = [0, 1, 2].map((b) => ({
      end: 10 * b,
      x: Float32Array.from([0, 1, 2].flatMap((s) => [10 * b + s, 10 * b + s + 0.5])),
      y: Float32Array.from([0, 1].flatMap((j) => [100 * b + 10 * j])),
    }));
    const set = stackWindows(windows, { L: 3, F: 2, h: 2, K: 1 }, 4);
    assert.equal(set.B, 3);
    assert.equal(set.skipped, 4);
    assert.deepEqual([...set.ends], [0, 10, 20]);
    // step s = 1: windows 0, 1, 2 side by side
    assert.deepEqual([...set.x.subarray(6, 12)], [1, 1.5, 11, 11.5, 21, 21.5]);
    assert.deepEqual([...set.y], [0, 10, 100, 110, 200, 210]);
    assert.throws(
      () => stackWindows(windows, { L: 2, F: 2, h: 2, K: 1 }),
      (e: Error) =>
        e instanceof DataError && /ending at row 0 has 6 inputs and 2 targets; .* need 4 and 2/.test(e.message),
    );
  });
});

describe('WindowEncoder.window', () => {
  // monthly y = 2r (row 7 missing, left as a gap) and an exogenous x = r², a month calendar
  const rows = Array.from({ length: 20 }, (_, r) => [
    new Date(Date.UTC(2001, r, 1)).toISOString().slice(0, 10),
    r === 7 ? '' : String(2 * r),
    String(r * r),
  ]);
  const series = prepareSeries(tableFromRecords([['date', 'y', 'x'], ...rows], 'window.csv'), {
    timeColumn: 'date',
    targets: ['y'],
    features: ['x'],
    calendar: ['month'],
    missing: 'skip',
  });
  const encoder = new WindowEncoder(fitEncoding(series, 15, 'trend', 3), series, 4);

  it('gives what inputs and targets give for its end, encoded once', () => {
    const w = encoder.window(12, 3);
    assert.ok(w !== null);
    assert.equal(w.end, 12);
    assert.deepEqual(w.x, encoder.inputs([12]));
    assert.deepEqual(w.y, encoder.targets([12], 3));
    assert.equal(w.x.length, 4 * encoder.F);
    assert.deepEqual(encoder.shape(3), { L: 4, F: 1 + 1 + 2, h: 3, K: 1 });
  });

  it('is null where the forecaster may not use the window', () => {
    assert.equal(encoder.firstEnd, 3);
    assert.equal(encoder.window(2, 1), null, 'before the first full lookback');
    assert.equal(encoder.window(20, 0), null, 'past the data');
    for (const e of [7, 8, 9, 10]) assert.equal(encoder.window(e, 1), null, `lookback of row ${e} holds row 7`);
    assert.equal(encoder.window(6, 1), null, 'its first target (row 7) is missing');
    assert.ok(encoder.window(6, 0) !== null, 'a window to forecast from needs no target');
    const later = encoder.window(5, 3); // targets rows 6, 7, 8: only the first must be there
    assert.ok(later !== null && Number.isNaN(later.y[1]));
    assert.ok(encoder.window(19, 0) !== null && encoder.window(19, 1) === null, 'no row after the last');
  });
});

describe('WindowEncoder with lags, and the day-of-year calendar', () => {
  // monthly y = 2r, no gaps; the 'none' reference: values centred on the training mean, scaled by its std
  const rows = Array.from({ length: 40 }, (_, r) => [
    new Date(Date.UTC(2001, r, 1)).toISOString().slice(0, 10),
    String(2 * r),
  ]);
  const spec = { timeColumn: 'date', targets: ['y'], features: [], calendar: [], missing: 'error' as const };
  const series = prepareSeries(tableFromRecords([['date', 'y'], ...rows], 'lags.csv'), spec);
  const state = fitEncoding(series, 30, 'none', 12);
  const encoder = new WindowEncoder(state, series, 3, [1, 12]);

  it('reads each target at every lag beside its own value, from the row the lag names', () => {
    assert.equal(encoder.F, 3, 'y, y 1 back, y 12 back');
    assert.equal(encoder.firstEnd, 2 + 12, 'the first window reads row 0 through its longest lag');
    assert.equal(encoder.window(13, 1), null);
    const x = encoder.inputs([20]); // rows 18, 19, 20 of the window ending at 20
    const scaled = (r: number): number =>
      (2 * r - (state.targetCenter[0] as number)) / (state.targetScale[0] as number);
    for (let s = 0; s < 3; s++) {
      const r = 18 + s;
      assert.ok(Math.abs((x[s * 3] as number) - scaled(r)) < 1e-5);
      assert.ok(Math.abs((x[s * 3 + 1] as number) - scaled(r - 1)) < 1e-5);
      assert.ok(Math.abs((x[s * 3 + 2] as number) - scaled(r - 12)) < 1e-5);
    }
  });

  it('dayofyear: sin/cos of the day over the year’s own length', () => {
    const days = calendarFeatures([Date.UTC(2021, 0, 1), Date.UTC(2021, 6, 2), Date.UTC(2020, 11, 31)], ['dayofyear']);
    const [sin, cos] = [days.dayofyear_sin as Float64Array, days.dayofyear_cos as Float64Array];
    assert.ok(Math.abs((sin[0] as number) - 0) < 1e-12 && Math.abs((cos[0] as number) - 1) < 1e-12, '1 January');
    // 2 July 2021 is day 182 of 365: just short of half a turn
    assert.ok(Math.abs((cos[1] as number) - Math.cos((2 * Math.PI * 182) / 365)) < 1e-12);
    // 31 December 2020 is day 365 of 366 (a leap year)
    assert.ok(Math.abs((sin[2] as number) - Math.sin((2 * Math.PI * 365) / 366)) < 1e-12);
  });
});
