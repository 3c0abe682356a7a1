/**
 * Class weights for the class-weighted cross-entropy (src/loss/weighted-cross-entropy.ts): given
 * numbers, or 'balanced' as scikit-learn's  w_k = N / (K · N_k), so every class carries the same
 * total weight.
 */
import { classCounts } from '../data/labels.js';
import { ConfigError } from '../errors.js';

export type ClassWeights = 'balanced' | readonly number[];

/** Class weights (K) from 'balanced' or explicit numbers; null for none. */
export function resolveClassWeights(
  where: string,
  weights: ClassWeights | undefined,
  labels: ArrayLike<number>,
  classes: readonly string[],
): Float64Array | null {
  const K = classes.length;
  if (weights === undefined) return null;
  if (weights === 'balanced') {
    const counts = classCounts(labels, K);
    const N = counts.reduce((s, c) => s + c, 0);
    return Float64Array.from(counts, (c) => (c === 0 ? 0 : N / (K * c)));
  }
  if (!Array.isArray(weights) || weights.length !== K)
    throw new ConfigError(
      where,
      `classWeights must be 'balanced' or ${K} numbers (one per class: ${classes.join(', ')}); got ${JSON.stringify(weights)}.`,
    );
  weights.forEach((w, k) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0)
      throw new ConfigError(
        where,
        `the weight of class '${classes[k]}' is ${JSON.stringify(w)}; weights are positive numbers.`,
      );
  });
  return Float64Array.from(weights);
}
