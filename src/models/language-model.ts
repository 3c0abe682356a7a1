/**
 * A character-level language model: the vocabulary, the network and its parameters, and what it
 * can do: evaluate (nats and bits per character), generate, and (models/fit-language-model.ts) learn. Its
 * training state travels beside it, not on it (fit returns it; a checkpoint file stores it).
 * Saving and loading go through io/model-file.ts (bytes) and node/files.ts (files).
 */

import { Vocab } from '../data/vocab.js';
import { ConfigError, checkInteger, checkNumber } from '../errors.js';
import { defaultKernels, type Floats, type Kernels } from '../kernels/index.js';
import type { CellKind } from '../nn/cell-config.js';
import type { RecurrentInit } from '../nn/recurrent.js';
import { ParamArena } from '../nn/params.js';
import { Rng } from '../rng.js';
import { LMNetwork, type NetworkShape } from './lm-network.js';
import { sampleIndex } from './sampling.js';

export interface LanguageModelOptions {
  /** The vocabulary, or the text to build it from (its sorted set of characters). */
  vocab?: Vocab;
  text?: string;
  embeddingSize?: number;
  hiddenSize?: number;
  numLayers?: number;
  /** The recurrent cell: 'lstm' (default), 'gru' or 'rnn'. */
  cell?: CellKind;
  /** LSTM projection size (the carried h shrinks to it); 0 for none. */
  projSize?: number;
  /** Dropout between recurrent layers while training. */
  dropout?: number;
  /** Variational dropout on h_{t−1} in the recurrent products while training. */
  recurrentDropout?: number;
  /** Dropout on the last recurrent layer's outputs while training. */
  outputDropout?: number;
  /** Seed of the initial weights. */
  seed?: number;
  /** 'pytorch' (default: U(±1/√H), as nn.LSTM) or 'orthogonal' (Xavier, orthogonal recurrent, forget bias 1). */
  init?: RecurrentInit;
  kernels?: Kernels;
}

/**
 * What a model file stores of the network. The options after numLayers are present only when
 * they differ from their defaults, so a plain LSTM's config reads as it did before they existed.
 */
export interface ModelConfig {
  embeddingSize: number;
  hiddenSize: number;
  numLayers: number;
  cell?: CellKind;
  projSize?: number;
  dropout?: number;
  recurrentDropout?: number;
  outputDropout?: number;
}

const OPTIONAL_DEFAULTS = { cell: 'lstm', projSize: 0, dropout: 0, recurrentDropout: 0, outputDropout: 0 } as const;

/** The options of a config, any of them given as undefined (LanguageModelOptions passes them on). */
type ConfigInput = { [K in keyof ModelConfig]: ModelConfig[K] | undefined } & Pick<
  ModelConfig,
  'embeddingSize' | 'hiddenSize' | 'numLayers'
>;

/** The config with every option that is absent or at its default left out (the stored form). */
function storedConfig(opts: ConfigInput): ModelConfig {
  const config: ModelConfig = {
    embeddingSize: opts.embeddingSize,
    hiddenSize: opts.hiddenSize,
    numLayers: opts.numLayers,
  };
  for (const key of Object.keys(OPTIONAL_DEFAULTS) as Array<keyof typeof OPTIONAL_DEFAULTS>) {
    const value = opts[key];
    if (value !== undefined && value !== OPTIONAL_DEFAULTS[key]) Object.assign(config, { [key]: value });
  }
  return config;
}

export interface Evaluation {
  /** Mean cross-entropy in nats per predicted character. */
  nats: number;
  /** The same in bits (nats / ln 2). */
  bitsPerChar: number;
  /** How many characters were predicted (the text's length − 1). */
  predictions: number;
}

export interface GenerateOptions {
  /** Text the model reads first; generation continues it. Default: a newline. */
  prime?: string;
  /** Characters to generate at most (default 200). */
  length?: number;
  /** Softmax temperature; 0 is greedy. Default 0.8. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Stop when the generated text ends with this string (it is kept). */
  stop?: string;
  /** Seed of the sampler; the same seed and options give the same text. */
  seed?: number;
  /** Return each generated character's probability and the most likely alternatives. */
  withProbabilities?: boolean;
}

export interface GeneratedStep {
  char: string;
  probability: number;
  top: Array<{ char: string; probability: number }>;
}

