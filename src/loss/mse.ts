/**
 * Mean squared error over N predictions:
 *   loss = (1/N) Σ_n (ŷ_n − y_n)²;   dŷ_n = 2 (ŷ_n − y_n) / N
 */
import { ShapeError } from '../errors.js';
import type { Floats } from '../kernels/index.js';

/**
 * pred (N), target (N); when dPred (N) is given it receives the gradient of the mean. `within`
 * counts the predictions with |ŷ − y| < within (default 0: none).
 */
export function meanSquaredError(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  dPred: Floats | null = null,
  within = 0,
): { loss: number; within: number } {
  const N = target.length;
  if (pred.length !== N || (dPred !== null && dPred.length !== N))
    throw new ShapeError('meanSquaredError', `predictions have ${pred.length} values; ${N} targets need ${N}.`);
  let sum = 0;
  let close = 0;
  for (let n = 0; n < N; n++) {
    const err = (pred[n] as number) - (target[n] as number);
    sum += err * err;
    if (Math.abs(err) < within) close++;
    if (dPred !== null) dPred[n] = (2 * err) / N;
  }
  return { loss: sum / N, within: close };
}
