/**
 * Rolling-origin evaluation (Tashman 2000): the forecaster, trained on rows before trainEnd,
 * forecasts h steps from every origin e = trainEnd − 1, trainEnd − 1 + stride, … that leaves h
 * observed rows after it, always reading the data up to e only; each forecast is scored against
 * what happened, beside the statistical forecasts from the same history: naive, seasonal naive,
 * drift, seasonal naive with drift, exponential smoothing (ETS, refitted at every origin: a given
 * model, or the lowest AICc of every model the data allow) and Theta. The ensemble row is the
 * median of the LSTM's and ETS's forecasts (of two, their mean: M4's lesson that a combination
 * of an ML and a statistical forecast beats both).
 * The interval calibration follows the outcomes as they become known (an outcome h steps ahead is
 * fed back only once the origin has reached it), so the coverage reported is what a user would
 * have seen; the forecaster's calibration is left at its latest state for forecasts after the data.
 */
import type { PreparedSeries } from '../data/series.js';
import { fillMissing } from '../data/time-index.js';
import { encodeWindows, stackWindows } from '../data/windows.js';
import { DataError } from '../errors.js';
import { type Forecaster, medianIndex } from '../models/forecaster.js';
import { BASELINE_NAMES, type BaselineName, baselineForecast } from './baselines.js';
import {
  autoEts,
  type EtsFit,
  type EtsSpec,
  etsName,
  fitEts,
  fitHoltWinters,
  forecastEts,
  holtWinters,
} from '../stats/ets.js';
import { fitTheta, forecastTheta } from '../stats/theta.js';
import { type ForecastMetrics, forecastMetrics } from './metrics.js';

export type MethodName = 'lstm' | 'ensemble' | 'ets' | 'theta' | BaselineName;
/** The statistical forecasts refitted at every origin, beside the simple baselines. */
const FITTED = ['ets', 'theta'] as const;

