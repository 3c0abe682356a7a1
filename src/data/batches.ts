/**
 * Mini-batches of sequences of similar length, so little of each (T, B) batch is padding (a batch
 * costs its longest sequence times B), and a fixed, documented train / validation / test split.
 */
import { DataError } from '../errors.js';
import type { Rng } from '../rng.js';

/** Pools of this many batches are sorted by length before they are cut. */
const POOL_BATCHES = 32;

/**
 * Training batches of `members` (indices into lengths): shuffled, then each pool of
 * POOL_BATCHES·B sorted by length and cut into batches of B, and the batches shuffled (the
 * torchtext BucketIterator recipe): every epoch sees different batches, each of similar lengths.
 * Without an rng (evaluation): all sorted by length, cut in order.
 */
export function lengthBatches(
  lengths: ArrayLike<number>,
  members: ArrayLike<number>,
  B: number,
  rng: Rng | null,
): Int32Array[] {
  const order = Int32Array.from(members);
  const byLength = (a: number, b: number): number => (lengths[a] as number) - (lengths[b] as number) || a - b;
  const batches: Int32Array[] = [];
  if (rng !== null) rng.shuffle(order);
  const pool = rng === null ? order.length : POOL_BATCHES * B;
  for (let start = 0; start < order.length; start += pool) {
    const sorted = order.subarray(start, Math.min(order.length, start + pool)).sort(byLength);
    for (let s = 0; s < sorted.length; s += B) batches.push(sorted.slice(s, Math.min(sorted.length, s + B)));
  }
  if (rng !== null) {
    const at = Int32Array.from(batches, (_, i) => i);
    rng.shuffle(at);
    return Array.from(at, (i) => batches[i] as Int32Array);
  }
  return batches;
}

/** Every sequence once, in batches of up to B of similar length (evaluation and prediction). */
export function evaluationBatches(seqs: readonly { length: number }[], B = 64): Int32Array[] {
  return lengthBatches(
    seqs.map((s) => s.length),
    Int32Array.from(seqs, (_, i) => i),
    B,
    null,
  );
}

export interface DocumentedSplit {
  train: number[];
  valid: number[];
  test: number[];
}

/**
 * The split of n examples in corpus order that the classification results use:
 *   test     every fifth example, index i with i % 5 === 4 (20 %)
 *   valid    every tenth example of the rest, in order (8 %: for early stopping only)
 *   train    everything else (72 %)
 */
export function documentedSplit(n: number): DocumentedSplit {
  if (!Number.isInteger(n) || n < 5)
    throw new DataError('documentedSplit', `needs at least 5 examples to hold every fifth out; got ${n}.`);
  const split: DocumentedSplit = { train: [], valid: [], test: [] };
  let rest = 0;
  for (let i = 0; i < n; i++) {
    if (i % 5 === 4) split.test.push(i);
    else if (rest++ % 10 === 9) split.valid.push(i);
    else split.train.push(i);
  }
  return split;
}
