/**
 * A speech recogniser trained with CTC (Graves et al. 2006): raw samples in, text out.
 *   samples → features (frames, W) (src/audio/features.ts; SpecAugment masks while training)
 *   → s frames stacked per step → x (T, B, W·s) → recurrent stack (a bidirectional LSTM by
 *   default) → Linear at every step → logits (T, B, A + 1) → CTC loss against the transcript's
 *   characters (class 0 the blank) / greedy or prefix-beam decoding
 * It trains on the shared epoch-wise engine (src/models/sequence-training.ts): length-bucketed
 * batches, Adam, early stopping on the validation CTC loss, checkpoints. The CTC alignment gives
 * every written character its time in the recording.
 */
import { computeFeatures, resolveFeatureConfig, type SpecAugmentOptions, specAugment } from '../audio/features.js';
import { evaluationBatches } from '../data/batches.js';
import {
  ctcMinimumSteps,
  decodeLabels,
  encodeTranscripts,
  type FeatureFrames,
  featuresOf,
  stackedSteps,
  stackInto,
  type Utterances,
} from '../data/utterances.js';
import { checkInteger, DataError } from '../errors.js';
import { defaultKernels, type Floats, type Kernels } from '../kernels/index.js';
import { ctcLoss } from '../loss/ctc.js';
import { logSoftmaxInto } from '../loss/softmax.js';
import { sequenceErrorRates } from '../loss/sequence-metrics.js';
import { ParamArena } from '../nn/params.js';
import { RecurrentHead } from '../nn/recurrent-head.js';
import { Scratch } from '../nn/scratch.js';
import { Rng } from '../rng.js';
import { ctcBeamSearch, ctcGreedy, type CtcHypothesis, type CtcLanguageModel } from './ctc-decode.js';
import { type FitHistory, type SequenceFitOptions, trainLoop } from './sequence-training.js';
import {
  resolveSpeechConfig,
  type SpeechConfig,
  type SpeechModelOptions,
  speechParamSpecs,
  speechRecurrentOptions,
  stepWidth,
} from './speech-config.js';

export interface SpeechRecognizerOptions extends SpeechModelOptions {
  /** Seeds the initial weights (default 1). */
  seed?: number | undefined;
  kernels?: Kernels | undefined;
}

export interface SpeechFitOptions extends SequenceFitOptions {
  /** Time and frequency masks drawn afresh for every training utterance in every epoch. */
  specAugment?: SpecAugmentOptions | undefined;
}

export interface DecodeOptions {
  /** 1 (default): greedy; more: prefix beam search of this width. */
  beam?: number | undefined;
  /** Alternatives kept with the beam (default 1). */
  nbest?: number | undefined;
  languageModel?: CtcLanguageModel | undefined;
}

/** A written character and when it was said (seconds from the recording's start). */
export interface TimedCharacter {
  char: string;
  start: number;
  end: number;
}

export interface Transcript {
  text: string;
  /** log p of the text: the best path's (greedy) or summed over its alignments (beam). */
  logProb: number;
  characters: TimedCharacter[];
  /** The beam's other hypotheses, best first (with nbest > 1). */
  alternatives: { text: string; logProb: number }[];
}

export interface SpeechReport {
  /** Σ character edits / Σ reference characters. */
  characterErrorRate: number;
  /** Σ word edits / Σ reference words (words split at spaces). */
  wordErrorRate: number;
  /** Utterances transcribed exactly. */
  accuracy: number;
  utterances: number;
  predictions: string[];
}

/** The per-step class scores of one recording, for alignment plots. */
export interface FrameScores {
  steps: number;
  /** (steps, A + 1) log-probabilities. */
  logProbs: Float64Array;
  /** Seconds from one step to the next. */
  secondsPerStep: number;
}

/** What an alignment chart draws (src/plot/alignment-chart.ts): sound, posteriors, timed text. */
export interface SpeechAlignment extends FrameScores {
  /** Log-mel spectrogram (frames, bands), without normalisation. */
  spectrogram: Float64Array;
  frames: number;
  bands: number;
  secondsPerFrame: number;
  /** Row labels: '' for the blank, then the alphabet. */
  classes: string[];
  characters: TimedCharacter[];
}

/**
 * The SpecAugment masks `lstm speech train` uses (and the FSDD results were measured with): two
 * bands of up to a fifth of the base features, two runs of up to 8 frames (80 ms) and at most a
 * fifth of the utterance each, so a short word is never erased whole.
 */
