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
import {
  type InputConfig,
  type SequenceModelConfig,
  type SequenceModelOptions,
  sequenceParamSpecs,
} from '../models/sequence-config.js';
import { SequenceTagger } from '../models/sequence-tagger.js';
import { type Pooling, POOLINGS } from '../nn/pooling.js';
import {
  booleanField,
  choiceField,
  countField,
  fieldError,
  nameListField,
  numberField,
  objectField,
} from './header-fields.js';
import {
  buildFromFile,
  checkTensorSet,
  encodeContainer,
  loadArena,
  metadataJson,
  openModelFile,
} from './model-container.js';
import type { TensorRecord } from './safetensors.js';

type ModelType = 'sequence-classifier' | 'sequence-tagger';

function encode(type: ModelType, model: SequenceClassifier | SequenceTagger): Uint8Array {
  // chunkLength and bagOfTokens only when set, so a classifier without them writes the bytes it always did
  const { classes, ...all } = model.config;
  const { chunkLength, bagOfTokens, ...config } = all as typeof all & {
    chunkLength?: number | null;
    bagOfTokens?: boolean;
  };
  return encodeContainer(model.arena, {
    config: {
      type,
      ...config,
      ...(chunkLength === undefined || chunkLength === null ? {} : { chunkLength }),
      ...(bagOfTokens === true ? { bagOfTokens } : {}),
    },
    classes,
    vocab: model.vocab?.toJSON() ?? null,
  });
}

export function encodeClassifier(model: SequenceClassifier): Uint8Array {
  return encode('sequence-classifier', model);
}

export function encodeTagger(model: SequenceTagger): Uint8Array {
  return encode('sequence-tagger', model);
}

/** A classifier from the bytes of its model file. */
export function decodeClassifier(bytes: Uint8Array, kernels?: Kernels, where = 'decodeClassifier'): SequenceClassifier {
  const { options, config, tensors, bagOfTokens } = decode(bytes, 'sequence-classifier', where);
  const pooling = choiceField(where, 'config.pooling', config.pooling, POOLINGS) as Pooling;
  const maxLength =
    config.maxLength === null ? null : countField(where, 'config.maxLength', config.maxLength, 1, 1 << 30);
  const chunkLength =
    config.chunkLength === undefined ? null : countField(where, 'config.chunkLength', config.chunkLength, 1, 1 << 30);
  const model = buildFromFile(
    where,
    'config',
    () =>
      new SequenceClassifier({
        ...options,
        pooling,
        maxLength: maxLength ?? undefined,
        chunkLength: chunkLength ?? undefined,
        bagOfTokens,
        kernels,
      }),
  );
  loadArena(model.arena, tensors, where);
  return model;
}

/** A tagger from the bytes of its model file. */
export function decodeTagger(bytes: Uint8Array, kernels?: Kernels, where = 'decodeTagger'): SequenceTagger {
  const { options, tensors } = decode(bytes, 'sequence-tagger', where);
  const model = buildFromFile(where, 'config', () => new SequenceTagger({ ...options, kernels }));
  loadArena(model.arena, tensors, where);
  return model;
}

/** The config fields each kind stores (SequenceModelConfig's, and the classifier's own). */
const CONFIG_KEYS: Record<ModelType, string[]> = {
  'sequence-tagger': ['type', 'input', 'cell', 'hiddenSize', 'numLayers', 'bidirectional', 'dropout'],
  'sequence-classifier': [
    'type',
    'input',
    'cell',
    'hiddenSize',
    'numLayers',
    'bidirectional',
    'dropout',
    'pooling',
    'maxLength',
    'chunkLength',
    'bagOfTokens',
  ],
};

/**
 * The container, format, checksum and every header field checked, and the tensors against the
 * parameters the config implies (before anything is allocated); the options that rebuild the model.
 */
function decode(
  bytes: Uint8Array,
  type: ModelType,
  where: string,
): {
  options: SequenceModelOptions;
  config: Record<string, unknown>;
  tensors: Map<string, TensorRecord>;
  bagOfTokens: boolean;
} {
  const { config, metadata, tensors } = openModelFile(bytes, type, where);
  const keys = CONFIG_KEYS[type];
  const unknown = Object.keys(config).find((key) => !keys.includes(key));
  if (unknown !== undefined) throw fieldError(where, 'config', 'free of unknown fields', unknown);
  const classes = nameListField(where, 'classes', metadataJson(metadata, 'classes', where), 2, 1 << 16);
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
  const resolved: SequenceModelConfig = {
    classes,
    input,
    cell: choiceField(where, 'config.cell', config.cell, ['lstm', 'gru', 'rnn'] as const),
    hiddenSize: countField(where, 'config.hiddenSize', config.hiddenSize, 1, 65536),
    numLayers: countField(where, 'config.numLayers', config.numLayers, 1, 16),
    bidirectional: booleanField(where, 'config.bidirectional', config.bidirectional),
    dropout: numberField(where, 'config.dropout', config.dropout, { min: 0, max: 0.99 }),
  };
  const bagOfTokens =
    config.bagOfTokens === undefined ? false : booleanField(where, 'config.bagOfTokens', config.bagOfTokens);
  checkTensorSet(
    buildFromFile(where, 'config', () => sequenceParamSpecs(resolved, bagOfTokens)),
    tensors,
    where,
  );
  const options: SequenceModelOptions = {
    classes,
    ...(input.kind === 'tokens'
      ? { vocab, vocabSize: input.vocabSize, embeddingSize: input.embeddingSize }
      : { features: input.features }),
    cell: resolved.cell,
    hiddenSize: resolved.hiddenSize,
    numLayers: resolved.numLayers,
    bidirectional: resolved.bidirectional,
    dropout: resolved.dropout,
  };
  return { options, config, tensors, bagOfTokens };
}

function checkInput(where: string, raw: unknown): InputConfig {
  const input = objectField(where, 'config.input', raw);
  const kind = choiceField(where, 'config.input.kind', input.kind, ['tokens', 'numeric'] as const);
  const expected = kind === 'tokens' ? ['kind', 'vocabSize', 'embeddingSize'] : ['kind', 'features'];
  const unknown = Object.keys(input).find((key) => !expected.includes(key));
  if (unknown !== undefined) throw fieldError(where, 'config.input', 'free of unknown fields', unknown);
  if (kind === 'tokens')
    return {
      kind,
      vocabSize: countField(where, 'config.input.vocabSize', input.vocabSize, 2, 1 << 24),
      embeddingSize: countField(where, 'config.input.embeddingSize', input.embeddingSize, 1, 65536),
    };
  return { kind, features: countField(where, 'config.input.features', input.features, 1, 65536) };
}
