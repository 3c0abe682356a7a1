/**
 * The encoder–decoder network of Seq2Seq, with attention and input feeding (Luong et al. 2015):
 *
 *   source ids (Ts, B) → embedding (E) → encoder Recurrent (bidirectional by default) → memory
 *     M (Ts, B, Hm = dirs·He), final states
 *   bridge: decoder layer l starts from encoder layer min(l, Le − 1)'s final states, directions
 *     concatenated: h0 = tanh(W_h [h→; h←] + b_h), c0 = W_c [c→; c←] + b_c
 *   decoder, step t (RecurrentSteps, an LSTM stack): x_t = [embedding(y_{t−1}); h̃_{t−1}] (input
 *     feeding; h̃_{−1} = 0) → h_t; context c_t = attention(h_t, M); h̃_t = tanh(W_a [c_t; h_t] + b_a)
 *     (without attention h̃_t = h_t and nothing is fed)
 *   logits_t = W_o dropout(h̃_t) + b_o  (Vt);  loss: label-smoothed cross-entropy over the real
 *     target positions (padding −1)
 *
 * All arrays are time-major, as Recurrent's. The training step is forward then backward, which
 * accumulates every parameter's gradient into the arena; decoding (greedy, beam) uses the same
 * pieces step by step.
 */
import { ConfigError, ShapeError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import { smoothedCrossEntropy } from '../loss/smoothed-cross-entropy.js';
import { type BridgeSizes, Seq2SeqBridge } from './seq2seq-bridge.js';
import { Attention, type AttentionKind } from '../nn/attention.js';
import type { CellKind } from '../nn/cell-config.js';
import { Embedding } from '../nn/embedding.js';
import { initUniform } from '../nn/init.js';
import { Linear } from '../nn/linear.js';
import type { ParamArena, ParamSpec } from '../nn/params.js';
import { Recurrent, type RecurrentState } from '../nn/recurrent.js';
import { RecurrentSteps } from '../nn/recurrent-steps.js';
import { Scratch } from '../nn/scratch.js';
import { dropoutMask } from '../nn/sequence-order.js';
import { Rng } from '../rng.js';

export interface Seq2SeqNetworkOptions {
  sourceVocab: number;
  targetVocab: number;
  embeddingSize: number;
  encoderKind?: CellKind;
  encoderHidden: number;
  encoderLayers?: number;
  /** Default true. */
  bidirectional?: boolean;
  decoderHidden: number;
  decoderLayers?: number;
  /** 'none' for a plain encoder–decoder (the final states only). */
  attention: AttentionKind | 'none';
  /** Dropout between recurrent layers and on h̃ before the output layer, while training. */
  dropout?: number;
}

/** A batch: source (Ts, B) ids with lengths; decoder inputs and targets (Tt, B), targets −1 at padding. */
export interface Seq2SeqBatch {
  source: Int32Array;
  sourceLengths: Int32Array;
  Ts: number;
  targetIn: Int32Array;
  targetOut: Int32Array;
  Tt: number;
  B: number;
}

export class Seq2SeqNetwork {
  readonly encoder: Recurrent;
  readonly decoder: Recurrent;
  readonly attention: Attention | null;
  private readonly sourceEmbedding: Embedding;
  private readonly targetEmbedding: Embedding;
  private readonly bridge: Seq2SeqBridge;
  private readonly output: Linear;
  private readonly steps: RecurrentSteps;
  private readonly scratch: Scratch;
  private readonly combineW: Floats | null;
  private readonly combineB: Floats | null;
  private readonly dCombineW: Floats | null;
  private readonly dCombineB: Floats | null;
  private rng = new Rng(1);
  private last: Seq2SeqBatch | undefined;
  training = false;

  static paramSpecs(o: Seq2SeqNetworkOptions): ParamSpec[] {
    const { E, Hd, Ld, memory } = sizes(o);
    const feed = o.attention === 'none' ? 0 : Hd;
    const specs: ParamSpec[] = [
      ...Embedding.paramSpecs('source.embedding', o.sourceVocab, E),
      ...Recurrent.paramSpecs(encoderOptions(o)),
      ...Seq2SeqBridge.paramSpecs(bridgeSizes(o)),
      ...Embedding.paramSpecs('target.embedding', o.targetVocab, E),
      ...Recurrent.paramSpecs({ kind: 'lstm', inputSize: E + feed, hiddenSize: Hd, numLayers: Ld, prefix: 'decoder.' }),
    ];
    if (o.attention !== 'none') {
      specs.push(...Attention.paramSpecs('attention.', { kind: o.attention, querySize: Hd, memorySize: memory }));
      specs.push({ name: 'combine.weight', shape: [Hd, memory + Hd] }, { name: 'combine.bias', shape: [Hd] });
    }
    specs.push(...Linear.paramSpecs('output.', Hd, o.targetVocab));
    return specs;
  }

  constructor(
    private readonly k: Kernels,
    private readonly arena: ParamArena,
    readonly options: Seq2SeqNetworkOptions,
  ) {
    const { E, Hd, Ld, memory } = sizes(options);
    const feed = options.attention === 'none' ? 0 : Hd;
    this.sourceEmbedding = new Embedding(k, arena, 'source.embedding', options.sourceVocab, E);
    this.encoder = new Recurrent(k, arena, encoderOptions(options));
    this.bridge = new Seq2SeqBridge(k, arena, bridgeSizes(options));
    this.targetEmbedding = new Embedding(k, arena, 'target.embedding', options.targetVocab, E);
    this.decoder = new Recurrent(k, arena, {
      kind: 'lstm',
      inputSize: E + feed,
      hiddenSize: Hd,
      numLayers: Ld,
      dropout: options.dropout ?? 0,
      prefix: 'decoder.',
    });
    this.steps = new RecurrentSteps(this.decoder);
    const attention = options.attention;
    this.attention =
      attention === 'none'
        ? null
        : new Attention(k, arena, 'attention.', { kind: attention, querySize: Hd, memorySize: memory });
    this.combineW = attention === 'none' ? null : arena.value('combine.weight');
    this.combineB = attention === 'none' ? null : arena.value('combine.bias');
    this.dCombineW = attention === 'none' ? null : arena.grad('combine.weight');
    this.dCombineB = attention === 'none' ? null : arena.grad('combine.bias');
    this.output = new Linear(k, arena, 'output.', Hd, options.targetVocab);
    this.scratch = new Scratch(k);
  }

  /** PyTorch's defaults layer by layer (embeddings N(0, 1), recurrent and linear U(±1/√fan_in)). */
  init(rng: Rng): void {
    this.sourceEmbedding.init(rng);
    this.targetEmbedding.init(rng);
    this.encoder.init(rng);
    this.decoder.init(rng);
    this.bridge.init(rng);
    this.attention?.init(rng);
    if (this.combineW !== null && this.combineB !== null) {
      const bound = 1 / Math.sqrt(this.combineW.length / this.combineB.length);
      initUniform(this.combineW, rng, bound);
      initUniform(this.combineB, rng, bound);
    }
    this.output.init(rng);
  }

  /** The random source of every dropout mask (seed it for reproducible training). */
  setDropoutRng(rng: Rng): void {
    this.rng = rng;
    this.encoder.setDropoutRng(rng);
    this.decoder.setDropoutRng(rng);
  }

  /**
   * Forward of a batch with teacher forcing: the summed smoothed loss and the number of target
   * positions (the mean is sum / count). Keeps what backward needs. While training, `sampling` is
   * the scheduled-sampling probability (Bengio et al. 2015): each decoder input after the first is,
   * with that probability, the token the model itself ranked first at the step before instead of
   * the reference token (no gradient flows through that choice).
   */
  forward(batch: Seq2SeqBatch, smoothing = 0, sampling = 0): { sum: number; count: number } {
    checkBatch(batch, this.options);
    if (!(sampling >= 0 && sampling <= 1))
      throw new ConfigError('Seq2Seq', `the scheduled-sampling probability must be in [0, 1]; got ${sampling}.`);
    this.last = batch;
    const logits = this.decode(batch, this.training ? sampling : 0);
    const { Tt, B } = batch;
    const V = this.options.targetVocab;
    return smoothedCrossEntropy(logits, batch.targetOut, Tt * B, V, smoothing);
  }

  /** Backward of the last forward's mean loss: accumulates every gradient into the arena. */
  backward(smoothing = 0): void {
    const batch = this.last;
    if (batch === undefined) throw new ShapeError('Seq2SeqNetwork.backward', 'no forward pass to go back through.');
    const { Tt, B } = batch;
    const { Hd, E } = sizes(this.options);
    const V = this.options.targetVocab;
    const feed = this.attention !== null;
    const logits = this.scratch.get('logits', Tt * B * V);
    const dLogits = this.scratch.get('dLogits', Tt * B * V);
    smoothedCrossEntropy(logits, batch.targetOut, Tt * B, V, smoothing, dLogits);
    const dOut = this.output.backward(dLogits); // (Tt·B, Hd)
    const dEmbT = this.scratch.get('dTargetEmbedded', Tt * B * E);
    const dFed = this.scratch.zeros('dFed', B * Hd); // the gradient into h̃_t through x_{t+1}
    const dh = this.scratch.get('dh', B * Hd);
    const D = E + (feed ? Hd : 0);
    const masks = this.scratch.get('dropMasks', this.dropping() ? Tt * B * Hd : 0);
    for (let t = Tt - 1; t >= 0; t--) {
      const rows = t * B * Hd;
      // dh̃_t = dropout'(dOut_t) + what step t + 1 read of it
      for (let i = 0; i < B * Hd; i++) {
        const mask = masks.length === 0 ? 1 : (masks[rows + i] as number);
        dh[i] = (dOut[rows + i] as number) * mask + (dFed[i] as number);
      }
      const dy = this.attention === null ? dh : this.attendBackward(t, B, dh);
      const dx = this.steps.backward(t, dy); // (B, E [+ Hd])
      for (let b = 0; b < B; b++) {
        dEmbT.set(dx.subarray(b * D, b * D + E), (t * B + b) * E);
        if (feed) dFed.set(dx.subarray(b * D + E, (b + 1) * D), b * Hd);
      }
    }
    this.targetEmbedding.backward(dEmbT);
    const { dh0, dc0 } = this.steps.stateGradients();
    const { dhN, dcN } = this.bridge.backward(dh0, dc0 as Floats);
    const dMemory = this.attention === null ? null : this.attention.memoryBackward();
    const isLstm = this.encoder.kind === 'lstm';
    const { dx } = this.encoder.backward(dMemory, dhN, isLstm ? dcN : null);
    this.sourceEmbedding.backward(dx);
  }

  /** The logits (Tt·B, Vt) of a teacher-forced pass (kept in scratch for backward). */
  private decode(batch: Seq2SeqBatch, sampling: number): Floats {
    const { Ts, Tt, B } = batch;
    const { E, Hd } = sizes(this.options);
    const V = this.options.targetVocab;
    this.encoder.training = this.training;
    this.decoder.training = this.training;
    const { memory, h0, c0 } = this.encodeBatch(batch.source, batch.sourceLengths, Ts, B);
    if (this.attention !== null) this.attention.setMemory(memory, Ts, B, batch.sourceLengths, Tt);
    // the decoder's input tokens: the reference's, or with scheduled sampling some of the model's own
    const inputs = sampling > 0 ? Int32Array.from(batch.targetIn) : batch.targetIn;
    const embT = this.targetEmbedding.forward(batch.targetIn); // (Tt·B, E)
    const x = this.scratch.get('decoderIn', B * this.decoder.inputSize);
    const hTilde = this.scratch.get('hTilde', Tt * B * Hd);
    const dropped = this.scratch.get('hDropped', Tt * B * Hd);
    this.steps.begin(B, h0, c0, Tt);
    for (let t = 0; t < Tt; t++) {
      const fed = t === 0 ? null : hTilde.subarray((t - 1) * B * Hd, t * B * Hd);
      if (t > 0 && sampling > 0) this.sampleInputs(t, B, sampling, hTilde, inputs, embT);
      this.decoderInput(embT.subarray(t * B * E, (t + 1) * B * E), fed, B, x);
      const h = this.steps.forward(t, x); // (B, Hd)
      this.attend(
        t,
        h,
        B,
        hTilde.subarray(t * B * Hd, (t + 1) * B * Hd),
        this.stepRows('combineIn', t, B * this.combineWidth()),
      );
    }
    // dropout on h̃ before the output layer (training only)
    const masks = this.scratch.get('dropMasks', this.dropping() ? Tt * B * Hd : 0);
    if (masks.length > 0) {
      dropoutMask(this.rng, this.options.dropout ?? 0, masks);
      this.k.multiply(masks.length, hTilde, masks, dropped);
    } else dropped.set(hTilde);
    // the embedding's backward credits the tokens that were read
    if (inputs !== batch.targetIn) this.targetEmbedding.forward(inputs);
    const logits = this.scratch.get('logits', Tt * B * V);
    logits.set(this.output.forward(dropped, Tt * B));
    return logits;
  }

  /**
   * Scheduled sampling at step t: each row's input becomes, with probability p, the token ranked
   * first from h̃_{t−1} (W_o h̃ + b_o, no dropout); `inputs` and the embedded rows follow.
   */
  private sampleInputs(t: number, B: number, p: number, hTilde: Floats, inputs: Int32Array, embT: Floats): void {
    const { E, Hd } = sizes(this.options);
    const V = this.options.targetVocab;
    const w = this.arena.value('output.weight');
    const bias = this.arena.value('output.bias');
    const table = this.arena.value('target.embedding');
    for (let b = 0; b < B; b++) {
      if (this.rng.next() >= p) continue;
      const h = (t - 1) * B * Hd + b * Hd;
      let [best, bestScore] = [0, -Infinity];
      for (let v = 0; v < V; v++) {
        let z = bias[v] as number;
        for (let i = 0; i < Hd; i++) z += (w[v * Hd + i] as number) * (hTilde[h + i] as number);
        if (z > bestScore) [best, bestScore] = [v, z];
      }
      inputs[t * B + b] = best;
      embT.set(table.subarray(best * E, (best + 1) * E), (t * B + b) * E);
    }
  }

  /**
   * Inference, first part: the encoder over a batch and the bridge. memory (Ts, B, Hm) and the
   * decoder's first state h0, c0 (Ld, B, Hd), views valid until the next encode or forward.
   */
  encode(
    source: Int32Array,
    sourceLengths: Int32Array,
    Ts: number,
    B: number,
  ): { memory: Floats; h0: Floats; c0: Floats } {
    this.encoder.training = false;
    return this.encodeBatch(source, sourceLengths, Ts, B);
  }

  /**
   * Inference: attention over `memory` (Ts, N, Hm) for N decoder rows (a beam search repeats each
   * source's rows), for up to maxSteps steps.
   */
  startDecoding(memory: Floats, Ts: number, N: number, sourceLengths: Int32Array, maxSteps: number): void {
    this.attention?.setMemory(memory, Ts, N, sourceLengths, maxSteps);
  }

  /**
   * Inference, one step t for N rows: the previous tokens (N), the previous h̃ (N, Hd; zeros at
   * t = 0), the decoder state (advanced in place) → logits (N, Vt), this step's h̃ (N, Hd) and its
   * attention weights (N, Ts; null without attention), views valid until the next step.
   */
  step(
    t: number,
    tokens: Int32Array,
    fed: Floats,
    state: RecurrentState,
  ): { logits: Floats; hTilde: Floats; weights: Floats | null } {
    const N = tokens.length;
    const Hd = this.options.decoderHidden;
    const x = this.scratch.get('stepIn', N * this.decoder.inputSize);
    this.decoderInput(this.targetEmbedding.forward(tokens), t === 0 ? null : fed, N, x);
    const h = this.decoder.step(x, state);
    const hTilde = this.scratch.get('stepHTilde', N * Hd);
    const weights = this.attend(t, h, N, hTilde, this.scratch.get('stepCombineIn', N * this.combineWidth()));
    return { logits: this.output.forward(hTilde, N), hTilde, weights };
  }

  /** The encoder and the bridge: memory (Ts, B, Hm), h0 = tanh(bridge_h), c0 = bridge_c (Ld, B, Hd). */
  private encodeBatch(source: Int32Array, lengths: Int32Array, Ts: number, B: number) {
    const enc = this.encoder.forward(this.sourceEmbedding.forward(source), Ts, B, null, null, lengths);
    const { h0, c0 } = this.bridge.forward(enc.hN, enc.cN, B);
    return { memory: enc.y, h0, c0 };
  }

  /** x (N, E [+ Hd]) = [embedded; fed] (fed: the previous h̃, or zeros when null; none without attention). */
  private decoderInput(embedded: Floats, fed: Floats | null, N: number, x: Floats): void {
    const { E, Hd } = sizes(this.options);
    const D = this.decoder.inputSize;
    for (let b = 0; b < N; b++) {
      x.set(embedded.subarray(b * E, (b + 1) * E), b * D);
      if (D === E) continue;
      if (fed === null) x.fill(0, b * D + E, (b + 1) * D);
      else x.set(fed.subarray(b * Hd, (b + 1) * Hd), b * D + E);
    }
  }

  /**
   * h̃ (N, Hd) of step t: tanh(W [c_t; h] + b) with the attention's context, or h itself; cat keeps
   * [c; h]. Returns the attention weights (N, Ts), or null without attention.
   */
  private attend(t: number, h: Floats, N: number, out: Floats, cat: Floats): Floats | null {
    if (this.attention === null) {
      out.set(h);
      return null;
    }
    const Hd = this.options.decoderHidden;
    const width = this.combineWidth();
    const memory = width - Hd;
    const { context, weights } = this.attention.step(t, h);
    for (let b = 0; b < N; b++) {
      cat.set(context.subarray(b * memory, (b + 1) * memory), b * width);
      cat.set(h.subarray(b * Hd, (b + 1) * Hd), b * width + memory);
    }
    this.k.fillRows(N, Hd, this.combineB as Floats, out, Hd);
    this.k.gemm(false, true, N, Hd, width, cat, width, this.combineW as Floats, width, out, Hd, 1);
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i] as number);
    return weights;
  }

  /**
   * Back through step t's h̃ = tanh(W [c; h] + b) and its attention: dh̃ (B, Hd) in → the gradient
   * into the decoder's h_t (B, Hd), the query's share included; dW, db and the memory's share
   * accumulate.
   */
  private attendBackward(t: number, B: number, dh: Floats): Floats {
    const Hd = this.options.decoderHidden;
    const width = this.combineWidth();
    const memory = width - Hd;
    const hTilde = this.scratch.get('hTilde', (this.last as Seq2SeqBatch).Tt * B * Hd);
    // dz = dh̃ (1 − h̃²); dW += dzᵀ [c; h]; db += Σ dz; d[c; h] = dz W
    for (let i = 0; i < B * Hd; i++) {
      const v = hTilde[t * B * Hd + i] as number;
      dh[i] = (dh[i] as number) * (1 - v * v);
    }
    const cat = this.stepRows('combineIn', t, B * width);
    const [w, dW] = [this.combineW as Floats, this.dCombineW as Floats];
    this.k.gemm(true, false, Hd, width, B, dh, Hd, cat, width, dW, width, 1);
    this.k.addColumnSums(B, Hd, dh, this.dCombineB as Floats);
    const dIn = this.scratch.get('dCombineIn', B * width);
    this.k.gemm(false, false, B, width, Hd, dh, Hd, w, width, dIn, width, 0);
    const dContext = this.scratch.get('dContext', B * memory);
    const dy = this.scratch.get('dyStep', B * Hd);
    for (let b = 0; b < B; b++) {
      dContext.set(dIn.subarray(b * width, b * width + memory), b * memory);
      dy.set(dIn.subarray(b * width + memory, (b + 1) * width), b * Hd);
    }
    this.k.addInPlace(B * Hd, (this.attention as Attention).stepBackward(t, dContext), dy);
    return dy;
  }

  /** The combine layer's input width, Hm + Hd (0 without attention). */
  private combineWidth(): number {
    return this.attention === null ? 0 : sizes(this.options).memory + this.options.decoderHidden;
  }

  private dropping(): boolean {
    return this.training && (this.options.dropout ?? 0) > 0;
  }

  /** Step t's rows of a per-step cache (Tt, n) of the current batch. */
  private stepRows(name: string, t: number, n: number): Floats {
    const Tt = (this.last as Seq2SeqBatch).Tt;
    return this.scratch.get(name, Tt * n).subarray(t * n, (t + 1) * n);
  }

  /** The kernels the network runs on. */
  get kernels(): Kernels {
    return this.k;
  }

  /** The arena (for optimizers and files). */
  get parameters(): ParamArena {
    return this.arena;
  }
}

