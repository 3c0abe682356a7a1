/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000, as Hyndman & Billah 2003 showed it to be:
 * simple exponential smoothing plus half the slope of a fitted line), made to give the forecasts of
 * statsmodels' `ThetaModel(y, period=m).fit().forecast(h)` with its defaults (deseasonalize,
 * use_test, method 'auto', use_mle False, theta 2). For a history y_0 … y_{n−1} with period m:
 *
 * 1. Seasonality test at lag m. With ρ_k the sample autocorrelations (mean removed, every lag
 *    divided by the lag-0 sum, as statsmodels' `acf`), the statistic is n·ρ_m² / Σ_{k=0}^{m−1} ρ_k²
 *    — ρ_0 = 1 is in the sum, and the other lags are not doubled, unlike forecast::thetaf's
 *    n·ρ_m² / (1 + 2·Σ_{k=1}^{m−1} ρ_k²): statsmodels' test finds seasons more readily (any trending
 *    series whose ρ_m is large passes) — and the series is deseasonalised when it exceeds 2.7055,
 *    the 90 % point of χ²(1) (1.645²). statsmodels can test the differenced series instead (its
 *    `difference`, off by default); this file always tests y itself.
 * 2. Classical decomposition when the test rejects. The trend is the centred moving average of m
 *    values (odd m) or the 2×m average (even m: weights ½, 1, …, 1, ½ over m + 1 values, / m),
 *    defined for t in [⌊m/2⌋, n − 1 − ⌊m/2⌋]. y_t / trend_t (multiplicative) or y_t − trend_t
 *    (additive) is averaged per position t mod m over the t where the trend is defined; the m
 *    averages are divided by their mean (multiplicative) or have their mean taken off (additive).
 *    Multiplicative when every y_t > 0, additive otherwise, and additive too if a multiplicative
 *    index came out ≤ 0. The series is then z_t = y_t / s_{t mod m} or y_t − s_{t mod m}.
 * 3. b0: the least-squares slope of z_t on t = 0 … n−1.
 * 4. SES with the initial level fixed at z_0: ℓ_{−1} = z_0, e_t = z_t − ℓ_{t−1}, ℓ_t = ℓ_{t−1} + α·e_t.
 *    α minimises Σ e_t² (statsmodels' state-space ExponentialSmoothing with initialization 'known'
 *    maximises the likelihood with the scale concentrated out, which is the same minimum) over
 *    statsmodels' bounds [1e-4, 1 − 1e-4]: a grid of 41 points, then Brent's method between the
 *    neighbours of the best one. statsmodels stops its L-BFGS earlier; where the optimum is the
 *    bound 1 − 1e-4 (a near random walk) its α is about 1e-4 short of it.
 * 5. Forecast k = 1 … h: ℓ_{n−1} + b0·(1 − 1/θ)·(k − 1 + 1/α − (1 − α)^n/α), times s_{(n+k−1) mod m}
 *    or plus it. (statsmodels 0.13.5 adds 1 to every forecast when the test does not reject — its
 *    issue #8661, fixed in 0.14; this file does not.)
 *
 * Unlike statsmodels, which needs two full periods only when the test rejects, fitTheta always asks
 * for max(2m, 3) values, so whether a history is long enough does not depend on the test.
 */
import { ConfigError, DataError, checkInteger, checkNumber } from '../errors.js';

export interface ThetaFit {
  /** The SES smoothing weight, in [1e-4, 1 − 1e-4]. */
  alpha: number;
  /** b0: the least-squares slope per step of the (deseasonalised) series. */
  slope: number;
  /** ℓ_{n−1}: the SES level after the last value, its one-step forecast. */
  level: number;
  /** The m seasonal indices by position t mod m, or empty when the test did not find seasons. */
  seasonal: Float64Array;
  method: 'additive' | 'multiplicative' | 'none';
  /** The length of the history. */
  n: number;
  period: number;
  theta: number;
}

/** χ²(1)'s 90 % point, 1.6448536…²: the critical value of statsmodels' seasonality test. */
const SEASONALITY_CRITICAL_VALUE = 2.705543454095404;
/** statsmodels' default bounds for the smoothing weight. */
const ALPHA_MIN = 1e-4;
const ALPHA_MAX = 1 - 1e-4;
const ALPHA_GRID_POINTS = 41;

/**
 * statsmodels' seasonality statistic n·ρ_m² / Σ_{k=0}^{m−1} ρ_k² (see the header); 0 for a constant
 * series, whose autocorrelations are undefined. Needs n > m; fitTheta checks that.
 */
export function thetaSeasonalityStatistic(y: ArrayLike<number>, period: number): number {
  const n = y.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += y[t] as number;
  mean /= n;
  const deviation = Float64Array.from({ length: n }, (_, t) => (y[t] as number) - mean);
  const autocovarianceSum = (lag: number): number => {
    let s = 0;
    for (let t = 0; t + lag < n; t++) s += (deviation[t] as number) * (deviation[t + lag] as number);
    return s;
  };
  const variance = autocovarianceSum(0);
  if (!(variance > 0)) return 0;
  let denominator = 0;
  for (let k = 0; k < period; k++) denominator += (autocovarianceSum(k) / variance) ** 2;
  const rhoPeriod = autocovarianceSum(period) / variance;
  return (n * rhoPeriod * rhoPeriod) / denominator;
}

/** The m classical-decomposition indices by position t mod m (step 2 of the header). */
function decompositionIndices(y: ArrayLike<number>, period: number, multiplicative: boolean): Float64Array {
  const n = y.length;
  const half = Math.floor(period / 2);
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  for (let t = half; t < n - half; t++) {
    let trend = 0;
    if (period % 2 === 0) {
      trend = 0.5 * ((y[t - half] as number) + (y[t + half] as number));
      for (let j = t - half + 1; j < t + half; j++) trend += y[j] as number;
    } else {
      for (let j = t - half; j <= t + half; j++) trend += y[j] as number;
    }
    trend /= period;
    const value = y[t] as number;
    const position = t % period;
    sums[position] = (sums[position] as number) + (multiplicative ? value / trend : value - trend);
    counts[position] = (counts[position] as number) + 1;
  }
  const indices = Float64Array.from(sums, (s, i) => s / (counts[i] as number));
  let mean = 0;
  for (const v of indices) mean += v;
  mean /= period;
  for (let i = 0; i < period; i++)
    indices[i] = multiplicative ? (indices[i] as number) / mean : (indices[i] as number) - mean;
  return indices;
}

/** The least-squares slope of z_t on t = 0 … n−1. */
function trendSlope(z: Float64Array): number {
  const n = z.length;
  const meanT = (n - 1) / 2;
  let meanZ = 0;
  for (const v of z) meanZ += v;
  meanZ /= n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - meanT) * ((z[t] as number) - meanZ);
    sxx += (t - meanT) * (t - meanT);
  }
  return sxy / sxx;
}

