/** Classifier and tagger model files on disk: written atomically, read with errors that name the file. */
import { decodeClassifier, decodeTagger, encodeClassifier, encodeTagger } from '../io/sequence-model-file.js';
import type { Kernels } from '../kernels/index.js';
import type { SequenceClassifier } from '../models/sequence-classifier.js';
import type { SequenceTagger } from '../models/sequence-tagger.js';
import { readBinaryFile, writeFileAtomic } from './files.js';

export function saveClassifier(path: string, model: SequenceClassifier): void {
  writeFileAtomic(path, encodeClassifier(model));
}

export function loadClassifier(path: string, kernels?: Kernels): SequenceClassifier {
  return decodeClassifier(readBinaryFile(path, 'loadClassifier'), kernels, `loadClassifier(${path})`);
}

export function saveTagger(path: string, model: SequenceTagger): void {
  writeFileAtomic(path, encodeTagger(model));
}

export function loadTagger(path: string, kernels?: Kernels): SequenceTagger {
  return decodeTagger(readBinaryFile(path, 'loadTagger'), kernels, `loadTagger(${path})`);
}
