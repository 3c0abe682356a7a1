/**
 * Seq2Seq: sequence-to-sequence learning (translation, spelling to pronunciation) with an
 * encoder–decoder LSTM and attention (seq2seq-network.ts), trained on the shared engine in
 * length-bucketed batches (sequence-training.ts) and decoded by beam search (seq2seq-decode.ts).
 *
 * Pairs are token lists (characters or words, tokenised by the caller). Vocabularies from the
 * training pairs: source [<pad>, <unk>, tokens…], target [<pad>, <unk>, <s>, </s>, tokens…], each
 * token list sorted so the same data gives the same ids. The decoder reads <s> then the target and
 * predicts the target then </s>; padding takes no part in the loss or in attention.
 */
import { ConfigError, DataError, checkInteger, checkNumber } from '../errors.js';
import { defaultKernels, type Floats, type Kernels } from '../kernels/index.js';
import { PAD_TOKEN, UNKNOWN_TOKEN, Vocabulary } from '../data/vocabulary.js';
import { evaluationBatches } from '../data/batches.js';
import type { AttentionKind } from '../nn/attention.js';
import type { CellKind } from '../nn/cell-config.js';
import { ParamArena } from '../nn/params.js';
import { Rng } from '../rng.js';
import { beamSearch } from './seq2seq-decode.js';
import { type Seq2SeqBatch, Seq2SeqNetwork, type Seq2SeqNetworkOptions } from './seq2seq-network.js';
import {
  type EpochRecord,
  type FitHistory,
  type SequenceCheckpoint,
  type SequenceFitOptions,
  type TrainHooks,
  trainLoop,
} from './sequence-training.js';

export const BOS_TOKEN = '<s>';
export const EOS_TOKEN = '</s>';

export interface Seq2SeqPair {
  source: readonly string[];
  target: readonly string[];
}

export interface Seq2SeqConfig {
  /** Both embeddings' size (default 64). */
  embeddingSize: number;
  encoderKind: CellKind;
  /** Each encoder direction's hidden size (default 128). */
  encoderHidden: number;
  encoderLayers: number;
  /** Default true. */
  bidirectional: boolean;
  /** Default 2 · encoderHidden with a bidirectional encoder, else encoderHidden. */
  decoderHidden: number;
  decoderLayers: number;
  /** Default 'general' (Luong); 'none' for a plain encoder–decoder. */
  attention: AttentionKind | 'none';
  /** Between recurrent layers and before the output layer, while training (default 0.2). */
  dropout: number;
}

/** A model and where its training stands: what --checkpoint writes and --resume reads. */
export interface Seq2SeqCheckpoint {
  model: Seq2Seq;
  training: SequenceCheckpoint;
}

export interface Seq2SeqFitOptions extends Omit<SequenceFitOptions, 'resume' | 'onCheckpoint' | 'onEpoch'> {
  /** After every evaluation, with the model as it stands (e.g. to decode the validation data). */
  onEpoch?: ((record: EpochRecord, model: Seq2Seq) => void) | undefined;
  /** After every whole epoch: the model (its current weights) and where training stands. */
  onCheckpoint?: ((checkpoint: Seq2SeqCheckpoint) => void) | undefined;
  /** Continue a checkpoint's run: its model, vocabularies and recipe win over config and options. */
  resume?: Seq2SeqCheckpoint | undefined;
  /** ε of the label-smoothed loss (default 0.1). */
  labelSmoothing?: number | undefined;
  /**
   * Scheduled sampling: the probability that a decoder input is the model's own previous best
   * token instead of the reference's (default 0: teacher forcing only).
   */
  scheduledSampling?: number | undefined;
}

export interface TranslateOptions {
  /** Hypotheses per source (default 5; 1 = greedy). */
  beam?: number;
  /** Most target tokens (default twice the longest source, at least 10). */
  maxLength?: number;
  /** Hypotheses returned per source (default 1). */
  nbest?: number;
  /** α of score / length^α (default 1). */
  lengthPenalty?: number;
}

