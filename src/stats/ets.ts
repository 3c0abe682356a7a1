/**
 * Exponential smoothing (ETS, the state-space form of Holt–Winters; Hyndman, Koehler, Ord & Snyder
 * 2008) with additive errors, for the statistical baselines of the forecasting backtest.
 *
 * Model, for observations y_1 … y_n and a season of period m (a ⊕ b is a + b for an additive
 * season and a · b for a multiplicative one; without a season ⊕ s is dropped, without a trend
 * b ≡ 0; φ = 1 unless the trend is damped):
 *   μ_t = (ℓ_{t−1} + φ b_{t−1}) ⊕ s_{t−m}          the one-step forecast
 *   e_t = y_t − μ_t                                the one-step error
 *   additive season:        ℓ_t = ℓ_{t−1} + φ b_{t−1} + α e_t
 *                           b_t = φ b_{t−1} + β e_t
 *                           s_t = s_{t−m} + γ e_t
 *   multiplicative season:  ℓ_t = ℓ_{t−1} + φ b_{t−1} + α e_t / s_{t−m}
 *                           b_t = φ b_{t−1} + β e_t / s_{t−m}
 *                           s_t = s_{t−m} + γ e_t / (ℓ_{t−1} + φ b_{t−1})
 *   h steps after the last observation: ŷ_{n+h} = (ℓ_n + (φ + φ² + … + φ^h) b_n) ⊕ s_{n+h−m⌈h/m⌉}.
 * These are the Holt–Winters recursions of statsmodels' ExponentialSmoothing in error-correction
 * form: its trend parameter β* is β/α here; its γ and φ are the same.
 *
 * Estimation (ets-estimator.ts): least squares of the one-step errors over the smoothing
 * parameters and the initial states, from a grid, then Levenberg–Marquardt.
 *
 * statsmodels: ExponentialSmoothing(initialization_method='estimated') computes exactly these
 * recursions and SSE (test/fixtures/ets_reference.json); ETSModel too, except that with a
 * multiplicative season it divides the season's error by the updated level ℓ_t, not by
 * ℓ_{t−1} + φ b_{t−1} (its SSE differs slightly from ours there).
 *
 * Selection: AICc = −2 log L + 2k + 2k(k + 1)/(n − k − 1) with log L = −n/2 (ln(2π SSE/n) + 1) and
 * k = the smoothing parameters + the initial states (ℓ_0, b_0 and all m seasons, as statsmodels'
 * ETSModel counts them) + 1 for σ². (σ² is floored at (1e-12 · max |y|)², so that a perfect fit
 * has a finite AICc.)
 *
 * Cost: a pass with derivatives is O(n · P²) for P parameters (17 for ETS(A,Ad,A) with m = 12),
 * one without O(n); about 30–50 of the first and 100–200 of the second make a seasonal fit, with
 * no allocation inside a pass. Periods above MAX_ETS_PERIOD are refused (the cost grows as m²).
 */
import { ConfigError, DataError, checkInteger } from '../errors.js';
import { EtsEstimator } from './ets-estimator.js';
import {
  type EtsFit,
  type EtsSeason,
  type EtsSpec,
  type EtsTrend,
  etsName,
  MAX_ETS_PERIOD,
  parameterCount,
} from './ets-model.js';

export {
  ETS_PHI_RANGE,
  type EtsFit,
  type EtsSeason,
  type EtsSpec,
  type EtsTrend,
  etsName,
  MAX_ETS_PERIOD,
} from './ets-model.js';

/** The specs parseEtsSpec accepts, by their short names (error A, trend N/A/Ad, season N/A/M). */
const SHORT_NAMES: readonly string[] = ['ANN', 'AAN', 'AAdN', 'ANA', 'AAA', 'AAdA', 'ANM', 'AAM', 'AAdM'];

/**
 * 'auto', or a model by its short name (ANN, AAN, AAdN, ANA, AAA, AAdA, ANM, AAM, AAdM) or its
 * etsName ('ETS(A,Ad,M)'), case-insensitive. A seasonal model takes the given period.
 */
export function parseEtsSpec(text: string, period: number): EtsSpec | 'auto' {
  const where = 'parseEtsSpec';
  const compact = String(text)
    .trim()
    .toUpperCase()
    .replace(/^ETS\((.*)\)$/, '$1')
    .replace(/[\s,]/g, '');
  if (compact === 'AUTO') return 'auto';
  const match = /^A(N|A|AD)(N|A|M)$/.exec(compact);
  if (match === null)
    throw new ConfigError(
      where,
      `unknown exponential smoothing model ${JSON.stringify(text)}; expected 'auto' or one of ${SHORT_NAMES.join(', ')} (error A, trend N/A/Ad, season N/A/M; case-insensitive).`,
    );
  const trend: EtsTrend = match[1] === 'N' ? 'none' : match[1] === 'A' ? 'additive' : 'damped';
  const season: EtsSeason = match[2] === 'N' ? 'none' : match[2] === 'A' ? 'additive' : 'multiplicative';
  const spec: EtsSpec = { trend, season, period: checkInteger(where, 'the period', period, 1) };
  checkSpec(where, spec);
  return spec;
}

