/**
 * The time axis of a series: parsing the time column, finding its step (monthly, weekly, daily,
 * hourly or any fixed step), laying the rows on the complete grid from first to last time so
 * that absent rows become explicit missing values, and the calendar features a model can read.
 * Times are UTC milliseconds; a month step keeps the day of month (1958-03-01, 1958-04-01, …).
 * A column of bare integers (1, 2, 3 … or 1990, 1991 …) is an integer step index, as pandas and
 * statsforecast read an integer `ds`: its times are the integers themselves, never dates.
 * Dates are strict ISO 8601 (2000-02-30 is refused, not read as 2000-03-01); a time without a zone
 * is UTC. The grid is bounded before anything is allocated (checkGridSize).
 */
import { ConfigError, DataError } from '../errors.js';
import { quoteCell } from './cell-text.js';
import { isBareInteger } from './decimal.js';

export type Step =
  | { kind: 'month'; months: number }
  | { kind: 'fixed'; ms: number }
  /** An integer step index: times are integers, `steps` apart at the least. */
  | { kind: 'index'; steps: number };

/** What a time column holds: dates (ISO 8601) or an integer step index. */
export type TimeKind = 'date' | 'index';

const DAY = 86_400_000;

/** A grid longer than GRID_ROWS_PER_ROW × the rows (and MIN_GRID_LIMIT) or MAX_GRID_ROWS is refused. */
export const GRID_ROWS_PER_ROW = 100;
export const MIN_GRID_LIMIT = 10_000;
export const MAX_GRID_ROWS = 10_000_000;

/** The first cell decides: a bare integer makes the column an integer step index. */
export function timeKind(cells: readonly string[]): TimeKind {
  return cells.length > 0 && isBareInteger((cells[0] as string).trim()) ? 'index' : 'date';
}

// YYYY-MM, YYYY-MM-DD, then [T or space]HH:MM[:SS[.fraction]] and a zone (Z, ±HH:MM, ±HHMM, ±HH)
const ISO_TIME =
  /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?$/;

/** Days in a month (1 … 12) of a proleptic Gregorian year. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}

/** Date.UTC for every year 0 … 9999 (Date.UTC reads years 0 … 99 as 1900 … 1999). */
export function utcTime(
  year: number,
  monthIndex: number,
  day = 1,
  hours = 0,
  minutes = 0,
  seconds = 0,
  ms = 0,
): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  d.setUTCHours(hours, minutes, seconds, ms);
  return d.getTime();
}

/** An ISO 8601 date or date-time as UTC ms, or NaN where the text is not one or names no real time. */
export function parseIsoTime(text: string): number {
  const m = ISO_TIME.exec(text);
  if (m === null) return Number.NaN;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hours = h === undefined ? 0 : Number(h);
  const minutes = mi === undefined ? 0 : Number(mi);
  const seconds = s === undefined ? 0 : Number(s);
  const ms = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hours > 23 || minutes > 59 || seconds > 59) return Number.NaN;
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const zoneHours = Number(digits.slice(0, 2));
    const zoneMinutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (zoneHours > 23 || zoneMinutes > 59) return Number.NaN;
    offset = (zone.startsWith('-') ? -1 : 1) * (zoneHours * 60 + zoneMinutes) * 60_000;
  }
  return utcTime(year, month - 1, day, hours, minutes, seconds, ms) - offset;
}

/**
 * The times of a time column, strictly increasing: ISO dates and date-times ('2020-01',
 * '2020-01-31', '2020-01-31T12:00', with a zone or UTC), or bare integers (timeKind 'index').
 */
export function parseTimes(cells: readonly string[], where: string, name: string): Float64Array {
  const kind = timeKind(cells);
  const times = Float64Array.from(cells, (cell, i) => {
    const text = cell.trim();
    if (kind === 'index') {
      const t = Number(text);
      if (!isBareInteger(text) || !Number.isSafeInteger(t))
        throw new DataError(
          where,
          `row ${i + 2}, column ${quoteCell(name)}: ${quoteCell(cell)} is not an integer; the column's first time, ${quoteCell(cells[0] as string)}, makes it an integer step index (integers of at most 15 digits).`,
        );
      return t;
    }
    const t = parseIsoTime(text);
    if (!Number.isFinite(t))
      throw new DataError(
        where,
        `row ${i + 2}, column ${quoteCell(name)}: ${quoteCell(cell)} is not a date (expected e.g. 2020-01-31 or 2020-01-31T12:00Z, a real day of a real month).`,
      );
    return t;
  });
  for (let i = 1; i < times.length; i++) {
    if (!((times[i] as number) > (times[i - 1] as number)))
      throw new DataError(
        where,
        `row ${i + 2}, column ${quoteCell(name)}: ${quoteCell(cells[i] as string)} does not come after ${quoteCell(cells[i - 1] as string)}; sort the rows by time and remove duplicates.`,
      );
  }
  return times;
}