export interface Translation {
  tokens: string[];
  /** Σ log p of the tokens and </s>. */
  logProb: number;
  /** logProb / (length + 1)^α, the ranking score. */
  score: number;
  /** False when the maximum length cut it off. */
  finished: boolean;
}

export class Seq2Seq {
  private constructor(
    readonly sourceVocab: Vocabulary,
    readonly targetVocab: Vocabulary,
    readonly config: Seq2SeqConfig,
    readonly network: Seq2SeqNetwork,
  ) {}

  /**
   * A model of this shape with its parameters unset (zeros): what a model file fills in. The
   * vocabularies must hold <pad> and <unk> (source) and also <s> and </s> (target).
   */
  static create(
    sourceVocab: Vocabulary,
    targetVocab: Vocabulary,
    config: Partial<Seq2SeqConfig>,
    kernels?: Kernels,
  ): Seq2Seq {
    for (const special of [BOS_TOKEN, EOS_TOKEN]) {
      if (!targetVocab.has(special)) throw new ConfigError('Seq2Seq', `the target vocabulary has no ${special}.`);
    }
    if (sourceVocab.padId === null || targetVocab.padId === null)
      throw new ConfigError('Seq2Seq', `both vocabularies need ${PAD_TOKEN}.`);
    const resolved = resolveConfig(config);
    const k = kernels ?? defaultKernels();
    const netOptions = networkOptions(resolved, sourceVocab, targetVocab);
    const network = new Seq2SeqNetwork(k, new ParamArena(k, Seq2SeqNetwork.paramSpecs(netOptions)), netOptions);
    return new Seq2Seq(sourceVocab, targetVocab, resolved, network);
  }

  /**
   * Train on `train`, keeping the weights of the epoch with the lowest loss on `valid`; with
   * fit.resume, continue that checkpoint's model and run instead of building a new one.
   */
  static fit(
    train: readonly Seq2SeqPair[],
    valid: readonly Seq2SeqPair[],
    config: Partial<Seq2SeqConfig> & { kernels?: Kernels; seed?: number } = {},
    fit: Seq2SeqFitOptions = {},
  ): { model: Seq2Seq; history: FitHistory } {
    const where = 'Seq2Seq.fit';
    if (train.length === 0) throw new DataError(where, 'no training pairs.');
    const model = fit.resume?.model ?? Seq2Seq.build(train, config, where);
    const network = model.network;
    const saved = fit.resume?.training;
    const task = saved?.state.recipe.task ?? {};
    const smoothing = checkNumber(where, 'labelSmoothing', task.labelSmoothing ?? fit.labelSmoothing ?? 0.1, 0, 0.99);
    const sampling = checkNumber(
      where,
      'scheduledSampling',
      task.scheduledSampling ?? fit.scheduledSampling ?? 0,
      0,
      1,
    );
    const longest = (pairs: readonly Seq2SeqPair[]) =>
      pairs.reduce((m, p) => Math.max(m, p.source.length, p.target.length + 1), 1);
    const hooks: TrainHooks = {
      setTraining: (training, rng) => {
        network.training = training;
        network.setDropoutRng(rng);
      },
      step: (indices) => {
        const { sum, count } = network.forward(model.batch(train, indices), smoothing, sampling);
        network.backward(smoothing);
        return sum / count;
      },
      validate: () => (valid.length === 0 ? Number.NaN : model.loss(valid)),
    };
    if (valid.length > 0) hooks.validationLongest = longest(valid);
    const { onCheckpoint, onEpoch } = fit;
    const history = trainLoop(
      where,
      network.kernels,
      network.parameters,
      train.map((p) => Math.max(1, p.source.length)),
      {
        ...fit,
        resume: saved,
        onEpoch: onEpoch === undefined ? undefined : (record) => onEpoch(record, model),
        onCheckpoint:
          onCheckpoint === undefined
            ? undefined
            : (training) => {
                const recipe = {
                  ...training.state.recipe,
                  task: { labelSmoothing: smoothing, scheduledSampling: sampling },
                };
                onCheckpoint({ model, training: { ...training, state: { ...training.state, recipe } } });
              },
      },
      hooks,
    );
    return { model, history };
  }

