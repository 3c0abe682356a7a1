/**
 * What a sequence classifier or tagger is, as data: its classes, its input (token ids through an
 * embedding, or numeric steps of F features) and its recurrent encoder. The options a user writes
 * resolve to a config with every default filled in; the config is what a model file stores.
 */
import type { InputConfig } from '../data/sequence-input.js';
import type { TokenVocab } from '../data/token-vocab.js';
import { ConfigError, checkInteger, checkNumber } from '../errors.js';
import type { CellKind } from '../nn/cell-config.js';
import { BagOfTokens } from '../nn/bag-of-tokens.js';
import { Linear } from '../nn/linear.js';
import type { ParamSpec } from '../nn/params.js';
import { Recurrent, type RecurrentOptions } from '../nn/recurrent.js';
import { InputLayer } from './sequence-input-layer.js';

export type { InputConfig } from '../data/sequence-input.js';

export interface SequenceModelConfig {
  /** Class names; class id k is classes[k]. */
  classes: string[];
  input: InputConfig;
  cell: CellKind;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** Dropout between stacked layers, while training. */
  dropout: number;
}

export interface SequenceModelOptions {
  classes: readonly string[];
  /** Text input: tokens of this vocabulary through an embedding. */
  vocab?: TokenVocab | undefined;
  /** Token-id input without a vocabulary: ids in [0, vocabSize). */
  vocabSize?: number | undefined;
  /** Embedding width for token input (default 32). */
  embeddingSize?: number | undefined;
  /** Numeric input: every sequence is (steps, features). */
  features?: number | undefined;
  /** 'lstm' (default), 'gru' or 'rnn'. */
  cell?: CellKind | undefined;
  hiddenSize?: number | undefined;
  numLayers?: number | undefined;
  bidirectional?: boolean | undefined;
  dropout?: number | undefined;
}

export function checkClasses(where: string, classes: readonly string[]): string[] {
  if (!Array.isArray(classes) || classes.length < 2)
    throw new ConfigError(
      where,
      `classes must name at least two classes; got ${JSON.stringify(classes)}.`,
      "e.g. classes: ['ham', 'spam'].",
    );
  classes.forEach((c, i) => {
    if (typeof c !== 'string' || c === '')
      throw new ConfigError(where, `class ${i} is ${JSON.stringify(c)}; class names are non-empty strings.`);
    if (classes.indexOf(c) !== i) throw new ConfigError(where, `class '${c}' is named twice.`);
  });
  return [...classes];
}

export function resolveSequenceConfig(where: string, opts: SequenceModelOptions): SequenceModelConfig {
  const classes = checkClasses(where, opts.classes);
  const tokenInput = opts.vocab !== undefined || opts.vocabSize !== undefined;
  if (tokenInput === (opts.features !== undefined))
    throw new ConfigError(
      where,
      'give either a vocab (or vocabSize) for token input, or features for numeric input; ' +
        `got ${tokenInput ? 'both' : 'neither'}.`,
    );
  let input: InputConfig;
  if (tokenInput) {
    const vocabSize = checkInteger(where, 'vocabSize', opts.vocabSize ?? opts.vocab?.size, 2);
    if (opts.vocab !== undefined && vocabSize !== opts.vocab.size)
      throw new ConfigError(where, `vocabSize is ${vocabSize} but the vocab has ${opts.vocab.size} ids.`);
    input = {
      kind: 'tokens',
      vocabSize,
      embeddingSize: checkInteger(where, 'embeddingSize', opts.embeddingSize ?? 32, 1),
    };
  } else input = { kind: 'numeric', features: checkInteger(where, 'features', opts.features, 1) };
  const cell = opts.cell ?? 'lstm';
  if (cell !== 'lstm' && cell !== 'gru' && cell !== 'rnn')
    throw new ConfigError(where, `cell must be 'lstm', 'gru' or 'rnn'; got ${JSON.stringify(cell)}.`);
  const bidirectional = opts.bidirectional ?? false;
  if (typeof bidirectional !== 'boolean')
    throw new ConfigError(where, `bidirectional must be true or false; got ${JSON.stringify(bidirectional)}.`);
  return {
    classes,
    input,
    cell,
    hiddenSize: checkInteger(where, 'hiddenSize', opts.hiddenSize ?? 32, 1),
    numLayers: checkInteger(where, 'numLayers', opts.numLayers ?? 1, 1, 16),
    bidirectional,
    dropout: checkNumber(where, 'dropout', opts.dropout ?? 0, 0, 0.99),
  };
}

/** What a stack-and-head model's config says about its recurrent stack (classifier, tagger, speech). */
export type StackConfig = Pick<SequenceModelConfig, 'cell' | 'hiddenSize' | 'numLayers' | 'bidirectional' | 'dropout'>;

/** The recurrent stack's options: parameters named `${cell}.weight_ih_l0` … as PyTorch's. */
export function recurrentOptionsOf(config: SequenceModelConfig): RecurrentOptions {
  const { input } = config;
  return stackOptions(config, input.kind === 'tokens' ? input.embeddingSize : input.features);
}

/** A stack of this config reading `inputSize` values per step. */
export function stackOptions(config: StackConfig, inputSize: number): RecurrentOptions {
  return {
    kind: config.cell,
    inputSize,
    hiddenSize: config.hiddenSize,
    numLayers: config.numLayers,
    bidirectional: config.bidirectional,
    dropout: config.dropout,
    prefix: `${config.cell}.`,
  };
}

/**
 * The parameters of a classifier or tagger of this config, in arena order: the input layer's
 * (an embedding for token input), the recurrent stack's, then the head (classes × directions·H).
 * With bagOfTokens (a classifier's option, token input only), the bag's weights (classes × vocab)
 * last. A model file's tensors are checked against them before the model is built.
 */
export function sequenceParamSpecs(config: SequenceModelConfig, bagOfTokens = false): ParamSpec[] {
  const dirs = config.bidirectional ? 2 : 1;
  const K = config.classes.length;
  const { input } = config;
  return [
    ...InputLayer.paramSpecs(input),
    ...Recurrent.paramSpecs(recurrentOptionsOf(config)),
    ...Linear.paramSpecs('head.', dirs * config.hiddenSize, K),
    ...(bagOfTokens && input.kind === 'tokens' ? BagOfTokens.paramSpecs('bag.', input.vocabSize, K) : []),
  ];
}
