/**
 * A sequence tagger: a class at every step of a sequence (per-step labelling).
 *   input → x (T, B, D) → recurrent stack → y (T, B, dirs·R) → Linear at every step (RecurrentHead,
 *   read-out 'steps') → logits (T, B, K) → softmax per step
 * Labels are one class id per step, −1 for a step without a label; steps past a sequence's end
 * are padding and carry −1, so the loss (class-weighted cross-entropy, mean over labelled steps)
 * and the metrics (accuracy, confusion matrix over labelled steps) never see them.
 */
import { type FitHistory, type SequenceFitOptions, trainLoop } from './sequence-training.js';
import { evaluationBatches } from '../data/batches.js';
import { checkClassCounts, checkLabels } from '../data/labels.js';
import { type EncodedSequence, encodeSequences, type SequenceInput } from '../data/sequence-input.js';
import type { TokenVocab } from '../data/token-vocab.js';
import { checkInteger, DataError } from '../errors.js';
import { defaultKernels, type Floats, type Kernels } from '../kernels/index.js';
import { type ClassWeights, resolveClassWeights } from '../loss/class-weights.js';
import { type ClassificationReport, classificationReport } from '../loss/classification-metrics.js';
import { softmaxInto } from '../loss/softmax.js';
import { weightedCrossEntropy } from '../loss/weighted-cross-entropy.js';
import { ParamArena } from '../nn/params.js';
import { RecurrentHead } from '../nn/recurrent-head.js';
import { Scratch } from '../nn/scratch.js';
import { Rng } from '../rng.js';
import {
  recurrentOptionsOf,
  resolveSequenceConfig,
  sequenceParamSpecs,
  type SequenceModelConfig,
  type SequenceModelOptions,
} from './sequence-config.js';
import { InputLayer } from './sequence-input-layer.js';

export interface SequenceTaggerOptions extends SequenceModelOptions {
  /** Seeds the initial weights (default 1). */
  seed?: number | undefined;
  kernels?: Kernels | undefined;
}

/** Sequences and a label per step of each (−1: no label); `describe(i)` names sequence i in messages. */
export interface TaggedSequences {
  inputs: readonly SequenceInput[];
  labels: readonly ArrayLike<number>[];
  describe?: ((i: number) => string) | undefined;
}

/** Encoded sequences with their labels flattened in order (sequence i's at offsets[i] …). */
interface CheckedData {
  seqs: EncodedSequence[];
  flat: Int32Array;
  offsets: Int32Array;
}

export class SequenceTagger {
  readonly config: SequenceModelConfig;
  readonly vocab: TokenVocab | null;
  readonly arena: ParamArena;
  readonly kernels: Kernels;
  private readonly input: InputLayer;
  private readonly net: RecurrentHead;
  private readonly scratch: Scratch;

  constructor(opts: SequenceTaggerOptions) {
    const where = 'SequenceTagger';
    this.config = resolveSequenceConfig(where, opts);
    this.vocab = opts.vocab ?? null;
    const k = (this.kernels = opts.kernels ?? defaultKernels());
    const rec = recurrentOptionsOf(this.config);
    const K = this.config.classes.length;
    this.arena = new ParamArena(k, sequenceParamSpecs(this.config));
    this.input = new InputLayer(k, this.arena, this.config.input);
    this.net = new RecurrentHead(k, this.arena, rec, K);
    this.scratch = new Scratch(k);
    const rng = new Rng(checkInteger(where, 'seed', opts.seed ?? 1, 0, 2 ** 32 - 1));
    this.input.init(rng);
    this.net.recurrent.init(rng);
    this.net.head.init(rng);
  }

  get classes(): readonly string[] {
    return this.config.classes;
  }

  /** Train on `train`, keeping the weights of the epoch with the lowest loss on `valid`. */
  fit(train: TaggedSequences, valid?: TaggedSequences, opts: SequenceFitOptions = {}): FitHistory {
    const where = 'SequenceTagger.fit';
    const t = this.checked(where, train, true);
    const v = valid === undefined || valid.inputs.length === 0 ? null : this.checked(where, valid, false);
    const weights = resolveClassWeights(where, opts.classWeights, t.flat, this.classes);
    return trainLoop(
      where,
      this.kernels,
      this.arena,
      t.seqs.map((s) => s.length),
      opts,
      {
        setTraining: (training, rng) => {
          this.net.recurrent.training = training;
          this.net.recurrent.setDropoutRng(rng);
        },
        step: (batch) => this.lossOfBatch(t, batch, weights, true).mean,
        validate: () => (v === null ? Number.NaN : this.meanLoss(v, weights)),
        ...(v === null ? {} : { validationLongest: v.seqs.reduce((m, s) => Math.max(m, s.length), 1) }),
      },
    );
  }

  /** The mean (class-weighted) cross-entropy over the labelled steps, in nats. */
  loss(data: TaggedSequences, classWeights?: ClassWeights): number {
    const where = 'SequenceTagger.loss';
    const d = this.checked(where, data, false);
    return this.meanLoss(d, resolveClassWeights(where, classWeights, d.flat, this.classes));
  }