/** Least-squares fit of one model (see the header); errors name what the series lacks. */
export function fitEts(y: ArrayLike<number>, spec: EtsSpec, where = 'fitEts'): EtsFit {
  checkSpec(where, spec);
  const series = checkSeries(where, y);
  const shortBy = tooShortBy(spec, series.length);
  if (shortBy !== undefined) throw new DataError(where, shortBy);
  if (spec.season === 'multiplicative') {
    const at = series.findIndex((v) => v <= 0);
    if (at >= 0)
      throw new DataError(
        where,
        `${etsName(spec)} has a multiplicative season, which needs positive data; value ${at} of the series is ${series[at]}.`,
        'use an additive season (AAA, AAdA, ANA) for data that reach zero or below.',
      );
  }
  return new EtsEstimator(series, spec, where).fit();
}

/** ŷ_{n+1} … ŷ_{n+h} from the states after the last observation. */
export function forecastEts(fit: EtsFit, h: number): Float64Array {
  checkInteger('forecastEts', 'the horizon h', h, 1);
  const m = fit.season.length;
  const out = new Float64Array(h);
  let dampedSum = 0;
  let phiPower = 1;
  for (let k = 1; k <= h; k++) {
    phiPower *= fit.phi;
    dampedSum += phiPower;
    const base = fit.level + dampedSum * fit.trend;
    if (m === 0) out[k - 1] = base;
    else {
      const s = fit.season[(k - 1) % m] as number;
      out[k - 1] = fit.spec.season === 'multiplicative' ? base * s : base + s;
    }
  }
  return out;
}

/**
 * The lowest-AICc fit over every model the data allow: the three trends (none, additive, damped)
 * without a season; with period > 1 and a series long enough, also with an additive season, and,
 * when every value is positive, a multiplicative one.
 */
export function autoEts(y: ArrayLike<number>, period: number, where = 'autoEts'): EtsFit {
  checkInteger(where, 'the period', period, 1);
  const series = checkSeries(where, y);
  const positive = series.every((v) => v > 0);
  const seasons: EtsSeason[] = ['none'];
  if (period > 1 && period <= MAX_ETS_PERIOD)
    seasons.push('additive', ...(positive ? ['multiplicative' as const] : []));
  let best: EtsFit | undefined;
  for (const season of seasons)
    for (const trend of ['none', 'additive', 'damped'] as const) {
      const spec: EtsSpec = { trend, season, period };
      if (tooShortBy(spec, series.length) !== undefined) continue;
      let fit: EtsFit;
      try {
        fit = new EtsEstimator(series, spec, where).fit();
      } catch (error) {
        if (error instanceof DataError) continue; // no finite SSE anywhere: not a candidate
        throw error;
      }
      if (best === undefined || fit.aicc < best.aicc) best = fit;
    }
  if (best === undefined)
    throw new DataError(
      where,
      `no exponential smoothing model fits this series: ${tooShortBy({ trend: 'none', season: 'none', period }, series.length) ?? 'none found a finite SSE.'}`,
    );
  return best;
}

/** Why a series of n values is too short for the spec, or undefined when it is long enough. */
function tooShortBy(spec: EtsSpec, n: number): string | undefined {
  const k = parameterCount(spec);
  const seasonal = spec.season !== 'none';
  const need = Math.max(k + 2, seasonal ? 2 * spec.period : 0);
  if (n >= need) return undefined;
  const reasons = [
    ...(seasonal ? [`two full periods (${2 * spec.period} values)`] : []),
    `more values than its ${k} parameters + 1 (${k + 2})`,
  ];
  return `${etsName(spec)} needs at least ${need} values: ${reasons.join(' and ')}; the series has ${n}.`;
}

