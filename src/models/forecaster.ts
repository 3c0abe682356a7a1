/**
 * Forecaster: a table in, forecasts with prediction intervals out.
 *   fit       prepare the series (src/data/series.ts), fit the scales on the training rows,
 *             encode each window once (src/data/windows.ts; the last validFraction of them,
 *             by time, for early stopping and to start the interval calibration), train the
 *             ForecastNetwork on the pinball loss
 *   predict   raw forecasts (B, h, K, Q) from any window ends, in the targets' units; a backtest
 *             encodes its origins with one encoder and forecasts from them (predictWindows)
 *   forecast  the h steps after the last row, with the calibrated interval
 * Strategies: 'direct' (one network output per horizon step) or 'recursive' (a one-step network
 * whose median is fed back h times; exogenous columns are then refused, since their future is
 * unknown). The config, scales, calibration and weights all go into the model file.
 */
import {
  type EncodingState,
  fitEncoding,
  type Reference,
  REFERENCES,
  type ValueAt,
  WindowEncoder,
} from '../data/series-encoding.js';
import { defaultSeason, type PreparedSeries, prepareSeries, type SeriesSpec } from '../data/series.js';
import type { Table } from '../data/table.js';
import { describeStep, type Step } from '../data/time-index.js';
import { encodeWindows, rowRange, stackWindows, type WindowSet } from '../data/windows.js';
import { ConfigError, DataError } from '../errors.js';
import { defaultKernels, type Kernels } from '../kernels/index.js';
import { checkQuantiles } from '../loss/pinball.js';
import { ForecastNetwork, type ForecastNetworkShape, type TrainForecastOptions } from './forecast-network.js';
import { IntervalCalibrator } from './interval-calibration.js';

export type Strategy = 'direct' | 'recursive';
export const STRATEGIES: readonly Strategy[] = ['direct', 'recursive'];

export interface ForecasterConfig extends SeriesSpec {
  lookback: number;
  /** Rows back each target is also read at, ascending (e.g. [12, 24]; [364] for a year of days). */
  lags: number[];
  horizon: number;
  /** Season length m (seasonal naive, MASE, the trend reference); 0 = from the time step. */
  season: number;
  strategy: Strategy;
  reference: Reference;
  quantiles: number[];
  hiddenSize: number;
  numLayers: number;
  dropout: number;
}

export type ForecasterOptions = Pick<ForecasterConfig, 'timeColumn' | 'targets'> &
  Partial<Omit<ForecasterConfig, 'timeColumn' | 'targets'>>;

export interface ForecasterFitOptions extends TrainForecastOptions {
  /** Rows 0 … trainEnd − 1 train (default: all); the rest is left for a backtest. */
  trainEnd?: number | undefined;
  /** The share of training windows (the latest) kept for validation; default 0.1. */
  validFraction?: number | undefined;
  /** γ of the adaptive interval calibration; default 0.05. */
  gamma?: number | undefined;
  kernels?: Kernels | undefined;
}

export interface TargetForecast {
  name: string;
  median: Float64Array; // (h)
  lower: Float64Array; // (h), the calibrated interval
  upper: Float64Array;
  /** Raw quantile forecasts (Q, h), as the network gave them. */
  quantiles: Float64Array[];
}

export interface Forecast {
  /** Times of the h forecast steps: ms since the epoch, or the integers of an integer step index. */
  times: number[];
  /** The series' step (formatTime writes its times). */
  step: Step;
  /** The interval's promised coverage (highest − lowest quantile), e.g. 0.8. */
  level: number;
  targets: TargetForecast[];
}

