/**
 * What a speech recogniser is, as data: the characters it writes, the features it computes from
 * raw audio, how many feature frames one recurrent step reads, and its recurrent stack. The
 * options a user writes resolve to a config with every default filled in; the config is what a
 * model file stores, so a loaded model reads raw WAV exactly as the trained one did.
 *   classes: 0 is CTC's blank, 1 … A the alphabet's characters in order.
 */
import { type FeatureConfig, type FeatureOptions, featureWidth, resolveFeatureConfig } from '../audio/features.js';
import { ConfigError, checkInteger, checkNumber } from '../errors.js';
import type { CellKind } from '../nn/cell-config.js';
import { Linear } from '../nn/linear.js';
import type { ParamSpec } from '../nn/params.js';
import { Recurrent, type RecurrentOptions } from '../nn/recurrent.js';
import { stackOptions } from './sequence-config.js';

export interface SpeechConfig {
  /** The characters transcripts are written in; class k + 1 is alphabet[k] (class 0 the blank). */
  alphabet: string[];
  features: FeatureConfig;
  /** Feature frames concatenated into one recurrent step (1: none; 2 halves the steps). */
  stack: number;
  cell: CellKind;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** Dropout between stacked layers, while training. */
  dropout: number;
}

export interface SpeechModelOptions {
  /** The characters (a string of them, or a list of one-character strings). */
  alphabet: string | readonly string[];
  /** The audio features; sampleRate is the rate audio must arrive at. */
  features: FeatureOptions;
  stack?: number | undefined;
  /** 'lstm' (default), 'gru' or 'rnn'. */
  cell?: CellKind | undefined;
  /** Default 128. */
  hiddenSize?: number | undefined;
  /** Default 2. */
  numLayers?: number | undefined;
  /** Default true. */
  bidirectional?: boolean | undefined;
  dropout?: number | undefined;
}

/** Unique single characters, in the order given. */
export function checkAlphabet(where: string, alphabet: string | readonly string[]): string[] {
  const chars = typeof alphabet === 'string' ? [...alphabet] : Array.isArray(alphabet) ? [...alphabet] : null;
  if (chars === null || chars.length === 0)
    throw new ConfigError(
      where,
      `alphabet must be a non-empty string or list of characters; got ${JSON.stringify(alphabet)}.`,
      "e.g. alphabet: '0123456789' or 'abcdefghijklmnopqrstuvwxyz '.",
    );
  chars.forEach((c, i) => {
    if (typeof c !== 'string' || [...c].length !== 1)
      throw new ConfigError(where, `alphabet entry ${i} is ${JSON.stringify(c)}; each entry is one character.`);
    if (chars.indexOf(c) !== i) throw new ConfigError(where, `the alphabet has ${JSON.stringify(c)} twice.`);
  });
  return chars as string[];
}

export function resolveSpeechConfig(where: string, opts: SpeechModelOptions): SpeechConfig {
  if (opts === null || typeof opts !== 'object') throw new ConfigError(where, 'expected an options object.');
  const cell = opts.cell ?? 'lstm';
  if (cell !== 'lstm' && cell !== 'gru' && cell !== 'rnn')
    throw new ConfigError(where, `cell must be 'lstm', 'gru' or 'rnn'; got ${JSON.stringify(cell)}.`);
  const bidirectional = opts.bidirectional ?? true;
  if (typeof bidirectional !== 'boolean')
    throw new ConfigError(where, `bidirectional must be true or false; got ${JSON.stringify(bidirectional)}.`);
  if (opts.features === null || typeof opts.features !== 'object')
    throw new ConfigError(where, 'features must be an object with at least sampleRate.', 'e.g. { sampleRate: 8000 }.');
  return {
    alphabet: checkAlphabet(where, opts.alphabet),
    features: resolveFeatureConfig(`${where}: features`, opts.features),
    stack: checkInteger(where, 'stack', opts.stack ?? 1, 1, 16),
    cell,
    hiddenSize: checkInteger(where, 'hiddenSize', opts.hiddenSize ?? 128, 1),
    numLayers: checkInteger(where, 'numLayers', opts.numLayers ?? 2, 1, 16),
    bidirectional,
    dropout: checkNumber(where, 'dropout', opts.dropout ?? 0, 0, 0.99),
  };
}

/** Inputs per recurrent step: the feature width times the frames stacked. */
export function stepWidth(config: SpeechConfig): number {
  return featureWidth(config.features) * config.stack;
}

/** The recurrent stack's options: parameters named `${cell}.weight_ih_l0` … as PyTorch's. */
export function speechRecurrentOptions(config: SpeechConfig): RecurrentOptions {
  return stackOptions(config, stepWidth(config));
}

/** The parameters in arena order: the recurrent stack's, then the head ((A + 1) × directions·H). */
export function speechParamSpecs(config: SpeechConfig): ParamSpec[] {
  const dirs = config.bidirectional ? 2 : 1;
  return [
    ...Recurrent.paramSpecs(speechRecurrentOptions(config)),
    ...Linear.paramSpecs('head.', dirs * config.hiddenSize, config.alphabet.length + 1),
  ];
}