function sizes(o: Seq2SeqNetworkOptions) {
  const dirs = o.bidirectional === false ? 1 : 2;
  return {
    E: o.embeddingSize,
    He: o.encoderHidden,
    Le: o.encoderLayers ?? 1,
    dirs,
    Hd: o.decoderHidden,
    Ld: o.decoderLayers ?? 1,
    memory: dirs * o.encoderHidden,
  };
}

function bridgeSizes(o: Seq2SeqNetworkOptions): BridgeSizes {
  const { Le, dirs, He, Ld, Hd } = sizes(o);
  return { Le, dirs, He, Ld, Hd };
}

function encoderOptions(o: Seq2SeqNetworkOptions) {
  return {
    kind: o.encoderKind ?? 'lstm',
    inputSize: o.embeddingSize,
    hiddenSize: o.encoderHidden,
    numLayers: o.encoderLayers ?? 1,
    bidirectional: o.bidirectional !== false,
    dropout: o.dropout ?? 0,
    prefix: 'encoder.',
  } as const;
}

function checkBatch(batch: Seq2SeqBatch, o: Seq2SeqNetworkOptions): void {
  const { Ts, Tt, B } = batch;
  const where = 'Seq2SeqNetwork.forward';
  if (batch.source.length !== Ts * B || batch.sourceLengths.length !== B) {
    throw new ShapeError(where, `source must be (Ts, B) = (${Ts}, ${B}) ids with ${B} lengths.`);
  }
  if (batch.targetIn.length !== Tt * B || batch.targetOut.length !== Tt * B) {
    throw new ShapeError(where, `targetIn and targetOut must be (Tt, B) = (${Tt}, ${B}) ids.`);
  }
  if (o.attention !== 'none' && !['dot', 'general', 'additive'].includes(o.attention)) {
    throw new ConfigError('Seq2Seq', `attention must be dot, general, additive or none; got '${o.attention}'.`);
  }
}
