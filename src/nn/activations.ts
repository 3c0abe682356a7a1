/**
 * The activation functions a recurrent cell may use in place of σ and tanh: the set the ONNX
 * recurrent operators name (with their alpha/beta), which also covers PyTorch's relu RNN and
 * Keras's hard sigmoid. Each is a pair: the value, and its derivative given both the input and
 * the value (σ and tanh are cheaper from the value; the piecewise ones need the input).
 *
 *   name              f(x)                                  ONNX defaults
 *   sigmoid           1 / (1 + e^−x)
 *   tanh              tanh x
 *   relu              max(0, x)
 *   affine            α x + β                               (α, β required)
 *   leaky_relu        x ≥ 0 ? x : α x                       α 0.01
 *   thresholded_relu  x > α ? x : 0                         α 1
 *   scaled_tanh       α tanh(β x)                           (α, β required)
 *   hard_sigmoid      max(0, min(1, α x + β))               α 0.2, β 0.5 (also Keras's / TF.js's)
 *   elu               x ≥ 0 ? x : α (e^x − 1)               α 1
 *   softsign          x / (1 + |x|)
 *   softplus          log(1 + e^x)
 */
import { ConfigError } from '../errors.js';

export type ActivationName =
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'affine'
  | 'leaky_relu'
  | 'thresholded_relu'
  | 'scaled_tanh'
  | 'hard_sigmoid'
  | 'elu'
  | 'softsign'
  | 'softplus';

/** An activation as configured: a name and, for those that take them, α and β. */
export interface ActivationSpec {
  name: ActivationName;
  alpha?: number;
  beta?: number;
}

/** A resolved activation: f(x), and f'(x) given x and y = f(x). */
export interface Activation {
  readonly spec: Required<ActivationSpec>;
  apply(x: number): number;
  derivative(x: number, y: number): number;
}

const DEFAULTS: Record<ActivationName, { alpha: number; beta: number } | 'required' | null> = {
  sigmoid: null,
  tanh: null,
  relu: null,
  affine: 'required',
  leaky_relu: { alpha: 0.01, beta: 0 },
  thresholded_relu: { alpha: 1, beta: 0 },
  scaled_tanh: 'required',
  hard_sigmoid: { alpha: 0.2, beta: 0.5 },
  elu: { alpha: 1, beta: 0 },
  softsign: null,
  softplus: null,
};

export const ACTIVATION_NAMES = Object.keys(DEFAULTS) as ActivationName[];

function softplus(x: number): number {
  // log(1 + e^x) without overflow for large x
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Resolves a spec (or a bare name) to its functions; α and β fall back to ONNX's defaults. */
export function activation(spec: ActivationSpec | ActivationName): Activation {
  const s = typeof spec === 'string' ? { name: spec } : spec;
  const defaults = DEFAULTS[s.name];
  if (defaults === undefined) {
    throw new ConfigError(
      'activation',
      `unknown activation '${String(s.name)}'. Known: ${ACTIVATION_NAMES.join(', ')}.`,
    );
  }
  if (defaults === 'required' && (s.alpha === undefined || s.beta === undefined)) {
    throw new ConfigError('activation', `'${s.name}' needs both alpha and beta; got alpha ${s.alpha}, beta ${s.beta}.`);
  }
  const alpha = s.alpha ?? (defaults !== null && defaults !== 'required' ? defaults.alpha : 0);
  const beta = s.beta ?? (defaults !== null && defaults !== 'required' ? defaults.beta : 0);
  const full = { name: s.name, alpha, beta };
  switch (s.name) {
    case 'sigmoid':
      return { spec: full, apply: sigmoid, derivative: (_x, y) => y * (1 - y) };
    case 'tanh':
      return { spec: full, apply: Math.tanh, derivative: (_x, y) => 1 - y * y };
    case 'relu':
      return { spec: full, apply: (x) => (x > 0 ? x : 0), derivative: (x) => (x > 0 ? 1 : 0) };
    case 'affine':
      return { spec: full, apply: (x) => alpha * x + beta, derivative: () => alpha };
    case 'leaky_relu':
      return { spec: full, apply: (x) => (x >= 0 ? x : alpha * x), derivative: (x) => (x >= 0 ? 1 : alpha) };
    case 'thresholded_relu':
      return { spec: full, apply: (x) => (x > alpha ? x : 0), derivative: (x) => (x > alpha ? 1 : 0) };
    case 'scaled_tanh':
      return {
        spec: full,
        apply: (x) => alpha * Math.tanh(beta * x),
        derivative: (x) => alpha * beta * (1 - Math.tanh(beta * x) ** 2),
      };
    case 'hard_sigmoid':
      return {
        spec: full,
        apply: (x) => Math.max(0, Math.min(1, alpha * x + beta)),
        derivative: (x) => {
          const z = alpha * x + beta;
          return z > 0 && z < 1 ? alpha : 0;
        },
      };
    case 'elu':
      return {
        spec: full,
        apply: (x) => (x >= 0 ? x : alpha * Math.expm1(x)),
        derivative: (x, y) => (x >= 0 ? 1 : y + alpha),
      };
    case 'softsign':
      return { spec: full, apply: (x) => x / (1 + Math.abs(x)), derivative: (x) => 1 / (1 + Math.abs(x)) ** 2 };
    case 'softplus':
      return { spec: full, apply: softplus, derivative: (x) => sigmoid(x) };
  }
}
