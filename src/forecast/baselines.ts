/**
 * The forecasts every model must beat, h steps ahead of a history y_1 … y_n:
 *   naive           ŷ_{n+k} = y_n
 *   seasonal naive  ŷ_{n+k} = y_{n+k−m·⌈k/m⌉} (the same season of the last full period)
 *   drift           ŷ_{n+k} = y_n + k · (y_n − y_1)/(n − 1) (the line through the first and last)
 */
import { ConfigError, DataError } from '../errors.js';

export type BaselineName = 'naive' | 'seasonal-naive' | 'drift';
export const BASELINE_NAMES: readonly BaselineName[] = ['naive', 'seasonal-naive', 'drift'];

export function baselineForecast(name: BaselineName, history: ArrayLike<number>, h: number, m = 1): Float64Array {
  const n = history.length;
  if (!Number.isInteger(h) || h < 1)
    throw new ConfigError('baselineForecast', `the horizon must be a positive integer; got ${h}.`);
  const need = name === 'seasonal-naive' ? m : name === 'drift' ? 2 : 1;
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
  return Float64Array.from({ length: h }, (_, i) => {
    const k = i + 1;
    if (name === 'naive') return last;
    if (name === 'drift') return last + k * slope;
    return history[n - m + ((k - 1) % m)] as number;
  });
}
