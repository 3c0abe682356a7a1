/**
 * The input of a sequence model as data: what a user passes (texts, token ids or numeric steps),
 * checked and encoded once (src/models/sequence-input-layer.ts gathers it batch by batch).
 *   tokens:   ids (L) per sequence
 *   numeric:  values (L, F) per sequence
 */
import { ConfigError, DataError } from '../errors.js';
import type { TokenVocab } from './token-vocab.js';

/** What a sequence model reads per step. */
export type InputConfig =
  | { kind: 'tokens'; vocabSize: number; embeddingSize: number } // ids (L) → embedding (L, E)
  | { kind: 'numeric'; features: number }; // values (L, F)

/** One sequence as a user gives it: a text (with a vocabulary), token ids (L), or steps (L, F). */
export type SequenceInput = string | ArrayLike<number> | readonly ArrayLike<number>[];

/** A checked sequence: ids (L) for token input, values (L·F) for numeric input. */
export interface EncodedSequence {
  length: number;
  ids: Int32Array | null;
  values: Float64Array | null;
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
