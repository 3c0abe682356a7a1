/**
 * The softmax outside the kernels, in float64 (class probabilities, small K, float64 gradient
 * checks); the kernels' softmaxRow and softmaxCrossEntropy are the fast paths over float32 logits.
 *   p_j = exp(z_j − m) / Σ_k exp(z_k − m),   m = max_k z_k   (so exp never overflows)
 *   log p_j = (z_j − m) − log Σ_k exp(z_k − m)
 */
import type { Floats } from '../kernels/index.js';

/**
 * softmax of z[at … at + K) into p[pAt … pAt + K). p may be z itself (in place, pAt = at); a
 * float32 p stores each exp rounded while the total sums them unrounded.
 */
export function softmaxInto(z: ArrayLike<number>, at: number, K: number, p: Floats, pAt = 0): void {
  let max = -Infinity;
  for (let j = 0; j < K; j++) max = Math.max(max, z[at + j] as number);
  let total = 0;
  for (let j = 0; j < K; j++) total += p[pAt + j] = Math.exp((z[at + j] as number) - max);
  for (let j = 0; j < K; j++) p[pAt + j] = (p[pAt + j] as number) / total;
}

/** log softmax of z[at … at + K) into out[outAt … outAt + K). */
export function logSoftmaxInto(z: ArrayLike<number>, at: number, K: number, out: Floats, outAt = 0): void {
  let max = -Infinity;
  for (let j = 0; j < K; j++) max = Math.max(max, z[at + j] as number);
  let total = 0;
  for (let j = 0; j < K; j++) total += Math.exp((z[at + j] as number) - max);
  const logTotal = Math.log(total);
  for (let j = 0; j < K; j++) out[outAt + j] = (z[at + j] as number) - max - logTotal;
}
