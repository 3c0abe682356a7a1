/**
 * How a window of the series becomes the network's numbers, and its outputs numbers again.
 * Each target k is taken relative to a reference of the window ending at row e, then divided by a
 * scale fitted on the training rows only:
 *   none   ref = the training mean                         scale = the training std
 *   last   ref = y_k[e] (the window's last value)          scale = std of the season-step change
 *   trend  ref = y_k[e] + d · (y_k[e] − y_k[e−m]) / m        (the same)
 *          (d = row − e: the local linear trend through the last season, which carries a growing
 *          series' slope into the forecast, so the network learns the seasonal shape and the
 *          deviations around it rather than a level it has never seen)
 *   ets    ref = the exponential-smoothing forecast from e: (ℓ_e + φ_d b_e) ⊕ s, with φ_d = d for
 *          rows up to e and φ + … + φ^d after it, s the newest seasonal state of the row's position
 *          known at e          scale = the one-step errors' root mean square (training rows)
 *          (Smyl's ES-RNN idea, 2018: Holt–Winters, fitted once on the training rows, supplies the
 *          level, trend and season; the network reads and predicts what it leaves unexplained, so
 *          an output of 0 is the Holt–Winters forecast. Its states at row e read rows up to e only.)
 * Exogenous columns are standardised (StandardScaler, training rows); calendar columns are as they are.
 *   inputs of row r in the window ending at e: [targets (K), each target at every lag
 *   (K·P: row r − lag, taken relative to the same reference), exogenous (E), calendar (2C)] = F
 *   outputs: (B, h, K, Q) scaled, decoded to (B, h, K, Q) in the target's units, quantiles sorted
 */
import { ConfigError, DataError } from '../errors.js';
import { quoteCell } from './cell-text.js';
import { type ScalerState, StandardScaler } from './scaler.js';
import type { PreparedSeries } from './series.js';
import { fillMissing, type Step } from './time-index.js';
import { type EtsParameters, type EtsStateSeries, etsStates, fitHoltWinters } from '../stats/ets.js';
import type { EncodedWindow, WindowShape } from './windows.js';

export type Reference = 'none' | 'last' | 'trend' | 'ets';
export const REFERENCES: readonly Reference[] = ['none', 'last', 'trend', 'ets'];

/** A target's smoothing model for the 'ets' reference, as stored (JSON: the seasons a list). */
export interface SmoothingState extends Omit<EtsParameters, 'initial'> {
  initial: { level: number; trend: number; season: number[] };
}

export interface EncodingState {
  /** The time step of the series it was fitted on; a forecast needs the same. */
  step: Step;
  reference: Reference;
  /** m, the season length the trend reference spans. */
  season: number;
  targetCenter: number[];
  targetScale: number[];
  features: ScalerState;
  /** With the 'ets' reference: each target's Holt–Winters model, fitted on the training rows. */
  smoothing?: SmoothingState[] | undefined;
}

/** The value of target k at row r as window b sees it (recursive forecasts see their own). */
export type ValueAt = (b: number, k: number, r: number) => number;

function std(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
}

