/**
 * Classifier and tagger model files: one safetensors file (src/io/model-container.ts checks the
 * container, version and checksum)
 *   tensors   the arena's parameters under their names (embedding.weight, lstm.weight_ih_l0 …,
 *             head.weight, head.bias), F32
 *   metadata  format 'lstm-model', format_version, config (JSON: type 'sequence-classifier' or
 *             'sequence-tagger', input, cell, sizes, pooling …), classes (JSON list of names),
 *             vocab (JSON TokenVocab, or null for id / numeric input), data_crc32
 * Loading checks every field and says what is wrong, so a damaged or foreign file is refused
 * rather than run with wrong weights; a loaded model gives exactly the probabilities it gave.
 */
import { TokenVocab } from '../data/token-vocab.js';
import { ModelFileError } from '../errors.js';
import type { Kernels } from '../kernels/index.js';
import { SequenceClassifier } from '../models/sequence-classifier.js';
import type { InputConfig, SequenceModelConfig, SequenceModelOptions } from '../models/sequence-config.js';
import { SequenceTagger } from '../models/sequence-tagger.js';
import { type Pooling, POOLINGS } from '../nn/pooling.js';
import { buildFromFile, encodeContainer, isCount, loadArena, metadataJson, openModelFile } from './model-container.js';
import { MODEL_FORMAT_VERSION } from './model-file.js';
import type { TensorRecord } from './safetensors.js';

type ModelType = 'sequence-classifier' | 'sequence-tagger';

function encode(type: ModelType, model: SequenceClassifier | SequenceTagger): Uint8Array {
  const { classes, ...config } = model.config;
  return encodeContainer(
    model.arena,
    { config: { type, ...config }, classes, vocab: model.vocab?.toJSON() ?? null },
    MODEL_FORMAT_VERSION,
  );
}

export function encodeClassifier(model: SequenceClassifier): Uint8Array {
  return encode('sequence-classifier', model);
}

export function encodeTagger(model: SequenceTagger): Uint8Array {
  return encode('sequence-tagger', model);
}

/** A classifier from the bytes of its model file. */
export function decodeClassifier(bytes: Uint8Array, kernels?: Kernels, where = 'decodeClassifier'): SequenceClassifier {
  const { options, config, tensors } = decode(bytes, 'sequence-classifier', where);
  const pooling = config.pooling;
  if (!POOLINGS.includes(pooling as Pooling))
    throw new ModelFileError(
      where,
      `config.pooling must be one of ${POOLINGS.join(', ')}; got ${JSON.stringify(pooling)}.`,
    );
  const maxLength = config.maxLength;
  if (maxLength !== null && !isCount(maxLength, 1))
    throw new ModelFileError(
      where,
      `config.maxLength must be null or a positive integer; got ${JSON.stringify(maxLength)}.`,
    );
  const model = buildFromFile(
    where,
    'config',
    () =>
      new SequenceClassifier({ ...options, pooling: pooling as Pooling, maxLength: maxLength ?? undefined, kernels }),
  );
  loadArena(model.arena, tensors, where, true);
  return model;
}

/** A tagger from the bytes of its model file. */
export function decodeTagger(bytes: Uint8Array, kernels?: Kernels, where = 'decodeTagger'): SequenceTagger {
  const { options, tensors } = decode(bytes, 'sequence-tagger', where);
  const model = buildFromFile(where, 'config', () => new SequenceTagger({ ...options, kernels }));
  loadArena(model.arena, tensors, where, true);
  return model;
}

/** The container, format, checksum and config checked; the options that rebuild the model. */
function decode(
  bytes: Uint8Array,
  type: ModelType,
  where: string,
): {
  options: SequenceModelOptions;
  config: Record<string, unknown>;
  tensors: Map<string, TensorRecord>;
} {
  const { config, metadata, tensors } = openModelFile(bytes, MODEL_FORMAT_VERSION, type, where);
  const classes = metadataJson(metadata, 'classes', where);
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string'))
    throw new ModelFileError(where, `classes must be a list of names; got ${JSON.stringify(classes)}.`);
  const input = checkInput(where, config.input);
  const vocabJson = metadataJson(metadata, 'vocab', where);
  const vocab = vocabJson === null ? undefined : TokenVocab.fromJSON(vocabJson, where);
  if (vocab !== undefined && (input.kind !== 'tokens' || vocab.size !== input.vocabSize))
    throw new ModelFileError(
      where,
      input.kind === 'tokens'
        ? `config.input.vocabSize is ${input.vocabSize} but the vocabulary has ${vocab.size} ids.`
        : 'a model with numeric input has no vocabulary, but the file holds one.',
    );
  for (const key of ['hiddenSize', 'numLayers'] as const)
    if (!isCount(config[key], 1, 1 << 16))
      throw new ModelFileError(where, `config.${key} must be a positive integer; got ${JSON.stringify(config[key])}.`);
  const options: SequenceModelOptions = {
    classes: classes as string[],
    ...(input.kind === 'tokens'
      ? { vocab, vocabSize: input.vocabSize, embeddingSize: input.embeddingSize }
      : { features: input.features }),
    cell: config.cell as SequenceModelConfig['cell'],
    hiddenSize: config.hiddenSize as number,
    numLayers: config.numLayers as number,
    bidirectional: config.bidirectional as boolean,
    dropout: config.dropout as number,
  };
  return { options, config, tensors };
}

function checkInput(where: string, raw: unknown): InputConfig {
  const input = raw as Record<string, unknown> | null;
  if (typeof input === 'object' && input !== null) {
    if (input.kind === 'tokens' && isCount(input.vocabSize, 2) && isCount(input.embeddingSize, 1, 1 << 16))
      return { kind: 'tokens', vocabSize: input.vocabSize, embeddingSize: input.embeddingSize };
    if (input.kind === 'numeric' && isCount(input.features, 1, 1 << 16))
      return { kind: 'numeric', features: input.features };
  }
  throw new ModelFileError(
    where,
    `config.input must be {kind: 'tokens', vocabSize, embeddingSize} or {kind: 'numeric', features}; got ${JSON.stringify(raw)}.`,
  );
}
