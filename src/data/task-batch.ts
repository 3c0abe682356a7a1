/**
 * What a long-time-lag task (src/tasks/) hands a model: a batch of sequences, time-major as every
 * layer here reads them, and the targets in one of three forms.
 *   x        (T, B, D) inputs; T is the longest sequence of the batch
 *   lengths  (B) each sequence's length, or null when all have T steps
 */
import type { Floats } from '../kernels/index.js';

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
