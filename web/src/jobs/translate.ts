/**
 * The translate view's jobs, run in its worker. The model (a Seq2Seq, trained here or read from a
 * file) lives in this module, one per worker:
 *   translate-example  a built-in task's pairs as text
 *   translate-train    train on pasted pairs (characters), emitting translate-update and translate-epoch
 *   translate-load     read a model file written by `lstm seq2seq train --save` (or this view)
 *   translate-run      beam-search translations of one text and the best one's attention map
 *   translate-save     the model's file bytes
 * Training is synchronous (Seq2Seq.fit): the epochs and the time limit bound it; its events still
 * reach the page while it runs, since postMessage does not wait for the worker to be idle.
 */
import { decodeSeq2Seq, encodeSeq2Seq, Rng, Seq2Seq, type Seq2SeqPair } from 'lstm';
import type { Job, JobContext } from '../rpc.ts';
import { type ExampleTask, exampleText, parsePairs } from '../translate-examples.ts';

export type TokenMode = 'char' | 'word';

export interface TranslatorInfo {
  origin: 'trained' | 'file';
  /** How a source is split: into characters, or into words at spaces (read from the source vocabulary). */
  sourceTokens: TokenMode;
  /** How output tokens join: '' for characters, ' ' for words. */
  targetJoin: string;
  sourceVocab: number;
  targetVocab: number;
  parameters: number;
  attention: string;
  encoder: string;
  /** Training only: pairs trained on and held out, and the epoch whose weights were kept. */
  trainPairs?: number;
  validPairs?: number;
  bestEpoch?: number;
}

export interface TranslateResult {
  source: string[];
  /** Best first: tokens, their joined text, Σ log p, the length-normalised score, finished (not cut off). */
  translations: { tokens: string[]; text: string; logProb: number; score: number; finished: boolean }[];
  /** Rows: the best translation's tokens then </s>; columns: the source tokens. Null without attention. */
  attention: number[][] | null;
  /** Source tokens the model has never seen (each read as <unk>). */
  unknown: string[];
}

export interface TrainInput {
  text: string;
  epochs: number;
  hidden: number;
  seconds: number;
  seed: number;
}

export interface UpdateProgress {
  update: number;
  epoch: number;
  loss: number;
  seconds: number;
}

let model: Seq2Seq | null = null;
let info: TranslatorInfo | null = null;

const SPECIAL = new Set(['<pad>', '<unk>', '<s>', '</s>']);
const allSingle = (tokens: readonly string[]): boolean => tokens.every((t) => SPECIAL.has(t) || [...t].length === 1);

function describe(m: Seq2Seq, origin: TranslatorInfo['origin']): TranslatorInfo {
  const c = m.config;
  return {
    origin,
    sourceTokens: allSingle(m.sourceVocab.tokens) ? 'char' : 'word',
    targetJoin: allSingle(m.targetVocab.tokens) ? '' : ' ',
    sourceVocab: m.sourceVocab.size,
    targetVocab: m.targetVocab.size,
    parameters: m.network.parameters.size,
    attention: c.attention,
    encoder: `${c.bidirectional ? 'bi' : ''}${c.encoderKind.toUpperCase()} ${c.encoderLayers}×${c.encoderHidden} → LSTM ${c.decoderLayers}×${c.decoderHidden}`,
  };
}

function current(): { m: Seq2Seq; i: TranslatorInfo } {
  if (model === null || info === null) throw new Error('no model yet: train one or load a model file first.');
  return { m: model, i: info };
}

/** A seeded 5 % of the pairs held out for early stopping (none under 40 pairs). */
function split(pairs: Seq2SeqPair[], seed: number): { train: Seq2SeqPair[]; valid: Seq2SeqPair[] } {
  if (pairs.length < 40) return { train: pairs, valid: [] };
  const order = Array.from(pairs, (_, i) => i);
  new Rng(seed).shuffle(order);
  const held = new Set(order.slice(0, Math.round(0.05 * pairs.length)));
  return { train: pairs.filter((_, i) => !held.has(i)), valid: pairs.filter((_, i) => held.has(i)) };
}

function train(input: TrainInput, ctx: JobContext): TranslatorInfo {
  const { train: trainPairs, valid } = split(parsePairs(input.text), input.seed);
  let lastSent = 0;
  // a small model: 16-wide embeddings, a bidirectional encoder of `hidden` per direction, general attention
  const fitted = Seq2Seq.fit(
    trainPairs,
    valid,
    { embeddingSize: 16, encoderHidden: input.hidden, dropout: 0, attention: 'general', seed: input.seed },
    {
      epochs: input.epochs,
      batchSize: 32,
      learningRate: 1e-2,
      labelSmoothing: 0,
      patience: 3,
      seed: input.seed,
      maxSeconds: input.seconds,
      // at most ~8 progress events a second: the page redraws on each
      onUpdate: (e) => {
        if (e.seconds - lastSent < 0.125) return;
        lastSent = e.seconds;
        ctx.emit('translate-update', { update: e.update, epoch: e.epoch, loss: e.loss, seconds: e.seconds });
      },
      onEpoch: (record) => ctx.emit('translate-epoch', record),
    },
  );
  model = fitted.model;
  info = {
    ...describe(model, 'trained'),
    trainPairs: trainPairs.length,
    validPairs: valid.length,
    bestEpoch: fitted.history.bestEpoch,
  };
  return info;
}

function translate(input: { text: string; beam: number; nbest: number }): TranslateResult {
  const { m, i } = current();
  const text = input.text.trim();
  const source = i.sourceTokens === 'char' ? [...text] : text.split(/\s+/).filter((w) => w !== '');
  if (source.length === 0) throw new Error('type something to translate.');
  const beam = Math.max(1, Math.floor(input.beam));
  const found = m.translate([source], { beam, nbest: Math.min(beam, Math.max(1, Math.floor(input.nbest))) })[0] ?? [];
  const translations = found.map((t) => ({ ...t, text: t.tokens.join(i.targetJoin) }));
  const best = translations[0];
  return {
    source,
    translations,
    attention: best === undefined ? null : m.attentionMap(source, best.tokens),
    unknown: [...new Set(source.filter((t) => !m.sourceVocab.has(t)))],
  };
}

export const TRANSLATE_JOBS: Record<string, Job> = {
  'translate-example': (input: { task: ExampleTask; count: number; seed: number }) =>
    exampleText(input.task, input.count, input.seed),
  'translate-train': (input: TrainInput, ctx: JobContext) => train(input, ctx),
  'translate-load': (input: { bytes: Uint8Array }) => {
    model = decodeSeq2Seq(input.bytes);
    info = describe(model, 'file');
    return info;
  },
  'translate-run': (input: { text: string; beam: number; nbest: number }) => translate(input),
  'translate-save': () => encodeSeq2Seq(current().m),
};