/** The options with their defaults, checked; a season of 0 stays 0 until a series gives its step. */
function resolveConfig(o: ForecasterOptions): ForecasterConfig {
  const where = 'Forecaster';
  const config: ForecasterConfig = {
    timeColumn: o.timeColumn,
    targets: [...o.targets],
    features: [...(o.features ?? [])],
    calendar: [...(o.calendar ?? [])],
    missing: o.missing ?? 'error',
    lookback: o.lookback ?? 24,
    lags: [...(o.lags ?? [])],
    horizon: o.horizon ?? 12,
    season: o.season ?? 0,
    strategy: o.strategy ?? 'direct',
    // the smoothing reference where it can run (direct forecasts): the best on every backtest
    // measured (CO2, seattle-weather, generated series); the recursive strategy keeps 'trend'
    reference: o.reference ?? ((o.strategy ?? 'direct') === 'direct' ? 'ets' : 'trend'),
    quantiles: [...(o.quantiles ?? [0.1, 0.5, 0.9])],
    hiddenSize: o.hiddenSize ?? 32,
    numLayers: o.numLayers ?? 1,
    dropout: o.dropout ?? 0,
  };
  for (const key of ['lookback', 'horizon', 'hiddenSize', 'numLayers'] as const)
    if (!Number.isInteger(config[key]) || config[key] < 1)
      throw new ConfigError(where, `${key} must be a positive integer; got ${config[key]}.`);
  config.lags.forEach((lag, i) => {
    if (!Number.isInteger(lag) || lag < 1 || lag > 1 << 20 || (i > 0 && lag <= (config.lags[i - 1] as number)))
      throw new ConfigError(
        where,
        `lags must be whole numbers ≥ 1 in increasing order; got ${JSON.stringify(config.lags)}.`,
        'e.g. lags: [12, 24], or --lags 364.',
      );
  });
  if (!Number.isInteger(config.season) || config.season < 0)
    throw new ConfigError(where, `season must be a whole number ≥ 0 (0: from the time step); got ${config.season}.`);
  if (!STRATEGIES.includes(config.strategy))
    throw new ConfigError(where, `strategy must be direct or recursive; got '${config.strategy}'.`);
  if (!REFERENCES.includes(config.reference))
    throw new ConfigError(where, `reference must be one of ${REFERENCES.join(', ')}; got '${config.reference}'.`);
  if (config.strategy === 'recursive' && config.reference === 'ets')
    throw new ConfigError(
      where,
      "the 'ets' reference forecasts from the smoothing states at the origin; the recursive strategy would need them past it.",
      'use --strategy direct with --reference ets.',
    );
  if (config.strategy === 'recursive' && config.features.length > 0)
    throw new ConfigError(
      where,
      `the recursive strategy feeds its own forecasts back, but exogenous column '${config.features[0]}' has no future values.`,
      'use --strategy direct, or drop the exogenous columns.',
    );
  checkQuantiles(config.quantiles);
  return config;
}

/** The quantile nearest 0.5: the point forecast. */
export function medianIndex(quantiles: readonly number[]): number {
  return quantiles.reduce(
    (best, q, i) => (Math.abs(q - 0.5) < Math.abs((quantiles[best] as number) - 0.5) ? i : best),
    0,
  );
}

export class Forecaster {
  /** The encoder of the series the forecaster was fit on (none for a loaded one). */
  private readonly fitEncoder: WindowEncoder | null;

  private constructor(
    readonly config: ForecasterConfig,
    readonly encoding: EncodingState,
    readonly network: ForecastNetwork,
    public calibrator: IntervalCalibrator | null,
    fitSeries: PreparedSeries | null,
  ) {
    this.fitEncoder = fitSeries === null ? null : new WindowEncoder(encoding, fitSeries, config.lookback, config.lags);
  }

  /** The network's sizes for a config: inputs are the targets, the features and 2 per calendar column. */
  static networkShape(config: ForecasterConfig): ForecastNetworkShape {
    const K = config.targets.length;
    return {
      features: K * (1 + config.lags.length) + config.features.length + 2 * config.calendar.length,
      targets: K,
      horizon: Forecaster.networkHorizon(config),
      quantiles: config.quantiles,
      hiddenSize: config.hiddenSize,
      numLayers: config.numLayers,
      dropout: config.dropout,
    };
  }

  private static network(config: ForecasterConfig, kernels: Kernels): ForecastNetwork {
    return new ForecastNetwork(kernels, Forecaster.networkShape(config));
  }

