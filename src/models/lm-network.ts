/**
 * The network of a character language model: Embedding (V, E) → Recurrent × L (an LSTM by
 * default; GRU or RNN, projection, dropout between layers and recurrent dropout as `Recurrent`
 * offers them) → output dropout → Linear (R → V) → softmax cross-entropy at every step.
 * Time-major: ids (T, B), logits (T, B, V). R is the carried h's width: H, or the LSTM's
 * projection size.
 * Several networks may share one parameter arena (each keeps its own caches), which is how the
 * tests chain two windows with the gradient flowing through the carried state.
 */
import { ConfigError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import { softmaxCrossEntropy } from '../loss/cross-entropy.js';
import type { CellKind } from '../nn/cell-config.js';
import { Embedding } from '../nn/embedding.js';
import { Linear } from '../nn/linear.js';
import type { ParamArena, ParamSpec } from '../nn/params.js';
import { Recurrent, type RecurrentInit, type RecurrentOptions } from '../nn/recurrent.js';
import { Scratch } from '../nn/scratch.js';
import { dropoutMask } from '../nn/sequence-order.js';
import type { Rng } from '../rng.js';

export interface NetworkShape {
  vocabSize: number; // V
  embeddingSize: number; // E
  hiddenSize: number; // H
  numLayers: number; // L
  /** The recurrent cell (default 'lstm'). */
  cell?: CellKind;
  /** LSTM projection size P (R = P); 0 or absent for none. */
  projSize?: number;
  /** Dropout on the outputs of every recurrent layer but the last, while training. */
  dropout?: number;
  /** Variational dropout on h_{t−1} in the recurrent products, while training. */
  recurrentDropout?: number;
  /** Dropout on the last recurrent layer's outputs before the head, while training (char-rnn's). */
  outputDropout?: number;
}

export interface ForwardResult {
  logits: Floats; // (T, B, V)
  hN: Floats; // (L, B, R)
  cN: Floats | null; // (L, B, H), LSTM only
}

/** The recurrent stack's options for a network shape: parameters named lstm.weight_ih_l0 … as before. */
function recurrentOptions(s: NetworkShape): RecurrentOptions {
  const opts: RecurrentOptions = {
    kind: s.cell ?? 'lstm',
    inputSize: s.embeddingSize,
    hiddenSize: s.hiddenSize,
    numLayers: s.numLayers,
    prefix: 'lstm.',
  };
  if (s.projSize !== undefined) opts.projSize = s.projSize;
  if (s.dropout !== undefined) opts.dropout = s.dropout;
  if (s.recurrentDropout !== undefined) opts.recurrentDropout = s.recurrentDropout;
  return opts;
}

function outputDropoutOf(s: NetworkShape): number {
  const p = s.outputDropout ?? 0;
  if (!(p >= 0 && p < 1)) throw new ConfigError('LMNetwork', `outputDropout must be in [0, 1); got ${p}.`);
  return p;
}

export class LMNetwork {
  readonly embedding: Embedding;
  readonly recurrent: Recurrent;
  readonly head: Linear;
  readonly outputDropout: number;
  private readonly scratch: Scratch;
  private dLogits: Floats | undefined;
  private outputMask: Floats | null = null; // (T, B, R) of the last training forward
  private rows = 0;
  private rng: Rng | undefined;

  static paramSpecs(s: NetworkShape): ParamSpec[] {
    const recurrent = recurrentOptions(s);
    const R = s.projSize !== undefined && s.projSize > 0 ? s.projSize : s.hiddenSize;
    return [
      ...Embedding.paramSpecs('embedding.weight', s.vocabSize, s.embeddingSize),
      ...Recurrent.paramSpecs(recurrent),
      ...Linear.paramSpecs('head.', R, s.vocabSize),
    ];
  }

  constructor(
    private readonly k: Kernels,
    arena: ParamArena,
    readonly shape: NetworkShape,
  ) {
    this.outputDropout = outputDropoutOf(shape);
    this.embedding = new Embedding(k, arena, 'embedding.weight', shape.vocabSize, shape.embeddingSize);
    this.recurrent = new Recurrent(k, arena, recurrentOptions(shape));
    this.head = new Linear(k, arena, 'head.', this.recurrent.stateSize, shape.vocabSize);
    this.scratch = new Scratch(k);
  }

  /** Dropout of every kind applies only while training is true (PyTorch's train() / eval()). */
  get training(): boolean {
    return this.recurrent.training;
  }
  set training(on: boolean) {
    this.recurrent.training = on;
  }

  /** The random source of every dropout mask (the training run's, so a resumed run draws the same). */
  setDropoutRng(rng: Rng): void {
    this.rng = rng;
    this.recurrent.setDropoutRng(rng);
  }

  /** Values of the carried state for batch size B: h (L, B, R), c (L, B, H) or 0 without a cell state. */
  stateSizes(B: number): { h: number; c: number } {
    const L = this.recurrent.numLayers;
    return {
      h: L * B * this.recurrent.stateSize,
      c: this.recurrent.kind === 'lstm' ? L * B * this.shape.hiddenSize : 0,
    };
  }

  /** Embedding N(0, 1), the recurrent stack by `scheme` (see Recurrent.init), the head U(±1/√R), as PyTorch. */
  init(rng: Rng, scheme: RecurrentInit = 'pytorch'): void {
    this.embedding.init(rng);
    this.recurrent.init(rng, scheme);
    this.head.init(rng);
  }

  /** ids (T, B) → logits (T, B, V) and the final state. h0 (L, B, R), c0 (L, B, H) or null for zeros. */
  forward(ids: Int32Array, T: number, B: number, h0: Floats | null, c0: Floats | null): ForwardResult {
    const x = this.embedding.forward(ids);
    const { hN, cN, y: recurrentOut } = this.recurrent.forward(x, T, B, h0, this.recurrent.kind === 'lstm' ? c0 : null);
    let y = recurrentOut;
    this.outputMask = null;
    if (this.training && this.outputDropout > 0) {
      if (this.rng === undefined) {
        throw new ConfigError(
          'LMNetwork.forward',
          'output dropout needs a random source.',
          'call setDropoutRng first.',
        );
      }
      const mask = this.scratch.get('outputMask', y.length);
      dropoutMask(this.rng, this.outputDropout, mask);
      const dropped = this.scratch.get('dropped', y.length);
      this.k.multiply(y.length, y, mask, dropped);
      y = dropped;
      this.outputMask = mask;
    }
    this.rows = T * B;
    const logits = this.head.forward(y, T * B);
    return { logits, hN, cN };
  }

  /**
   * Mean cross-entropy of the last forward's logits against targets (T, B); keeps the gradient
   * for backward. The logits are overwritten by their gradient.
   */
  loss(targets: Int32Array, logits: Floats): number {
    const V = this.shape.vocabSize;
    const loss = softmaxCrossEntropy(this.k, logits, targets, this.rows, V, logits);
    this.dLogits = logits;
    return loss;
  }

  /**
   * Backward from the loss (and from dhN (L, B, R), dcN (L, B, H) when the final state feeds a
   * later window). Accumulates every parameter gradient; returns dh0, dc0 views (dc0 null without
   * a cell state).
   */
  backward(dhN: Floats | null = null, dcN: Floats | null = null): { dh0: Floats; dc0: Floats | null } {
    if (this.dLogits === undefined) {
      throw new ConfigError('LMNetwork.backward', 'no loss to go back from.', 'call loss() first.');
    }
    const dy = this.head.backward(this.dLogits);
    if (this.outputMask !== null) this.k.multiply(dy.length, dy, this.outputMask, dy);
    const { dx, dh0, dc0 } = this.recurrent.backward(dy, dhN, this.recurrent.kind === 'lstm' ? dcN : null);
    this.embedding.backward(dx);
    this.dLogits = undefined;
    return { dh0, dc0 };
  }
}