export function defaultSpecAugment(config: SpeechConfig): SpecAugmentOptions {
  const f = config.features;
  const base = f.kind === 'mfcc' ? f.mfccCount : f.melBands;
  return {
    frequencyMasks: 2,
    frequencyWidth: Math.max(1, Math.round(0.2 * base)),
    timeMasks: 2,
    timeWidth: 8,
    maxTimeFraction: 0.2,
  };
}

interface CheckedData {
  features: FeatureFrames[];
  labels: Int32Array[];
  steps: Int32Array;
}

export class SpeechRecognizer {
  readonly config: SpeechConfig;
  readonly arena: ParamArena;
  readonly kernels: Kernels;
  private readonly net: RecurrentHead;
  private readonly scratch: Scratch;
  /** While training with SpecAugment: the run's generator (masks); null otherwise. */
  private augmentRng: Rng | null = null;
  private augment: SpecAugmentOptions | null = null;

  constructor(opts: SpeechRecognizerOptions) {
    const where = 'SpeechRecognizer';
    this.config = resolveSpeechConfig(where, opts);
    const k = (this.kernels = opts.kernels ?? defaultKernels());
    this.arena = new ParamArena(k, speechParamSpecs(this.config));
    this.net = new RecurrentHead(k, this.arena, speechRecurrentOptions(this.config), this.classes);
    this.scratch = new Scratch(k);
    const rng = new Rng(checkInteger(where, 'seed', opts.seed ?? 1, 0, 2 ** 32 - 1));
    this.net.recurrent.init(rng);
    this.net.head.init(rng);
  }

  /** Output classes: the blank and the alphabet. */
  get classes(): number {
    return this.config.alphabet.length + 1;
  }

  get sampleRate(): number {
    return this.config.features.sampleRate;
  }

  /** Train on `train`, keeping the weights of the epoch with the lowest CTC loss on `valid`. */
  fit(train: Utterances, valid?: Utterances, opts: SpeechFitOptions = {}): FitHistory {
    const where = 'SpeechRecognizer.fit';
    const t = this.checked(where, train, true);
    const v = valid === undefined || valid.audio.length === 0 ? null : this.checked(where, valid, false);
    this.augment = opts.specAugment ?? null;
    try {
      return trainLoop(where, this.kernels, this.arena, t.steps, opts, {
        setTraining: (training, rng) => {
          this.net.recurrent.training = training;
          this.net.recurrent.setDropoutRng(rng);
          this.augmentRng = training ? rng : null;
        },
        step: (batch) => this.lossOfBatch(t, batch, true).mean,
        validate: () => (v === null ? Number.NaN : this.meanLoss(v)),
        ...(v === null ? {} : { validationLongest: Math.max(1, ...v.steps) }),
      });
    } finally {
      this.augment = null;
      this.augmentRng = null;
    }
  }

  /** The mean CTC loss per character over `data` (each utterance's loss / its length, averaged). */
  loss(data: Utterances): number {
    return this.meanLoss(this.checked('SpeechRecognizer.loss', data, false));
  }

  /** The gradient of the mean loss over `data` as one batch, left in arena.grads (zeroed first). */
  gradients(data: Utterances): number {
    const d = this.checked('SpeechRecognizer.gradients', data, false);
    this.arena.zeroGrads();
    this.net.recurrent.training = false;
    return this.lossOfBatch(
      d,
      Int32Array.from(d.features, (_, i) => i),
      true,
    ).mean;
  }

  /** Each recording's log-probabilities per step (what decoding reads). */
  scores(audio: readonly ArrayLike<number>[]): FrameScores[] {
    const features = featuresOf('SpeechRecognizer.scores', audio, this.config.features);
    const C = this.classes;
    const out = new Array<FrameScores>(features.length);
    const secondsPerStep = (this.config.stack * this.config.features.hopLength) / this.sampleRate;
    this.net.recurrent.training = false;
    const steps = features.map((f) => stackedSteps(f.frames, this.config.stack));
    for (const batch of evaluationBatches(steps.map((length) => ({ length })))) {
      const { logits } = this.forwardBatch(features, batch, false);
      const B = batch.length;
      batch.forEach((n, b) => {
        const T = steps[n] as number;
        const logProbs = new Float64Array(T * C);
        for (let t = 0; t < T; t++) logSoftmaxInto(logits, (t * B + b) * C, C, logProbs, t * C);
        out[n] = { steps: T, logProbs, secondsPerStep };
      });
    }
    return out;
  }

