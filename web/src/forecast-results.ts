/**
 * What the forecast job sends back for drawing, built in the worker from the library's results:
 * the chart's aligned columns (uPlot wants one x array and one array per series, null where a
 * series has no value) and one metrics row per method. The chart shows the rows the CLI's chart
 * shows (src/forecast/forecast-chart.ts): the backtest span, as many rows before it (at least
 * 3 horizons), the backtest's forecasts from every h-th origin (their paths tile the span) and
 * the forecast after the data, each with its interval.
 */
import {
  type BacktestResult,
  type Forecast,
  type ForecastMetrics,
  METHOD_LABELS,
  type MethodName,
  type PreparedSeries,
} from 'lstm';

export interface ChartArrays {
  /** x is seconds since 1970 (a time axis), or the integers of an integer step index. */
  time: boolean;
  x: number[];
  observed: Array<number | null>;
  backtestMedian: Array<number | null>;
  backtestLower: Array<number | null>;
  backtestUpper: Array<number | null>;
  median: Array<number | null>;
  lower: Array<number | null>;
  upper: Array<number | null>;
}

export interface MetricRow {
  method: MethodName;
  label: string;
  mae: number;
  rmse: number;
  smape: number;
  mase: number;
}

/** The methods in the order the view lists them: the LSTM first, then the combination, then the statistics. */
const LABELS = Object.entries(METHOD_LABELS) as Array<[MethodName, string]>;

export function metricRows(metrics: Record<MethodName, ForecastMetrics>): MetricRow[] {
  return LABELS.map(([method, label]) => {
    const m = metrics[method];
    return { method, label, mae: m.mae, rmse: m.rmse, smape: m.smape, mase: m.mase };
  });
}

const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** Target 0's history, backtest paths and forecast as aligned columns. */
export function chartArrays(series: PreparedSeries, result: BacktestResult, forecast: Forecast): ChartArrays {
  const { N } = series;
  const h = forecast.times.length;
  const heldOut = N - result.trainEnd;
  const from = Math.max(0, N - heldOut - Math.max(3 * h, heldOut));
  const time = series.step.kind !== 'index';
  const x = Array.from({ length: N - from + h }, (_, i) => {
    const t = series.timeAt(from + i);
    return time ? t / 1000 : t;
  });
  const column = (): Array<number | null> => x.map(() => null);
  const out: ChartArrays = {
    time,
    x,
    observed: column(),
    backtestMedian: column(),
    backtestLower: column(),
    backtestUpper: column(),
    median: column(),
    lower: column(),
    upper: column(),
  };
  const y = series.targets[0] as Float64Array;
  for (let r = from; r < N; r++) out.observed[r - from] = finite(y[r]);
  const t = result.targets[0];
  if (t !== undefined)
    result.origins.forEach((e, b) => {
      if (b % h !== 0) return;
      for (let j = 0; j < h; j++) {
        const i = e + 1 + j - from;
        out.backtestMedian[i] = finite(t.median[b * h + j]);
        out.backtestLower[i] = finite(t.lower[b * h + j]);
        out.backtestUpper[i] = finite(t.upper[b * h + j]);
      }
    });
  const f = forecast.targets[0];
  if (f !== undefined)
    for (let j = 0; j < h; j++) {
      out.median[N - from + j] = finite(f.median[j]);
      out.lower[N - from + j] = finite(f.lower[j]);
      out.upper[N - from + j] = finite(f.upper[j]);
    }
  return out;
}
