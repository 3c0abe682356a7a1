/**
 * A sequence classifier: one class per sequence, as probabilities.
 *   input (texts, token ids or numeric steps) → x (T, B, D) (embedding for tokens)
 *   → recurrent stack (LSTM by default; stacked, bidirectional, variable lengths) → y (T, B, dirs·R)
 *   → pooling over each sequence's own length ('last', 'mean', 'max') → (B, dirs·R)
 *   → Linear → logits (B, K) → softmax: class probabilities
 * Long inputs can be read whole in chunks (chunkLength): every chunk of chunkLength steps is an
 * example of its sequence's class while training, and a sequence's probabilities are the softmax
 * of the mean over its chunks of their log-probabilities (a geometric mean), so every part of a
 * long text counts, not only its beginning.
 * With bagOfTokens (token input), a bag of the tokens of each sequence (or chunk) is added to its
 * logits through its own linear map (src/nn/bag-of-tokens.ts), learned jointly: which words occur,
 * beside what their order says.
 * Trained with class-weighted softmax cross-entropy (src/loss/weighted-cross-entropy.ts) by the shared loop
 * (src/models/sequence-training.ts). Parameters: embedding.weight, lstm.weight_ih_l0 …, head.weight,
 * head.bias (and bag.weight).
 */
import { type FitHistory, type SequenceFitOptions, trainLoop } from './sequence-training.js';
import { evaluationBatches } from '../data/batches.js';
import { checkClassCounts, checkLabels } from '../data/labels.js';
import { type EncodedSequence, encodeSequences, type SequenceInput } from '../data/sequence-input.js';
import { TokenVocab } from '../data/token-vocab.js';
import { checkInteger, ConfigError, DataError } from '../errors.js';
import { defaultKernels, type Floats, type Kernels } from '../kernels/index.js';
import { type ClassWeights, resolveClassWeights } from '../loss/class-weights.js';
import { type ClassificationReport, classificationReport } from '../loss/classification-metrics.js';
import { softmaxInto } from '../loss/softmax.js';
import { weightedCrossEntropy, type WeightedLoss } from '../loss/weighted-cross-entropy.js';
import { BagOfTokens } from '../nn/bag-of-tokens.js';
import { Linear } from '../nn/linear.js';
import { ParamArena } from '../nn/params.js';
import { checkPooling, type Pooling, TimePooling } from '../nn/pooling.js';
import { Recurrent } from '../nn/recurrent.js';
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

export interface SequenceClassifierOptions extends SequenceModelOptions {
  /** How the outputs over time become one row per sequence (default 'last'). */
  pooling?: Pooling | undefined;
  /** Read at most the first maxLength steps (tokens) of each sequence (default: all). */
  maxLength?: number | undefined;
  /** Read each sequence in chunks of this many steps, pooled over the chunks (default: whole). */
  chunkLength?: number | undefined;
  /** Add a bag of the tokens read to the logits, learned jointly (token input; default false). */
  bagOfTokens?: boolean | undefined;
  /** Seeds the initial weights (default 1). */
  seed?: number | undefined;
  kernels?: Kernels | undefined;
}

export interface SequenceClassifierConfig extends SequenceModelConfig {
  pooling: Pooling;
  maxLength: number | null;
  chunkLength: number | null;
  bagOfTokens: boolean;
}

/** Sequences and their class ids; `describe(n)` names example n in messages (default "example n"). */
export interface LabelledSequences {
  inputs: readonly SequenceInput[];
  labels: ArrayLike<number>;
  describe?: ((n: number) => string) | undefined;
}

export class SequenceClassifier {
  readonly config: SequenceClassifierConfig;
  readonly vocab: TokenVocab | null;
  readonly arena: ParamArena;
  readonly kernels: Kernels;
  private readonly input: InputLayer;
  private readonly recurrent: Recurrent;
  private readonly pooling: TimePooling;
  private readonly head: Linear;
  private readonly bag: BagOfTokens | null;
  private readonly scratch: Scratch;