function monthIndex(t: number): number {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Where the smallest gap between consecutive times is: its size and the index of the later row. */
function smallestGap(times: Float64Array, gap: (a: number, b: number) => number): { size: number; at: number } {
  let size = Infinity;
  let at = 1;
  for (let i = 1; i < times.length; i++) {
    const g = gap(times[i - 1] as number, times[i] as number);
    if (g < size) [size, at] = [g, i];
  }
  return { size, at };
}

/**
 * The smallest step between consecutive times, in whole months when the times fall on the same
 * day of month; for an integer step index (kind 'index'), the smallest difference.
 */
export function inferStep(times: Float64Array, where: string, kind: TimeKind = 'date'): Step {
  if (times.length < 2) throw new DataError(where, 'a series needs at least two rows to find its time step.');
  if (kind === 'index') return { kind: 'index', steps: smallestGap(times, (a, b) => b - a).size };
  const sameDay = Array.from(times).every(
    (t) =>
      new Date(t).getUTCDate() === new Date(times[0] as number).getUTCDate() && t % DAY === (times[0] as number) % DAY,
  );
  if (sameDay && new Date(times[0] as number).getUTCDate() <= 28) {
    const months = smallestGap(times, (a, b) => monthIndex(b) - monthIndex(a)).size;
    if (months >= 1 && months < 12 * 100) return { kind: 'month', months };
  }
  return { kind: 'fixed', ms: smallestGap(times, (a, b) => b - a).size };
}

/** A step in words: '1 month', '1 day', '15 minutes', '1 integer step'. */
export function describeStep(step: Step): string {
  if (step.kind === 'month') return `${step.months} month${step.months === 1 ? '' : 's'}`;
  if (step.kind === 'index') return `${step.steps} integer step${step.steps === 1 ? '' : 's'}`;
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const [ms, unit] = units.find(([u]) => step.ms % u === 0) ?? [1, 'millisecond'];
  const n = step.ms / ms;
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A time as a message or a report writes it: the integer of an index, else ISO without a midnight. */
export function formatTime(t: number, step: Step): string {
  if (step.kind === 'index') return String(t);
  if (!Number.isFinite(t) || Math.abs(t) > 8.64e15) return String(t);
  return new Date(t).toISOString().replace('T00:00:00.000Z', '').replace('.000Z', 'Z');
}

/** Time of grid position k from `start`. */
export function stepTime(start: number, step: Step, k: number): number {
  if (step.kind === 'fixed') return start + k * step.ms;
  if (step.kind === 'index') return start + k * step.steps;
  const d = new Date(start);
  return utcTime(
    d.getUTCFullYear(),
    d.getUTCMonth() + k * step.months,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/** Grid position of time t, rounded (gridPositions checks that it is exact). */
function positionOf(t: number, start: number, step: Step): number {
  if (step.kind === 'month') return Math.round((monthIndex(t) - monthIndex(start)) / step.months);
  return Math.round((t - start) / (step.kind === 'fixed' ? step.ms : step.steps));
}

/**
 * The grid's length (last position + 1), refused before anything is allocated when it exceeds
 * GRID_ROWS_PER_ROW × the rows (at least MIN_GRID_LIMIT) or MAX_GRID_ROWS: one 1-second step among
 * 20 years of daily rows would otherwise ask for a grid of 631 million rows.
 */
export function checkGridSize(times: Float64Array, step: Step, where: string, name: string): number {
  const start = times[0] as number;
  const last = times[times.length - 1] as number;
  const size = positionOf(last, start, step) + 1;
  const limit = Math.min(MAX_GRID_ROWS, Math.max(MIN_GRID_LIMIT, GRID_ROWS_PER_ROW * times.length));
  if (!(size <= limit)) {
    const gap = smallestGap(times, (a, b) => (step.kind === 'month' ? monthIndex(b) - monthIndex(a) : b - a)).at;
    const count = (n: number): string => n.toLocaleString('en-US');
    throw new DataError(
      where,
      `column ${quoteCell(name)}: the smallest step between rows is ${describeStep(step)} (rows ${gap + 1} and ${gap + 2}), ` +
        `and the rows span ${formatTime(start, step)} to ${formatTime(last, step)}: a regular grid of ${count(size)} steps ` +
        `for ${count(times.length)} rows, more than the limit of ${count(limit)} (${GRID_ROWS_PER_ROW} grid steps per row, at most ${count(MAX_GRID_ROWS)}).`,
      'fix or remove the rows off the usual step, or resample the series to one step first.',
    );
  }
  return size;
}

/**
 * Grid position of each row; an error names the first row off the grid. The grid's size is
 * checked first (checkGridSize), so every position fits an Int32Array.
 */
export function gridPositions(times: Float64Array, step: Step, where: string, name: string): Int32Array {
  checkGridSize(times, step, where, name);
  const start = times[0] as number;
  return Int32Array.from(times, (t, i) => {
    const k = positionOf(t, start, step);
    if (stepTime(start, step, k) !== t)
      throw new DataError(
        where,
        `row ${i + 2}, column ${quoteCell(name)}: ${step.kind === 'index' ? t : new Date(t).toISOString()} is not a whole number of steps after the first time; the series must be regular (gaps are fine).`,
      );
    return k;
  });
}

/** Spread values of the rows onto the grid (length `size`), NaN where no row falls. */
export function onGrid(values: ArrayLike<number>, positions: Int32Array, size: number): Float64Array {
  const out = new Float64Array(size).fill(Number.NaN);
  positions.forEach((k, i) => (out[k] = values[i] as number));
  return out;
}

export type MissingPolicy = 'error' | 'interpolate' | 'ffill' | 'skip';
export const MISSING_POLICIES: readonly MissingPolicy[] = ['error', 'interpolate', 'ffill', 'skip'];

/**
 * Fill the missing values (NaN) of a gridded column:
 *   error        refuse, naming the first missing time
 *   interpolate  linear between the nearest known neighbours (the ends repeat the nearest value)
 *   ffill        repeat the last known value (a leading gap takes the first known one)
 *   skip         leave them: windows that touch one are dropped
 */
export function fillMissing(
  values: Float64Array,
  policy: MissingPolicy,
  describe: (k: number) => string,
): Float64Array {
  if (!MISSING_POLICIES.includes(policy))
    throw new ConfigError(
      'fillMissing',
      `the missing-value policy must be one of ${MISSING_POLICIES.join(', ')}; got '${policy}'.`,
    );
  const out = values.slice();
  const known: number[] = [];
  out.forEach((v, k) => Number.isFinite(v) && known.push(k));
  if (known.length === out.length || policy === 'skip') return out;
  if (known.length === 0) throw new DataError('fillMissing', `${describe(0)}: the column has no value at all.`);
  const firstMissing = out.findIndex((v) => !Number.isFinite(v));
  if (policy === 'error')
    throw new DataError(
      'fillMissing',
      `${describe(firstMissing)} is missing (${out.length - known.length} missing in all).`,
      'choose a policy: --missing interpolate, ffill or skip.',
    );
  let prev = -1;
  for (const k of [...known, out.length]) {
    for (let j = prev + 1; j < k; j++) {
      const left = prev >= 0 ? (out[prev] as number) : (out[k] as number);
      const right = k < out.length ? (out[k] as number) : left;
      out[j] =
        policy === 'ffill' || prev < 0 || k >= out.length ? left : left + ((right - left) * (j - prev)) / (k - prev);
    }
    prev = k;
  }
  return out;
}

export type CalendarFeature = 'month' | 'weekday' | 'dayofyear';

/** Cyclic calendar features, two columns each (sin, cos), for grid times. */
export function calendarFeatures(
  times: ArrayLike<number>,
  features: readonly CalendarFeature[],
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const f of features) {
    const phase = (t: number): number => {
      const d = new Date(t);
      if (f === 'month') return (2 * Math.PI * d.getUTCMonth()) / 12;
      if (f === 'weekday') return (2 * Math.PI * d.getUTCDay()) / 7;
      // day of the year, 0 on 1 January, over the year's own length (365 or 366 days)
      const year = d.getUTCFullYear();
      const start = Date.UTC(year, 0, 1);
      const days = (Date.UTC(year + 1, 0, 1) - start) / 86_400_000;
      return (2 * Math.PI * Math.floor((t - start) / 86_400_000)) / days;
    };
    out[`${f}_sin`] = Float64Array.from(times, (t) => Math.sin(phase(t)));
    out[`${f}_cos`] = Float64Array.from(times, (t) => Math.cos(phase(t)));
  }
  return out;
}