  /** The network's horizon: h for direct, 1 for recursive. */
  private static networkHorizon(config: ForecasterConfig): number {
    return config.strategy === 'direct' ? config.horizon : 1;
  }

  static fit(data: Table | PreparedSeries, options: ForecasterOptions, fit: ForecasterFitOptions = {}): Forecaster {
    const config = resolveConfig(options);
    const series = 'N' in data ? data : prepareSeries(data, config);
    const [f] = Forecaster.fitShared([series], config, [fit.trainEnd ?? series.N], fit);
    return f as Forecaster;
  }

  /**
   * A global model (Smyl 2018; Salinas et al. 2020): one network trained on the windows of every
   * series at once, each series with its own scales and smoothing model fitted on its own training
   * rows (trainEnds[i]), so series of any level share what they have in common. Returns one
   * forecaster per series, all sharing the network; each has its own interval calibration.
   */
  static fitGlobal(
    series: readonly PreparedSeries[],
    options: ForecasterOptions,
    trainEnds: readonly number[],
    fit: ForecasterFitOptions = {},
  ): Forecaster[] {
    if (series.length === 0) throw new DataError('Forecaster.fitGlobal', 'there are no series to train on.');
    if (trainEnds.length !== series.length)
      throw new ConfigError(
        'Forecaster.fitGlobal',
        `${series.length} series but ${trainEnds.length} training ends; give one per series.`,
      );
    return Forecaster.fitShared(series, resolveConfig(options), trainEnds, fit);
  }

  private static fitShared(
    allSeries: readonly PreparedSeries[],
    config: ForecasterConfig,
    trainEnds: readonly number[],
    fit: ForecasterFitOptions,
  ): Forecaster[] {
    const first = allSeries[0] as PreparedSeries;
    if (config.season === 0) config.season = defaultSeason(first.step);
    const network = Forecaster.network(config, fit.kernels ?? defaultKernels());
    const hNet = Forecaster.networkHorizon(config);
    const validFraction = fit.validFraction ?? 0.1;
    if (!(validFraction >= 0 && validFraction < 1))
      throw new ConfigError('Forecaster.fit', `validFraction must be in [0, 1); got ${validFraction}.`);
    const parts = allSeries.map((series, i) => {
      const trainEnd = trainEnds[i] as number;
      const where = allSeries.length > 1 ? `Forecaster.fitGlobal: series ${i}` : 'Forecaster.fit';
      if (!Number.isInteger(trainEnd) || trainEnd < 1 || trainEnd > series.N)
        throw new ConfigError(where, `trainEnd must be a row in 1 … ${series.N}; got ${trainEnd}.`);
      if (JSON.stringify(series.step) !== JSON.stringify(first.step))
        throw new DataError(
          where,
          `its rows are ${describeStep(series.step)} apart, the first series' ${describeStep(first.step)}.`,
        );
      const encoding = fitEncoding(series, trainEnd, config.reference, config.season);
      const f = new Forecaster(config, encoding, network, null, series);
      const encoder = f.encoderFor(series);
      // every window whose targets lie in the training rows, each encoded once; the incomplete dropped
      const { kept } = encodeWindows(rowRange(encoder.firstEnd, trainEnd - hNet), (e) => encoder.window(e, hNet));
      const need = encoder.firstEnd + hNet + 2;
      if (kept.length < 2)
        throw new DataError(
          where,
          `a lookback of ${config.lookback} and a horizon of ${config.horizon}${config.reference === 'trend' ? ` with a ${config.season}-step trend reference` : ''} need at least ${need} training rows with values; there are ${trainEnd} rows and ${kept.length} complete window(s).`,
          'shorten --lookback or --horizon, or give more data.',
        );
      const nValid = validFraction > 0 ? Math.max(1, Math.round(kept.length * validFraction)) : 0;
      const valid = kept.slice(kept.length - nValid);
      // leave a gap of hNet − 1 windows, so no training target is also a validation target
      const train = kept.slice(0, Math.max(1, kept.length - nValid - (hNet - 1)));
      return { f, encoder, train, valid, trainEnd };
    });
    const shape = (parts[0] as (typeof parts)[number]).encoder.shape(hNet);
    network.fit(
      stackWindows(
        parts.flatMap((p) => p.train),
        shape,
      ),
      stackWindows(
        parts.flatMap((p) => p.valid),
        shape,
      ),
      fit,
    );
    return parts.map(({ f, encoder, valid, trainEnd }) => {
      // the validation windows whose h outcomes are all training rows start the calibration
      const calibration = valid.filter((w) => w.end + config.horizon < trainEnd);
      f.calibrator = f.startCalibrator(encoder, stackWindows(calibration, encoder.shape(hNet)), fit.gamma ?? 0.05);
      return f;
    });
  }

