/**
 * Sequence-to-sequence model files: one safetensors file (src/io/model-container.ts checks the
 * container, version and checksums)
 *   tensors   the network's parameters under their names (source.embedding, encoder.weight_ih_l0 …,
 *             bridge.h.weight, decoder.…, attention.…, combine.…, output.…), F32
 *   metadata  config (JSON: type 'seq2seq' and the Seq2SeqConfig fields), source_vocab and
 *             target_vocab (JSON lists of tokens in id order, the specials included)
 *   training  (checkpoints only) the JSON training state, with tensors training.optimizer.m and .v
 *             (Adam's moments) and training.best (the weights early stopping keeps)
 * Every field is checked before the network is built, and the tensors against the parameters the
 * config implies, so a damaged or foreign file is refused with what is wrong.
 */
import { Vocabulary } from '../data/vocabulary.js';
import type { Kernels } from '../kernels/index.js';
import { type Seq2SeqConfig, Seq2Seq } from '../models/seq2seq.js';
import type { SequenceCheckpoint } from '../models/sequence-training.js';
import { Seq2SeqNetwork } from '../models/seq2seq-network.js';
import { booleanField, choiceField, countField, fieldError, nameListField, numberField } from './header-fields.js';
import { checkSequenceState, checkSequenceTensors, SEQUENCE_TRAINING_TENSORS } from './sequence-state-check.js';
import {
  buildFromFile,
  checkTensorSet,
  encodeContainer,
  loadArena,
  metadataJson,
  openModelFile,
} from './model-container.js';

const TYPE = 'seq2seq';
const CONFIG_KEYS = [
  'type',
  'embeddingSize',
  'encoderKind',
  'encoderHidden',
  'encoderLayers',
  'bidirectional',
  'decoderHidden',
  'decoderLayers',
  'attention',
  'dropout',
];

/** The file of a model, or with `training` of a checkpoint (the model's weights are the current ones). */
export function encodeSeq2Seq(model: Seq2Seq, training?: SequenceCheckpoint): Uint8Array {
  const entries: Record<string, unknown> = {
    config: { type: TYPE, ...model.config },
    source_vocab: model.sourceVocab.tokens,
    target_vocab: model.targetVocab.tokens,
  };
  if (training === undefined) return encodeContainer(model.network.parameters, entries);
  const { m, v } = training.tensors.optimizer as { m: Float32Array; v: Float32Array };
  const extra = [m, v, training.tensors.best].map((data, i) => ({
    name: SEQUENCE_TRAINING_TENSORS[i] as string,
    shape: [data.length],
    data,
  }));
  return encodeContainer(model.network.parameters, { ...entries, training: training.state }, extra);
}

/** A Seq2Seq model from the bytes of its file (a checkpoint's training state is checked, not returned). */
export function decodeSeq2Seq(bytes: Uint8Array, kernels?: Kernels, where = 'decodeSeq2Seq'): Seq2Seq {
  return decodeSeq2SeqFile(bytes, kernels, where).model;
}

/** A model and, from a checkpoint, its training state (undefined for a plain model file). */
export function decodeSeq2SeqFile(
  bytes: Uint8Array,
  kernels?: Kernels,
  where = 'decodeSeq2SeqFile',
): { model: Seq2Seq; training: SequenceCheckpoint | undefined } {
  const { config, metadata, tensors } = openModelFile(bytes, TYPE, where);
  const unknown = Object.keys(config).find((key) => !CONFIG_KEYS.includes(key));
  if (unknown !== undefined) throw fieldError(where, 'config', 'free of unknown fields', unknown);
  const resolved: Seq2SeqConfig = {
    embeddingSize: countField(where, 'config.embeddingSize', config.embeddingSize, 1, 65536),
    encoderKind: choiceField(where, 'config.encoderKind', config.encoderKind, ['lstm', 'gru', 'rnn'] as const),
    encoderHidden: countField(where, 'config.encoderHidden', config.encoderHidden, 1, 65536),
    encoderLayers: countField(where, 'config.encoderLayers', config.encoderLayers, 1, 64),
    bidirectional: booleanField(where, 'config.bidirectional', config.bidirectional),
    decoderHidden: countField(where, 'config.decoderHidden', config.decoderHidden, 1, 65536),
    decoderLayers: countField(where, 'config.decoderLayers', config.decoderLayers, 1, 64),
    attention: choiceField(where, 'config.attention', config.attention, [
      'dot',
      'general',
      'additive',
      'none',
    ] as const),
    dropout: numberField(where, 'config.dropout', config.dropout, { min: 0, max: 0.99 }),
  };
  const vocab = (key: string): Vocabulary => {
    const tokens = nameListField(where, key, metadataJson(metadata, key, where), 2, 1 << 22);
    return buildFromFile(where, key, () => new Vocabulary(tokens, where));
  };
  const [sourceVocab, targetVocab] = [vocab('source_vocab'), vocab('target_vocab')];
  const specs = buildFromFile(where, 'config', () =>
    Seq2SeqNetwork.paramSpecs({ ...resolved, sourceVocab: sourceVocab.size, targetVocab: targetVocab.size }),
  );
  const hasTraining = metadata.training !== undefined;
  checkTensorSet(specs, tensors, where, (name) => hasTraining && SEQUENCE_TRAINING_TENSORS.includes(name));
  const state = hasTraining ? checkSequenceState(where, metadataJson(metadata, 'training', where)) : undefined;
  const model = buildFromFile(where, 'config', () => Seq2Seq.create(sourceVocab, targetVocab, resolved, kernels));
  loadArena(model.network.parameters, tensors, where);
  if (state === undefined) return { model, training: undefined };
  return { model, training: { state, tensors: checkSequenceTensors(where, tensors, model.network.parameters.size) } };
}