export interface TargetBacktest {
  name: string;
  /** Metrics over every (origin, step) pair, the model first, then each baseline. */
  metrics: Record<MethodName, ForecastMetrics>;
  /** The share of outcomes inside the network's raw interval (lowest to highest quantile). */
  rawCoverage: number;
  /** The share inside the calibrated interval (what forecast() shows). */
  coverage: number;
  /** Mean width of the calibrated interval. */
  meanWidth: number;
  /** How often each ETS model was chosen (or used) over the origins, e.g. { 'ETS(A,Ad,A)': 49 }. */
  etsModels: Record<string, number>;
  /** Per origin (B, h): the median and calibrated interval, for charts. */
  median: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

export interface BacktestResult {
  trainEnd: number;
  origins: number[];
  horizon: number;
  season: number;
  /** The promised coverage of the interval (0 without one). */
  level: number;
  /** Points scored per target: origins × horizon. */
  points: number;
  targets: TargetBacktest[];
}

export interface BacktestOptions {
  /** Rows before it trained the forecaster; origins start at trainEnd − 1. */
  trainEnd: number;
  /** Steps between origins; default 1. */
  stride?: number | undefined;
  /**
   * The ETS model of the ETS and ensemble rows: one spec, or 'auto' (the lowest AICc at each
   * origin); default Holt–Winters (stats/ets.ts holtWinters). Not the AICc choice by default: on
   * CO2 the lowest AICc goes to a damped model whose one-step fit is best and whose 12-step
   * forecasts are more than twice as far off (MASE 0.86 against 0.38).
   */
  ets?: EtsSpec | 'auto' | undefined;
}

/** The ETS fit at one origin: the default steps down for short histories; a model the user named is fitted as it is. */
function etsAt(
  history: Float64Array,
  spec: EtsSpec | 'auto',
  season: number,
  isDefault: boolean,
  where: string,
): EtsFit {
  if (spec === 'auto') return autoEts(history, season, where);
  return isDefault ? fitHoltWinters(history, season, where) : fitEts(history, spec, where);
}

export function backtest(f: Forecaster, series: PreparedSeries, opts: BacktestOptions): BacktestResult {
  const { horizon: h, quantiles, season } = f.config;
  const Q = quantiles.length;
  const K = series.targets.length;
  const stride = opts.stride ?? 1;
  // one encoder for every origin: the training rows' scales, and each window reads rows up to its end
  const encoder = f.encoderFor(series);
  const candidates: number[] = [];
  for (let e = opts.trainEnd - 1; e + h < series.N; e += stride) candidates.push(e);
  const { kept } = encodeWindows(candidates, (e) => encoder.window(e, 0));
  const origins = kept.map((w) => w.end);
  if (origins.length === 0)
    throw new DataError(
      'backtest',
      `no origin between row ${opts.trainEnd - 1} and row ${series.N - 1 - h} has a complete lookback and ${h} rows after it.`,
      'hold out more rows (--test) or shorten --horizon.',
    );
  const raw = f.predictWindows(encoder, stackWindows(kept, encoder.shape(0)));
  const B = origins.length;
  const mid = medianIndex(quantiles);
  const calibrator = f.calibrator;
  const etsSpec = opts.ets ?? holtWinters(season);
  const targets = series.targets.map((y, k): TargetBacktest => {
    const name = series.spec.targets[k] as string;
    const filled = fillMissing(y, 'ffill', () => name); // baselines need a gap-free history
    const actual = new Float64Array(B * h);
    const median = new Float64Array(B * h);
    const lower = new Float64Array(B * h);
    const upper = new Float64Array(B * h);
    const baselines = Object.fromEntries(
      [...BASELINE_NAMES, ...FITTED, 'ensemble'].map((b) => [b, new Float64Array(B * h)]),
    ) as Record<Exclude<MethodName, 'lstm'>, Float64Array>;
    const etsModels: Record<string, number> = {};
    // outcomes waiting to be observed: [row they become known at, calibrator, lo, hi, y, widening]
    const pending: Array<[number, number, number, number, number, number]> = [];
    let inRaw = 0;
    let inCalibrated = 0;
    let width = 0;
    let scored = 0;
    origins.forEach((e, b) => {
      while (calibrator !== null && pending.length > 0 && (pending[0] as (typeof pending)[number])[0] <= e) {
        const [, i, lo, hi, outcome, used] = pending.shift() as (typeof pending)[number];
        calibrator.observe(i, lo, hi, outcome, used);
      }
      const history = filled.subarray(0, e + 1);
      for (const name of BASELINE_NAMES) baselines[name].set(baselineForecast(name, history, h, season), b * h);
      const where = `backtest: ${name}, origin ${e}`;
      const ets = etsAt(history, etsSpec, season, opts.ets === undefined, where);
      const label = etsName(ets.spec);
      etsModels[label] = (etsModels[label] ?? 0) + 1;
      baselines.ets.set(forecastEts(ets, h), b * h);
      // Theta deseasonalises only with two full seasons of history
      const thetaPeriod = history.length >= 2 * season ? season : 1;
      baselines.theta.set(forecastTheta(fitTheta(history, thetaPeriod, {}, where), h), b * h);
      for (let j = 0; j < h; j++) {
        const at = ((b * h + j) * K + k) * Q;
        const [lo, m, hi] = [raw[at] as number, raw[at + mid] as number, raw[at + Q - 1] as number];
        const outcome = y[e + 1 + j] as number;
        const i = j * K + k;
        const used = calibrator?.widening(i) ?? 0;
        const [cLo, cHi] = calibrator === null ? [lo, hi] : calibrator.apply(i, lo, m, hi);
        actual[b * h + j] = outcome;
        median[b * h + j] = m;
        baselines.ensemble[b * h + j] = (m + (baselines.ets[b * h + j] as number)) / 2;
        lower[b * h + j] = cLo;
        upper[b * h + j] = cHi;
        if (Number.isFinite(outcome)) {
          scored++;
          if (outcome >= lo && outcome <= hi) inRaw++;
          if (outcome >= cLo && outcome <= cHi) inCalibrated++;
          width += cHi - cLo;
        }
        pending.push([e + 1 + j, i, lo, hi, outcome, used]);
      }
      pending.sort((p, r) => p[0] - r[0]);
    });
    // the rest are observed by the end of the data: the calibration ends up to date
    for (const [, i, lo, hi, outcome, used] of pending) calibrator?.observe(i, lo, hi, outcome, used);
    const train = y.subarray(0, opts.trainEnd);
    const metrics = { lstm: forecastMetrics(actual, median, train, season) } as Record<MethodName, ForecastMetrics>;
    for (const method of [...BASELINE_NAMES, ...FITTED, 'ensemble'] as const)
      metrics[method] = forecastMetrics(actual, baselines[method], train, season);
    return {
      name,
      metrics,
      rawCoverage: inRaw / scored,
      coverage: inCalibrated / scored,
      meanWidth: width / scored,
      etsModels,
      median,
      lower,
      upper,
    };
  });
  return {
    trainEnd: opts.trainEnd,
    origins,
    horizon: h,
    season,
    level: Q > 1 ? (quantiles[Q - 1] as number) - (quantiles[0] as number) : 0,
    points: B * h,
    targets,
  };
}
