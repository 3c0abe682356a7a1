/**
 * Softmax cross-entropy, masked and weighted per class, as PyTorch's
 * F.cross_entropy(weight=w, ignore_index=-1, reduction='mean'):
 *   loss = Σ_n w_{y_n} · (−log p_n[y_n]) / Σ_n w_{y_n}        over the rows n with a label y_n ≥ 0
 *   dz_n = w_{y_n} · (p_n − onehot(y_n)) / Σ_n w_{y_n}         (0 for rows without a label)
 * with p_n = softmax(z_n) (src/loss/softmax.ts); w = 1 without class weights
 * (src/loss/class-weights.ts). Plain float64 loops: K is small, and the recurrent stack dominates.
 */
import type { Floats } from '../kernels/index.js';
import { softmaxInto } from './softmax.js';

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