  /** A new model for `train`: vocabularies from its tokens, weights initialised by the seed. */
  private static build(
    train: readonly Seq2SeqPair[],
    config: Partial<Seq2SeqConfig> & { kernels?: Kernels; seed?: number },
    where: string,
  ): Seq2Seq {
    const sourceVocab = buildVocab(
      train.map((p) => p.source),
      [PAD_TOKEN, UNKNOWN_TOKEN],
      where,
      'source',
    );
    const targetVocab = buildVocab(
      train.map((p) => p.target),
      [PAD_TOKEN, UNKNOWN_TOKEN, BOS_TOKEN, EOS_TOKEN],
      where,
      'target',
    );
    const model = Seq2Seq.create(sourceVocab, targetVocab, resolveConfig(config), config.kernels);
    model.network.init(new Rng(checkInteger(where, 'seed', config.seed ?? 1, 0, 2 ** 32 - 1)));
    return model;
  }

  /** The mean loss in nats per target token (</s> included) over `pairs`, no smoothing, no dropout. */
  loss(pairs: readonly Seq2SeqPair[]): number {
    const training = this.network.training;
    this.network.training = false;
    let [sum, count] = [0, 0];
    for (const indices of evaluationBatches(pairs.map((p) => p.source))) {
      const r = this.network.forward(this.batch(pairs, indices), 0);
      sum += r.sum;
      count += r.count;
    }
    this.network.training = training;
    return sum / count;
  }

  /** Beam-search translations of each source (token lists), the best `nbest` each, best first. */
  translate(sources: readonly (readonly string[])[], opts: TranslateOptions = {}): Translation[][] {
    const where = 'Seq2Seq.translate';
    const beam = checkInteger(where, 'beam', opts.beam ?? 5, 1, 1000);
    const nbest = checkInteger(where, 'nbest', opts.nbest ?? 1, 1, beam);
    const longestSource = sources.reduce((m, s) => Math.max(m, s.length), 0);
    const maxLength = checkInteger(where, 'maxLength', opts.maxLength ?? Math.max(10, 2 * longestSource), 1, 1e5);
    const lengthPenalty = checkNumber(where, 'lengthPenalty', opts.lengthPenalty ?? 1, 0, 10);
    const bos = this.targetVocab.idOf(BOS_TOKEN);
    const eos = this.targetVocab.idOf(EOS_TOKEN);
    this.network.training = false;
    const out: Translation[][] = new Array(sources.length);
    for (const indices of evaluationBatches(sources, 32)) {
      const { source, sourceLengths, Ts, B } = this.sourceBatch(
        Array.from(indices, (i) => sources[i] as readonly string[]),
      );
      const found = beamSearch(this.network, source, sourceLengths, Ts, B, {
        beam,
        nbest,
        maxLength,
        lengthPenalty,
        bos,
        eos,
      });
      indices.forEach((i, b) => {
        out[i] = (found[b] ?? []).map((h) => ({
          tokens: h.tokens.map((id) => this.targetVocab.tokens[id] as string),
          logProb: h.logProb,
          score: h.score,
          finished: h.finished,
        }));
      });
    }
    return out;
  }

  /**
   * Where the decoder looked: the attention weights (one row per target token and the final </s>,
   * one column per source token) while it reads `target` after `source` (teacher forcing); null for
   * a model without attention.
   */
  attentionMap(source: readonly string[], target: readonly string[]): number[][] | null {
    if (this.config.attention === 'none') return null;
    const net = this.network;
    this.network.training = false;
    const Ts = Math.max(1, source.length);
    const ids = new Int32Array(Ts);
    ids.set(this.sourceVocab.encodeTokens(source));
    const enc = net.encode(ids, Int32Array.from([source.length]), Ts, 1);
    const k = net.kernels;
    const copy = (a: Floats): Floats => {
      const out = k.alloc(a.length);
      out.set(a);
      return out;
    };
    net.startDecoding(copy(enc.memory), Ts, 1, Int32Array.from([source.length]), target.length + 1);
    const state = { B: 1, h: copy(enc.h0), c: copy(enc.c0) as Floats | null };
    let fed: Floats = k.alloc(this.config.decoderHidden);
    const inputs = [this.targetVocab.idOf(BOS_TOKEN), ...this.targetVocab.encodeTokens(target)];
    const rows: number[][] = [];
    inputs.forEach((token, t) => {
      const step = net.step(t, Int32Array.from([token]), fed, state);
      rows.push(Array.from((step.weights as Floats).subarray(0, source.length)));
      fed = copy(step.hTilde);
    });
    return rows;
  }

