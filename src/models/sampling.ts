/**
 * Choosing the next token from a probability vector: temperature is applied by the caller's
 * softmax; here top-k keeps the k most probable, top-p (nucleus, Holtzman et al. 2020) keeps the
 * smallest set whose mass reaches p, and the survivors are renormalised and sampled.
 */
import type { Floats } from '../kernels/index.js';
import type { Rng } from '../rng.js';

export interface SamplingOptions {
  /** 0 means greedy (always the most probable token). */
  temperature: number;
  /** Keep only the k most probable tokens; 0 = all. */
  topK: number;
  /** Keep the smallest set of tokens whose probabilities sum to at least p; 1 = all. */
  topP: number;
}

/**
 * Sample an index from probs (V) under top-k / top-p; `excluded` ids get probability 0
 * (the unknown token is never generated).
 */
export function sampleIndex(probs: Floats, opts: SamplingOptions, rng: Rng, excluded: number): number {
  const V = probs.length;
  const order = Array.from({ length: V }, (_, i) => i).filter((i) => i !== excluded);
  order.sort((a, b) => (probs[b] as number) - (probs[a] as number));
  if (opts.temperature === 0) return order[0] as number;
  let keep = opts.topK > 0 ? Math.min(opts.topK, order.length) : order.length;
  if (opts.topP < 1) {
    let mass = 0;
    for (let r = 0; r < keep; r++) {
      mass += probs[order[r] as number] as number;
      if (mass >= opts.topP) {
        keep = r + 1;
        break;
      }
    }
  }
  let total = 0;
  for (let r = 0; r < keep; r++) total += probs[order[r] as number] as number;
  let u = rng.next() * total;
  for (let r = 0; r < keep; r++) {
    u -= probs[order[r] as number] as number;
    if (u < 0) return order[r] as number;
  }
  return order[keep - 1] as number;
}
