/**
 * Speech recogniser model files: one safetensors file in the shared container
 * (src/io/model-container.ts checks the container, version and checksum)
 *   tensors   the arena's parameters (lstm.weight_ih_l0 …, head.weight, head.bias), F32
 *   metadata  format 'lstm-model', format_version, config (JSON: type 'speech-recognizer', the
 *             feature settings, stack, cell, sizes), alphabet (JSON list of characters), data_crc32
 * The feature settings travel with the weights, so a loaded model reads raw audio exactly as the
 * trained one did and gives the same transcripts.
 */
import type { FeatureOptions } from '../audio/features.js';
import type { Kernels } from '../kernels/index.js';
import { speechParamSpecs, resolveSpeechConfig, type SpeechModelOptions } from '../models/speech-config.js';
import { SpeechRecognizer } from '../models/speech-recognizer.js';
import { booleanField, choiceField, countField, fieldError, numberField, objectField } from './header-fields.js';
import {
  buildFromFile,
  checkTensorSet,
  encodeContainer,
  loadArena,
  metadataJson,
  openModelFile,
} from './model-container.js';

const TYPE = 'speech-recognizer';
const CONFIG_KEYS = ['type', 'features', 'stack', 'cell', 'hiddenSize', 'numLayers', 'bidirectional', 'dropout'];

export function encodeSpeechRecognizer(model: SpeechRecognizer): Uint8Array {
  const { alphabet, ...config } = model.config;
  return encodeContainer(model.arena, { config: { type: TYPE, ...config }, alphabet });
}

/** A recogniser from the bytes of its model file, every field checked before anything is built. */
export function decodeSpeechRecognizer(
  bytes: Uint8Array,
  kernels?: Kernels,
  where = 'decodeSpeechRecognizer',
): SpeechRecognizer {
  const { config, metadata, tensors } = openModelFile(bytes, TYPE, where);
  const unknown = Object.keys(config).find((key) => !CONFIG_KEYS.includes(key));
  if (unknown !== undefined) throw fieldError(where, 'config', 'free of unknown fields', unknown);
  const alphabet = metadataJson(metadata, 'alphabet', where);
  if (!Array.isArray(alphabet)) throw fieldError(where, 'alphabet', 'a list of characters', alphabet);
  const options: SpeechModelOptions = {
    alphabet: alphabet as string[],
    features: objectField(where, 'config.features', config.features) as unknown as FeatureOptions,
    stack: countField(where, 'config.stack', config.stack, 1, 16),
    cell: choiceField(where, 'config.cell', config.cell, ['lstm', 'gru', 'rnn'] as const),
    hiddenSize: countField(where, 'config.hiddenSize', config.hiddenSize, 1, 65536),
    numLayers: countField(where, 'config.numLayers', config.numLayers, 1, 16),
    bidirectional: booleanField(where, 'config.bidirectional', config.bidirectional),
    dropout: numberField(where, 'config.dropout', config.dropout, { min: 0, max: 0.99 }),
  };
  // the alphabet and the feature settings are checked as a new model's options are
  const resolved = buildFromFile(where, 'config', () => resolveSpeechConfig(where, options));
  checkTensorSet(speechParamSpecs(resolved), tensors, where);
  const model = buildFromFile(where, 'config', () => new SpeechRecognizer({ ...options, kernels }));
  loadArena(model.arena, tensors, where);
  return model;
}
