/**
 * The input layer of a sequence model: encoded sequences (src/data/sequence-input.ts)
 * gathered batch by batch into the time-major x the recurrent stack reads.
 *   tokens:   ids (L) per sequence → padded ids (T, B) → Embedding → x (T, B, E)
 *   numeric:  values (L, F) per sequence → x (T, B, F), zero past each sequence's end
 * T is the longest sequence of the batch; lengths (B) tell the stack where each one ends.
 */
import type { EncodedSequence, InputConfig } from '../data/sequence-input.js';
import { TokenVocab } from '../data/token-vocab.js';
import type { Floats, Kernels } from '../kernels/index.js';
import { Embedding } from '../nn/embedding.js';
import type { ParamArena, ParamSpec } from '../nn/params.js';
import { Scratch } from '../nn/scratch.js';
import type { Rng } from '../rng.js';

export interface InputBatch {
  x: Floats; // (T, B, D)
  T: number;
  B: number;
  lengths: Int32Array; // (B)
}

/** The embedding (token input) or nothing (numeric input), and the gathering of batches. */
export class InputLayer {
  readonly embedding: Embedding | null;
  readonly width: number; // D, what the recurrent stack reads per step
  private readonly scratch: Scratch;
  private ids = new Int32Array(0);
  private lengths = new Int32Array(0);

  static paramSpecs(input: InputConfig): ParamSpec[] {
    return input.kind === 'tokens'
      ? Embedding.paramSpecs('embedding.weight', input.vocabSize, input.embeddingSize)
      : [];
  }

  constructor(
    k: Kernels,
    arena: ParamArena,
    readonly input: InputConfig,
  ) {
    this.embedding =
      input.kind === 'tokens'
        ? new Embedding(k, arena, 'embedding.weight', input.vocabSize, input.embeddingSize)
        : null;
    this.width = input.kind === 'tokens' ? input.embeddingSize : input.features;
    this.scratch = new Scratch(k);
  }

  init(rng: Rng): void {
    this.embedding?.init(rng);
  }

  /** Sequences seqs[batch[b]] → x (T, B, D), a view valid until the next forward. */
  forward(seqs: readonly EncodedSequence[], batch: ArrayLike<number>): InputBatch {
    const B = batch.length;
    if (this.lengths.length < B) this.lengths = new Int32Array(B);
    const lengths = this.lengths.subarray(0, B);
    let T = 0;
    for (let b = 0; b < B; b++) T = Math.max(T, (lengths[b] = (seqs[batch[b] as number] as EncodedSequence).length));
    if (this.embedding !== null) {
      if (this.ids.length < T * B) this.ids = new Int32Array(T * B);
      const ids = this.ids.subarray(0, T * B);
      ids.fill(TokenVocab.PAD_ID);
      for (let b = 0; b < B; b++) {
        const seq = (seqs[batch[b] as number] as EncodedSequence).ids as Int32Array;
        for (let t = 0; t < seq.length; t++) ids[t * B + b] = seq[t] as number;
      }
      return { x: this.embedding.forward(ids), T, B, lengths };
    }
    const F = this.width;
    const x = this.scratch.zeros('x', T * B * F);
    for (let b = 0; b < B; b++) {
      const seq = (seqs[batch[b] as number] as EncodedSequence).values as Float64Array;
      for (let t = 0; t < seq.length / F; t++) x.set(seq.subarray(t * F, (t + 1) * F), (t * B + b) * F);
    }
    return { x, T, B, lengths };
  }

  /** dx (T, B, D) → the embedding's gradient (numeric input has no parameters). */
  backward(dx: Floats): void {
    this.embedding?.backward(dx);
  }
}
