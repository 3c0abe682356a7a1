/** Sequence-to-sequence model files on disk: written atomically, read with errors that name the file. */
import { decodeSeq2Seq, decodeSeq2SeqFile, encodeSeq2Seq } from '../io/seq2seq-model-file.js';
import type { Kernels } from '../kernels/index.js';
import type { Seq2Seq, Seq2SeqCheckpoint } from '../models/seq2seq.js';
import { ModelFileError } from '../errors.js';
import { readBinaryFile, writeFileAtomic } from './files.js';

export function saveSeq2Seq(path: string, model: Seq2Seq): void {
  writeFileAtomic(path, encodeSeq2Seq(model));
}

export function loadSeq2Seq(path: string, kernels?: Kernels): Seq2Seq {
  return decodeSeq2Seq(readBinaryFile(path, 'loadSeq2Seq'), kernels, `loadSeq2Seq(${path})`);
}

/** Write a checkpoint (the model and its training state) atomically: the last good one survives a crash. */
export function saveSeq2SeqCheckpoint(path: string, checkpoint: Seq2SeqCheckpoint): void {
  writeFileAtomic(path, encodeSeq2Seq(checkpoint.model, checkpoint.training));
}

/** A checkpoint written by saveSeq2SeqCheckpoint (`lstm seq2seq train --checkpoint`). */
export function loadSeq2SeqCheckpoint(path: string, kernels?: Kernels): Seq2SeqCheckpoint {
  const where = `loadSeq2SeqCheckpoint(${path})`;
  const { model, training } = decodeSeq2SeqFile(readBinaryFile(path, where), kernels, where);
  if (training === undefined)
    throw new ModelFileError(
      where,
      'the file holds a model without training state.',
      'resume from a file written by --checkpoint.',
    );
  return { model, training };
}