function checkSpec(where: string, spec: EtsSpec): void {
  if (!['none', 'additive', 'damped'].includes(spec.trend))
    throw new ConfigError(
      where,
      `the trend must be 'none', 'additive' or 'damped'; got ${JSON.stringify(spec.trend)}.`,
    );
  if (!['none', 'additive', 'multiplicative'].includes(spec.season))
    throw new ConfigError(
      where,
      `the season must be 'none', 'additive' or 'multiplicative'; got ${JSON.stringify(spec.season)}.`,
    );
  checkInteger(where, 'the period', spec.period, 1);
  if (spec.season !== 'none' && (spec.period < 2 || spec.period > MAX_ETS_PERIOD))
    throw new ConfigError(
      where,
      `${etsName(spec)} has a season, whose period must be an integer in [2, ${MAX_ETS_PERIOD}]; got ${spec.period}.`,
      spec.period < 2 ? 'use a model without a season (ANN, AAN, AAdN) for period 1.' : undefined,
    );
}

function checkSeries(where: string, y: ArrayLike<number>): Float64Array {
  const series = Float64Array.from({ length: y.length }, (_, i) => y[i] as number);
  for (let i = 0; i < series.length; i++)
    if (!Number.isFinite(series[i] as number))
      throw new DataError(
        where,
        `value ${i} of the series is ${y[i]}; exponential smoothing needs finite values.`,
        'fill or drop missing values first.',
      );
  return series;
}

/**
 * The model's states at every row of y, replaying its recursion from its initial states with its
 * parameters: level[t] and trend[t] after observing y_t (each reads y_0 … y_t only), and
 * seasonAt(t, r), the newest seasonal state for row r's position known after y_t (for r > t the
 * forecast's; for r ≤ t the one updated at the latest row of r's position up to t). A missing
 * y_t (NaN) leaves the states to run on without an error.
 */
export interface EtsStateSeries {
  level: Float64Array;
  trend: Float64Array;
  /** The seasonal state for row r as known after row t (1 without a multiplicative season, 0 additive, when there is none). */
  seasonAt(t: number, r: number): number;
}

/** What replaying a model needs: its spec, smoothing parameters and initial states. */
export type EtsParameters = Pick<EtsFit, 'spec' | 'alpha' | 'beta' | 'gamma' | 'phi' | 'initial'>;

export function etsStates(fit: EtsParameters, y: ArrayLike<number>): EtsStateSeries {
  const n = y.length;
  const { spec, alpha, beta, gamma, phi } = fit;
  const m = spec.season === 'none' ? 0 : spec.period;
  const multiplicative = spec.season === 'multiplicative';
  const level = new Float64Array(n);
  const trend = new Float64Array(n);
  // seasons[j]: for j < m the initial states (the one row 0 reads first), then s_t at m + t
  const seasons = new Float64Array(m + n);
  seasons.set(fit.initial.season.subarray(0, m));
  let [l, b] = [fit.initial.level, fit.initial.trend];
  for (let t = 0; t < n; t++) {
    const base = l + phi * b;
    const s = m > 0 ? (seasons[t] as number) : multiplicative ? 1 : 0;
    const yt = y[t] as number;
    const e = Number.isFinite(yt) ? yt - (multiplicative ? base * s : base + s) : 0;
    if (multiplicative) {
      l = base + (alpha * e) / s;
      b = phi * b + (beta * e) / s;
      seasons[m + t] = s + (gamma * e) / base;
    } else {
      l = base + alpha * e;
      b = phi * b + beta * e;
      if (m > 0) seasons[m + t] = s + gamma * e;
    }
    level[t] = l;
    trend[t] = b;
  }
  const none = multiplicative ? 1 : 0;
  return {
    level,
    trend,
    seasonAt: (t, r) => {
      if (m === 0) return none;
      // the newest row of r's position at or before t, then its state (initial ones below row 0)
      const latest = t - ((((t - r) % m) + m) % m);
      return seasons[latest + m] as number;
    },
  };
}

/**
 * Holt–Winters with an additive trend and, for seasonal data, an additive season (ETS(A,A,A)), the
 * forecasting literature's first benchmark (without the season when the period is longer than
 * MAX_ETS_PERIOD, e.g. a year of days), stepping down to ETS(A,A,N) and then ETS(A,N,N) when
 * the history is too short for the richer model.
 */
export function holtWinters(period: number): EtsSpec {
  const seasonal = period > 1 && period <= MAX_ETS_PERIOD;
  return { trend: 'additive', season: seasonal ? 'additive' : 'none', period: Math.max(1, period) };
}

export function fitHoltWinters(y: ArrayLike<number>, period: number, where = 'fitHoltWinters'): EtsFit {
  const spec = holtWinters(period);
  const simpler: EtsSpec[] = [spec, { ...spec, season: 'none' }];
  for (const candidate of simpler) {
    try {
      return fitEts(y, candidate, where);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
    }
  }
  return fitEts(y, { ...spec, trend: 'none', season: 'none' }, where);
}
