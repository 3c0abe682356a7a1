/**
 * The time column against hostile files (issue 17): impossible calendar dates refused, bare
 * integers read as an integer step index (not months of 2001), and a grid bounded before it is
 * allocated; a seeded property test of the ISO reader against the calendar.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { prepareSeries, type SeriesSpec } from '../../src/data/series.js';
import { tableFromRecords } from '../../src/data/table.js';
import {
  checkGridSize,
  describeStep,
  formatTime,
  gridPositions,
  inferStep,
  parseIsoTime,
  parseTimes,
  timeKind,
} from '../../src/data/time-index.js';
import { DataError } from '../../src/errors.js';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a DataError');
}

const spec = (timeColumn: string, calendar: SeriesSpec['calendar'] = []): SeriesSpec => ({
  timeColumn,
  targets: ['y'],
  features: [],
  calendar,
  missing: 'interpolate',
});

describe('strict dates', () => {
  it('2000-02-30 is refused, not read as 2000-03-01 (issue 17); leap days follow the calendar', () => {
    assert.match(
      refusal(() => parseTimes(['2000-02-28', '2000-02-30'], 'f.csv', 'date')),
      /^f\.csv: row 3, column 'date': '2000-02-30' is not a date/,
    );
    assert.ok(Number.isFinite(parseIsoTime('2000-02-29')));
    for (const text of [
      '1900-02-29',
      '2001-02-29',
      '2020-13',
      '2020-00-10',
      '2020-04-31',
      '2020-01-01T24:00',
      '2020-01-01T12:60',
      '2020-01-01T12:00:61',
      '2020-01-01T12:00+24:00',
    ])
      assert.ok(Number.isNaN(parseIsoTime(text)), text);
  });

  it('only ISO 8601: no JavaScript-only forms; a time without a zone is UTC, not local time', () => {
    for (const text of ['Jan 5 2020', '2020/01/05', '5 January 2020', '2020-1-5', '20200105T', '1e3', ''])
      assert.ok(Number.isNaN(parseIsoTime(text)), text);
    assert.equal(parseIsoTime('2020-01-31T12:00'), Date.UTC(2020, 0, 31, 12));
    assert.equal(parseIsoTime('2020-01-31 12:00:30.25'), Date.UTC(2020, 0, 31, 12, 0, 30, 250));
    assert.equal(parseIsoTime('2020-01-31T12:00+02:00'), Date.UTC(2020, 0, 31, 10));
    assert.equal(parseIsoTime('2020-01-31T12:00-0130'), Date.UTC(2020, 0, 31, 13, 30));
    assert.equal(parseIsoTime('0050-03'), new Date('0050-03-01T00:00:00Z').getTime(), 'year 50, not 1950');
  });

  it('property: every real calendar time, written in ISO, reads back; day 29-31 beyond the month is refused', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: 29, max: 31 }),
        (date, day) => {
          const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
          assert.equal(parseIsoTime(iso), date.getTime(), iso);
          assert.equal(parseIsoTime(iso.slice(0, 10)), Date.parse(`${iso.slice(0, 10)}T00:00:00Z`), iso);
          const [y, m] = [date.getUTCFullYear(), date.getUTCMonth()];
          const last = new Date(Date.UTC(2000, m + 1, 0)).getUTCDate() - (m === 1 && !isLeap(y) ? 1 : 0);
          const text = `${iso.slice(0, 8)}${String(day).padStart(2, '0')}`;
          assert.equal(Number.isNaN(parseIsoTime(text)), day > last, text);
        },
      ),
      { seed: 17, numRuns: 300 },
    );
  });
});

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

describe('an integer time column is a step index', () => {
  it('times 1-12 are steps 1-12, not months of 2001 (issue 17)', () => {
    const cells = Array.from({ length: 12 }, (_, i) => String(i + 1));
    assert.equal(timeKind(cells), 'index');
    const times = parseTimes(cells, 'f.csv', 't');
    assert.deepEqual([...times], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const step = inferStep(times, 'f.csv', 'index');
    assert.deepEqual(step, { kind: 'index', steps: 1 });
    assert.equal(describeStep(step), '1 integer step');
    assert.equal(formatTime(13, step), '13');
  });

  it('years and gaps: a grid of integer steps; the forecast times are integers', () => {
    const table = tableFromRecords(
      [['year', 'y'], ...[1990, 1991, 1993, 1994, 1995].map((t, i) => [String(t), String(i)])],
      'years.csv',
    );
    const series = prepareSeries(table, spec('year'));
    assert.equal(series.N, 6);
    assert.deepEqual([...series.times], [1990, 1991, 1992, 1993, 1994, 1995]);
    assert.equal(series.timeAt(7), 1997);
    assert.deepEqual(series.step, { kind: 'index', steps: 1 });
    assert.equal(series.targets[0]?.[2], 1.5, 'the absent 1992 interpolated');
  });

  it('a date among integers, a non-integer and calendar features are refused with the reason', () => {
    assert.match(
      refusal(() => parseTimes(['1', '2', '2020-01-03'], 'f.csv', 't')),
      /row 4, column 't': '2020-01-03' is not an integer; the column's first time, '1', makes it an integer step index/,
    );
    assert.match(
      refusal(() => parseTimes(['1', '2.5'], 'f.csv', 't')),
      /'2\.5' is not an integer/,
    );
    assert.match(
      refusal(() => parseTimes(['1', '99999999999999999999'], 'f.csv', 't')),
      /is not an integer/,
    );
    const table = tableFromRecords(
      [
        ['t', 'y'],
        ['1', '1'],
        ['2', '2'],
      ],
      'i.csv',
    );
    assert.match(
      refusal(() => prepareSeries(table, spec('t', ['month']))),
      /column 't' holds integers, an integer step index, and has no calendar; calendar features \(month\) need dates/,
    );
  });
});

describe('the time grid is bounded before allocation', () => {
  it('one 1-second step among 20 years of daily rows is refused, naming the step, the span and the size (issue 17)', () => {
    const day = 86_400_000;
    const start = Date.UTC(2000, 0, 1);
    const cells = ['2000-01-01T00:00:00Z', '2000-01-01T00:00:01Z'];
    for (let t = start + day; t < Date.UTC(2020, 0, 1); t += day) cells.push(new Date(t).toISOString());
    const table = tableFromRecords([['time', 'y'], ...cells.map((c, i) => [c, String(i)])], 'spike.csv');
    const used = process.memoryUsage().rss;
    const message = refusal(() => prepareSeries(table, spec('time')));
    assert.ok(process.memoryUsage().rss - used < 200e6, 'nothing grid-sized was allocated');
    assert.match(
      message,
      /^spike\.csv: column 'time': the smallest step between rows is 1 second \(rows 2 and 3\), and the rows span 2000-01-01 to 2019-12-31: a regular grid of 631,065,601 steps for 7,306 rows, more than the limit of 730,600 \(100 grid steps per row, at most 10,000,000\)\./,
    );
  });

  it('a grid past 2^31 steps is refused, not wrapped into "Invalid typed array length" (issue 17)', () => {
    const times = parseTimes(
      ['2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.001Z', '2100-01-01T00:00:00Z'],
      'f',
      't',
    );
    const step = inferStep(times, 'f');
    assert.deepEqual(step, { kind: 'fixed', ms: 1 });
    assert.match(
      refusal(() => gridPositions(times, step, 'f.csv', 't')),
      /a regular grid of 3,155,760,000,001 steps for 3 rows/,
    );
    const ints = parseTimes(['0', '1', String(2 ** 40)], 'f', 't');
    assert.match(
      refusal(() => checkGridSize(ints, { kind: 'index', steps: 1 }, 'f.csv', 't')),
      /1,099,511,627,777 steps/,
    );
  });

  it('a sparse but reasonable grid still reads: 3 monthly rows 60 years apart', () => {
    const table = tableFromRecords(
      [
        ['d', 'y'],
        ['1958-03', '1'],
        ['1958-04', '2'],
        ['2020-01', '3'],
      ],
      'sparse.csv',
    );
    assert.equal(prepareSeries(table, spec('d')).N, 743);
  });
});