  constructor(opts: SequenceClassifierOptions) {
    const where = 'SequenceClassifier';
    const base = resolveSequenceConfig(where, opts);
    const maxLength = opts.maxLength === undefined ? null : checkInteger(where, 'maxLength', opts.maxLength, 1);
    const chunkLength = opts.chunkLength === undefined ? null : checkInteger(where, 'chunkLength', opts.chunkLength, 1);
    const bagOfTokens = opts.bagOfTokens ?? false;
    if (typeof bagOfTokens !== 'boolean')
      throw new ConfigError(where, `bagOfTokens must be true or false; got ${JSON.stringify(bagOfTokens)}.`);
    if (bagOfTokens && base.input.kind !== 'tokens')
      throw new ConfigError(where, 'bagOfTokens needs token input (a vocab or vocabSize); this model reads numbers.');
    this.config = {
      ...base,
      pooling: checkPooling(where, opts.pooling ?? 'last'),
      maxLength,
      chunkLength,
      bagOfTokens,
    };
    this.vocab = opts.vocab ?? null;
    const k = (this.kernels = opts.kernels ?? defaultKernels());
    const rec = recurrentOptionsOf(base);
    const dirs = base.bidirectional ? 2 : 1;
    const K = base.classes.length;
    this.arena = new ParamArena(k, sequenceParamSpecs(base, bagOfTokens));
    this.input = new InputLayer(k, this.arena, base.input);
    this.recurrent = new Recurrent(k, this.arena, rec);
    this.pooling = new TimePooling(k, this.config.pooling, dirs, this.recurrent.stateSize);
    this.head = new Linear(k, this.arena, 'head.', this.pooling.width, K);
    // a vocabulary's padding and unknown ids (0, 1) say nothing about a text's class; raw ids all count
    const firstCounted = this.vocab === null ? 0 : TokenVocab.UNKNOWN_ID + 1;
    this.bag =
      bagOfTokens && base.input.kind === 'tokens'
        ? new BagOfTokens(this.arena, 'bag.', base.input.vocabSize, K, firstCounted)
        : null;
    this.scratch = new Scratch(k);
    const rng = new Rng(checkInteger(where, 'seed', opts.seed ?? 1, 0, 2 ** 32 - 1));
    this.input.init(rng);
    this.recurrent.init(rng);
    this.head.init(rng);
    this.bag?.init();
  }

  get classes(): readonly string[] {
    return this.config.classes;
  }

  /** Train on `train`, keeping the weights of the epoch with the lowest loss on `valid`. */
  fit(train: LabelledSequences, valid?: LabelledSequences, opts: SequenceFitOptions = {}): FitHistory {
    const where = 'SequenceClassifier.fit';
    const weights = resolveClassWeights(where, opts.classWeights, train.labels, this.classes);
    const t = this.chunked(this.checked(where, train, true), train.labels);
    const v =
      valid === undefined || valid.inputs.length === 0
        ? null
        : this.chunked(this.checked(where, valid, false), valid.labels);
    const trainSeqs = t.seqs;
    const validSeqs = v?.seqs ?? null;
    const validWhole = v === null ? null : this.checked(where, valid as LabelledSequences, false);
    const lengths = trainSeqs.map((s) => s.length);
    return trainLoop(where, this.kernels, this.arena, lengths, opts, {
      setTraining: (training, rng) => {
        this.recurrent.training = training;
        this.recurrent.setDropoutRng(rng);
      },
      step: (batch) => {
        const { sum, weight } = this.batchLoss(trainSeqs, batch, t.labels, weights, true);
        return sum / weight;
      },
      validate: () =>
        v === null
          ? Number.NaN
          : this.config.chunkLength === null
            ? this.meanLoss(v.seqs, v.labels, weights)
            : this.pooledLoss(validWhole as EncodedSequence[], (valid as LabelledSequences).labels, weights),
      ...(validSeqs === null ? {} : { validationLongest: validSeqs.reduce((m, s) => Math.max(m, s.length), 1) }),
    });
  }

  /** The mean (class-weighted) cross-entropy on labelled sequences (with chunks: over chunks), in nats. */
  loss(data: LabelledSequences, classWeights?: ClassWeights): number {
    const { seqs, labels } = this.chunked(this.checked('SequenceClassifier.loss', data, false), data.labels);
    return this.meanLoss(
      seqs,
      labels,
      resolveClassWeights('SequenceClassifier.loss', classWeights, data.labels, this.classes),
    );
  }