  /** Text for each recording, with every character's time from the CTC alignment. */
  transcribe(audio: readonly ArrayLike<number>[], opts: DecodeOptions = {}): Transcript[] {
    return this.scores(audio).map((s, i) =>
      this.decode(s, (audio[i] as ArrayLike<number>).length / this.sampleRate, opts),
    );
  }

  /** One recording's scores → its transcript (seconds: the recording's length, for clamping times). */
  private decode(s: FrameScores, seconds: number, opts: DecodeOptions): Transcript {
    const where = 'SpeechRecognizer.transcribe';
    const beam = checkInteger(where, 'beam', opts.beam ?? 1, 1, 1024);
    const nbest = checkInteger(where, 'nbest', opts.nbest ?? 1, 1, beam);
    const C = this.classes;
    const { alphabet } = this.config;
    const greedy = ctcGreedy(s.logProbs, s.steps, C);
    const hypotheses: CtcHypothesis[] =
      beam === 1 && opts.languageModel === undefined
        ? [greedy]
        : ctcBeamSearch(s.logProbs, s.steps, C, {
            beam,
            nbest,
            ...(opts.languageModel === undefined ? {} : { languageModel: opts.languageModel }),
          });
    const best = hypotheses[0] ?? { labels: [], frames: [], logProb: -Infinity };
    const timed = best === greedy ? greedy : { ...best, lastFrames: best.frames };
    return {
      text: decodeLabels(best.labels, alphabet),
      logProb: best.logProb,
      characters: this.timing(timed, s.secondsPerStep, seconds),
      alternatives: hypotheses.slice(1).map((h) => ({ text: decodeLabels(h.labels, alphabet), logProb: h.logProb })),
    };
  }

  /** One recording's spectrogram, posteriors and greedy transcript with timing, for a chart. */
  alignment(samples: ArrayLike<number>): SpeechAlignment {
    const features = resolveFeatureConfig('SpeechRecognizer.alignment', {
      ...this.config.features,
      kind: 'logmel',
      deltas: 0,
      cmvn: 'none',
    });
    const spectrogram = computeFeatures(samples, features);
    const scores = this.scores([samples])[0] as FrameScores;
    const transcript = this.decode(scores, samples.length / this.sampleRate, {});
    return {
      ...scores,
      spectrogram: spectrogram.values,
      frames: spectrogram.frames,
      bands: spectrogram.width,
      secondsPerFrame: features.hopLength / features.sampleRate,
      classes: ['', ...this.config.alphabet],
      characters: transcript.characters,
    };
  }

  /** Character and word error rates and exact-transcript accuracy over `data`. */
  evaluate(data: Utterances, opts: DecodeOptions = {}): SpeechReport {
    const where = 'SpeechRecognizer.evaluate';
    encodeTranscripts(where, data.texts, this.config.alphabet, data.describe);
    if (data.texts.length !== data.audio.length)
      throw new DataError(where, `${data.audio.length} recordings but ${data.texts.length} transcripts.`);
    const predictions = this.transcribe(data.audio, opts).map((t) => t.text);
    const chars = sequenceErrorRates(
      predictions.map((p) => [...p]),
      data.texts.map((r) => [[...r]]),
    );
    const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');
    const wordRates = sequenceErrorRates(
      predictions.map(words),
      data.texts.map((r) => [words(r)]),
    );
    return {
      characterErrorRate: chars.tokenErrorRate,
      wordErrorRate: wordRates.tokenErrorRate,
      accuracy: 1 - chars.sequenceErrorRate,
      utterances: predictions.length,
      predictions,
    };
  }

  /** Greedy (or beam) labels → characters with start/end seconds, clamped to the recording. */
  private timing(h: CtcHypothesis, secondsPerStep: number, seconds: number): TimedCharacter[] {
    const { alphabet, features } = this.config;
    const { hopLength, fftSize, center, sampleRate } = features;
    // a step's frames are centred hop apart; without padding, frame 0 is centred at fftSize/2
    const firstCentre = center ? 0 : fftSize / 2 / sampleRate;
    const halfHop = hopLength / 2 / sampleRate;
    const frameSeconds = hopLength / sampleRate;
    const s = this.config.stack;
    return h.labels.map((label, i) => {
      const first = h.frames[i] as number;
      const last = h.lastFrames?.[i] ?? first;
      const start = firstCentre + first * secondsPerStep - halfHop;
      const end = firstCentre + (last * s + s - 1) * frameSeconds + halfHop;
      return {
        char: alphabet[label - 1] ?? '',
        start: Math.min(seconds, Math.max(0, start)),
        end: Math.min(seconds, Math.max(0, end)),
      };
    });
  }