export interface Generation {
  text: string;
  steps?: GeneratedStep[];
  warnings: string[];
}

export class LanguageModel {
  readonly vocab: Vocab;
  readonly config: ModelConfig;
  readonly kernels: Kernels;
  readonly arena: ParamArena;
  /** The network used for training (its caches hold the last training window). */
  readonly network: LMNetwork;
  private inference: LMNetwork | undefined;

  constructor(vocab: Vocab, config: ConfigInput, kernels: Kernels = defaultKernels()) {
    const where = 'LanguageModel';
    checkInteger(where, 'embeddingSize', config.embeddingSize, 1, 65536);
    checkInteger(where, 'hiddenSize', config.hiddenSize, 1, 65536);
    checkInteger(where, 'numLayers', config.numLayers, 1, 64);
    this.vocab = vocab;
    this.config = storedConfig(config);
    this.kernels = kernels;
    this.arena = new ParamArena(kernels, LMNetwork.paramSpecs(this.shape));
    this.network = new LMNetwork(kernels, this.arena, this.shape);
  }

  /** A new model with freshly initialised weights. */
  static create(opts: LanguageModelOptions): LanguageModel {
    let vocab = opts.vocab;
    if (vocab === undefined) {
      if (opts.text === undefined) {
        throw new ConfigError('LanguageModel.create', 'needs a vocab or a text to build one from.');
      }
      vocab = Vocab.fromText(opts.text);
    }
    const model = new LanguageModel(
      vocab,
      {
        embeddingSize: opts.embeddingSize ?? 64,
        hiddenSize: opts.hiddenSize ?? 128,
        numLayers: opts.numLayers ?? 2,
        cell: opts.cell,
        projSize: opts.projSize,
        dropout: opts.dropout,
        recurrentDropout: opts.recurrentDropout,
        outputDropout: opts.outputDropout,
      },
      opts.kernels ?? defaultKernels(),
    );
    const init = opts.init ?? 'pytorch';
    if (init !== 'pytorch' && init !== 'orthogonal') {
      throw new ConfigError(
        'LanguageModel.create',
        `init must be 'pytorch' or 'orthogonal', got ${JSON.stringify(init)}.`,
      );
    }
    model.network.init(new Rng(opts.seed ?? 1), init);
    return model;
  }

  get shape(): NetworkShape {
    return { vocabSize: this.vocab.size, ...this.config };
  }

  get parameterCount(): number {
    return this.arena.size;
  }

  /** The network for inference (its own caches, so sampling never disturbs training). */
  inferenceNetwork(): LMNetwork {
    this.inference ??= new LMNetwork(this.kernels, this.arena, this.shape);
    return this.inference;
  }

  /**
   * A network of its own over this model's weights, which packs them for its products once
   * (Recurrent.frozenWeights): for serving, where the weights do not change. It does not see a
   * later change to them (training, loading); make a new one after that. GenerationBatch steps one.
   */
  frozenNetwork(): LMNetwork {
    const net = new LMNetwork(this.kernels, this.arena, this.shape);
    net.recurrent.frozenWeights = true;
    return net;
  }

  /**
   * Cross-entropy of predicting text[i+1] from text[..i], for every i: one streaming pass with
   * batch 1 and the state carried across chunks of `chunk` characters.
   */
  evaluate(text: string, opts: { chunk?: number; maxChars?: number } = {}): Evaluation {
    const chunk = checkInteger('evaluate', 'chunk', opts.chunk ?? 1000, 1);
    let ids = this.vocab.encode(text);
    if (opts.maxChars !== undefined && ids.length > opts.maxChars) ids = ids.subarray(0, opts.maxChars);
    if (ids.length < 2) {
      throw new ConfigError(
        'evaluate',
        `the text has ${ids.length} character(s); at least 2 are needed to predict one.`,
      );
    }
    const net = this.inferenceNetwork();
    const sizes = net.stateSizes(1);
    const h = this.kernels.alloc(sizes.h);
    const c = sizes.c === 0 ? null : this.kernels.alloc(sizes.c);
    let total = 0;
    const n = ids.length - 1;
    for (let start = 0; start < n; start += chunk) {
      const T = Math.min(chunk, n - start);
      const inputs = ids.subarray(start, start + T);
      const targets = ids.subarray(start + 1, start + T + 1);
      const { logits, hN, cN } = net.forward(inputs, T, 1, h, c);
      total += net.loss(targets, logits) * T;
      h.set(hN);
      if (c !== null && cN !== null) c.set(cN);
    }
    const nats = total / n;
    return { nats, bitsPerChar: nats / Math.LN2, predictions: n };
  }

