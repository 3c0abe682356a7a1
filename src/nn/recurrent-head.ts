/**
 * A recurrent stack read by a linear head, the shape of most sequence models that are not
 * language models:
 *   at the end   the state at each sequence's own end, hN of the top layer (B, R) → head → (B, O)
 *                (classification, forecasting, the long-lag tasks with a final target)
 *   every step   every output y (T, B, R) → head → (T, B, O) (per-step labels)
 * Backward returns dx (T, B, D), the gradient with respect to every input step.
 */
import type { Floats, Kernels } from '../kernels/index.js';
import { Linear } from './linear.js';
import type { ParamArena, ParamSpec } from './params.js';
import { Recurrent, type RecurrentOptions } from './recurrent.js';
import { Scratch } from './scratch.js';

export type ReadOut = 'end' | 'steps';

export class RecurrentHead {
  readonly recurrent: Recurrent;
  readonly head: Linear;
  private readonly scratch: Scratch;
  private readOut: ReadOut = 'end';
  private batchSize = 0;

  static paramSpecs(opts: RecurrentOptions, outputSize: number, headPrefix = 'head.'): ParamSpec[] {
    const dirs = opts.bidirectional === true ? 2 : 1;
    const R = opts.projSize !== undefined && opts.projSize > 0 ? opts.projSize : opts.hiddenSize;
    return [...Recurrent.paramSpecs(opts), ...Linear.paramSpecs(headPrefix, dirs * R, outputSize)];
  }

  constructor(k: Kernels, arena: ParamArena, opts: RecurrentOptions, outputSize: number, headPrefix = 'head.') {
    this.recurrent = new Recurrent(k, arena, opts);
    this.head = new Linear(k, arena, headPrefix, this.recurrent.outputSize, outputSize);
    this.scratch = new Scratch(k);
  }

  /** x (T, B, D), lengths (B) or null → (B, O) at the end, or (T, B, O) at every step. */
  forward(x: Floats, T: number, B: number, lengths: Int32Array | null, readOut: ReadOut): Floats {
    const out = this.recurrent.forward(x, T, B, null, null, lengths);
    this.readOut = readOut;
    this.batchSize = B;
    if (readOut === 'steps') return this.head.forward(out.y, T * B);
    const R = this.recurrent.outputSize;
    return this.head.forward(this.topFinalState(out.hN, B, R), B);
  }

  /** Backward from dOut (the shape forward returned); accumulates every gradient; returns dx (T, B, D). */
  backward(dOut: Floats): Floats {
    const dHead = this.head.backward(dOut);
    if (this.readOut === 'steps') return this.recurrent.backward(dHead).dx;
    const B = this.batchSize;
    const { numLayers, dirs } = this.recurrent;
    const R = this.recurrent.stateSize;
    // dhN (L·dirs, B, R): only the top layer's directions receive the head's gradient, a
    // direction's slice of each row of dHead (B, dirs·R)
    const dhN = this.scratch.zeros('dhN', numLayers * dirs * B * R); // reused: WebAssembly's alloc never frees
    for (let d = 0; d < dirs; d++)
      for (let b = 0; b < B; b++)
        for (let j = 0; j < R; j++)
          dhN[(((numLayers - 1) * dirs + d) * B + b) * R + j] = dHead[b * dirs * R + d * R + j] as number;
    return this.recurrent.backward(null, dhN, null).dx;
  }

  /** The top layer's final states as rows (B, dirs·R), the directions side by side. */
  private topFinalState(hN: Floats, B: number, outputSize: number): Floats {
    const { numLayers, dirs } = this.recurrent;
    const R = this.recurrent.stateSize;
    if (dirs === 1) return hN.subarray((numLayers - 1) * B * R);
    const rows = this.scratch.get('top', B * outputSize);
    for (let d = 0; d < dirs; d++)
      for (let b = 0; b < B; b++)
        for (let j = 0; j < R; j++)
          rows[b * dirs * R + d * R + j] = hN[(((numLayers - 1) * dirs + d) * B + b) * R + j] as number;
    return rows;
  }
}
