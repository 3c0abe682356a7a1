/**
 * What a recurrent cell is, as data: kind, sizes and options. One direction of one layer of a
 * recurrent stack runs one cell over a sequence (src/nn/cells/). Sizes: D input, H hidden,
 * G gate count (LSTM 4, GRU 3, RNN 1), R = the carried state h (H, or P with a projection).
 *
 * Weights of one cell (PyTorch's names and layout; gate blocks of H rows):
 *   weight_ih (G·H, D)   weight_hh (G·H, R)   bias_ih (G·H)   bias_hh (G·H)
 *   weight_hr (P, H)     LSTM with projection only (LSTMP, PyTorch proj_size)
 *   weight_peephole (3·H) LSTM with peepholes only: p_i, p_f, p_o (ours; ONNX P is i, o, f)
 * Gate order: LSTM i, f, g, o; GRU r, z, n; RNN one block.
 */
import { ConfigError } from '../errors.js';
import type { Floats } from '../kernels/index.js';
import { type Activation, type ActivationSpec, activation } from './activations.js';

export type CellKind = 'lstm' | 'gru' | 'rnn';

/** Options of a cell, as a user writes them; everything but the sizes is optional. */
export interface CellOptions {
  kind: CellKind;
  inputSize: number;
  hiddenSize: number;
  /** LSTM: project h to this size after each step (PyTorch proj_size); 0 = none. */
  projSize?: number;
  /** LSTM: peephole connections from c to the i, f, o gates (ONNX P). */
  peephole?: boolean;
  /** LSTM: couple the forget gate to the input gate, f = 1 − i (ONNX input_forget). */
  inputForget?: boolean;
  /** Clip every gate's pre-activation to [−clip, clip] before its activation (ONNX clip); 0 = none. */
  clip?: number;
  /**
   * The activation functions, in ONNX's order: LSTM [f, g, h] (σ, tanh, tanh), GRU [f, g]
   * (σ, tanh), RNN [f] (tanh; 'relu' for PyTorch's nonlinearity='relu').
   */
  activations?: readonly (ActivationSpec | ActivationSpec['name'])[];
  /**
   * GRU: apply the reset gate after the recurrent product, n = g(W_in x + b_in + r ⊙ (W_hn h +
   * b_hn)), as PyTorch, Keras reset_after=True, ONNX linear_before_reset=1 (default true here).
   * False: the original form, n = g(W_in x + b_in + W_hn (r ⊙ h) + b_hn).
   */
  linearBeforeReset?: boolean;
}

/** A cell's options resolved: defaults filled in, activations as functions. */
export interface CellConfig {
  kind: CellKind;
  D: number;
  H: number;
  G: number;
  /** The size of the carried and emitted h: P with a projection, else H. */
  R: number;
  projSize: number;
  peephole: boolean;
  inputForget: boolean;
  clip: number;
  activations: Activation[];
  linearBeforeReset: boolean;
}

/** One cell's parameters (views into the arena). */
export interface CellWeights {
  wIh: Floats; // (G·H, D)
  wHh: Floats; // (G·H, R)
  bIh: Floats; // (G·H)
  bHh: Floats; // (G·H)
  wHr: Floats | null; // (P, H)
  peep: Floats | null; // (3·H): p_i, p_f, p_o
}

/** Gate blocks per cell kind (G). */
export const GATE_COUNT: Record<CellKind, number> = { lstm: 4, gru: 3, rnn: 1 };
/** The activations a cell uses unless told otherwise, in ONNX's order. */
export const DEFAULT_ACTIVATIONS: Record<CellKind, ActivationSpec['name'][]> = {
  lstm: ['sigmoid', 'tanh', 'tanh'],
  gru: ['sigmoid', 'tanh'],
  rnn: ['tanh'],
};

function positiveInteger(where: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ConfigError(where, `${name} must be a positive integer; got ${v}.`);
}

export function resolveCell(o: CellOptions, where = 'cell'): CellConfig {
  if (!(o.kind in GATE_COUNT)) throw new ConfigError(where, `kind must be lstm, gru or rnn; got '${String(o.kind)}'.`);
  positiveInteger(where, 'inputSize', o.inputSize);
  positiveInteger(where, 'hiddenSize', o.hiddenSize);
  const projSize = o.projSize ?? 0;
  if (projSize !== 0) {
    positiveInteger(where, 'projSize', projSize);
    if (o.kind !== 'lstm') throw new ConfigError(where, `projSize is an LSTM option; this cell is a ${o.kind}.`);
    if (projSize >= o.hiddenSize) {
      throw new ConfigError(where, `projSize must be smaller than hiddenSize (${o.hiddenSize}); got ${projSize}.`);
    }
  }
  for (const flag of ['peephole', 'inputForget'] as const) {
    if (o[flag] === true && o.kind !== 'lstm') {
      throw new ConfigError(where, `${flag} is an LSTM option; this cell is a ${o.kind}.`);
    }
  }
  if (o.linearBeforeReset !== undefined && o.kind !== 'gru') {
    throw new ConfigError(where, `linearBeforeReset is a GRU option; this cell is a ${o.kind}.`);
  }
  const clip = o.clip ?? 0;
  if (!(clip >= 0) || !Number.isFinite(clip)) {
    throw new ConfigError(where, `clip must be a finite number ≥ 0 (0 = none); got ${clip}.`);
  }
  const wanted = DEFAULT_ACTIVATIONS[o.kind];
  const given = o.activations ?? wanted;
  if (given.length !== wanted.length) {
    throw new ConfigError(
      where,
      `a ${o.kind} cell takes ${wanted.length} activations (default ${wanted.join(', ')}); got ${given.length}.`,
    );
  }
  return {
    kind: o.kind,
    D: o.inputSize,
    H: o.hiddenSize,
    G: GATE_COUNT[o.kind],
    R: projSize === 0 ? o.hiddenSize : projSize,
    projSize,
    peephole: o.peephole ?? false,
    inputForget: o.inputForget ?? false,
    clip,
    activations: given.map((a) => activation(a)),
    linearBeforeReset: o.linearBeforeReset ?? true,
  };
}

/** True for an LSTM the fused kernels compute: no option, default activations. */
export function isPlainLstm(c: CellConfig): boolean {
  const names = c.activations.map((a) => a.spec.name).join(',');
  return (
    c.kind === 'lstm' &&
    c.projSize === 0 &&
    !c.peephole &&
    !c.inputForget &&
    c.clip === 0 &&
    names === 'sigmoid,tanh,tanh'
  );
}

/** The parameter names and shapes of one cell, PyTorch style: `${prefix}weight_ih_l0${suffix}`. */
export function cellParamSpecs(
  c: CellConfig,
  prefix: string,
  layer: number,
  suffix: string,
): { name: string; shape: number[] }[] {
  const n = (s: string): string => `${prefix}${s}_l${layer}${suffix}`;
  const GH = c.G * c.H;
  const specs = [
    { name: n('weight_ih'), shape: [GH, c.D] },
    { name: n('weight_hh'), shape: [GH, c.R] },
    { name: n('bias_ih'), shape: [GH] },
    { name: n('bias_hh'), shape: [GH] },
  ];
  if (c.projSize > 0) specs.push({ name: n('weight_hr'), shape: [c.projSize, c.H] });
  if (c.peephole) specs.push({ name: n('weight_peephole'), shape: [3 * c.H] });
  return specs;
}
