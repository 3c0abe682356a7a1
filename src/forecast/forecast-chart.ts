/**
 * The forecast as a LineChart (drawn as SVG, PNG or text by src/plot): the observed series, the
 * backtest's forecasts from every h-th origin (so their paths do not overlap) with their interval,
 * and the forecast after the data with its interval. x is the time in decimal years (the integer
 * of an integer step index).
 */
import type { PreparedSeries } from '../data/series.js';
import type { Step } from '../data/time-index.js';
import type { Forecast } from '../models/forecaster.js';
import type { ChartPoint, LineChart } from '../plot/line-chart.js';
import { PALETTE } from '../plot/line-chart.js';
import type { BacktestResult } from './backtest.js';

const MS_PER_YEAR = 365.2425 * 86_400_000;
/** x of a time: decimal years, or the integer itself for an integer step index. */
const xOf = (step: Step, t: number): number => (step.kind === 'index' ? t : 1970 + t / MS_PER_YEAR);

export interface ForecastChartOptions {
  /** Which target (default 0). */
  target?: number | undefined;
  /** The first row drawn; default: as many rows before the backtest as it spans (at least 3h). */
  fromRow?: number | undefined;
}

export function forecastChart(
  series: PreparedSeries,
  forecast: Forecast,
  result: BacktestResult | null,
  opts: ForecastChartOptions = {},
): LineChart {
  const k = opts.target ?? 0;
  const year = (t: number): number => xOf(series.step, t);
  const name = series.spec.targets[k] as string;
  const y = series.targets[k] as Float64Array;
  const h = forecast.times.length;
  const heldOut = result === null ? 0 : series.N - result.trainEnd;
  const from = Math.max(0, opts.fromRow ?? series.N - heldOut - Math.max(3 * h, heldOut));
  const observed: ChartPoint[] = [];
  for (let r = from; r < series.N; r++) observed.push([year(series.timeAt(r)), y[r] as number]);
  const percent = `${Math.round(forecast.level * 100)}%`;
  const chart: LineChart = {
    title: `${name}: forecast ${h} steps ahead`,
    xLabel: series.step.kind === 'index' ? 'step' : 'year',
    xTicks: 'plain',
    yLabel: name,
    series: [{ label: 'observed', points: observed, color: PALETTE[0] }],
    bands: [],
  };
  if (result !== null) {
    const t = result.targets[k];
    const median: ChartPoint[] = [];
    const lower: ChartPoint[] = [];
    const upper: ChartPoint[] = [];
    result.origins.forEach((e, b) => {
      if (b % h !== 0 || t === undefined) return;
      for (let j = 0; j < h; j++) {
        const x = year(series.timeAt(e + 1 + j));
        median.push([x, t.median[b * h + j] as number]);
        lower.push([x, t.lower[b * h + j] as number]);
        upper.push([x, t.upper[b * h + j] as number]);
      }
      // a gap between paths from different origins
      for (const line of [median, lower, upper]) line.push([Number.NaN, Number.NaN]);
    });
    chart.series.push({ label: 'backtest median', points: median, dashed: true, color: PALETTE[1] });
    chart.bands?.push({ label: `backtest ${percent} interval`, lower, upper, color: PALETTE[1] });
  }
  const f = forecast.targets[k];
  if (f !== undefined) {
    const xs = forecast.times.map(year);
    chart.series.push({ label: 'forecast', points: xs.map((x, j) => [x, f.median[j] as number]), color: PALETTE[3] });
    if (forecast.level > 0)
      chart.bands?.push({
        label: `forecast ${percent} interval`,
        lower: xs.map((x, j) => [x, f.lower[j] as number]),
        upper: xs.map((x, j) => [x, f.upper[j] as number]),
        color: PALETTE[3],
      });
  }
  return chart;
}
