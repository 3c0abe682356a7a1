/**
 * A LineChart checked and reduced to what can be drawn, still in data units: gap-free runs of points,
 * band polygons, resolved colours and the axis ranges. The pixel layout (line-chart.ts) starts here.
 *
 * A point is drawn when x and y are finite numbers (and y > 0 on a log y axis); any other point is a gap
 * that breaks its line, so NaN, null (JSON's NaN), ±Infinity and 0 on a log axis never throw.
 */
import { checkInteger, ConfigError, ShapeError, show } from '../errors.js';

/** Tableau 10: distinct hues, kinder to colour-blind readers than pure ones. */
export const PALETTE: readonly string[] =
  '#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf'.split(' ');

/** Points as (data x, axis y): y itself, or log10 y on a log axis. */
/** An (x, y) data point. */
export type ChartPoint = readonly [number, number];

export interface ChartSeries {
  label: string;
  points: ReadonlyArray<ChartPoint>;
  dashed?: boolean | undefined;
  /** '#rrggbb'; default PALETTE[series index]. */
  color?: string | undefined;
}

/** The filled area between two curves; lower[i] and upper[i] share an x value. */
export interface ChartBand {
  label: string;
  lower: ReadonlyArray<ChartPoint>;
  upper: ReadonlyArray<ChartPoint>;
  /** '#rrggbb'; default PALETTE[band index], so band i takes the colour of series i. */
  color?: string | undefined;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Drawn below the lines. */
  bands?: ChartBand[] | undefined;
  logY?: boolean | undefined;
  /** How x tick labels read: 'compact' (default: 1.5k, 2M) or 'plain' (years: 2016, 2018). */
  xTicks?: 'compact' | 'plain' | undefined;
  /** Pixels; default 720. */
  width?: number | undefined;
  /** Pixels; default 420. */
  height?: number | undefined;
}

export type Run = Array<[number, number]>;

export interface PreparedChart {
  /** `lineChart "title"`, the prefix of every error about this chart. */
  where: string;
  width: number;
  height: number;
  logY: boolean;
  series: Array<{ label: string; color: string; dashed: boolean; runs: Run[] }>;
  /** Each polygon: upper curve left to right, then the lower curve back. */
  bands: Array<{ label: string; color: string; polygons: Run[] }>;
  /** Axis ranges: x spans the data exactly; y (in axis units) gets 5% air each side. */
  x: [number, number];
  y: [number, number];
}

export function prepareChart(chart: LineChart): PreparedChart {
  const where = `lineChart ${show(chart.title)}`;
  for (const key of ['title', 'xLabel', 'yLabel'] as const) {
    if (typeof chart[key] !== 'string')
      throw new ConfigError(where, `${key} must be a string, got ${show(chart[key])}.`);
  }
  if (!Array.isArray(chart.series)) throw new ConfigError(where, `series must be an array, got ${show(chart.series)}.`);
  const width = checkInteger(where, 'width', chart.width ?? 720, 100, 16384);
  const height = checkInteger(where, 'height', chart.height ?? 420, 100, 16384);
  const logY = chart.logY === true;
  const toAxis = ([x, y]: ChartPoint): [number, number] => [x, logY ? Math.log10(y) : y];
  const ok = (p: ChartPoint): boolean => drawable(p, logY);

  const series = chart.series.map((s, i) => {
    const what = `series ${show(s.label)}`;
    const points = checkPoints(where, what, s.points);
    const runs = runsWhere(points.length, (k) => ok(points[k]!)).map(([a, b]) => points.slice(a, b + 1).map(toAxis));
    const color = checkColor(where, what, s.color, PALETTE[i % PALETTE.length]!);
    return { label: String(s.label), color, dashed: s.dashed === true, runs };
  });
  const bands = (chart.bands ?? []).map((b, i) => {
    const what = `band ${show(b.label)}`;
    const lower = checkPoints(where, `${what} lower`, b.lower);
    const upper = checkPoints(where, `${what} upper`, b.upper);
    if (lower.length !== upper.length) {
      throw new ShapeError(
        where,
        `${what} has ${lower.length} lower and ${upper.length} upper points; they must pair up.`,
        'lower[i] and upper[i] are the two bounds at one x.',
      );
    }
    const polygons = runsWhere(lower.length, (k) => ok(lower[k]!) && ok(upper[k]!)).map(([a, c]) => [
      ...upper.slice(a, c + 1).map(toAxis),
      ...lower
        .slice(a, c + 1)
        .map(toAxis)
        .reverse(),
    ]);
    return { label: String(b.label), color: checkColor(where, what, b.color, PALETTE[i % PALETTE.length]!), polygons };
  });

  const all = [...series.flatMap((s) => s.runs.flat()), ...bands.flatMap((b) => b.polygons.flat())];
  if (all.length === 0) {
    const why = logY ? 'missing, non-finite, or ≤ 0 on the log y axis' : 'missing or non-finite';
    throw new ConfigError(where, `there is no point to draw: every point is ${why}.`);
  }
  // A flat range is widened: ±10% of the value (±1 at zero), or half a decade on a log axis.
  const x = padRange(extent(all, 0), 0, (v) => Math.abs(v) * 0.1 || 1);
  const y = padRange(extent(all, 1), 0.05, (v) => (logY ? 0.5 : Math.abs(v) * 0.1 || 1));
  return { where, width, height, logY, series, bands, x, y };
}

function drawable([x, y]: ChartPoint, logY: boolean): boolean {
  return typeof x === 'number' && typeof y === 'number' && isFinite(x) && isFinite(y) && (!logY || y > 0);
}

/** [first, last] index of each maximal run of consecutive indices where ok(i). */
function runsWhere(n: number, ok: (i: number) => boolean): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (!ok(i)) continue;
    const start = i;
    while (i + 1 < n && ok(i + 1)) i++;
    runs.push([start, i]);
  }
  return runs;
}

function checkPoints(where: string, what: string, points: unknown): ReadonlyArray<ChartPoint> {
  if (!Array.isArray(points)) {
    throw new ShapeError(where, `${what} points must be an array of [x, y] pairs, got ${show(points)}.`);
  }
  points.forEach((p: unknown, i) => {
    if (!Array.isArray(p) || p.length !== 2) {
      throw new ShapeError(where, `${what} point ${i} must be an [x, y] pair, got ${show(p)}.`, 'pass [[x0, y0], …].');
    }
  });
  return points as ReadonlyArray<ChartPoint>;
}

function checkColor(where: string, what: string, color: unknown, fallback: string): string {
  if (color === undefined) return fallback;
  if (typeof color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(color)) {
    throw new ConfigError(where, `${what} color must be '#rrggbb', got ${show(color)}.`);
  }
  return color.toLowerCase();
}

/** Smallest and largest coordinate `axis` of the points (a loop: spreading 1e5 values overflows the stack). */
function extent(points: Run, axis: 0 | 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p[axis]);
    hi = Math.max(hi, p[axis]);
  }
  return [lo, hi];
}

/** [lo, hi] widened by `fraction` of its span each side, or by ±flat(v) when lo = hi = v. */
function padRange([lo, hi]: [number, number], fraction: number, flat: (v: number) => number): [number, number] {
  if (hi > lo) return [lo - fraction * (hi - lo), hi + fraction * (hi - lo)];
  return [lo - flat(lo), hi + flat(lo)];
}