  /** A saved forecaster's parts (src/io/forecaster-file.ts); the caller fills the weights. */
  static restore(
    config: ForecasterConfig,
    encoding: EncodingState,
    calibrator: IntervalCalibrator | null,
    kernels: Kernels,
  ): Forecaster {
    const resolved = resolveConfig(config);
    return new Forecaster(resolved, encoding, Forecaster.network(resolved, kernels), calibrator, null);
  }

  /**
   * A saved global model's parts: one forecaster per series (its own scales, smoothing and
   * calibration), all sharing one network; the caller fills the weights of members[0].network.
   */
  static restoreGlobal(
    config: ForecasterConfig,
    members: ReadonlyArray<{ encoding: EncodingState; calibrator: IntervalCalibrator | null }>,
    kernels: Kernels,
  ): Forecaster[] {
    const resolved = resolveConfig(config);
    const network = Forecaster.network(resolved, kernels);
    return members.map((m) => new Forecaster(resolved, m.encoding, network, m.calibrator, null));
  }

  /** The series of a new table, read with this forecaster's columns and policies. */
  prepare(table: Table): PreparedSeries {
    const series = prepareSeries(table, this.config);
    const [want, got] = [JSON.stringify(this.encoding.step), JSON.stringify(series.step)];
    if (want !== got)
      throw new DataError(
        table.source,
        `the rows are ${describeStep(series.step)} apart; this forecaster was trained on a step of ${describeStep(this.encoding.step)}.`,
      );
    return series;
  }

  /** Whether row e has a complete lookback (every input value present) to forecast from. */
  canForecastFrom(series: PreparedSeries, e: number): boolean {
    return this.encoderFor(series).window(e, 0) !== null;
  }

  /**
   * The encoder of `series` with this forecaster's scales (fitted on its training rows only): build
   * it once and reuse it for every window of that series; a window's inputs read only the rows up
   * to its end.
   */
  encoderFor(series: PreparedSeries): WindowEncoder {
    const fitted = this.fitEncoder;
    return fitted !== null && fitted.series === series
      ? fitted
      : new WindowEncoder(this.encoding, series, this.config.lookback, this.config.lags);
  }

  /** Raw forecasts (B, h, K, Q) in the targets' units from windows ending at `ends` of `series`. */
  predict(series: PreparedSeries, ends: readonly number[]): Float64Array {
    const encoder = this.encoderFor(series);
    for (const e of ends)
      if (!Number.isInteger(e) || e < encoder.firstEnd || e >= series.N)
        throw new DataError(
          'Forecaster.predict',
          `a forecast from row ${e} needs rows ${e - encoder.firstEnd} … ${e}; the series has rows 0 … ${series.N - 1}.`,
          `give at least ${encoder.firstEnd + 1} rows.`,
        );
    const { kept, skipped } = encodeWindows(ends, (e) => encoder.window(e, 0));
    if (skipped > 0)
      throw new DataError('Forecaster.predict', 'a forecast window holds a missing value; fill it first (--missing).');
    return this.predictWindows(encoder, stackWindows(kept, encoder.shape(0)));
  }

