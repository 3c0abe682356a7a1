/**
 * What a long-time-lag task hands a model: a batch of sequences, time-major as every layer here
 * reads them, and the targets in one of three forms. Generated on the fly from a seeded Rng, so a
 * run is reproducible and the training set is unbounded.
 *
 *   x        (T, B, D) inputs; T is the longest sequence of the batch
 *   lengths  (B) each sequence's length, or null when all have T steps
 */
import type { Floats } from '../kernels/index.js';
import type { Rng } from '../rng.js';

export type TaskTarget =
  /** One real value per sequence, read at its last step (adding problems). */
  | { kind: 'final-value'; values: Float32Array /* (B) */ }
  /** One class per sequence, read at its last step (temporal order). */
  | { kind: 'final-class'; classes: number; labels: Int32Array /* (B) */ }
  /**
   * A class at every step, −1 where no loss is taken (copying memory, Reber grammar). `legal`
   * (T, B, classes), when present, marks every class that would be a correct next symbol.
   */
  | { kind: 'step-class'; classes: number; labels: Int32Array /* (T, B) */; legal?: Uint8Array };

export interface TaskBatch {
  T: number;
  B: number;
  D: number;
  x: Floats; // generated as Float32Array; float64 in gradient checks
  lengths: Int32Array | null;
  target: TaskTarget;
}

export interface Task {
  /** A name for tables and file names, with its main parameter (e.g. 'adding T=200'). */
  readonly name: string;
  /** Inputs per step. */
  readonly inputSize: number;
  /** Outputs per step: 1 for a value, else the number of classes. */
  readonly outputSize: number;
  /** The error of the best predictor that ignores the inputs, in the task's own loss. */
  readonly trivialError: number;
  /** What the loss and the solved criterion are, in words. */
  readonly criterion: string;
  /**
   * When a model counts as having solved the task on the held-out set: its loss (MSE for values,
   * cross-entropy per labelled step for classes) below a bound, or its fraction of sequences
   * processed correctly at least a bound (see src/experiments/task-loss.ts for "correctly").
   */
  readonly solvedBy: { metric: 'loss'; below: number } | { metric: 'correct'; atLeast: number };
  /** Final-value tasks: a sequence is processed correctly when |prediction − target| < tolerance. */
  readonly tolerance?: number;
  batch(rng: Rng, B: number): TaskBatch;
}

/** A uniform integer in [lo, hi]. */
export function randomInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}
