/**
 * Sequence-to-sequence model files: one safetensors file (src/io/model-container.ts checks the
 * container, version and checksums)
 *   tensors   the network's parameters under their names (source.embedding, encoder.weight_ih_l0 …,
 *             bridge.h.weight, decoder.…, attention.…, combine.…, output.…), F32
 *   metadata  config (JSON: type 'seq2seq' and the Seq2SeqConfig fields), source_vocab and
 *             target_vocab (JSON lists of tokens in id order, the specials included)
 * Every field is checked before the network is built, and the tensors against the parameters the
 * config implies, so a damaged or foreign file is refused with what is wrong.
 */
import { Vocabulary } from '../data/vocabulary.js';
import type { Kernels } from '../kernels/index.js';
import { type Seq2SeqConfig, Seq2Seq } from '../models/seq2seq.js';
import { Seq2SeqNetwork } from '../models/seq2seq-network.js';
import { booleanField, choiceField, countField, fieldError, nameListField, numberField } from './header-fields.js';
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

export function encodeSeq2Seq(model: Seq2Seq): Uint8Array {
  return encodeContainer(model.network.parameters, {
    config: { type: TYPE, ...model.config },
    source_vocab: model.sourceVocab.tokens,
    target_vocab: model.targetVocab.tokens,
  });
}

/** A Seq2Seq model from the bytes of its file. */
export function decodeSeq2Seq(bytes: Uint8Array, kernels?: Kernels, where = 'decodeSeq2Seq'): Seq2Seq {
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
  checkTensorSet(specs, tensors, where);
  const model = buildFromFile(where, 'config', () => Seq2Seq.create(sourceVocab, targetVocab, resolved, kernels));
  loadArena(model.network.parameters, tensors, where);
  return model;
}