  /**
   * Raw forecasts (B, h, K, Q) in the targets' units from windows already encoded by `encoder`
   * (windows.x (L, B, F), complete, ending at windows.ends of encoder.series).
   */
  predictWindows(encoder: WindowEncoder, windows: WindowSet): Float64Array {
    const { horizon: h, quantiles } = this.config;
    const Q = quantiles.length;
    const { L, K } = encoder;
    const { B, x: x0 } = windows;
    const ends = Array.from(windows.ends);
    if (this.config.strategy === 'direct') {
      const out = this.network.predict(x0, L, B);
      return encoder.decode(out, ends, h, Q, encoder.observed);
    }
    // recursive: step j's window ends at e + j − 1 and reads the medians forecast so far
    const median = medianIndex(quantiles);
    const result = new Float64Array(B * h * K * Q);
    const fed: number[][][] = ends.map(() => Array.from({ length: K }, () => []));
    const valueAt: ValueAt = (b, k, r) => {
      const e = ends[b] as number;
      return r <= e ? encoder.observed(b, k, r) : (((fed[b] as number[][])[k] as number[])[r - e - 1] as number);
    };
    for (let j = 0; j < h; j++) {
      const stepEnds = ends.map((e) => e + j);
      const out = this.network.predict(j === 0 ? x0 : encoder.inputs(stepEnds, valueAt), L, B);
      const step = encoder.decode(out, stepEnds, 1, Q, valueAt);
      for (let b = 0; b < B; b++)
        for (let k = 0; k < K; k++) {
          const at = (b * K + k) * Q;
          result.set(step.subarray(at, at + Q), ((b * h + j) * K + k) * Q);
          ((fed[b] as number[][])[k] as number[]).push(step[at + median] as number);
        }
    }
    return result;
  }

  /** The calibration's first scores: how far the outcomes after `windows` fell outside the interval. */
  private startCalibrator(encoder: WindowEncoder, windows: WindowSet, gamma: number): IntervalCalibrator | null {
    const { horizon: h, quantiles } = this.config;
    const Q = quantiles.length;
    const K = this.config.targets.length;
    const series = encoder.series;
    if (Q < 2) return null;
    const scores: number[][] = Array.from({ length: h * K }, () => []);
    if (windows.B > 0) {
      const raw = this.predictWindows(encoder, windows);
      windows.ends.forEach((e, b) => {
        for (let j = 0; j < h; j++)
          for (let k = 0; k < K; k++) {
            const at = ((b * h + j) * K + k) * Q;
            const y = (series.targets[k] as Float64Array)[e + 1 + j] as number;
            const s = Math.max((raw[at] as number) - y, y - (raw[at + Q - 1] as number));
            if (Number.isFinite(s)) (scores[j * K + k] as number[]).push(s);
          }
      });
    }
    const level = (quantiles[Q - 1] as number) - (quantiles[0] as number);
    return IntervalCalibrator.start(level, gamma, scores);
  }

  /** The h steps after the last row of `data` (a table, or the series it was fit on). */
  forecast(data: Table | PreparedSeries): Forecast {
    const series = 'N' in data ? data : this.prepare(data);
    const { horizon: h, quantiles } = this.config;
    const Q = quantiles.length;
    const K = this.config.targets.length;
    const origin = series.N - 1;
    const raw = this.predict(series, [origin]);
    const median = medianIndex(quantiles);
    const targets = this.config.targets.map((name, k): TargetForecast => {
      const at = (j: number, q: number): number => raw[(j * K + k) * Q + q] as number;
      const m = Float64Array.from({ length: h }, (_, j) => at(j, median));
      const lower = new Float64Array(h);
      const upper = new Float64Array(h);
      for (let j = 0; j < h; j++) {
        const [lo, hi] =
          this.calibrator === null
            ? [at(j, 0), at(j, Q - 1)]
            : this.calibrator.apply(j * K + k, at(j, 0), at(j, median), at(j, Q - 1));
        lower[j] = lo;
        upper[j] = hi;
      }
      const perQuantile = quantiles.map((_, q) => Float64Array.from({ length: h }, (_, j) => at(j, q)));
      return { name, median: m, lower, upper, quantiles: perQuantile };
    });
    return {
      times: Array.from({ length: h }, (_, j) => series.timeAt(origin + 1 + j)),
      step: series.step,
      level: Q > 1 ? (quantiles[Q - 1] as number) - (quantiles[0] as number) : 0,
      targets,
    };
  }
}
