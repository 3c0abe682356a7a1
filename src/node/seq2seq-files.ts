/** Sequence-to-sequence model files on disk: written atomically, read with errors that name the file. */
import { decodeSeq2Seq, encodeSeq2Seq } from '../io/seq2seq-model-file.js';
import type { Kernels } from '../kernels/index.js';
import type { Seq2Seq } from '../models/seq2seq.js';
import { readBinaryFile, writeFileAtomic } from './files.js';

export function saveSeq2Seq(path: string, model: Seq2Seq): void {
  writeFileAtomic(path, encodeSeq2Seq(model));
}

export function loadSeq2Seq(path: string, kernels?: Kernels): Seq2Seq {
  return decodeSeq2Seq(readBinaryFile(path, 'loadSeq2Seq'), kernels, `loadSeq2Seq(${path})`);
}
