/**
 * The network of a character language model: Embedding (V, E) → LSTM × L (hidden H) → Linear
 * (H → V) → softmax cross-entropy at every step. Time-major: ids (T, B), logits (T, B, V).
 * Several networks may share one parameter arena (each keeps its own caches), which is how the
 * tests chain two windows with the gradient flowing through the carried state.
 */
import type { Floats, Kernels } from '../kernels/index.js';
import { softmaxCrossEntropy } from '../loss/cross-entropy.js';
import { Embedding } from '../nn/embedding.js';
import { Linear } from '../nn/linear.js';
import { LSTM, type LSTMInit } from '../nn/lstm.js';
import type { ParamArena, ParamSpec } from '../nn/params.js';
import type { Rng } from '../rng.js';

export interface NetworkShape {
  vocabSize: number; // V
  embeddingSize: number; // E
  hiddenSize: number; // H
  numLayers: number; // L
}

export interface ForwardResult {
  logits: Floats; // (T, B, V)
  hN: Floats; // (L, B, H)
  cN: Floats; // (L, B, H)
}

export class LMNetwork {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly head: Linear;
  private dLogits: Floats | undefined;
  private rows = 0;

  static paramSpecs(s: NetworkShape): ParamSpec[] {
    return [
      ...Embedding.paramSpecs('embedding.weight', s.vocabSize, s.embeddingSize),
      ...LSTM.paramSpecs({ inputSize: s.embeddingSize, hiddenSize: s.hiddenSize, numLayers: s.numLayers }),
      ...Linear.paramSpecs('head.', s.hiddenSize, s.vocabSize),
    ];
  }

  constructor(
    private readonly k: Kernels,
    arena: ParamArena,
    readonly shape: NetworkShape,
  ) {
    this.embedding = new Embedding(k, arena, 'embedding.weight', shape.vocabSize, shape.embeddingSize);
    this.lstm = new LSTM(k, arena, {
      inputSize: shape.embeddingSize,
      hiddenSize: shape.hiddenSize,
      numLayers: shape.numLayers,
    });
    this.head = new Linear(k, arena, 'head.', shape.hiddenSize, shape.vocabSize);
  }

  /** Embedding N(0, 1), the LSTM by `scheme` (see LSTM.init), the head U(±1/√H), as PyTorch. */
  init(rng: Rng, scheme: LSTMInit = 'pytorch'): void {
    this.embedding.init(rng);
    this.lstm.init(rng, scheme);
    this.head.init(rng);
  }

  /** ids (T, B) → logits (T, B, V) and the final state. h0, c0 (L, B, H) or null for zeros. */
  forward(ids: Int32Array, T: number, B: number, h0: Floats | null, c0: Floats | null): ForwardResult {
    const x = this.embedding.forward(ids);
    const { y, hN, cN } = this.lstm.forward(x, T, B, h0, c0);
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
   * Backward from the loss (and from dhN, dcN (L, B, H) when the final state feeds a later
   * window). Accumulates every parameter gradient; returns dh0, dc0 (L, B, H) views.
   */
  backward(dhN: Floats | null = null, dcN: Floats | null = null): { dh0: Floats; dc0: Floats } {
    if (this.dLogits === undefined) throw new Error('LMNetwork.backward: call loss() first.');
    const dy = this.head.backward(this.dLogits);
    const { dx, dh0, dc0 } = this.lstm.backward(dy, dhN, dcN);
    this.embedding.backward(dx);
    this.dLogits = undefined;
    return { dh0, dc0 };
  }
}