  private checked(where: string, data: Utterances, training: boolean): CheckedData {
    if (data === null || typeof data !== 'object')
      throw new DataError(where, 'expected { audio, texts }: recordings and their transcripts.');
    const describe = data.describe ?? ((i: number) => `utterance ${i}`);
    if (!Array.isArray(data.audio) || !Array.isArray(data.texts) || data.audio.length !== data.texts.length)
      throw new DataError(
        where,
        `expected as many transcripts as recordings; got ${data.audio?.length ?? 'no'} recordings and ` +
          `${data.texts?.length ?? 'no'} transcripts.`,
      );
    if (training && data.audio.length === 0) throw new DataError(where, 'there are no training utterances.');
    const labels = encodeTranscripts(where, data.texts, this.config.alphabet, describe);
    const features = featuresOf(where, data.audio, this.config.features, describe);
    const s = this.config.stack;
    const steps = Int32Array.from(features, (f) => stackedSteps(f.frames, s));
    labels.forEach((l, i) => {
      const needed = ctcMinimumSteps(l);
      if ((steps[i] as number) < needed)
        throw new DataError(
          where,
          `${describe(i)} gives ${steps[i]} steps (${features[i]?.frames} frames, ${s} per step) but its ` +
            `transcript ${JSON.stringify(data.texts[i])} needs at least ${needed}; ` +
            'the recording is too short for its text, or the stack too large.',
        );
    });
    return { features, labels, steps };
  }

  /** Utterances features[batch[b]] → logits (T, B, A + 1), a view valid until the next forward. */
  private forwardBatch(
    features: readonly FeatureFrames[],
    batch: ArrayLike<number>,
    augment: boolean,
  ): { logits: Floats; T: number; lengths: Int32Array } {
    const B = batch.length;
    const s = this.config.stack;
    const W = stepWidth(this.config) / s;
    const D = W * s;
    const lengths = new Int32Array(B);
    for (let b = 0; b < B; b++) lengths[b] = stackedSteps((features[batch[b] as number] as FeatureFrames).frames, s);
    const T = Math.max(...lengths);
    const x = this.scratch.zeros('x', T * B * D);
    for (let b = 0; b < B; b++) {
      let f = features[batch[b] as number] as FeatureFrames;
      if (augment && this.augment !== null && this.augmentRng !== null) {
        const values = f.values.slice();
        // a band masks the base features and their deltas alike
        const blocks = this.augment.blocks ?? 1 + this.config.features.deltas;
        specAugment(values, f.frames, W, { ...this.augment, blocks }, this.augmentRng);
        f = { frames: f.frames, values };
      }
      stackInto(f, W, s, x, b * D, B * D);
    }
    return { logits: this.net.forward(x, T, B, lengths, 'steps'), T, lengths };
  }

  /** The batch's summed per-character losses; with `backward`, the mean's gradient into arena.grads. */
  private lossOfBatch(d: CheckedData, batch: Int32Array, backward: boolean): { sum: number; mean: number } {
    const B = batch.length;
    const C = this.classes;
    const { logits, T, lengths } = this.forwardBatch(d.features, batch, backward);
    let S = 0;
    for (const n of batch) S = Math.max(S, (d.labels[n] as Int32Array).length);
    const targets = new Int32Array(B * Math.max(S, 1));
    const targetLengths = new Int32Array(B);
    batch.forEach((n, b) => {
      const l = d.labels[n] as Int32Array;
      targets.set(l, b * S);
      targetLengths[b] = l.length;
    });
    const dLogits = backward ? this.scratch.get('dLogits', T * B * C) : null;
    const { loss } = ctcLoss(logits, T, B, C, lengths, targets, S, targetLengths, { reduction: 'mean' }, dLogits);
    if (dLogits !== null) this.net.backward(dLogits);
    return { sum: loss * B, mean: loss };
  }

  private meanLoss(d: CheckedData): number {
    let sum = 0;
    this.net.recurrent.training = false;
    for (const batch of evaluationBatches(Array.from(d.steps, (length) => ({ length })))) {
      sum += this.lossOfBatch(d, batch, false).sum;
    }
    return sum / d.features.length;
  }
}
