/**
 * Truncated-BPTT batches from one long token sequence, char-rnn style: the training tokens are cut
 * into B contiguous streams of S = ⌊N / B⌋ tokens; update u reads window w = u mod W of every
 * stream, W = ⌊(S − 1) / T⌋, so consecutive updates see consecutive text and the recurrent state
 * is carried from one window to the next. At w = 0 (a new epoch) the state starts from zero.
 *
 *   inputs[t·B + b]  = tokens[b·S + w·T + t]        (T, B) time-major
 *   targets[t·B + b] = tokens[b·S + w·T + t + 1]
 */
import { DataError } from '../errors.js';

export interface Window {
  inputs: Int32Array; // (T, B)
  targets: Int32Array; // (T, B)
  /** Window index within the epoch; 0 means the carried state must be reset. */
  index: number;
  epoch: number;
}

export class TextStream {
  readonly streamLength: number;
  readonly windowsPerEpoch: number;
  private readonly inputs: Int32Array;
  private readonly targets: Int32Array;

  constructor(
    private readonly tokens: Int32Array,
    readonly batchSize: number,
    readonly seqLength: number,
  ) {
    const B = batchSize;
    const T = seqLength;
    this.streamLength = Math.floor(tokens.length / B);
    this.windowsPerEpoch = Math.floor((this.streamLength - 1) / T);
    if (this.windowsPerEpoch < 1) {
      const need = B * (T + 1);
      throw new DataError(
        'TextStream',
        `the training text has ${tokens.length} characters, but batch ${B} × (sequence length ${T} + 1) needs at least ${need}.`,
        'use a longer text, or a smaller --batch / --seq-len.',
      );
    }
    this.inputs = new Int32Array(T * B);
    this.targets = new Int32Array(T * B);
  }

  /** The window read by update number `update` (0-based). Views are reused by the next call. */
  window(update: number): Window {
    const B = this.batchSize;
    const T = this.seqLength;
    const S = this.streamLength;
    const w = update % this.windowsPerEpoch;
    for (let b = 0; b < B; b++) {
      const start = b * S + w * T;
      for (let t = 0; t < T; t++) {
        this.inputs[t * B + b] = this.tokens[start + t] as number;
        this.targets[t * B + b] = this.tokens[start + t + 1] as number;
      }
    }
    return { inputs: this.inputs, targets: this.targets, index: w, epoch: Math.floor(update / this.windowsPerEpoch) };
  }
}

/** Split text into the first (1 − fraction) for training and the rest for validation. */
export function splitText(text: string, validationFraction: number): { train: string; validation: string } {
  const chars = [...text];
  const cut = Math.floor(chars.length * (1 - validationFraction));
  return { train: chars.slice(0, cut).join(''), validation: chars.slice(cut).join('') };
}
