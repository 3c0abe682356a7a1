/**
 * Very long time lags with no local regularities (Hochreiter & Schmidhuber 1997, experiment 2c).
 * p + 4 symbols, one-hot: the distractors a1 … a_p (ids 0 … p−1), then e (the trigger), b, x, y.
 *
 *   sequence:  b, x|y, q distractors, then more distractors, each step ending with e instead with
 *              probability 1/10, and after e the second symbol again
 *   input:     every symbol but the last;  target: the last symbol (x or y), one class of 2, read
 *              at the step that shows e
 *
 * So the net must carry the second symbol across at least q + 1 noisy steps until the trigger.
 * The distractors are drawn uniformly from all p. The number of extra distractors k is geometric
 * (mean 9); we cap it at 60 (P(k > 60) ≈ 0.2 %) so a batch's longest sequence stays near q + 64.
 * Solved when every test sequence's last symbol is predicted (the paper: both output errors below
 * 0.2 on 10,000 successive sequences).
 */
import { ConfigError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Task, TaskBatch } from './types.js';

const MAX_EXTRA = 60;

export function noisyLongLagTask(q: number, p = q): Task {
  if (!Number.isInteger(q) || q < 1 || !Number.isInteger(p) || p < 1)
    throw new ConfigError('noisyLongLagTask', `q and p must be positive integers; got q ${q}, p ${p}.`);
  const K = p + 4;
  const [E, BEGIN, X, Y] = [p, p + 1, p + 2, p + 3];
  return {
    name: `noisy-long-lag q=${q} p=${p}`,
    inputSize: K,
    outputSize: 2,
    trivialError: Math.log(2),
    criterion: 'the last symbol (x or y) of every test sequence predicted (guessing: 50 %)',
    solvedBy: { metric: 'correct', atLeast: 1 },
    batch(rng: Rng, B: number): TaskBatch {
      const sequences: number[][] = [];
      const labels = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const isY = rng.next() < 0.5;
        labels[b] = isY ? 1 : 0;
        const s = [BEGIN, isY ? Y : X];
        for (let i = 0; i < q; i++) s.push(Math.floor(rng.next() * p));
        for (let extra = 0; extra < MAX_EXTRA && rng.next() < 0.9; extra++) s.push(Math.floor(rng.next() * p));
        s.push(E); // the last input; the target x|y follows it
        sequences.push(s);
      }
      const lengths = Int32Array.from(sequences, (s) => s.length);
      const T = Math.max(...lengths);
      const x = new Float32Array(T * B * K);
      sequences.forEach((s, b) => s.forEach((symbol, t) => (x[(t * B + b) * K + symbol] = 1)));
      return { T, B, D: K, x, lengths, target: { kind: 'final-class', classes: 2, labels } };
    },
  };
}
