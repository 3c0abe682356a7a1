/**
 * The model file: one safetensors file holding
 *   tensors   the weights under PyTorch-style names (embedding.weight, lstm.weight_ih_l0 …,
 *             head.weight, head.bias), and, for a checkpoint, training.optimizer.<m|v|momentum>,
 *             training.h and training.c (the carried state, (L, B, H));
 *   metadata  format = 'lstm-model', format_version, config (JSON), vocab (JSON list of
 *             characters), training (JSON TrainingState, checkpoints only) and data_crc32 (CRC-32 of
 *             the tensor bytes, so a damaged file is refused rather than loaded with wrong weights).
 * Loading checks every field and says what is wrong.
 */

import { Vocab } from '../data/vocab.js';
import { ModelFileError } from '../errors.js';
import { defaultKernels, type Kernels } from '../kernels/index.js';
import { LanguageModel, type ModelConfig } from '../models/language-model.js';
import type { TrainingState } from '../train/state.js';
import {
  buildFromFile,
  CONTAINER_FORMAT,
  encodeContainer,
  type ExtraTensor,
  isCount,
  loadArena,
  metadataJson,
  openModelFile,
} from './model-container.js';
import { checkTrainingState } from './training-state-check.js';

export const MODEL_FORMAT = CONTAINER_FORMAT;
export const MODEL_FORMAT_VERSION = 1;

export interface EncodeOptions {
  /** Store the training state (optimizer moments, data position …) for `--resume`. Default true. */
  includeTraining?: boolean;
}

export function encodeModel(model: LanguageModel, opts: EncodeOptions = {}): Uint8Array {
  const entries: Record<string, unknown> = {
    config: { type: 'char-lm', vocabSize: model.vocab.size, ...model.config },
    vocab: model.vocab.chars,
  };
  const extra: ExtraTensor[] = [];
  const training = model.training;
  if ((opts.includeTraining ?? true) && training !== undefined) {
    entries.training = training.state;
    const { numLayers: L, hiddenSize: H } = model.config;
    const B = training.state.recipe.batchSize;
    for (const [name, arr] of Object.entries(training.tensors.optimizer)) {
      extra.push({ name: `training.optimizer.${name}`, shape: [arr.length], data: arr });
    }
    extra.push({ name: 'training.h', shape: [L, B, H], data: training.tensors.h });
    extra.push({ name: 'training.c', shape: [L, B, H], data: training.tensors.c });
  }
  return encodeContainer(model.arena, entries, MODEL_FORMAT_VERSION, extra);
}

function checkConfig(where: string, c: Record<string, unknown>): ModelConfig & { vocabSize: number } {
  for (const key of ['vocabSize', 'embeddingSize', 'hiddenSize', 'numLayers'] as const) {
    if (!isCount(c[key], 1, 1 << 20))
      throw new ModelFileError(where, `config.${key} must be a positive integer, got ${JSON.stringify(c[key])}.`);
  }
  return c as unknown as ModelConfig & { vocabSize: number };
}

/** Rebuild a model (and its training state, when present) from the bytes of a model file. */
export function decodeModel(
  bytes: Uint8Array,
  kernels: Kernels = defaultKernels(),
  where = 'loadModel',
): LanguageModel {
  const file = openModelFile(bytes, MODEL_FORMAT_VERSION, 'char-lm', where);
  const { metadata, tensors } = file;
  const config = checkConfig(where, file.config);
  const chars = metadataJson(metadata, 'vocab', where);
  if (!Array.isArray(chars) || !chars.every((ch) => typeof ch === 'string')) {
    throw new ModelFileError(where, 'vocab must be a list of characters.');
  }
  const vocab = buildFromFile(where, 'vocabulary', () => new Vocab(chars as string[]));
  if (vocab.size !== config.vocabSize) {
    throw new ModelFileError(
      where,
      `config.vocabSize is ${config.vocabSize} but the vocabulary has ${vocab.size} entries (with <unk>).`,
    );
  }
  const model = new LanguageModel(vocab, config, kernels);
  loadArena(model.arena, tensors, where);
  if (metadata.training !== undefined) {
    const state: TrainingState = checkTrainingState(where, metadataJson(metadata, 'training', where));
    const optimizer: Record<string, Float32Array | Float64Array> = {};
    for (const [name, t] of tensors) {
      if (!name.startsWith('training.optimizer.')) continue;
      if (t.data.length !== model.arena.size) {
        throw new ModelFileError(
          where,
          `tensor '${name}' has ${t.data.length} values; the model has ${model.arena.size} parameters.`,
        );
      }
      optimizer[name.slice('training.optimizer.'.length)] = t.data;
    }
    const h = tensors.get('training.h');
    const c = tensors.get('training.c');
    const stateSize = config.numLayers * state.recipe.batchSize * config.hiddenSize;
    if (h === undefined || c === undefined || h.data.length !== stateSize || c.data.length !== stateSize) {
      throw new ModelFileError(where, `the carried state (training.h, training.c) must hold ${stateSize} values each.`);
    }
    model.training = { state, tensors: { optimizer, h: h.data, c: c.data } };
  }
  return model;
}