  /**
   * The gradient of the mean loss over `data` as one batch, left in arena.grads (zeroed first);
   * returns the loss. For gradient checks and custom training loops.
   */
  gradients(data: LabelledSequences, classWeights?: ClassWeights): number {
    const where = 'SequenceClassifier.gradients';
    const { seqs, labels } = this.chunked(this.checked(where, data, false), data.labels);
    const weights = resolveClassWeights(where, classWeights, data.labels, this.classes);
    this.arena.zeroGrads();
    const { sum, weight } = this.batchLoss(
      seqs,
      Int32Array.from(seqs, (_, i) => i),
      labels,
      weights,
      true,
    );
    return sum / weight;
  }

  /** Class probabilities (K, summing to 1) of every input. */
  predictProba(inputs: readonly SequenceInput[]): Float64Array[] {
    return this.probabilities(this.encode('SequenceClassifier.predictProba', inputs));
  }

  /** Class probabilities of encoded sequences (with chunks: pooled over each one's chunks). */
  private probabilities(whole: EncodedSequence[]): Float64Array[] {
    const K = this.classes.length;
    this.recurrent.training = false;
    if (this.config.chunkLength === null) {
      const out = new Array<Float64Array>(whole.length);
      for (const batch of evaluationBatches(whole)) {
        const logits = this.forwardBatch(whole, batch);
        batch.forEach((n, b) => softmaxInto(logits, b * K, K, (out[n] = new Float64Array(K))));
      }
      return out;
    }
    const { seqs, owners } = this.chunked(whole, null);
    // per input: the sum over its chunks of their log-probabilities, and how many chunks
    const sums = whole.map(() => new Float64Array(K));
    const counts = new Int32Array(whole.length);
    const p = new Float64Array(K);
    for (const batch of evaluationBatches(seqs)) {
      const logits = this.forwardBatch(seqs, batch);
      batch.forEach((n, b) => {
        softmaxInto(logits, b * K, K, p);
        const owner = owners[n] as number;
        const sum = sums[owner] as Float64Array;
        for (let k = 0; k < K; k++) sum[k] = (sum[k] as number) + Math.log(Math.max(p[k] as number, 1e-300));
        counts[owner] = (counts[owner] as number) + 1;
      });
    }
    return sums.map((sum, i) => {
      const out = new Float64Array(K);
      softmaxInto(
        sum.map((v) => v / (counts[i] as number)),
        0,
        K,
        out,
      );
      return out;
    });
  }

  /** The most probable class id of every input. */
  predict(inputs: readonly SequenceInput[]): Int32Array {
    return Int32Array.from(this.predictProba(inputs), (p) => p.indexOf(Math.max(...p)));
  }

  /** Accuracy, per-class precision / recall / F1 and the confusion matrix on labelled sequences. */
  evaluate(data: LabelledSequences): ClassificationReport {
    const where = 'SequenceClassifier.evaluate';
    if (data.inputs.length !== data.labels.length)
      throw new DataError(where, `${data.inputs.length} inputs but ${data.labels.length} labels; they must pair up.`);
    checkLabels(where, data.labels, this.classes, data.describe ?? ((n) => `example ${n}`));
    return classificationReport(data.labels, this.predict(data.inputs), this.classes.length);
  }

  /**
   * The mean (class-weighted) cross-entropy of the pooled probabilities: with chunks, early
   * stopping judges whole sequences, as predictions do, not the chunks (a chunk of a spam message
   * may read like ham).
   */
  private pooledLoss(whole: EncodedSequence[], labels: ArrayLike<number>, weights: Float64Array | null): number {
    let [sum, total] = [0, 0];
    this.probabilities(whole).forEach((p, i) => {
      const y = labels[i] as number;
      const w = weights === null ? 1 : (weights[y] as number);
      sum -= w * Math.log(Math.max(p[y] as number, 1e-300));
      total += w;
    });
    return sum / total;
  }

