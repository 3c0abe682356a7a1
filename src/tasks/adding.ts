/**
 * The adding problem, in both of its forms.
 *
 * Modern form (Arjovsky, Shah & Bengio 2016): two input channels over T steps; channel 0 holds
 * values uniform in [0, 1], channel 1 is 0 except for exactly two 1s, one in each half of the
 * sequence. Target: the sum of the two marked values. Always predicting 1 (the mean of the sum)
 * gives a mean squared error of Var(U + U) = 2/12 ≈ 0.167, the trivial baseline.
 *
 * Original form (Hochreiter & Schmidhuber 1997, experiment 4): sequences of random length in
 * [T, T + T/10]; channel 0 uniform in [−1, 1]; channel 1 marks one of the first ten steps (X1) and
 * one other step among the first T/2 − 1 (X2) with 1, the first and the last step with −1 (a
 * marked first step holds 0). Target at the end: 0.5 + (X1 + X2) / 4. A sequence is
 * processed correctly when the absolute error is below 0.04; the paper stops when the average
 * training error is below 0.01 and the last 2,000 sequences were all correct (LSTM at T = 100:
 * 74,000 training sequences).
 */
import { ConfigError } from '../errors.js';
import type { Rng } from '../rng.js';
import { randomInt, type Task, type TaskBatch } from './types.js';

function checkLength(where: string, T: number, min: number): void {
  if (!Number.isInteger(T) || T < min)
    throw new ConfigError(where, `the length must be an integer ≥ ${min}; got ${T}.`);
}

export function addingTask(T: number): Task {
  checkLength('addingTask', T, 2);
  const half = Math.floor(T / 2);
  return {
    name: `adding T=${T}`,
    inputSize: 2,
    outputSize: 1,
    trivialError: 2 / 12,
    criterion: 'test MSE below 0.01 (predicting 1 always: 0.167)',
    solvedBy: { metric: 'loss', below: 0.01 },
    tolerance: 0.04,
    batch(rng: Rng, B: number): TaskBatch {
      const x = new Float32Array(T * B * 2);
      const values = new Float32Array(B);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) x[(t * B + b) * 2] = rng.next();
        const first = randomInt(rng, 0, half - 1);
        const second = randomInt(rng, half, T - 1);
        x[(first * B + b) * 2 + 1] = 1;
        x[(second * B + b) * 2 + 1] = 1;
        values[b] = (x[(first * B + b) * 2] as number) + (x[(second * B + b) * 2] as number);
      }
      return { T, B, D: 2, x, lengths: null, target: { kind: 'final-value', values } };
    },
  };
}

export function addingTask1997(T: number): Task {
  checkLength('addingTask1997', T, 20);
  const longest = T + Math.floor(T / 10);
  return {
    name: `adding-1997 T=${T}`,
    inputSize: 2,
    outputSize: 1,
    // the target 0.5 + (X1 + X2)/4 with X1, X2 ~ U(−1, 1) has variance 2 · (1/3) / 16 = 1/24
    trivialError: 1 / 24,
    criterion: 'every test sequence within 0.04 of its target (1997: average error < 0.01 and the last 2,000 correct)',
    solvedBy: { metric: 'correct', atLeast: 1 },
    tolerance: 0.04,
    batch(rng: Rng, B: number): TaskBatch {
      const lengths = Int32Array.from({ length: B }, () => randomInt(rng, T, longest));
      const x = new Float32Array(longest * B * 2);
      const values = new Float32Array(B);
      for (let b = 0; b < B; b++) {
        const L = lengths[b] as number;
        for (let t = 0; t < L; t++) x[(t * B + b) * 2] = rng.uniform(-1, 1);
        const first = randomInt(rng, 0, 9);
        let second = first;
        while (second === first) second = randomInt(rng, 0, Math.floor(T / 2) - 2);
        const at = (t: number): number => (t * B + b) * 2;
        x[at(0) + 1] = -1;
        x[at(L - 1) + 1] = -1;
        x[at(first) + 1] = 1;
        x[at(second) + 1] = 1;
        if (first === 0 || second === 0) x[at(0)] = 0; // a marked first pair holds 0
        values[b] = 0.5 + ((x[at(first)] as number) + (x[at(second)] as number)) / 4;
      }
      return { T: longest, B, D: 2, x, lengths, target: { kind: 'final-value', values } };
    },
  };
}
