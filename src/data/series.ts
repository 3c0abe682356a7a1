/**
 * A table turned into what a forecaster reads: the rows laid on their complete time grid (months,
 * or any fixed step), every target and exogenous column numeric with its missing values handled by
 * the chosen policy, and the calendar features of each grid time.
 *   targets[k]   (N) the k-th target column on the grid
 *   features[e]  (N) the e-th exogenous column on the grid
 *   calendar     2 columns per calendar feature (sin, cos), computable for any grid row, also past N
 */
import { ConfigError, DataError } from '../errors.js';
import { quoteCell } from './cell-text.js';
import { column, numericColumn, type Table } from './table.js';
import {
  type CalendarFeature,
  calendarFeatures,
  fillMissing,
  formatTime,
  gridPositions,
  inferStep,
  MISSING_POLICIES,
  type MissingPolicy,
  onGrid,
  parseTimes,
  type Step,
  stepTime,
  timeKind,
} from './time-index.js';

export interface SeriesSpec {
  timeColumn: string;
  targets: string[];
  /** Exogenous input columns, read over the lookback beside the targets. */
  features: string[];
  calendar: CalendarFeature[];
  missing: MissingPolicy;
}

export interface PreparedSeries {
  spec: SeriesSpec;
  /** Grid times, ms since the epoch (UTC). */
  times: Float64Array;
  step: Step;
  N: number;
  targets: Float64Array[];
  features: Float64Array[];
  /** Calendar columns of grid row r (any r ≥ 0, also beyond the data). */
  calendarAt: (r: number) => number[];
  /** The time of grid row r, also beyond the data. */
  timeAt: (r: number) => number;
}

export const CALENDAR_FEATURES: readonly CalendarFeature[] = ['month', 'weekday', 'dayofyear'];

export function checkSeriesSpec(spec: SeriesSpec): SeriesSpec {
  const where = 'Forecaster';
  if (spec.targets.length === 0) throw new ConfigError(where, 'name at least one target column.');
  const all = [spec.timeColumn, ...spec.targets, ...spec.features];
  const twice = all.find((c, i) => all.indexOf(c) !== i);
  if (twice !== undefined)
    throw new ConfigError(where, `column ${quoteCell(twice)} is named twice (time, targets and features must differ).`);
  const badCalendar = spec.calendar.find((c) => !CALENDAR_FEATURES.includes(c));
  if (badCalendar !== undefined)
    throw new ConfigError(
      where,
      `calendar features are ${CALENDAR_FEATURES.join(', ')}; got '${String(badCalendar)}'.`,
    );
  if (!MISSING_POLICIES.includes(spec.missing))
    throw new ConfigError(
      where,
      `the missing-value policy must be one of ${MISSING_POLICIES.join(', ')}; got '${String(spec.missing)}'.`,
    );
  return spec;
}

/** The usual season length of a step: 12 for months, 7 for days, 24 for hours, 52 for weeks, else 1. */
export function defaultSeason(step: Step): number {
  if (step.kind === 'month') return step.months === 1 ? 12 : step.months === 3 ? 4 : 1;
  if (step.kind === 'index') return 1;
  const hour = 3_600_000;
  if (step.ms === hour) return 24;
  if (step.ms === 24 * hour) return 7;
  if (step.ms === 7 * 24 * hour) return 52;
  return 1;
}

/** A grid time (of a date step) as ISO text, without the midnight of a date; formatTime writes any step's. */
export function isoTime(t: number): string {
  return formatTime(t, { kind: 'fixed', ms: 1 });
}

export function prepareSeries(table: Table, spec: SeriesSpec): PreparedSeries {
  checkSeriesSpec(spec);
  const where = table.source;
  const timeCells = column(table, spec.timeColumn);
  const kind = timeKind(timeCells);
  if (kind === 'index' && spec.calendar.length > 0)
    throw new DataError(
      where,
      `column ${quoteCell(spec.timeColumn)} holds integers, an integer step index, and has no calendar; calendar features (${spec.calendar.join(', ')}) need dates.`,
      'drop --calendar, or write the times as dates (2020-01-31).',
    );
  const rawTimes = parseTimes(timeCells, where, spec.timeColumn);
  const step = inferStep(rawTimes, where, kind);
  const positions = gridPositions(rawTimes, step, where, spec.timeColumn);
  const N = (positions[positions.length - 1] as number) + 1;
  const start = rawTimes[0] as number;
  const timeAt = (r: number): number => stepTime(start, step, r);
  const times = Float64Array.from({ length: N }, (_, r) => timeAt(r));
  const gridded = (name: string): Float64Array =>
    fillMissing(
      onGrid(numericColumn(table, name), positions, N),
      spec.missing,
      (r) => `${where}: column ${quoteCell(name)} at ${formatTime(timeAt(r), step)}`,
    );
  const noCalendar: number[] = [];
  const calendarOf = (r: number): number[] =>
    spec.calendar.length === 0
      ? noCalendar
      : Object.values(calendarFeatures([timeAt(r)], spec.calendar)).map((c) => c[0] as number);
  const calendarRows = spec.calendar.length === 0 ? [] : Array.from({ length: N }, (_, r) => calendarOf(r));
  return {
    spec,
    times,
    step,
    N,
    targets: spec.targets.map(gridded),
    features: spec.features.map(gridded),
    calendarAt: (r) => calendarRows[r] ?? calendarOf(r),
    timeAt,
  };
}
