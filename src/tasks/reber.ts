/**
 * The embedded Reber grammar (Hochreiter & Schmidhuber 1997, experiment 1, after Smith & Zipser
 * and Cleeremans et al.): next-symbol prediction over the symbols B, T, P, S, X, V, E (one-hot).
 *
 *   Reber string:   B, then a walk on the graph below, then E; each branch taken with p = 0.5
 *     0 -B→ 1;  1 -T→ 2, 1 -P→ 3;  2 -S→ 2, 2 -X→ 4;  3 -T→ 3, 3 -V→ 5;  4 -X→ 3, 4 -S→ 6;
 *     5 -P→ 4, 5 -V→ 6;  6 -E→ end
 *   embedded:       B, T or P, a Reber string, the same T or P, E
 *
 * The input is every symbol but the last; the target at each step is the next symbol, and `legal`
 * marks every symbol the grammar allows there. Only the second-to-last symbol is a long-lag
 * prediction: it must repeat the second symbol, read many steps earlier. A string is processed
 * correctly when, at every step, the |legal| most probable symbols are exactly the legal ones.
 */
import type { Rng } from '../rng.js';
import type { Task, TaskBatch } from './types.js';

export const REBER_SYMBOLS = ['B', 'T', 'P', 'S', 'X', 'V', 'E'] as const;
const id = (s: string): number => REBER_SYMBOLS.indexOf(s as (typeof REBER_SYMBOLS)[number]);

/** state → the two (symbol, next state) branches; state 6 ends with E. */
const GRAPH: Record<number, [string, number][]> = {
  1: [
    ['T', 2],
    ['P', 3],
  ],
  2: [
    ['S', 2],
    ['X', 4],
  ],
  3: [
    ['T', 3],
    ['V', 5],
  ],
  4: [
    ['X', 3],
    ['S', 6],
  ],
  5: [
    ['P', 4],
    ['V', 6],
  ],
};

/** One embedded Reber string, and for each position the symbols that could follow it. */
export function embeddedReberString(rng: Rng): { symbols: string[]; legalNext: string[][] } {
  const outer = rng.next() < 0.5 ? 'T' : 'P';
  const symbols = ['B', outer, 'B'];
  const legalNext: string[][] = [['T', 'P'], ['B'], ['T', 'P']];
  let state = 1;
  while (state !== 6) {
    const branches = GRAPH[state] as [string, number][];
    const [symbol, next] = branches[rng.next() < 0.5 ? 0 : 1] as [string, number];
    symbols.push(symbol);
    state = next;
    legalNext.push(state === 6 ? ['E'] : (GRAPH[state] as [string, number][]).map(([s]) => s));
  }
  symbols.push('E', outer, 'E');
  legalNext.push([outer], ['E'], []);
  return { symbols, legalNext };
}

export function embeddedReberTask(): Task {
  const K = REBER_SYMBOLS.length;
  return {
    name: 'embedded-reber',
    inputSize: K,
    outputSize: K,
    // an optimal memoryless-about-the-second-symbol predictor still knows the grammar; the
    // table's baseline is the uniform guess, ln 7 nats per step
    trivialError: Math.log(K),
    criterion: 'every test string: at each step the |legal| most probable symbols are the legal ones',
    solvedBy: { metric: 'correct', atLeast: 1 },
    batch(rng: Rng, B: number): TaskBatch {
      const strings = Array.from({ length: B }, () => embeddedReberString(rng));
      const lengths = Int32Array.from(strings, (s) => s.symbols.length - 1);
      const T = Math.max(...lengths);
      const x = new Float32Array(T * B * K);
      const labels = new Int32Array(T * B).fill(-1);
      const legal = new Uint8Array(T * B * K);
      strings.forEach(({ symbols, legalNext }, b) => {
        for (let t = 0; t < symbols.length - 1; t++) {
          x[(t * B + b) * K + id(symbols[t] as string)] = 1;
          labels[t * B + b] = id(symbols[t + 1] as string);
          for (const s of legalNext[t] as string[]) legal[(t * B + b) * K + id(s)] = 1;
        }
      });
      return { T, B, D: K, x, lengths, target: { kind: 'step-class', classes: K, labels, legal } };
    },
  };
}
