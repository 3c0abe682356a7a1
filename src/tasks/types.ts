/**
 * A long-time-lag task: batches of sequences (src/data/task-batch.ts) generated on the fly from a
 * seeded Rng, so a run is reproducible and the training set is unbounded.
 */
import type { TaskBatch } from '../data/task-batch.js';
import type { Rng } from '../rng.js';

export type { TaskBatch, TaskTarget } from '../data/task-batch.js';

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
   * processed correctly at least a bound (see src/loss/task-loss.ts for "correctly").
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
