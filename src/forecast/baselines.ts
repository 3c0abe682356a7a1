/**
 * The forecasts every model must beat, h steps ahead of a history y_1 … y_n:
 *   naive           ŷ_{n+k} = y_n
 *   seasonal naive  ŷ_{n+k} = y_{n+k−m·⌈k/m⌉} (the same season of the last full period)
 *   drift           ŷ_{n+k} = y_n + k · (y_n − y_1)/(n − 1) (the line through the first and last)
 *   seasonal naive with drift
 *                   ŷ_{n+k} = y_{n+k−m·j} + j·c, j = ⌊(k−1)/m⌋ + 1 (the periods ahead), c = the mean of the
 *                   n − m seasonal differences y_t − y_{t−m}: the seasonal random walk with drift
 *                   y_t = y_{t−m} + c + ε_t (fable's SNAIVE(y ~ drift())); it needs n ≥ m + 1
 */
import { ConfigError, DataError, checkInteger } from '../errors.js';

export type BaselineName = 'naive' | 'seasonal-naive' | 'drift' | 'seasonal-naive-drift';
export const BASELINE_NAMES: readonly BaselineName[] = ['naive', 'seasonal-naive', 'drift', 'seasonal-naive-drift'];

export function baselineForecast(name: BaselineName, history: ArrayLike<number>, h: number, m = 1): Float64Array {
  const n = history.length;
  if (!Number.isInteger(h) || h < 1)
    throw new ConfigError('baselineForecast', `the horizon must be a positive integer; got ${h}.`);
  if (name === 'seasonal-naive-drift') checkInteger('baselineForecast', 'the season length m', m, 1);
  const need = name === 'seasonal-naive' ? m : name === 'drift' ? 2 : name === 'seasonal-naive-drift' ? m + 1 : 1;
  if (n < need)
    throw new DataError(
      'baselineForecast',
      `the ${name} forecast needs at least ${need} past value(s); the history has ${n}.`,
    );
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(history[i] as number))
      throw new DataError(
        'baselineForecast',
        `history value ${i} is ${history[i]}; fill or drop missing values first.`,
      );
  const last = history[n - 1] as number;
  const slope = n > 1 ? (last - (history[0] as number)) / (n - 1) : 0;
  if (name === 'seasonal-naive-drift') {
    // c = Σ_{t=m}^{n−1} (y_t − y_{t−m}) / (n − m), in 0-based indices
    let seasonalDrift = 0;
    for (let t = m; t < n; t++) seasonalDrift += (history[t] as number) - (history[t - m] as number);
    seasonalDrift /= n - m;
    return Float64Array.from({ length: h }, (_, i) => {
      const periodsAhead = Math.floor(i / m) + 1; // j = ⌊(k−1)/m⌋ + 1 with k = i + 1
      return (history[n + i - m * periodsAhead] as number) + periodsAhead * seasonalDrift;
    });
  }
  return Float64Array.from({ length: h }, (_, i) => {
    const k = i + 1;
    if (name === 'naive') return last;
    if (name === 'drift') return last + k * slope;
    return history[n - m + ((k - 1) % m)] as number;
  });
}