  /** The gradient of the mean loss over `data` as one batch, left in arena.grads (zeroed first); returns the loss. */
  gradients(data: TaggedSequences, classWeights?: ClassWeights): number {
    const where = 'SequenceTagger.gradients';
    const d = this.checked(where, data, false);
    this.arena.zeroGrads();
    const batch = Int32Array.from(d.seqs, (_, i) => i);
    return this.lossOfBatch(d, batch, resolveClassWeights(where, classWeights, d.flat, this.classes), true).mean;
  }

  /** For every input, the class probabilities (K, summing to 1) at each of its steps. */
  predictProba(inputs: readonly SequenceInput[]): Float64Array[][] {
    const seqs = encodeSequences('SequenceTagger.predictProba', inputs, this.config.input, this.vocab);
    const K = this.classes.length;
    const out = new Array<Float64Array[]>(seqs.length);
    this.net.recurrent.training = false;
    for (const batch of evaluationBatches(seqs)) {
      const logits = this.forwardBatch(seqs, batch);
      batch.forEach((n, b) => {
        out[n] = Array.from({ length: (seqs[n] as EncodedSequence).length }, (_, t) => {
          const p = new Float64Array(K);
          softmaxInto(logits, (t * batch.length + b) * K, K, p);
          return p;
        });
      });
    }
    return out;
  }

  /** The most probable class at every step of every input. */
  predict(inputs: readonly SequenceInput[]): Int32Array[] {
    return this.predictProba(inputs).map((steps) => Int32Array.from(steps, (p) => p.indexOf(Math.max(...p))));
  }

  /** Accuracy, per-class scores and the confusion matrix over every labelled step. */
  evaluate(data: TaggedSequences): ClassificationReport {
    const d = this.checked('SequenceTagger.evaluate', data, false);
    const predicted = this.predict(data.inputs);
    const [actual, guessed] = [[] as number[], [] as number[]];
    predicted.forEach((steps, i) =>
      steps.forEach((p, t) => {
        const y = d.flat[(d.offsets[i] as number) + t] as number;
        if (y < 0) return;
        actual.push(y);
        guessed.push(p);
      }),
    );
    return classificationReport(actual, guessed, this.classes.length);
  }

  private checked(where: string, data: TaggedSequences, training: boolean): CheckedData {
    const describe = data.describe ?? ((i: number) => `sequence ${i}`);
    if (data.inputs.length !== data.labels.length)
      throw new DataError(
        where,
        `${data.inputs.length} inputs but ${data.labels.length} label sequences; they must pair up.`,
      );
    if (training && data.inputs.length === 0) throw new DataError(where, 'there are no training sequences.');
    const seqs = encodeSequences(where, data.inputs, this.config.input, this.vocab);
    const offsets = new Int32Array(seqs.length + 1);
    seqs.forEach((s, i) => {
      const n = (data.labels[i] as ArrayLike<number> | undefined)?.length;
      if (n !== s.length)
        throw new DataError(
          where,
          `${describe(i)} has ${s.length} steps but ${n ?? 'no'} labels; it needs one label per step (−1 for none).`,
        );
      offsets[i + 1] = (offsets[i] as number) + n;
    });
    const flat = new Int32Array(offsets[seqs.length] as number);
    data.labels.forEach((l, i) => flat.set(Array.from(l), offsets[i]));
    const at = (n: number): string => {
      let i = 0;
      while ((offsets[i + 1] as number) <= n) i++;
      return `${describe(i)}, step ${n - (offsets[i] as number)}`;
    };
    checkLabels(
      where,
      data.labels.flatMap((l) => Array.from(l)),
      this.classes,
      at,
      true,
    );
    if (training) checkClassCounts(where, flat, this.classes, at);
    return { seqs, flat, offsets };
  }

  /** Sequences seqs[batch[b]] → logits (T, B, K), a view valid until the next forward. */
  private forwardBatch(seqs: readonly EncodedSequence[], batch: ArrayLike<number>): Floats {
    const { x, T, B, lengths } = this.input.forward(seqs, batch);
    return this.net.forward(x, T, B, lengths, 'steps');
  }

  /** The batch's loss sum and weight; with `backward`, the mean's gradient accumulated into arena.grads. */
  private lossOfBatch(
    d: CheckedData,
    batch: Int32Array,
    weights: Float64Array | null,
    backward: boolean,
  ): { sum: number; weight: number; mean: number } {
    const K = this.classes.length;
    const B = batch.length;
    const logits = this.forwardBatch(d.seqs, batch);
    const T = logits.length / (B * K);
    const target = new Int32Array(T * B).fill(-1); // (T, B): −1 past each end
    batch.forEach((n, b) => {
      for (let t = 0; t < (d.seqs[n] as EncodedSequence).length; t++)
        target[t * B + b] = d.flat[(d.offsets[n] as number) + t] as number;
    });
    const dLogits = backward ? this.scratch.get('dLogits', T * B * K) : null;
    const { sum, weight } = weightedCrossEntropy(logits, target, T * B, K, weights, dLogits);
    if (dLogits !== null) this.input.backward(this.net.backward(dLogits));
    return { sum, weight, mean: weight === 0 ? 0 : sum / weight };
  }

  private meanLoss(d: CheckedData, weights: Float64Array | null): number {
    let [sum, weight] = [0, 0];
    this.net.recurrent.training = false;
    for (const batch of evaluationBatches(d.seqs)) {
      const r = this.lossOfBatch(d, batch, weights, false);
      sum += r.sum;
      weight += r.weight;
    }
    return sum / weight;
  }
}
