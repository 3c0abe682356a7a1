/**
 * The model file: one safetensors file holding
 *   tensors   the weights under PyTorch-style names (embedding.weight, lstm.weight_ih_l0 …,
 *             head.weight, head.bias), and, for a checkpoint, training.optimizer.<m|v|momentum>,
 *             training.h and training.c (the carried state, (L, B, H)), written from and read
 *             into a TrainingCheckpoint that travels beside the model;
 *   metadata  file_crc32 (format_version 2 on: CRC-32 of the whole file, header included),
 *             format = 'lstm-model', format_version, config (JSON), vocab (JSON list of
 *             characters), training (JSON TrainingState, checkpoints only) and data_crc32 (CRC-32 of
 *             the tensor bytes), so a damaged file is refused rather than loaded with wrong weights
 *             (src/io/model-container.ts).
 * Loading checks every field and says what is wrong.
 */

import { Vocab } from '../data/vocab.js';
import { ModelFileError } from '../errors.js';
import { defaultKernels, type Kernels } from '../kernels/index.js';
import { LanguageModel } from '../models/language-model.js';
import { LMNetwork, type NetworkShape } from '../models/lm-network.js';
import type { TrainingCheckpoint } from '../train/state.js';
import { choiceField, countField, fieldError, numberField } from './header-fields.js';
import {
  buildFromFile,
  CONTAINER_FORMAT,
  CONTAINER_FORMAT_VERSION,
  checkTensorSet,
  type ContainerVersion,
  encodeContainer,
  type ExtraTensor,
  loadArena,
  metadataJson,
  openModelFile,
} from './model-container.js';
import { checkTrainingState, checkTrainingTensors, TRAINING_TENSOR_PREFIX } from './training-state-check.js';

export const MODEL_FORMAT = CONTAINER_FORMAT;
/** The format_version files are written in (1, release 0.1.0's, still loads). */
export const MODEL_FORMAT_VERSION = CONTAINER_FORMAT_VERSION;

export interface EncodeOptions {
  /** The training state to store beside the weights (a checkpoint for `--resume`); none by default. */
  training?: TrainingCheckpoint | undefined;
}

/** A model with the training state its file held, if any, and how the file was written. */
export interface ModelFileContents {
  model: LanguageModel;
  training: TrainingCheckpoint | undefined;
  version: ContainerVersion;
}

export function encodeModel(model: LanguageModel, opts: EncodeOptions = {}): Uint8Array {
  const entries: Record<string, unknown> = {
    config: { type: 'char-lm', vocabSize: model.vocab.size, ...model.config },
    vocab: model.vocab.chars,
  };
  const extra: ExtraTensor[] = [];
  const training = opts.training;
  if (training !== undefined) {
    entries.training = training.state;
    const L = model.config.numLayers;
    const B = training.state.recipe.batchSize;
    for (const [name, arr] of Object.entries(training.tensors.optimizer)) {
      extra.push({ name: `training.optimizer.${name}`, shape: [arr.length], data: arr });
    }
    // the carried state (L, B, width), of whatever width the network's layers have
    const { h, c } = training.tensors;
    extra.push({ name: 'training.h', shape: [L, B, h.length / (L * B)], data: h });
    if (c !== null) extra.push({ name: 'training.c', shape: [L, B, c.length / (L * B)], data: c });
  }
  return encodeContainer(model.arena, entries, extra);
}

const CONFIG_KEYS = new Set([
  'type',
  'vocabSize',
  'embeddingSize',
  'hiddenSize',
  'numLayers',
  'cell',
  'projSize',
  'dropout',
  'recurrentDropout',
  'outputDropout',
]);

/** Every config field's type and range (LanguageModel's limits), no field it does not know. */
function checkConfig(where: string, c: Record<string, unknown>): NetworkShape {
  const unknown = Object.keys(c).find((key) => !CONFIG_KEYS.has(key));
  if (unknown !== undefined) throw fieldError(where, 'config', `free of unknown fields`, unknown);
  const config: NetworkShape = {
    vocabSize: countField(where, 'config.vocabSize', c.vocabSize, 1, 1 << 21),
    embeddingSize: countField(where, 'config.embeddingSize', c.embeddingSize, 1, 65536),
    hiddenSize: countField(where, 'config.hiddenSize', c.hiddenSize, 1, 65536),
    numLayers: countField(where, 'config.numLayers', c.numLayers, 1, 64),
  };
  if (c.cell !== undefined) config.cell = choiceField(where, 'config.cell', c.cell, ['lstm', 'gru', 'rnn'] as const);
  if (c.projSize !== undefined)
    config.projSize = countField(where, 'config.projSize', c.projSize, 0, config.hiddenSize - 1);
  for (const key of ['dropout', 'recurrentDropout', 'outputDropout'] as const) {
    if (c[key] !== undefined)
      config[key] = numberField(where, `config.${key}`, c[key], { min: 0, max: 1, maxExclusive: true });
  }
  return config;
}

/** Rebuild a model from the bytes of a model file (any training state in it is checked, not returned). */
export function decodeModel(
  bytes: Uint8Array,
  kernels: Kernels = defaultKernels(),
  where = 'loadModel',
): LanguageModel {
  return decodeModelFile(bytes, kernels, where).model;
}

/**
 * Rebuild a model and, for a checkpoint, its training state from the bytes of a model file: every
 * header field and the tensor set are checked against the config before the model is built.
 */
export function decodeModelFile(
  bytes: Uint8Array,
  kernels: Kernels = defaultKernels(),
  where = 'loadCheckpoint',
): ModelFileContents {
  const file = openModelFile(bytes, 'char-lm', where);
  const { metadata, tensors, version } = file;
  const shape = checkConfig(where, file.config);
  const chars = metadataJson(metadata, 'vocab', where);
  if (!Array.isArray(chars) || !chars.every((ch) => typeof ch === 'string')) {
    throw fieldError(where, 'vocab', 'a list of characters', chars);
  }
  const vocab = buildFromFile(where, 'vocabulary', () => new Vocab(chars as string[]));
  if (vocab.size !== shape.vocabSize) {
    throw new ModelFileError(
      where,
      `config.vocabSize is ${shape.vocabSize} but the vocabulary has ${vocab.size} entries (with <unk>).`,
    );
  }
  const hasTraining = metadata.training !== undefined;
  const specs = buildFromFile(where, 'config', () => LMNetwork.paramSpecs(shape));
  checkTensorSet(specs, tensors, where, (name) => hasTraining && name.startsWith(TRAINING_TENSOR_PREFIX));
  const state = hasTraining ? checkTrainingState(where, metadataJson(metadata, 'training', where)) : undefined;
  const model = buildFromFile(where, 'config', () => new LanguageModel(vocab, shape, kernels));
  loadArena(model.arena, tensors, where);
  if (state === undefined) return { model, training: undefined, version };
  const H = shape.hiddenSize;
  const trainingTensors = checkTrainingTensors(where, state, tensors, {
    parameters: model.arena.size,
    numLayers: shape.numLayers,
    hWidth: shape.projSize !== undefined && shape.projSize > 0 ? shape.projSize : H,
    cWidth: (shape.cell ?? 'lstm') === 'lstm' ? H : null,
  });
  return { model, training: { state, tensors: trainingTensors }, version };
}