/** Fit the references' scales and the exogenous scaler on rows 0 … trainEnd − 1. */
export function fitEncoding(
  series: PreparedSeries,
  trainEnd: number,
  reference: Reference,
  season: number,
): EncodingState {
  if (!REFERENCES.includes(reference))
    throw new ConfigError('Forecaster', `the reference must be one of ${REFERENCES.join(', ')}; got '${reference}'.`);
  const targetCenter: number[] = [];
  const targetScale: number[] = [];
  const smoothing: SmoothingState[] = [];
  series.targets.forEach((y, k) => {
    const name = series.spec.targets[k] as string;
    const train = Array.from(y.subarray(0, trainEnd));
    const known = train.filter(Number.isFinite);
    if (known.length < 2)
      throw new DataError('Forecaster', `target ${quoteCell(name)} has fewer than 2 values in the training rows.`);
    targetCenter.push(known.reduce((a, b) => a + b, 0) / known.length);
    if (reference === 'ets') {
      const filled = fillMissing(y.subarray(0, trainEnd), 'ffill', () => name);
      const fit = fitHoltWinters(filled, season, `Forecaster: target ${quoteCell(name)}`);
      const { spec, alpha, beta, gamma, phi, initial } = fit;
      smoothing.push({ spec, alpha, beta, gamma, phi, initial: { ...initial, season: Array.from(initial.season) } });
      const rms = Math.sqrt(fit.sse / fit.n);
      targetScale.push(rms > 0 ? rms : 1);
      return;
    }
    const m = reference === 'none' ? 0 : Math.max(1, season);
    const changes =
      m === 0
        ? known
        : train
            .slice(m)
            .map((v, i) => v - (train[i] as number))
            .filter(Number.isFinite);
    const s = changes.length > 1 ? std(changes) : 0;
    targetScale.push(s > 0 ? s : 1);
  });
  const features = StandardScaler.fit(
    Object.fromEntries(
      series.spec.features.map((name, e) => [name, (series.features[e] as Float64Array).subarray(0, trainEnd)]),
    ),
  ).state;
  return {
    step: series.step,
    reference,
    season,
    targetCenter,
    targetScale,
    features,
    ...(reference === 'ets' ? { smoothing } : {}),
  };
}

export class WindowEncoder {
  readonly K: number;
  readonly F: number;
  private readonly featureScaler: StandardScaler;
  private readonly scaledFeatures: Float64Array[];
  /** With the 'ets' reference: each target's smoothing states at every row, and its φ. */
  private readonly smoothed: { states: EtsStateSeries; phi: number; multiplicative: boolean }[];

  constructor(
    readonly state: EncodingState,
    readonly series: PreparedSeries,
    readonly L: number,
    /** Rows back each target is also read at (e.g. 12 and 24 for a year and two ago), ascending. */
    readonly lags: readonly number[] = [],
  ) {
    this.K = series.targets.length;
    this.featureScaler = StandardScaler.fromState(state.features);
    this.scaledFeatures = series.spec.features.map((name, e) =>
      this.featureScaler.transform(name, series.features[e] as Float64Array),
    );
    this.F = this.K * (1 + lags.length) + this.scaledFeatures.length + 2 * series.spec.calendar.length;
    this.smoothed = (state.smoothing ?? []).map((s, k) => ({
      states: etsStates(
        { ...s, initial: { ...s.initial, season: Float64Array.from(s.initial.season) } },
        series.targets[k] as Float64Array,
      ),
      phi: s.phi,
      multiplicative: s.spec.season === 'multiplicative',
    }));
  }

  /** The sizes of its windows with h target steps (h = 0: windows to forecast from). */
  shape(h: number): WindowShape {
    return { L: this.L, F: this.F, h, K: this.K };
  }

  /** The first row a window may end at: a full lookback, and a full season before it for 'trend'. */
  get firstEnd(): number {
    // the oldest lagged row of the first window is row 0
    const lagged = this.L - 1 + (this.lags[this.lags.length - 1] ?? 0);
    if (this.state.reference === 'ets') return lagged;
    return Math.max(lagged, this.state.reference === 'trend' ? this.state.season : 0);
  }

  /** The series' own values: ValueAt for windows that read only observed rows. */
  readonly observed: ValueAt = (_b, k, r) => (this.series.targets[k] as Float64Array)[r] as number;

  private reference(b: number, k: number, e: number, d: number, valueAt: ValueAt): number {
    const { reference, season } = this.state;
    if (reference === 'none') return this.state.targetCenter[k] as number;
    if (reference === 'ets') return this.smoothedForecast(k, e, d);
    const last = valueAt(b, k, e);
    if (reference === 'last') return last;
    return last + (d * (last - valueAt(b, k, e - season))) / season;
  }

  /** The smoothing model's value for row e + d from origin e (d ≤ 0: the rows the window reads). */
  private smoothedForecast(k: number, e: number, d: number): number {
    const { states, phi, multiplicative } = this.smoothed[k] as (typeof this.smoothed)[number];
    const steps = d <= 0 || phi === 1 ? d : (phi * (1 - phi ** d)) / (1 - phi);
    const base = (states.level[e] as number) + steps * (states.trend[e] as number);
    const s = states.seasonAt(e, e + d);
    return multiplicative ? base * s : base + s;
  }

