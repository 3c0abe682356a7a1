/**
 * Copying memory (Arjovsky, Shah & Bengio 2016). Symbols 0 (blank), 1–8 (data) and 9 (delimiter),
 * one-hot. Input, T + 20 steps: 10 data symbols drawn from 1–8, T − 1 blanks, the delimiter, 10
 * blanks. Target: blanks for the first T + 10 steps, then the 10 data symbols. The loss is the
 * cross-entropy at every step. A memoryless model that predicts blanks and then 1/8 for each data
 * symbol scores 10 ln 8 / (T + 20) nats per step, the baseline to beat.
 */
import { ConfigError } from '../errors.js';
import type { Rng } from '../rng.js';
import { randomInt, type Task, type TaskBatch } from './types.js';

export const COPY_SYMBOLS = 10;
const DATA = 10; // symbols to remember
const DELIMITER = 9;

export function copyingTask(T: number): Task {
  if (!Number.isInteger(T) || T < 1) throw new ConfigError('copyingTask', `T must be a positive integer; got ${T}.`);
  const length = T + 2 * DATA;
  return {
    name: `copying T=${T}`,
    inputSize: COPY_SYMBOLS,
    outputSize: COPY_SYMBOLS,
    trivialError: (DATA * Math.log(8)) / length,
    criterion: `every symbol of every test sequence copied; the loss (cross-entropy per step) is compared with the memoryless 10·ln 8/(T+20) = ${((DATA * Math.log(8)) / length).toFixed(4)} nats`,
    solvedBy: { metric: 'correct', atLeast: 1 },
    batch(rng: Rng, B: number): TaskBatch {
      const x = new Float32Array(length * B * COPY_SYMBOLS);
      const labels = new Int32Array(length * B); // blank (0) by default
      for (let b = 0; b < B; b++) {
        const symbol = (t: number, s: number): void => {
          x[(t * B + b) * COPY_SYMBOLS + s] = 1;
        };
        for (let i = 0; i < DATA; i++) {
          const s = randomInt(rng, 1, 8);
          symbol(i, s);
          labels[(T + DATA + i) * B + b] = s;
        }
        for (let t = DATA; t < length; t++) symbol(t, t === DATA + T - 1 ? DELIMITER : 0);
      }
      return {
        T: length,
        B,
        D: COPY_SYMBOLS,
        x,
        lengths: null,
        target: { kind: 'step-class', classes: COPY_SYMBOLS, labels },
      };
    },
  };
}
