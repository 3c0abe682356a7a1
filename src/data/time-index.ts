/**
 * The time axis of a series: parsing the time column, finding its step (monthly, weekly, daily,
 * hourly or any fixed step), laying the rows on the complete grid from first to last time so
 * that absent rows become explicit missing values, and the calendar features a model can read.
 * Times are UTC milliseconds; a month step keeps the day of month (1958-03-01, 1958-04-01, …).
 */
import { ConfigError, DataError } from '../errors.js';

export type Step = { kind: 'month'; months: number } | { kind: 'fixed'; ms: number };

const DAY = 86_400_000;

/** ISO dates and date-times ('2020-01', '2020-01-31', '2020-01-31T12:00', with a zone or UTC). */
export function parseTimes(cells: readonly string[], where: string, name: string): Float64Array {
  const times = Float64Array.from(cells, (cell, i) => {
    const text = cell.trim();
    const iso = /^\d{4}-\d{2}$/.test(text) ? `${text}-01` : text;
    const t = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? Date.parse(`${iso}T00:00:00Z`) : Date.parse(iso);
    if (!Number.isFinite(t))
      throw new DataError(
        where,
        `row ${i + 2}, column '${name}': '${cell}' is not a date (expected e.g. 2020-01-31 or 2020-01-31T12:00Z).`,
      );
    return t;
  });
  for (let i = 1; i < times.length; i++) {
    if (!((times[i] as number) > (times[i - 1] as number)))
      throw new DataError(
        where,
        `row ${i + 2}, column '${name}': '${cells[i]}' does not come after '${cells[i - 1]}'; sort the rows by time and remove duplicates.`,
      );
  }
  return times;
}

function monthIndex(t: number): number {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The smallest step between consecutive times, in whole months when the times fall on the same day of month. */
export function inferStep(times: Float64Array, where: string): Step {
  if (times.length < 2) throw new DataError(where, 'a series needs at least two rows to find its time step.');
  const sameDay = Array.from(times).every(
    (t) =>
      new Date(t).getUTCDate() === new Date(times[0] as number).getUTCDate() && t % DAY === (times[0] as number) % DAY,
  );
  if (sameDay && new Date(times[0] as number).getUTCDate() <= 28) {
    let months = Infinity;
    for (let i = 1; i < times.length; i++)
      months = Math.min(months, monthIndex(times[i] as number) - monthIndex(times[i - 1] as number));
    if (months >= 1 && months < 12 * 100) return { kind: 'month', months };
  }
  let ms = Infinity;
  for (let i = 1; i < times.length; i++) ms = Math.min(ms, (times[i] as number) - (times[i - 1] as number));
  return { kind: 'fixed', ms };
}

/** Time of grid position k from `start`. */
/** A step in words: '1 month', '1 day', '15 minutes'. */
export function describeStep(step: Step): string {
  if (step.kind === 'month') return `${step.months} month${step.months === 1 ? '' : 's'}`;
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

export function stepTime(start: number, step: Step, k: number): number {
  if (step.kind === 'fixed') return start + k * step.ms;
  const d = new Date(start);
  return Date.UTC(
    d.getUTCFullYear(),
    d.getUTCMonth() + k * step.months,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
  );
}

/** Grid position of each row; an error names the first row off the grid. */
export function gridPositions(times: Float64Array, step: Step, where: string, name: string): Int32Array {
  const start = times[0] as number;
  return Int32Array.from(times, (t, i) => {
    const k =
      step.kind === 'fixed'
        ? Math.round((t - start) / step.ms)
        : Math.round((monthIndex(t) - monthIndex(start)) / step.months);
    if (stepTime(start, step, k) !== t)
      throw new DataError(
        where,
        `row ${i + 2}, column '${name}': ${new Date(t).toISOString()} is not a whole number of steps after the first time; the series must be regular (gaps are fine).`,
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

export type CalendarFeature = 'month' | 'weekday';

/** Cyclic calendar features, two columns each (sin, cos), for grid times. */
export function calendarFeatures(
  times: ArrayLike<number>,
  features: readonly CalendarFeature[],
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const f of features) {
    const period = f === 'month' ? 12 : 7;
    const phase = (t: number): number =>
      (2 * Math.PI * (f === 'month' ? new Date(t).getUTCMonth() : new Date(t).getUTCDay())) / period;
    out[`${f}_sin`] = Float64Array.from(times, (t) => Math.sin(phase(t)));
    out[`${f}_cos`] = Float64Array.from(times, (t) => Math.cos(phase(t)));
  }
  return out;
}
