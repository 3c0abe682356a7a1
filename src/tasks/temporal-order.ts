/**
 * The temporal-order problem (Hochreiter & Schmidhuber 1997, experiment 6a). Symbols a, b, c, d,
 * B, E, X, Y (one-hot); sequences of 100–110 steps that start with E and end with B; two steps,
 * t1 in [10, 20] and t2 in [50, 60] (counted from 0), hold X or Y, every other step one of a–d.
 * The class, read at the last step, is the order of the two: XX, XY, YX or YY. Guessing gives
 * 25 % accuracy (ln 4 nats); the information is 40–100 steps back from the end.
 */
import type { Rng } from '../rng.js';
import { randomInt, type Task, type TaskBatch } from './types.js';

export const TEMPORAL_SYMBOLS = ['a', 'b', 'c', 'd', 'B', 'E', 'X', 'Y'] as const;
export const TEMPORAL_CLASSES = ['XX', 'XY', 'YX', 'YY'] as const;

export function temporalOrderTask(): Task {
  const K = TEMPORAL_SYMBOLS.length;
  const [X, Y, B_, E] = [6, 7, 4, 5];
  return {
    name: 'temporal-order',
    inputSize: K,
    outputSize: 4,
    trivialError: Math.log(4),
    criterion: 'every test sequence classified correctly (guessing: 25 %)',
    solvedBy: { metric: 'correct', atLeast: 1 },
    batch(rng: Rng, B: number): TaskBatch {
      const lengths = Int32Array.from({ length: B }, () => randomInt(rng, 100, 110));
      const T = Math.max(...lengths);
      const x = new Float32Array(T * B * K);
      const labels = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const L = lengths[b] as number;
        const t1 = randomInt(rng, 10, 20);
        const t2 = randomInt(rng, 50, 60);
        const first = rng.next() < 0.5 ? X : Y;
        const second = rng.next() < 0.5 ? X : Y;
        for (let t = 0; t < L; t++) {
          const s = t === 0 ? E : t === L - 1 ? B_ : t === t1 ? first : t === t2 ? second : randomInt(rng, 0, 3);
          x[(t * B + b) * K + s] = 1;
        }
        labels[b] = (first === X ? 0 : 2) + (second === X ? 0 : 1);
      }
      return { T, B, D: K, x, lengths, target: { kind: 'final-class', classes: 4, labels } };
    },
  };
}
