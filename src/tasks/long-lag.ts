/**
 * Noise-free long time lags (Hochreiter & Schmidhuber 1997, experiment 2a): two sequences,
 * (y, a1, …, a_{p−1}, y) and (x, a1, …, a_{p−1}, x), each picked with p = 0.5; p + 1 symbols,
 * one-hot. The target at each step is the next symbol; every prediction is determined by the one
 * before except the last, which must repeat the first symbol, p steps back. Solved when the final
 * symbol of every test sequence is predicted (its probability the largest).
 */
import { ConfigError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Task, TaskBatch } from './types.js';

export function longLagTask(p: number): Task {
  if (!Number.isInteger(p) || p < 2) throw new ConfigError('longLagTask', `p must be an integer ≥ 2; got ${p}.`);
  const K = p + 1; // a1 … a_{p−1} (ids 0 … p−2), x (p − 1), y (p)
  const [X, Y] = [p - 1, p];
  return {
    name: `long-lag p=${p}`,
    inputSize: K,
    outputSize: K,
    // only the last of p predictions is uncertain for a model without memory: ln 2 / p nats a step
    trivialError: Math.log(2) / p,
    criterion: 'the last symbol of every test sequence predicted (the memoryless model: a coin flip)',
    solvedBy: { metric: 'correct', atLeast: 1 },
    batch(rng: Rng, B: number): TaskBatch {
      const T = p; // inputs: the first p symbols; targets: the next symbol of each
      const x = new Float32Array(T * B * K);
      const labels = new Int32Array(T * B);
      for (let b = 0; b < B; b++) {
        const end = rng.next() < 0.5 ? X : Y;
        const symbols = [end, ...Array.from({ length: p - 1 }, (_, i) => i), end];
        for (let t = 0; t < T; t++) {
          x[(t * B + b) * K + (symbols[t] as number)] = 1;
          labels[t * B + b] = symbols[t + 1] as number;
        }
      }
      return { T, B, D: K, x, lengths: null, target: { kind: 'step-class', classes: K, labels } };
    },
  };
}
