/**
 * Everything a training run needs to continue exactly where it stopped, beside the weights:
 * the recipe, the position in the data, the optimizer's moments, the carried recurrent state and
 * the random generator. A model file stores the JSON part in its header and the arrays as tensors.
 */
import type { Floats } from '../kernels/index.js';
import type { OptimizerConfig } from '../optim/optimizers.js';
import type { Schedule } from '../optim/schedule.js';
import type { RngState } from '../rng.js';

export interface TrainingRecipe {
  seqLength: number; // T
  batchSize: number; // B
  learningRate: number;
  optimizer: Required<OptimizerConfig>;
  schedule: Schedule;
  /** Global gradient-norm limit; 0 disables clipping. */
  clip: number;
  validationFraction: number;
  seed: number;
}

export interface TrainingProgressRecord {
  step: number;
  trainLoss: number;
  validationNats?: number;
  seconds: number;
}

export interface TrainingState {
  recipe: TrainingRecipe;
  /** Updates done so far; the next update reads window `step mod windowsPerEpoch`. */
  step: number;
  optimizerSteps: number;
  rng: RngState;
  elapsedSeconds: number;
  /** Identifies the training text: its length in characters and an FNV-1a hash. */
  corpus: { characters: number; hash: string; name?: string };
  history: TrainingProgressRecord[];
}

/**
 * Arrays saved with the state: optimizer moments by name, and the recurrent state carried from
 * one window to the next, each (L, B, width) of whatever width the network's layers report; c is
 * null for cells without a cell state.
 */
export interface TrainingTensors {
  optimizer: Record<string, Floats>;
  h: Floats; // (L, B, R)
  c: Floats | null; // (L, B, H)
}

/**
 * Where a language model's training stands, kept beside the model (not on it): fit returns it, a
 * model file stores it (encodeModel(model, { training })), loadCheckpoint reads it back, and
 * fit(model, text, { resume }) continues from it.
 */
export interface TrainingCheckpoint {
  state: TrainingState;
  tensors: TrainingTensors;
}

/** FNV-1a 32-bit hash of a string, as 8 hex digits: a cheap identity check for the corpus. */
export function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