  /**
   * The window ending at row e, encoded once: x (L, F) and y (h, K), the targets of rows
   * e + 1 … e + h. Null when it cannot be used: e before firstEnd or past the data, an input value
   * missing, or (h ≥ 1) a target of row e + 1 missing; h = 0 asks for a window to forecast from.
   * It reads rows e − L + 1 … e (and e − m for 'trend') for x, and rows up to e + h for y only.
   */
  window(e: number, h: number): EncodedWindow | null {
    if (!Number.isInteger(e) || e < this.firstEnd || e >= this.series.N) return null;
    const x = this.inputs([e]); // (L, 1, F) = (L, F)
    if (!x.every(Number.isFinite)) return null;
    const y = this.targets([e], h); // (1, h, K) = (h, K)
    if (!y.subarray(0, Math.min(h, 1) * this.K).every(Number.isFinite)) return null;
    return { end: e, x, y };
  }

  /** x (L, B, F) of the windows ending at `ends`; NaN where a value is missing. */
  inputs(ends: ArrayLike<number>, valueAt: ValueAt = this.observed): Float32Array {
    const { L, F, K } = this;
    const B = ends.length;
    const E = this.scaledFeatures.length;
    const lags = this.lags;
    const T = K * (1 + lags.length); // where the exogenous columns start
    const x = new Float32Array(L * B * F);
    for (let b = 0; b < B; b++) {
      const e = ends[b] as number;
      for (let s = 0; s < L; s++) {
        const r = e - L + 1 + s;
        const row = (s * B + b) * F;
        for (let k = 0; k < K; k++) {
          const scale = this.state.targetScale[k] as number;
          x[row + k] = (valueAt(b, k, r) - this.reference(b, k, e, r - e, valueAt)) / scale;
          lags.forEach((lag, p) => {
            const back = r - lag;
            x[row + K + k * lags.length + p] =
              (valueAt(b, k, back) - this.reference(b, k, e, back - e, valueAt)) / scale;
          });
        }
        for (let f = 0; f < E; f++) x[row + T + f] = (this.scaledFeatures[f] as Float64Array)[r] ?? Number.NaN;
        this.series.calendarAt(r).forEach((v, c) => (x[row + T + E + c] = v));
      }
    }
    return x;
  }

  /** y (B, h, K): the scaled targets of rows e + 1 … e + h; NaN where missing or beyond the data. */
  targets(ends: ArrayLike<number>, h: number): Float32Array {
    const { K } = this;
    const B = ends.length;
    const y = new Float32Array(B * h * K);
    for (let b = 0; b < B; b++) {
      const e = ends[b] as number;
      for (let j = 1; j <= h; j++)
        for (let k = 0; k < K; k++) {
          const v = e + j < this.series.N ? this.observed(b, k, e + j) : Number.NaN;
          y[(b * h + j - 1) * K + k] =
            (v - this.reference(b, k, e, j, this.observed)) / (this.state.targetScale[k] as number);
        }
    }
    return y;
  }

  /**
   * Network outputs (B, h, K, Q) → the same in the target's units, each point's quantiles sorted
   * (a quantile head can cross; sorting is the usual repair).
   */
  decode(out: ArrayLike<number>, ends: ArrayLike<number>, h: number, Q: number, valueAt: ValueAt): Float64Array {
    const { K } = this;
    const B = ends.length;
    const result = new Float64Array(B * h * K * Q);
    for (let b = 0; b < B; b++)
      for (let j = 0; j < h; j++)
        for (let k = 0; k < K; k++) {
          const at = ((b * h + j) * K + k) * Q;
          const ref = this.reference(b, k, ends[b] as number, j + 1, valueAt);
          const scale = this.state.targetScale[k] as number;
          const values = Array.from({ length: Q }, (_, q) => (out[at + q] as number) * scale + ref).sort(
            (p, r) => p - r,
          );
          result.set(values, at);
        }
    return result;
  }
}