/** SES from ℓ_{−1} = z_0: the sum of squared one-step errors and the final level ℓ_{n−1}. */
function smooth(z: Float64Array, alpha: number): { squaredErrors: number; level: number } {
  let level = z[0] as number;
  let squaredErrors = 0;
  for (const value of z) {
    const error = value - level;
    squaredErrors += error * error;
    level += alpha * error;
  }
  return { squaredErrors, level };
}

/**
 * The minimiser of f on [lo, hi]: the best of an even grid, then Brent's method (golden sections
 * with parabolic steps) on the interval between that point's neighbours.
 */
function minimiseOnInterval(f: (x: number) => number, lo: number, hi: number): number {
  let bestIndex = 0;
  let bestValue = Number.POSITIVE_INFINITY;
  const step = (hi - lo) / (ALPHA_GRID_POINTS - 1);
  for (let i = 0; i < ALPHA_GRID_POINTS; i++) {
    const value = f(lo + i * step);
    if (value < bestValue) {
      bestValue = value;
      bestIndex = i;
    }
  }
  let a = lo + Math.max(0, bestIndex - 1) * step;
  let b = Math.min(hi, lo + (bestIndex + 1) * step);
  const golden = 0.5 * (3 - Math.sqrt(5));
  let x = lo + bestIndex * step; // the best point so far
  let w = x; // the second best
  let v = x; // the previous w
  let fx = bestValue;
  let fw = fx;
  let fv = fx;
  let move = 0; // the step before last
  let lastMove = 0;
  for (let iteration = 0; iteration < 200; iteration++) {
    const middle = 0.5 * (a + b);
    const tolerance = 1e-10 * Math.abs(x) + 1e-14;
    if (Math.abs(x - middle) <= 2 * tolerance - 0.5 * (b - a)) break;
    let parabolic = false;
    if (Math.abs(move) > tolerance) {
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      if (Math.abs(p) < Math.abs(0.5 * q * move) && p > q * (a - x) && p < q * (b - x)) {
        move = lastMove;
        lastMove = p / q;
        const u = x + lastMove;
        if (u - a < 2 * tolerance || b - u < 2 * tolerance) lastMove = x < middle ? tolerance : -tolerance;
        parabolic = true;
      }
    }
    if (!parabolic) {
      move = x < middle ? b - x : a - x;
      lastMove = golden * move;
    }
    const u = Math.abs(lastMove) >= tolerance ? x + lastMove : x + (lastMove > 0 ? tolerance : -tolerance);
    const fu = f(u);
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return x;
}

/**
 * Fits the Theta method to y with period m (1 for none): the seasonality test, the decomposition
 * when it rejects, the trend slope and the smoothing weight. theta (default 2, at least 1) weights
 * the slope in the forecasts by 1 − 1/θ.
 */
export function fitTheta(
  y: ArrayLike<number>,
  period: number,
  opts: { theta?: number } = {},
  where = 'fitTheta',
): ThetaFit {
  checkInteger(where, 'period', period, 1);
  const theta = checkNumber(where, 'theta', opts.theta ?? 2, 1, Number.MAX_VALUE);
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number')
    throw new ConfigError(where, `the series must be an array of numbers, got ${typeof y}.`);
  const n = y.length;
  const needed = Math.max(2 * period, 3);
  if (n < needed)
    throw new DataError(
      where,
      `the Theta method needs at least ${needed} values (two full periods of ${period} for the seasonality test and decomposition, and 3 to fit the smoothing weight); the series has ${n}.`,
    );
  let allPositive = true;
  for (let t = 0; t < n; t++) {
    const value = y[t];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new DataError(where, `value ${t} of the series is ${value}; fill or drop missing values first.`);
    if (value <= 0) allPositive = false;
  }

  let method: ThetaFit['method'] = 'none';
  let seasonal: Float64Array = new Float64Array(0);
  if (thetaSeasonalityStatistic(y, period) > SEASONALITY_CRITICAL_VALUE) {
    method = allPositive ? 'multiplicative' : 'additive';
    seasonal = decompositionIndices(y, period, method === 'multiplicative');
    if (method === 'multiplicative' && seasonal.some((s) => s <= 0)) {
      method = 'additive';
      seasonal = decompositionIndices(y, period, false);
    }
  }
  const z = Float64Array.from({ length: n }, (_, t) => {
    const value = y[t] as number;
    if (method === 'none') return value;
    const index = seasonal[t % period] as number;
    return method === 'multiplicative' ? value / index : value - index;
  });

  const slope = trendSlope(z);
  const alpha = minimiseOnInterval((a) => smooth(z, a).squaredErrors, ALPHA_MIN, ALPHA_MAX);
  const { level } = smooth(z, alpha);
  return { alpha, slope, level, seasonal, method, n, period, theta };
}

/** The h forecasts after the history of the fit: step 5 of the header. */
export function forecastTheta(fit: ThetaFit, h: number): Float64Array {
  checkInteger('forecastTheta', 'h', h, 1);
  const { alpha, slope, level, seasonal, method, n, period, theta } = fit;
  const trendWeight = 1 - 1 / theta;
  const offset = 1 / alpha - (1 - alpha) ** n / alpha;
  return Float64Array.from({ length: h }, (_, i) => {
    const deseasonalised = level + trendWeight * slope * (i + offset);
    if (method === 'none') return deseasonalised;
    const index = seasonal[(n + i) % period] as number;
    return method === 'multiplicative' ? deseasonalised * index : deseasonalised + index;
  });
}
