/**
 * The model file: one safetensors file holding
 *   tensors   the weights under PyTorch-style names (embedding.weight, lstm.weight_ih_l0 …,
 *             head.weight, head.bias), and, for a checkpoint, training.optimizer.<m|v|momentum>,
 *             training.h and training.c (the carried state, (L, B, H)), written from and read
 *             into a TrainingCheckpoint that travels beside the model;
 *   metadata  format = 'lstm-model', format_version, config (JSON), vocab (JSON list of
 *             characters), training (JSON TrainingState, checkpoints only) and data_crc32 (CRC-32 of
 *             the tensor bytes, so a damaged file is refused rather than loaded with wrong weights).
 * Loading checks every field and says what is wrong.
 */

import { Vocab } from '../data/vocab.js';
import { ModelFileError } from '../errors.js';
import { defaultKernels, type Kernels } from '../kernels/index.js';
import { LanguageModel, type ModelConfig } from '../models/language-model.js';
import type { TrainingCheckpoint, TrainingState } from '../train/state.js';
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
  /** The training state to store beside the weights (a checkpoint for `--resume`); none by default. */
  training?: TrainingCheckpoint | undefined;
}

/** A model with the training state its file held, if any. */
export interface ModelFileContents {
  model: LanguageModel;
  training: TrainingCheckpoint | undefined;
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
  return encodeContainer(model.arena, entries, MODEL_FORMAT_VERSION, extra);
}

function checkConfig(where: string, c: Record<string, unknown>): ModelConfig & { vocabSize: number } {
  for (const key of ['vocabSize', 'embeddingSize', 'hiddenSize', 'numLayers'] as const) {
    if (!isCount(c[key], 1, 1 << 20))
      throw new ModelFileError(where, `config.${key} must be a positive integer, got ${JSON.stringify(c[key])}.`);
  }
  if (c.cell !== undefined && !['lstm', 'gru', 'rnn'].includes(c.cell as string)) {
    throw new ModelFileError(where, `config.cell must be 'lstm', 'gru' or 'rnn', got ${JSON.stringify(c.cell)}.`);
  }
  const projSize = c.projSize;
  if (projSize !== undefined && !(Number.isInteger(projSize) && (projSize as number) >= 0)) {
    throw new ModelFileError(where, `config.projSize must be a whole number ≥ 0, got ${JSON.stringify(projSize)}.`);
  }
  for (const key of ['dropout', 'recurrentDropout', 'outputDropout'] as const) {
    const p = c[key];
    if (p !== undefined && !(typeof p === 'number' && p >= 0 && p < 1)) {
      throw new ModelFileError(where, `config.${key} must be a probability in [0, 1), got ${JSON.stringify(p)}.`);
    }
  }
  return c as unknown as ModelConfig & { vocabSize: number };
}

/** Rebuild a model from the bytes of a model file (any training state in it is checked, not returned). */
export function decodeModel(
  bytes: Uint8Array,
  kernels: Kernels = defaultKernels(),
  where = 'loadModel',
): LanguageModel {
  return decodeModelFile(bytes, kernels, where).model;
}

/** Rebuild a model and, for a checkpoint, its training state from the bytes of a model file. */
export function decodeModelFile(
  bytes: Uint8Array,
  kernels: Kernels = defaultKernels(),
  where = 'loadCheckpoint',
): ModelFileContents {
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
  if (metadata.training === undefined) return { model, training: undefined };
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
  // the carried state: h, and c for cells that have one, each (L, B, width); the widths are the
  // network's business, checked when a run resumes from it
  const [L, B] = [config.numLayers, state.recipe.batchSize];
  const carried = (name: string): Float32Array | Float64Array | null => {
    const t = tensors.get(name);
    if (t === undefined) return null;
    const [l, b, width] = t.shape;
    if (t.shape.length !== 3 || l !== L || b !== B || width === undefined || width < 1) {
      throw new ModelFileError(
        where,
        `the carried state ${name} must have shape (${L}, ${B}, width) (layers, batch, width); got (${t.shape.join(', ')}).`,
      );
    }
    return t.data;
  };
  const h = carried('training.h');
  if (h === null) throw new ModelFileError(where, 'the checkpoint lacks its carried state training.h.');
  return { model, training: { state, tensors: { optimizer, h, c: carried('training.c') } } };
}
