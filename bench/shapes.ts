/**
 * What each configuration computes, as plain data: this library's workloads (configs.ts) and every
 * peer (peers/, pytorch/suite.py) build their models from these fields, so all of them run the same
 * shapes. The house letters: V vocabulary, E embedding, H hidden, L layers, T time, B batch,
 * D input features.
 */

/**
 * C1, C2, C6: embedding (V → E) → LSTM (or GRU) L × H → linear H → V, softmax cross-entropy at
 * every step, Adam.
 */
export interface LmTrainShape {
  kind: 'lm-train';
  /** The recurrent cell: an LSTM when absent (C1, C2), 'gru' for C6 (PyTorch's form, reset after the product). */
  cell?: 'gru';
  V: number;
  E: number;
  H: number;
  L: number;
  T: number;
  B: number;
  lr: number;
  /** Slow configurations warm up with one step of this many time steps (same code, a fraction of the time). */
  warmupT?: number;
}

/** C3: the same network at batch 1, N times: feed a token, softmax, sample the next. */
export interface LmGenerateShape {
  kind: 'lm-generate';
  V: number;
  E: number;
  H: number;
  L: number;
  N: number;
}

/** C4: one LSTM layer (D → H) over (T, B, D), forward only, every step's output kept. */
export interface LstmInferShape {
  kind: 'lstm-infer';
  D: number;
  H: number;
  T: number;
  B: number;
}

/** C5: LSTM (D → H), linear H → 1 on the last step's output, MSE against (B) targets, Adam. */
export interface SeriesTrainShape {
  kind: 'series-train';
  D: number;
  H: number;
  T: number;
  B: number;
  lr: number;
}

/**
 * C7: a classifier's training step on sequences of different lengths: embedding (V → E) → LSTM
 * L × H, bidirectional, over each sequence's own length → max over its time steps (B, 2H) → linear
 * 2H → K, softmax cross-entropy against (B) labels, Adam. Padded to the longest (T = max lengths).
 */
export interface ClassifierTrainShape {
  kind: 'classifier-train';
  V: number;
  E: number;
  H: number;
  L: number;
  K: number;
  B: number;
  /** (B) each sequence's length, seeded uniform in [20, 200]. */
  lengths: number[];
  lr: number;
}

/** GEMM: C (n, n) = op(A) · op(B), square operands. */
export interface GemmShape {
  kind: 'gemm';
  n: number;
  transA: boolean;
  transB: boolean;
}

export type Shape =
  LmTrainShape | LmGenerateShape | LstmInferShape | SeriesTrainShape | ClassifierTrainShape | GemmShape;
