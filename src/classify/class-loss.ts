/**
 * The classification loss: softmax cross-entropy weighted per class, as PyTorch's
 * F.cross_entropy(weight=w, ignore_index=-1, reduction='mean'):
 *   loss = Σ_n w_{y_n} · (−log p_n[y_n]) / Σ_n w_{y_n}        over the rows n with a label y_n ≥ 0
 *   dz_n = w_{y_n} · (p_n − onehot(y_n)) / Σ_n w_{y_n}         (0 for rows without a label)
 * with p_n = softmax(z_n); w = 1 without class weights. 'balanced' weights are scikit-learn's:
 *   w_k = N / (K · N_k), so every class carries the same total weight.
 * Plain float64 loops: K is small, and the recurrent stack dominates the cost.
 */
import { ConfigError, DataError } from '../errors.js';
import type { Floats } from '../kernels/index.js';

export type ClassWeights = 'balanced' | readonly number[];

/**
 * Check labels (−1 allowed where `ignorable`) against K classes; `describe(n)` names where label n
 * comes from in messages ("example 12", "row 14").
 */
export function checkLabels(
  where: string,
  labels: ArrayLike<number>,
  classes: readonly string[],
  describe: (n: number) => string,
  ignorable = false,
): void {
  const K = classes.length;
  for (let n = 0; n < labels.length; n++) {
    const y = labels[n] as unknown;
    const ok = typeof y === 'number' && Number.isInteger(y) && y >= (ignorable ? -1 : 0) && y < K;
    if (!ok)
      throw new DataError(
        where,
        `the label of ${describe(n)} is ${JSON.stringify(y)}; labels are class ids in [0, ${K})${ignorable ? ', or −1 for none' : ''} (classes: ${classes.join(', ')}).`,
      );
  }
}

/** Examples per class (labels −1 skipped). */
export function classCounts(labels: ArrayLike<number>, K: number): number[] {
  const counts = new Array<number>(K).fill(0);
  for (let n = 0; n < labels.length; n++) {
    const y = labels[n] as number;
    if (y >= 0) counts[y] = (counts[y] as number) + 1;
  }
  return counts;
}

/**
 * Every class needs at least two training examples; the error names the class and, for a single
 * example, where it is.
 */
export function checkClassCounts(
  where: string,
  labels: ArrayLike<number>,
  classes: readonly string[],
  describe: (n: number) => string,
): void {
  classCounts(labels, classes.length).forEach((count, k) => {
    if (count >= 2) return;
    const at = count === 1 ? ` (${describe(Array.prototype.indexOf.call(labels, k) as number)})` : '';
    throw new DataError(
      where,
      `class '${classes[k]}' has ${count === 0 ? 'no examples' : `only one example${at}`}; each class needs at least two.`,
      'add examples of it, merge it into another class, or drop it.',
    );
  });
}

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

/** softmax of logits[at … at + K) into p (K), in float64. */
export function softmaxInto(logits: Floats, at: number, K: number, p: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < K; j++) max = Math.max(max, logits[at + j] as number);
  let total = 0;
  for (let j = 0; j < K; j++) total += p[j] = Math.exp((logits[at + j] as number) - max);
  for (let j = 0; j < K; j++) p[j] = (p[j] as number) / total;
}

export interface WeightedLoss {
  /** Σ_n w_{y_n} · (−log p_n[y_n]) over the labelled rows. */
  sum: number;
  /** Σ_n w_{y_n}: the mean loss is sum / weight. */
  weight: number;
}

/**
 * logits (N, K), labels (N) in [0, K) or −1. When dLogits (N, K) is given, it receives the gradient
 * of the mean loss (sum / weight) with respect to the logits.
 */
export function weightedCrossEntropy(
  logits: Floats,
  labels: Int32Array,
  N: number,
  K: number,
  weights: Float64Array | null,
  dLogits: Floats | null = null,
): WeightedLoss {
  const p = new Float64Array(K);
  let sum = 0;
  let weight = 0;
  for (let n = 0; n < N; n++) {
    const y = labels[n] as number;
    if (y < 0) continue;
    const w = weights === null ? 1 : (weights[y] as number);
    softmaxInto(logits, n * K, K, p);
    sum -= w * Math.log(Math.max(p[y] as number, 1e-300));
    weight += w;
  }
  if (dLogits !== null) {
    for (let n = 0; n < N; n++) {
      const y = labels[n] as number;
      if (y < 0 || weight === 0) {
        dLogits.fill(0, n * K, (n + 1) * K);
        continue;
      }
      const scale = (weights === null ? 1 : (weights[y] as number)) / weight;
      softmaxInto(logits, n * K, K, p);
      for (let j = 0; j < K; j++) dLogits[n * K + j] = scale * ((p[j] as number) - (j === y ? 1 : 0));
    }
  }
  return { sum, weight };
}
