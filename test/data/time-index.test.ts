/** The time axis: parsing, the step, the grid with gaps made explicit, missing-value policies, calendar features. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  calendarFeatures,
  fillMissing,
  gridPositions,
  inferStep,
  onGrid,
  parseTimes,
  stepTime,
} from '../../src/data/time-index.js';

describe('time index', () => {
  it('monthly dates with a gap: step one month, June on the grid as a missing value', () => {
    const cells = ['1958-03-01', '1958-04-01', '1958-05-01', '1958-07-01'];
    const times = parseTimes(cells, 'co2.csv', 'Date');
    const step = inferStep(times, 'co2.csv');
    assert.deepEqual(step, { kind: 'month', months: 1 });
    const positions = gridPositions(times, step, 'co2.csv', 'Date');
    assert.deepEqual([...positions], [0, 1, 2, 4]);
    const grid = onGrid([315.7, 317.46, 317.51, 315.86], positions, 5);
    assert.ok(Number.isNaN(grid[3] as number));
    assert.equal(new Date(stepTime(times[0] as number, step, 3)).toISOString().slice(0, 10), '1958-06-01');
  });

  it('daily and hourly steps; YYYY-MM is a month', () => {
    assert.deepEqual(inferStep(parseTimes(['2020-01-01', '2020-01-02', '2020-01-05'], 'f', 't'), 'f'), {
      kind: 'fixed',
      ms: 86_400_000,
    });
    assert.deepEqual(inferStep(parseTimes(['2020-01-01T00:00Z', '2020-01-01T01:00Z'], 'f', 't'), 'f'), {
      kind: 'fixed',
      ms: 3_600_000,
    });
    assert.deepEqual(inferStep(parseTimes(['2020-01', '2020-04', '2020-07'], 'f', 't'), 'f'), {
      kind: 'month',
      months: 3,
    });
  });

  it('names the row of a bad date, an unsorted time and an off-grid time', () => {
    assert.throws(
      () => parseTimes(['2020-01-01', 'soon'], 'f.csv', 'date'),
      /row 3, column 'date': 'soon' is not a date/,
    );
    assert.throws(
      () => parseTimes(['2020-01-02', '2020-01-01'], 'f.csv', 'date'),
      /row 3, column 'date': '2020-01-01' does not come after '2020-01-02'/,
    );
    const times = parseTimes(['2020-01-01T00:00Z', '2020-01-01T02:00Z', '2020-01-01T03:30Z'], 'f.csv', 'date');
    assert.throws(
      () => gridPositions(times, { kind: 'fixed', ms: 3_600_000 }, 'f.csv', 'date'),
      /row 4, column 'date': 2020-01-01T03:30:00.000Z is not a whole number of steps/,
    );
  });

  it('missing values: interpolate, ffill, skip, or an error naming the first missing time', () => {
    const v = Float64Array.of(Number.NaN, 1, Number.NaN, Number.NaN, 4, Number.NaN);
    assert.deepEqual([...fillMissing(v, 'interpolate', String)], [1, 1, 2, 3, 4, 4]);
    assert.deepEqual([...fillMissing(v, 'ffill', String)], [1, 1, 1, 1, 4, 4]);
    assert.ok(Number.isNaN(fillMissing(v, 'skip', String)[0] as number));
    assert.throws(() => fillMissing(v, 'error', (k) => `time ${k}`), /time 0 is missing \(4 missing in all\)/);
  });

  it('calendar features are cyclic: December sits next to January', () => {
    const times = parseTimes(['2020-01', '2020-12'], 'f', 't');
    const f = calendarFeatures(times, ['month']);
    const distance = Math.hypot(
      (f['month_sin']![0] as number) - (f['month_sin']![1] as number),
      (f['month_cos']![0] as number) - (f['month_cos']![1] as number),
    );
    assert.ok(Math.abs(distance - 2 * Math.sin(Math.PI / 12)) < 1e-12);
  });
});
