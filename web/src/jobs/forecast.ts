/**
 * The forecast view's jobs, run in its worker:
 *   forecast-load   a CSV (or the built-in CO2 example) → the table, kept here; answers its columns
 *   forecast-train  Forecaster.fit on the rows before the held-out ones (an event per epoch),
 *                   the rolling-origin backtest beside the statistical baselines, and the forecast
 *                   after the data with its calibrated interval; answers what the view draws
 * The CO2 example is the package vega-datasets' file, bundled into the worker only (the playground's
 * Vite config resolves 'vega-datasets/data/…', which the package's exports map does not list).
 */
import co2 from 'vega-datasets/data/co2-concentration.csv?raw';
import {
  type CalendarFeature,
  defaultSeason,
  describeStep,
  Forecaster,
  formatTime,
  type MissingPolicy,
  prepareSeries,
  type Table,
  backtest,
} from 'lstm';
import { guessSeriesColumns, parseCsvTable } from '../forecast-csv.ts';
import { type ChartArrays, chartArrays, metricRows, type MetricRow } from '../forecast-results.ts';
import type { Job, JobContext } from '../rpc.ts';

/** The table loaded last (one per worker: the forecast view's own). */
let table: Table | null = null;

export interface LoadInput {
  /** 'co2', or a file's text and name. */
  example?: 'co2';
  text?: string;
  name?: string;
}

export interface Loaded {
  name: string;
  rows: number;
  columns: string[];
  /** The columns and settings the view preselects. */
  time: string;
  target: string;
  calendar: CalendarFeature | '';
}

export interface TrainInput {
  time: string;
  target: string;
  horizon: number;
  lookback: number;
  /** Rows held out for the backtest; null: 5 seasons, or a fifth of the rows when 5 seasons leave under half. */
  test: number | null;
  epochs: number;
  hidden: number;
  seed: number;
  missing: MissingPolicy;
  calendar: CalendarFeature | '';
}

/** One epoch of training, as the 'forecast-epoch' event sends it. */
export interface EpochEvent {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  seconds: number;
}

export interface TrainResult {
  /** e.g. 'co2-concentration.csv: 746 rows of 1 month from 1958-03-01 to 2020-04-01 (5 absent rows filled)'. */
  description: string;
  trainEnd: number;
  test: number;
  season: number;
  horizon: number;
  /** The interval's promised coverage, e.g. 0.8. */
  level: number;
  epochs: number;
  /** The epoch whose weights were kept (lowest validation loss). */
  bestEpoch: number;
  trainSeconds: number;
  backtestSeconds: number;
  origins: number;
  points: number;
  coverage: number;
  rawCoverage: number;
  etsModels: string;
  /** LSTM first, then the ensemble and the statistical forecasts. */
  metrics: MetricRow[];
  chart: ChartArrays;
  /** The forecast after the data: time text, median, lower, upper. */
  forecast: Array<{ time: string; median: number; lower: number; upper: number }>;
}

function load(input: LoadInput): Loaded {
  const name = input.example === 'co2' ? 'co2-concentration.csv' : (input.name ?? 'CSV');
  const text = input.example === 'co2' ? co2 : input.text;
  if (typeof text !== 'string') throw new Error('forecast-load: give an example or a file’s text.');
  table = parseCsvTable(text, name);
  const { time, target } = guessSeriesColumns(table);
  let calendar: Loaded['calendar'] = '';
  try {
    // month features where the rows are months or days (as `lstm forecast --example co2|seattle`)
    const step = prepareSeries(table, {
      timeColumn: time,
      targets: [target],
      features: [],
      calendar: [],
      missing: 'skip',
    }).step;
    if (step.kind === 'month' || (step.kind === 'fixed' && step.ms === 86_400_000)) calendar = 'month';
  } catch {
    // a guess only: the real errors are reported when the user trains
  }
  return { name, rows: table.rows, columns: [...table.names], time, target, calendar };
}

/** Rows held out: as asked, else 5 seasons when that leaves at least half the rows to train, else a fifth. */
function heldOut(asked: number | null, N: number, season: number): number {
  if (asked === null) return season > 1 && 5 * season <= N / 2 ? 5 * season : Math.max(1, Math.round(N / 5));
  if (!Number.isInteger(asked) || asked < 1 || asked > N - 2)
    throw new Error(
      `Held-out rows must be a whole number from 1 to ${N - 2} (the series has ${N} rows); got ${asked}.`,
    );
  return asked;
}

function train(input: TrainInput, ctx: JobContext): TrainResult {
  if (table === null) throw new Error('Load a CSV file or the example first.');
  const calendar = input.calendar === '' ? [] : [input.calendar];
  const spec = { timeColumn: input.time, targets: [input.target], features: [], calendar, missing: input.missing };
  const series = prepareSeries(table, spec);
  const season = defaultSeason(series.step);
  const test = heldOut(input.test, series.N, season);
  const trainEnd = series.N - test;
  const options = { ...spec, horizon: input.horizon, lookback: input.lookback, hiddenSize: input.hidden };
  const started = performance.now();
  const losses: number[] = [];
  const f = Forecaster.fit(series, options, {
    trainEnd,
    epochs: input.epochs,
    seed: input.seed,
    onEpoch: (e) => {
      losses.push(e.validLoss);
      const event: EpochEvent = { ...e, seconds: (performance.now() - started) / 1000 };
      ctx.emit('forecast-epoch', event);
    },
  });
  const trainSeconds = (performance.now() - started) / 1000;
  ctx.emit('forecast-phase', `Backtest: forecasting from every origin in the last ${test} rows…`);
  const result = backtest(f, series, { trainEnd });
  const backtestSeconds = (performance.now() - started) / 1000 - trainSeconds;
  const forecast = f.forecast(series);
  const t = result.targets[0];
  const ft = forecast.targets[0];
  if (t === undefined || ft === undefined) throw new Error('forecast-train: the backtest returned no target.');
  const gaps = series.N - table.rows;
  const describe =
    `${table.source}: ${series.N} rows of ${describeStep(series.step)} from ${formatTime(series.timeAt(0), series.step)} ` +
    `to ${formatTime(series.timeAt(series.N - 1), series.step)}` +
    (gaps > 0 ? ` (${gaps} absent row(s) on the grid: ${input.missing})` : '');
  return {
    description: describe,
    trainEnd,
    test,
    season: result.season,
    horizon: result.horizon,
    level: result.level,
    epochs: losses.length,
    bestEpoch: losses.indexOf(Math.min(...losses)) + 1,
    trainSeconds,
    backtestSeconds,
    origins: result.origins.length,
    points: result.points,
    coverage: t.coverage,
    rawCoverage: t.rawCoverage,
    etsModels: Object.entries(t.etsModels)
      .map(([model, n]) => `${model} ${n}×`)
      .join(', '),
    metrics: metricRows(t.metrics),
    chart: chartArrays(series, result, forecast),
    forecast: forecast.times.map((time, j) => ({
      time: formatTime(time, forecast.step),
      median: ft.median[j] as number,
      lower: ft.lower[j] as number,
      upper: ft.upper[j] as number,
    })),
  };
}

export const FORECAST_JOBS: Record<string, Job> = {
  'forecast-load': load,
  'forecast-train': train,
};