  /**
   * With chunkLength, every sequence cut into consecutive chunks (the last may be shorter), each
   * labelled with its sequence's class; owners[c] is chunk c's sequence. Without, the sequences.
   */
  private chunked(
    seqs: EncodedSequence[],
    labels: ArrayLike<number> | null,
  ): { seqs: EncodedSequence[]; labels: Int32Array; owners: Int32Array } {
    const C = this.config.chunkLength;
    if (C === null)
      return {
        seqs,
        labels: labels === null ? new Int32Array(0) : Int32Array.from(labels),
        owners: Int32Array.from(seqs, (_, i) => i),
      };
    const F = this.config.input.kind === 'numeric' ? this.config.input.features : 1;
    const parts: EncodedSequence[] = [];
    const owners: number[] = [];
    seqs.forEach((seq, i) => {
      for (let start = 0; start < seq.length; start += C) {
        const end = Math.min(seq.length, start + C);
        parts.push({
          length: end - start,
          ids: seq.ids === null ? null : seq.ids.subarray(start, end),
          values: seq.values === null ? null : seq.values.subarray(start * F, end * F),
        });
        owners.push(i);
      }
    });
    const owner = Int32Array.from(owners);
    return {
      seqs: parts,
      labels: labels === null ? new Int32Array(0) : Int32Array.from(owner, (i) => labels[i] as number),
      owners: owner,
    };
  }

  private encode(where: string, inputs: readonly SequenceInput[]): EncodedSequence[] {
    return encodeSequences(where, inputs, this.config.input, this.vocab, this.config.maxLength ?? undefined);
  }

  private checked(where: string, data: LabelledSequences, training: boolean): EncodedSequence[] {
    const describe = data.describe ?? ((n: number) => `example ${n}`);
    if (data.inputs.length !== data.labels.length)
      throw new DataError(where, `${data.inputs.length} inputs but ${data.labels.length} labels; they must pair up.`);
    if (training && data.inputs.length === 0) throw new DataError(where, 'there are no training examples.');
    checkLabels(where, data.labels, this.classes, describe);
    if (training) checkClassCounts(where, data.labels, this.classes, describe);
    return this.encode(where, data.inputs);
  }

  /** Sequences seqs[batch[b]] → logits (B, K), a view valid until the next forward. */
  private forwardBatch(seqs: readonly EncodedSequence[], batch: ArrayLike<number>): Floats {
    const { x, T, B, lengths } = this.input.forward(seqs, batch);
    const { y } = this.recurrent.forward(x, T, B, null, null, lengths);
    const logits = this.head.forward(this.pooling.forward(y, T, B, lengths), B);
    this.bag?.forward(
      Array.from(batch, (n) => (seqs[n] as EncodedSequence).ids as Int32Array),
      logits,
    );
    return logits;
  }

  /** The batch's weighted loss sum and weight; with `backward`, the mean's gradient accumulated into arena.grads. */
  private batchLoss(
    seqs: readonly EncodedSequence[],
    batch: Int32Array,
    labels: ArrayLike<number>,
    weights: Float64Array | null,
    backward: boolean,
  ): WeightedLoss {
    const K = this.classes.length;
    const B = batch.length;
    const logits = this.forwardBatch(seqs, batch);
    const y = Int32Array.from(batch, (n) => labels[n] as number);
    const dLogits = backward ? this.scratch.get('dLogits', B * K) : null;
    const loss = weightedCrossEntropy(logits, y, B, K, weights, dLogits);
    if (dLogits !== null) this.bag?.backward(dLogits);
    if (dLogits !== null)
      this.input.backward(this.recurrent.backward(this.pooling.backward(this.head.backward(dLogits))).dx);
    return loss;
  }

  private meanLoss(seqs: readonly EncodedSequence[], labels: ArrayLike<number>, weights: Float64Array | null): number {
    let [sum, weight] = [0, 0];
    this.recurrent.training = false;
    for (const batch of evaluationBatches(seqs)) {
      const r = this.batchLoss(seqs, batch, labels, weights, false);
      sum += r.sum;
      weight += r.weight;
    }
    return sum / weight;
  }
}
