/**
 * Forecast accuracy, over paired actual and predicted values (NaN pairs skipped, as missing):
 *   MAE   mean |y − ŷ|                 RMSE  √(mean (y − ŷ)²)
 *   MAPE  100 · mean |y − ŷ| / |y|     (undefined where y = 0: those points are skipped)
 *   sMAPE 100 · mean 2|y − ŷ| / (|y| + |ŷ|)   (Hyndman & Koehler 2006; 0/0 counts as 0)
 *   MASE  MAE / (in-sample MAE of the seasonal-naive forecast with period m on the training
 *         series): below 1 beats seasonal naive on the training data's own scale (Hyndman &
 *         Koehler 2006; m = 1 gives the naive forecast)
 */
import { ConfigError, DataError } from '../errors.js';

export interface ForecastMetrics {
  mae: number;
  rmse: number;
  mape: number;
  smape: number;
  mase: number;
}

function pairs(actual: ArrayLike<number>, predicted: ArrayLike<number>): [number, number][] {
  if (actual.length !== predicted.length)
    throw new DataError(
      'forecastMetrics',
      `${actual.length} actual values but ${predicted.length} predictions; they must pair up.`,
    );
  const out: [number, number][] = [];
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i] as number;
    const p = predicted[i] as number;
    if (Number.isFinite(y) && Number.isFinite(p)) out.push([y, p]);
  }
  if (out.length === 0)
    throw new DataError('forecastMetrics', 'no pair of finite actual and predicted values to score.');
  return out;
}

/** The in-sample mean absolute error of y_t ≈ y_{t−m} over a training series: MASE's scale. */
export function seasonalNaiveScale(train: ArrayLike<number>, m: number): number {
  if (!Number.isInteger(m) || m < 1)
    throw new ConfigError('seasonalNaiveScale', `the period m must be a positive integer; got ${m}.`);
  let sum = 0;
  let n = 0;
  for (let t = m; t < train.length; t++) {
    const d = (train[t] as number) - (train[t - m] as number);
    if (Number.isFinite(d)) {
      sum += Math.abs(d);
      n++;
    }
  }
  if (n === 0)
    throw new DataError(
      'seasonalNaiveScale',
      `the training series needs more than m = ${m} finite values; it has ${train.length}.`,
    );
  return sum / n;
}

/** Every metric at once; `train` and `m` give MASE's scale. */
export function forecastMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  train: ArrayLike<number>,
  m: number,
): ForecastMetrics {
  const ps = pairs(actual, predicted);
  let abs = 0;
  let sq = 0;
  let ape = 0;
  let apeCount = 0;
  let sape = 0;
  for (const [y, p] of ps) {
    const e = Math.abs(y - p);
    abs += e;
    sq += e * e;
    if (y !== 0) {
      ape += e / Math.abs(y);
      apeCount++;
    }
    const denominator = Math.abs(y) + Math.abs(p);
    sape += denominator === 0 ? 0 : (2 * e) / denominator;
  }
  const mae = abs / ps.length;
  return {
    mae,
    rmse: Math.sqrt(sq / ps.length),
    mape: apeCount === 0 ? Number.NaN : (100 * ape) / apeCount,
    smape: (100 * sape) / ps.length,
    mase: mae / seasonalNaiveScale(train, m),
  };
}