  /** Probabilities of the next character after `text` (most likely first). */
  nextCharProbabilities(text: string, temperature = 1): Array<{ char: string; probability: number }> {
    const { probs } = this.readPrime(text.length === 0 ? '\n' : text, temperature);
    return this.rank(probs, this.vocab.size);
  }

  generate(opts: GenerateOptions = {}): Generation {
    const where = 'generate';
    const length = checkInteger(where, 'length', opts.length ?? 200, 0, 10_000_000);
    const temperature = checkNumber(where, 'temperature', opts.temperature ?? 0.8, 0, 100);
    const topK = checkInteger(where, 'topK', opts.topK ?? 0, 0);
    const topP = checkNumber(where, 'topP', opts.topP ?? 1, 0, 1, true);
    const prime = opts.prime ?? '';
    const warnings: string[] = [];
    const unknown = this.vocab.unknownChars(prime);
    if (unknown.length > 0) {
      warnings.push(
        `the prime text has ${unknown.length} character(s) the model never saw (${unknown.map((ch) => JSON.stringify(ch)).join(', ')}); they are read as the unknown token.`,
      );
    }
    const rng = new Rng(opts.seed ?? Date.now() % 4294967296);
    const state = this.readPrime(prime.length === 0 ? this.defaultPrime() : prime, Math.max(temperature, 1e-6));
    const net = this.inferenceNetwork();
    const steps: GeneratedStep[] = [];
    const ids = new Int32Array(1);
    let text = '';
    for (let i = 0; i < length; i++) {
      const id =
        // temperature 0 is greedy; the unknown token is never generated
        sampleIndex(state.probs, { temperature, topK, topP }, rng, this.vocab.unknownId);
      const ch = this.vocab.chars[id] as string;
      if (opts.withProbabilities === true) {
        steps.push({ char: ch, probability: state.probs[id] as number, top: this.rank(state.probs, 5) });
      }
      text += ch;
      if (opts.stop !== undefined && opts.stop.length > 0 && text.endsWith(opts.stop)) break;
      if (i === length - 1) break;
      ids[0] = id;
      const { logits, hN, cN } = net.forward(ids, 1, 1, state.h, state.c);
      state.h.set(hN);
      if (state.c !== null && cN !== null) state.c.set(cN);
      this.kernels.softmaxRow(this.vocab.size, logits, Math.max(temperature, 1e-6), state.probs);
    }
    return opts.withProbabilities === true ? { text, steps, warnings } : { text, warnings };
  }

  /** What generation reads first when no prime is given: a newline (or the first character). */
  defaultPrime(): string {
    return this.vocab.has('\n') ? '\n' : (this.vocab.chars[0] as string);
  }

  /**
   * Run the prime through the network (batch 1; `net` another network over these weights, such as
   * a frozenNetwork); returns the carried state (L, 1, ·) and next-token probabilities.
   */
  readPrime(
    prime: string,
    temperature: number,
    net: LMNetwork = this.inferenceNetwork(),
  ): { h: Floats; c: Floats | null; probs: Floats } {
    const V = this.vocab.size;
    const ids = this.vocab.encode(prime);
    const { logits, hN, cN } = net.forward(ids, ids.length, 1, null, null);
    const h = this.kernels.alloc(hN.length);
    h.set(hN);
    const c = cN === null ? null : this.kernels.alloc(cN.length);
    if (c !== null && cN !== null) c.set(cN);
    const probs = this.kernels.alloc(V);
    this.kernels.softmaxRow(V, logits.subarray((ids.length - 1) * V, ids.length * V), temperature, probs);
    return { h, c, probs };
  }

  private rank(probs: Floats, count: number): Array<{ char: string; probability: number }> {
    const out: Array<{ char: string; probability: number }> = [];
    for (let i = 0; i < this.vocab.chars.length; i++) {
      out.push({ char: this.vocab.chars[i] as string, probability: probs[i] as number });
    }
    out.sort((a, b) => b.probability - a.probability);
    return out.slice(0, count);
  }
}
