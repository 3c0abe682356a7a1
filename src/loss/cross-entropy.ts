/**
 * Softmax cross-entropy, mean over N predictions (PyTorch's F.cross_entropy, reduction 'mean').
 *   loss = (1/N) Σ_n −log softmax(z_n)[y_n];   dz_n = (softmax(z_n) − onehot(y_n)) / N
 */
import { ShapeError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';

/**
 * logits (N, V), targets (N) in [0, V). Writes dLogits (N, V) (may be logits itself) and returns
 * the mean loss in nats. `gradScale` multiplies the gradient (default 1/N, the mean's).
 */
export function softmaxCrossEntropy(
  k: Kernels,
  logits: Floats,
  targets: Int32Array,
  N: number,
  V: number,
  dLogits: Floats,
  gradScale = 1 / N,
): number {
  if (logits.length !== N * V || targets.length !== N) {
    throw new ShapeError(
      'softmaxCrossEntropy',
      `logits has ${logits.length} values and targets ${targets.length}; (N, V) = (${N}, ${V}) needs ${N * V} and ${N}.`,
    );
  }
  for (let n = 0; n < N; n++) {
    const t = targets[n] as number;
    if (!(t >= 0 && t < V)) {
      throw new ShapeError('softmaxCrossEntropy', `target ${n} is ${t}; targets must be integers in [0, ${V}).`);
    }
  }
  return k.softmaxCrossEntropy(N, V, logits, targets, dLogits, gradScale) / N;
}