  /** Pairs at `indices` as one batch: time-major ids, padding 0 in the inputs and −1 in the targets. */
  private batch(pairs: readonly Seq2SeqPair[], indices: Int32Array): Seq2SeqBatch {
    const chosen = Array.from(indices, (i) => pairs[i] as Seq2SeqPair);
    const { source, sourceLengths, Ts, B } = this.sourceBatch(chosen.map((p) => p.source));
    const Tt = chosen.reduce((m, p) => Math.max(m, p.target.length), 0) + 1;
    const targetIn = new Int32Array(Tt * B);
    const targetOut = new Int32Array(Tt * B).fill(-1);
    const [bos, eos] = [this.targetVocab.idOf(BOS_TOKEN), this.targetVocab.idOf(EOS_TOKEN)];
    chosen.forEach((p, b) => {
      const ids = this.targetVocab.encodeTokens(p.target);
      targetIn[b] = bos;
      ids.forEach((id, t) => {
        targetOut[t * B + b] = id;
        if (t + 1 < Tt) targetIn[(t + 1) * B + b] = id;
      });
      targetOut[ids.length * B + b] = eos;
    });
    return { source, sourceLengths, Ts, targetIn, targetOut, Tt, B };
  }

  private sourceBatch(sources: readonly (readonly string[])[]) {
    const B = sources.length;
    const Ts = Math.max(1, ...sources.map((s) => s.length));
    const source = new Int32Array(Ts * B); // <pad> = 0 past each length
    const sourceLengths = Int32Array.from(sources, (s) => s.length);
    sources.forEach((s, b) => this.sourceVocab.encodeTokens(s).forEach((id, j) => (source[j * B + b] = id)));
    return { source, sourceLengths, Ts, B };
  }
}

function resolveConfig(c: Partial<Seq2SeqConfig>): Seq2SeqConfig {
  const where = 'Seq2Seq';
  const bidirectional = c.bidirectional ?? true;
  const encoderHidden = checkInteger(where, 'encoderHidden', c.encoderHidden ?? 128, 1, 65536);
  const attention = c.attention ?? 'general';
  if (!['dot', 'general', 'additive', 'none'].includes(attention)) {
    throw new ConfigError(where, `attention must be dot, general, additive or none; got '${attention}'.`);
  }
  return {
    embeddingSize: checkInteger(where, 'embeddingSize', c.embeddingSize ?? 64, 1, 65536),
    encoderKind: c.encoderKind ?? 'lstm',
    encoderHidden,
    encoderLayers: checkInteger(where, 'encoderLayers', c.encoderLayers ?? 1, 1, 64),
    bidirectional,
    decoderHidden: checkInteger(
      where,
      'decoderHidden',
      c.decoderHidden ?? (bidirectional ? 2 : 1) * encoderHidden,
      1,
      65536,
    ),
    decoderLayers: checkInteger(where, 'decoderLayers', c.decoderLayers ?? 1, 1, 64),
    attention,
    dropout: checkNumber(where, 'dropout', c.dropout ?? 0.2, 0, 0.99),
  };
}

function networkOptions(c: Seq2SeqConfig, source: Vocabulary, target: Vocabulary): Seq2SeqNetworkOptions {
  return { ...c, sourceVocab: source.size, targetVocab: target.size };
}

/** The specials, then every token of the sequences in sorted order. */
function buildVocab(
  sequences: readonly (readonly string[])[],
  specials: readonly string[],
  where: string,
  side: string,
): Vocabulary {
  const tokens = new Set<string>();
  for (const s of sequences) for (const t of s) tokens.add(t);
  for (const special of specials) tokens.delete(special);
  return new Vocabulary([...specials, ...[...tokens].sort()], where, `${side} token`);
}
