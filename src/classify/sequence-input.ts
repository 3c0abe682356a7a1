/**
 * The input side of a sequence model: what a user passes (texts, token ids or numeric steps),
 * checked and encoded once, then gathered batch by batch into the time-major x the recurrent
 * stack reads.
 *   tokens:   ids (L) per sequence → padded ids (T, B) → Embedding → x (T, B, E)
 *   numeric:  values (L, F) per sequence → x (T, B, F), zero past each sequence's end
 * T is the longest sequence of the batch; lengths (B) tell the stack where each one ends.
 */
import { ConfigError, DataError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import { Embedding } from '../nn/embedding.js';
import type { ParamArena, ParamSpec } from '../nn/params.js';
import { Scratch } from '../nn/scratch.js';
import type { Rng } from '../rng.js';
import type { InputConfig } from './sequence-config.js';
import { TokenVocab } from './token-vocab.js';

/** One sequence as a user gives it: a text (with a vocabulary), token ids (L), or steps (L, F). */
export type SequenceInput = string | ArrayLike<number> | readonly ArrayLike<number>[];

/** A checked sequence: ids (L) for token input, values (L·F) for numeric input. */
export interface EncodedSequence {
  length: number;
  ids: Int32Array | null;
  values: Float64Array | null;
}

export interface InputBatch {
  x: Floats; // (T, B, D)
  T: number;
  B: number;
  lengths: Int32Array; // (B)
}

/** Check and encode every input; the first maxLength steps of each are kept. */
export function encodeSequences(
  where: string,
  inputs: readonly SequenceInput[],
  input: InputConfig,
  vocab: TokenVocab | null,
  maxLength = Number.MAX_SAFE_INTEGER,
): EncodedSequence[] {
  if (!Array.isArray(inputs)) throw new DataError(where, `expected an array of sequences; got ${typeof inputs}.`);
  return inputs.map((seq, i) => {
    if (input.kind === 'tokens')
      return { ...encodeTokens(where, seq, i, input.vocabSize, vocab, maxLength), values: null };
    return { ...encodeNumeric(where, seq, i, input.features, maxLength), ids: null };
  });
}

function encodeTokens(
  where: string,
  seq: SequenceInput,
  i: number,
  V: number,
  vocab: TokenVocab | null,
  maxLength: number,
): { length: number; ids: Int32Array } {
  if (typeof seq === 'string') {
    if (vocab === null)
      throw new ConfigError(where, `input ${i} is a text, but the model has no vocabulary.`, 'pass token ids instead.');
    const ids = vocab.encode(seq, maxLength, `${where}: text ${i}`);
    return { length: ids.length, ids };
  }
  if (seq === null || typeof seq !== 'object' || typeof seq.length !== 'number')
    throw new DataError(where, `input ${i} is ${typeof seq}; expected ${vocab === null ? '' : 'a text or '}token ids.`);
  if (seq.length === 0) throw new DataError(where, `input ${i} is empty; a sequence needs at least one step.`);
  const n = Math.min(seq.length, maxLength);
  const ids = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const id = seq[t] as unknown;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= V)
      throw new DataError(
        where,
        `step ${t} of input ${i} is ${JSON.stringify(id)}; token ids are integers in [0, ${V}).`,
      );
    ids[t] = id;
  }
  return { length: n, ids };
}

function encodeNumeric(
  where: string,
  seq: SequenceInput,
  i: number,
  F: number,
  maxLength: number,
): { length: number; values: Float64Array } {
  if (typeof seq === 'string' || seq === null || typeof seq !== 'object' || typeof seq.length !== 'number')
    throw new DataError(where, `input ${i} is ${typeof seq}; the model reads numeric steps (steps × ${F} features).`);
  if (seq.length === 0) throw new DataError(where, `input ${i} is empty; a sequence needs at least one step.`);
  const n = Math.min(seq.length, maxLength);
  const values = new Float64Array(n * F);
  for (let t = 0; t < n; t++) {
    const step = seq[t] as unknown;
    // one feature: a step may be a bare number
    const row = typeof step === 'number' && F === 1 ? [step] : (step as ArrayLike<unknown>);
    if (row === null || typeof row !== 'object' || row.length !== F)
      throw new DataError(
        where,
        `step ${t} of input ${i} has ${Array.isArray(row) ? row.length : 'no'} values; the model reads ${F} feature(s) per step.`,
      );
    for (let f = 0; f < F; f++) {
      const v = row[f];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new DataError(
          where,
          `step ${t}, feature ${f} of input ${i} is ${JSON.stringify(v)}; expected a finite number.`,
        );
      values[t * F + f] = v;
    }
  }
  return { length: n, values };
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
