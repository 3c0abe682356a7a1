/**
 * Softmax cross-entropy with label smoothing, over the rows that have a target (padding rows carry
 * −1 and are skipped), as PyTorch's F.cross_entropy(label_smoothing=ε, ignore_index=−1,
 * reduction='mean') (Szegedy et al. 2016; the smoothed target puts ε/V on every class):
 *   loss_n = −(1 − ε) log p_n[y_n] − (ε / V) Σ_j log p_n[j]
 *   loss   = Σ_n loss_n / N',  N' the rows with a target
 *   dz_n   = (p_n − (1 − ε) onehot(y_n) − ε / V) / N'        (0 on rows without a target)
 * With ε = 0 it is the plain cross-entropy. Float64 loops over the rows (a decoder's N = B·T rows of
 * a vocabulary of tens to thousands).
 */
import { ShapeError } from '../errors.js';
import type { Floats } from '../kernels/index.js';
import { logSoftmaxInto } from './softmax.js';

export interface SmoothedLoss {
  /** Σ_n loss_n over the rows with a target. */
  sum: number;
  /** N', the rows with a target: the mean loss is sum / count. */
  count: number;
}

/**
 * logits (N, V), targets (N) in [0, V) or −1; smoothing ε in [0, 1). When dLogits (N, V) is
 * given (it may be logits itself), it receives the gradient of the mean loss.
 */
export function smoothedCrossEntropy(
  logits: Floats,
  targets: Int32Array,
  N: number,
  V: number,
  smoothing: number,
  dLogits: Floats | null = null,
): SmoothedLoss {
  if (logits.length !== N * V || targets.length !== N) {
    throw new ShapeError(
      'smoothedCrossEntropy',
      `logits has ${logits.length} values and targets ${targets.length}; (N, V) = (${N}, ${V}) needs ${N * V} and ${N}.`,
    );
  }
  if (!(smoothing >= 0 && smoothing < 1)) {
    throw new ShapeError('smoothedCrossEntropy', `label smoothing must be in [0, 1); got ${smoothing}.`);
  }
  let count = 0;
  for (let n = 0; n < N; n++) {
    const y = targets[n] as number;
    if (y === -1) continue;
    if (!(Number.isInteger(y) && y >= 0 && y < V)) {
      throw new ShapeError('smoothedCrossEntropy', `target ${n} is ${y}; targets must be integers in [0, ${V}) or −1.`);
    }
    count++;
  }
  const logP = new Float64Array(V);
  const spread = smoothing / V;
  let sum = 0;
  for (let n = 0; n < N; n++) {
    const y = targets[n] as number;
    if (y === -1) {
      dLogits?.fill(0, n * V, (n + 1) * V);
      continue;
    }
    logSoftmaxInto(logits, n * V, V, logP);
    let all = 0;
    for (let j = 0; j < V; j++) all += logP[j] as number;
    sum -= (1 - smoothing) * (logP[y] as number) + spread * all;
    if (dLogits === null) continue;
    for (let j = 0; j < V; j++) {
      const target = (j === y ? 1 - smoothing : 0) + spread;
      dLogits[n * V + j] = (Math.exp(logP[j] as number) - target) / count;
    }
  }
  return { sum, count };
}
