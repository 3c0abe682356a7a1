/**
 * Pooling over time: the outputs y (T, B, C) of a recurrent stack, C = dirs·R, to one row per
 * sequence (B, C), over each sequence's own length L_b (steps past it are padding):
 *   last   the final state of each direction: the forward half at t = L_b − 1, the reverse half
 *          at t = 0 (where the reverse direction ends); the same as RecurrentHead's end read-out
 *   mean   (1/L_b) Σ_{t<L_b} y[t, b]            backward: dy[t, b] = dp[b] / L_b for t < L_b
 *   max    max_{t<L_b} y[t, b, c] per column   backward: dp[b, c] to the step that won
 * Backward returns dy (T, B, C), zero wherever no gradient flows.
 */
import { ConfigError, ShapeError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import { Scratch } from './scratch.js';

export type Pooling = 'last' | 'mean' | 'max';

export const POOLINGS: readonly Pooling[] = ['last', 'mean', 'max'];

export function checkPooling(where: string, name: unknown): Pooling {
  if (!POOLINGS.includes(name as Pooling))
    throw new ConfigError(where, `pooling must be 'last', 'mean' or 'max'; got ${JSON.stringify(name)}.`);
  return name as Pooling;
}

export class TimePooling {
  private readonly scratch: Scratch;
  private lengths: Int32Array | null = null;
  private T = 0;
  private B = 0;
  private winners = new Int32Array(0); // max: the step that won, (B, C)

  constructor(
    k: Kernels,
    readonly pooling: Pooling,
    readonly dirs: 1 | 2,
    readonly R: number,
  ) {
    this.scratch = new Scratch(k);
  }

  get width(): number {
    return this.dirs * this.R;
  }

  /** y (T, B, C), lengths (B) each in [1, T] → pooled (B, C), a view valid until the next forward. */
  forward(y: Floats, T: number, B: number, lengths: Int32Array): Floats {
    const C = this.width;
    if (y.length !== T * B * C || lengths.length !== B)
      throw new ShapeError(
        'TimePooling.forward',
        `y has ${y.length} values and lengths ${lengths.length}; (T, B, C) = (${T}, ${B}, ${C}) needs ${T * B * C} and ${B}.`,
      );
    lengths.forEach((L, b) => {
      if (!(L >= 1 && L <= T))
        throw new ShapeError('TimePooling.forward', `lengths[${b}] = ${L}; pooling needs every length in [1, ${T}].`);
    });
    [this.lengths, this.T, this.B] = [lengths, T, B];
    const out = this.scratch.zeros('pooled', B * C);
    if (this.winners.length < B * C) this.winners = new Int32Array(B * C);
    for (let b = 0; b < B; b++) {
      const L = lengths[b] as number;
      const row = b * C;
      if (this.pooling === 'last') {
        for (let c = 0; c < C; c++) out[row + c] = y[(this.lastStep(L, c) * B + b) * C + c] as number;
      } else if (this.pooling === 'mean') {
        for (let t = 0; t < L; t++)
          for (let c = 0; c < C; c++) out[row + c] = (out[row + c] as number) + (y[(t * B + b) * C + c] as number) / L;
      } else {
        for (let c = 0; c < C; c++) {
          let best = 0;
          for (let t = 1; t < L; t++)
            if ((y[(t * B + b) * C + c] as number) > (y[(best * B + b) * C + c] as number)) best = t;
          this.winners[row + c] = best;
          out[row + c] = y[(best * B + b) * C + c] as number;
        }
      }
    }
    return out;
  }

  /** dPooled (B, C) → dy (T, B, C), a view valid until the next backward. */
  backward(dPooled: Floats): Floats {
    const { lengths, T, B } = this;
    const C = this.width;
    if (lengths === null) throw new ShapeError('TimePooling.backward', 'no forward pass to go back through.');
    const dy = this.scratch.zeros('dy', T * B * C);
    for (let b = 0; b < B; b++) {
      const L = lengths[b] as number;
      for (let c = 0; c < C; c++) {
        const g = dPooled[b * C + c] as number;
        if (this.pooling === 'mean') for (let t = 0; t < L; t++) dy[(t * B + b) * C + c] = g / L;
        else {
          const t = this.pooling === 'last' ? this.lastStep(L, c) : (this.winners[b * C + c] as number);
          dy[(t * B + b) * C + c] = g;
        }
      }
    }
    return dy;
  }

  /** The step where column c's direction ends: L − 1 for the forward half, 0 for the reverse. */
  private lastStep(L: number, c: number): number {
    return c < this.R ? L - 1 : 0;
  }
}
