/**
 * ONNX's LSTM, GRU and RNN operators on our cells. One node is one layer, forward, reverse or
 * bidirectional; each direction runs as its own one-direction Recurrent (the directions may
 * differ in activations), the reverse one over each sequence reversed within its length.
 *
 *   X (T, B, I), or (B, T, I) with layout = 1
 *   W (dirs, G·H, I), R (dirs, G·H, H) in ONNX's gate order (src/io/gate-order.ts)
 *   B (dirs, 2·G·H) = [Wb, Rb]; sequence_lens (B); initial_h, initial_c (dirs, B, H) or (B, dirs, H)
 *   P (dirs, 3H) = p_i, p_o, p_f (LSTM)
 *   → Y (T, dirs, B, H) or (B, T, dirs, H); Y_h, Y_c (dirs, B, H) or (B, dirs, H)
 * Past a sequence's length, Y is zero and Y_h / Y_c hold the state at its own end.
 * activation_alpha / activation_beta are consumed in the order of the activations, each by the
 * functions that take them (as onnxruntime does); missing values fall back to ONNX's defaults.
 */
import type { Floats, Kernels } from '../../kernels/index.js';
import { type ActivationName, type ActivationSpec } from '../../nn/activations.js';
import { type CellKind, DEFAULT_ACTIVATIONS, GATE_COUNT } from '../../nn/cell-config.js';
import { ParamArena } from '../../nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../nn/recurrent.js';
import { reverseWithinLengths, swapLeadingAxes } from '../../nn/sequence-order.js';
import { reorderGates, swapPeepholeOrder } from '../gate-order.js';
import type { OnnxNode } from './node.js';
import { type OnnxTensor, floatTensor } from './tensor.js';

/** Our activation names as ONNX writes them (for export). */
export const ONNX_ACTIVATION_NAME: Record<ActivationName, string> = {
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  relu: 'Relu',
  affine: 'Affine',
  leaky_relu: 'LeakyRelu',
  thresholded_relu: 'ThresholdedRelu',
  scaled_tanh: 'ScaledTanh',
  hard_sigmoid: 'HardSigmoid',
  elu: 'Elu',
  softsign: 'Softsign',
  softplus: 'Softplus',
};

/** How many of activation_alpha (1) or of alpha and activation_beta (2) each function takes. */
export const ONNX_ACTIVATION_TAKES: Record<ActivationName, 0 | 1 | 2> = {
  sigmoid: 0,
  tanh: 0,
  relu: 0,
  affine: 2,
  leaky_relu: 1,
  thresholded_relu: 1,
  scaled_tanh: 2,
  hard_sigmoid: 2,
  elu: 1,
  softsign: 0,
  softplus: 0,
};

/** ONNX's names, lower-cased (as onnxruntime matches them), to ours. */
const BY_ONNX_NAME = new Map(
  Object.entries(ONNX_ACTIVATION_NAME).map(([ours, onnx]) => [onnx.toLowerCase(), ours as ActivationName]),
);

/** The activations of every direction, with their α and β, from the node's attributes. */
function activationsOf(node: OnnxNode, kind: CellKind, dirs: number): ActivationSpec[][] | undefined {
  const names = node.strings('activations');
  if (names === undefined) return undefined;
  const per = DEFAULT_ACTIVATIONS[kind].length;
  if (names.length !== per && names.length !== per * dirs) {
    throw node.error(
      `'activations' lists ${names.length} functions; a ${dirs}-direction ${node.op} takes ${per * dirs}.`,
    );
  }
  const alphas = node.floats('activation_alpha') ?? [];
  const betas = node.floats('activation_beta') ?? [];
  let a = 0;
  let b = 0;
  const specs = names.map((raw): ActivationSpec => {
    const name = BY_ONNX_NAME.get(raw.toLowerCase());
    if (name === undefined) {
      throw node.error(`unknown activation '${raw}'. Known: ${Object.values(ONNX_ACTIVATION_NAME).join(', ')}.`);
    }
    const spec: ActivationSpec = { name };
    const takes = ONNX_ACTIVATION_TAKES[name];
    if (takes >= 1 && a < alphas.length) spec.alpha = alphas[a++] as number;
    if (takes === 2 && b < betas.length) spec.beta = betas[b++] as number;
    return spec;
  });
  return Array.from({ length: dirs }, (_, d) => (names.length === per ? specs : specs.slice(d * per, (d + 1) * per)));
}

function expectDims(node: OnnxNode, what: string, t: OnnxTensor, dims: number[]): void {
  if (t.dims.length !== dims.length || t.dims.some((v, i) => v !== dims[i])) {
    throw node.error(`input ${what} has shape [${t.dims.join(', ')}]; expected [${dims.join(', ')}].`);
  }
}

function dirsOf(t: OnnxTensor): number {
  return t.dims[0] as number;
}

/**
 * A recurrent node's weights checked against its attributes and each other before anything is
 * built from them: W (dirs, G·H, I), R (dirs, G·H, H), B (dirs, 2·G·H), P (dirs, 3H), a
 * hidden_size attribute equal to R's H, sizes of at least 1, every value finite. Returns H and I.
 */
export function recurrentSizes(
  node: OnnxNode,
  kind: CellKind,
  dirs: number,
  weights: { W: OnnxTensor; R: OnnxTensor; B?: OnnxTensor | undefined; P?: OnnxTensor | undefined },
): { H: number; I: number } {
  const { W, R, B, P } = weights;
  const G = GATE_COUNT[kind];
  if (W.dims.length !== 3) throw node.error(`input W must be (dirs, ${G}·H, I); got [${W.dims.join(', ')}].`);
  if (R.dims.length !== 3) throw node.error(`input R must be (dirs, ${G}·H, H); got [${R.dims.join(', ')}].`);
  const H = R.dims[2] as number;
  const I = W.dims[2] as number;
  const declared = node.int('hidden_size');
  if (declared !== undefined && declared !== H) {
    throw node.error(`its hidden_size is ${declared}, but input R is [${R.dims.join(', ')}] (hidden size ${H}).`);
  }
  if (H < 1 || I < 1) throw node.error(`hidden size ${H} and input size ${I} must both be at least 1.`);
  expectDims(node, 'W', W, [dirs, G * H, I]);
  expectDims(node, 'R', R, [dirs, G * H, H]);
  if (B !== undefined) expectDims(node, 'B', B, [dirs, 2 * G * H]);
  if (P !== undefined) expectDims(node, 'P', P, [dirs, 3 * H]);
  for (const [what, t] of [
    ['W', W],
    ['R', R],
    ['B', B],
    ['P', P],
  ] as const) {
    const bad = t === undefined ? -1 : t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw node.error(
        `input ${what} holds ${(t as OnnxTensor).data[bad]} at index ${bad}; weights must be finite numbers.`,
      );
    }
  }
  return { H, I };
}

/** One direction: a Recurrent over its own small arena, weights moved into our gate order. */
function buildDirection(
  k: Kernels,
  node: OnnxNode,
  kind: CellKind,
  d: number,
  sizes: { I: number; H: number },
  inputs: { W: OnnxTensor; R: OnnxTensor; B?: OnnxTensor; P?: OnnxTensor },
  activations: ActivationSpec[] | undefined,
): Recurrent {
  const { I, H } = sizes;
  const G = GATE_COUNT[kind];
  const clip = node.float('clip') ?? 0;
  const opts: RecurrentOptions = {
    kind,
    inputSize: I,
    hiddenSize: H,
    prefix: '',
    ...(activations === undefined ? {} : { activations }),
    ...(kind === 'lstm'
      ? { clip, inputForget: (node.int('input_forget') ?? 0) !== 0, peephole: inputs.P !== undefined }
      : { clip }),
    ...(kind === 'gru' ? { linearBeforeReset: (node.int('linear_before_reset') ?? 0) !== 0 } : {}),
  };
  const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
  const ours = (values: Float32Array): Float32Array => reorderGates(values, kind, 'onnx', 'pytorch');
  // direction d's part of a (dirs, …) input, from offset `at` within it
  const block = (t: OnnxTensor, n: number, at = 0): Float32Array => {
    const start = (d * t.data.length) / dirsOf(t) + at;
    return t.data.subarray(start, start + n) as Float32Array;
  };
  arena.value('weight_ih_l0').set(ours(block(inputs.W, G * H * I)));
  arena.value('weight_hh_l0').set(ours(block(inputs.R, G * H * H)));
  if (inputs.B !== undefined) {
    arena.value('bias_ih_l0').set(ours(block(inputs.B, G * H)));
    arena.value('bias_hh_l0').set(ours(block(inputs.B, G * H, G * H)));
  }
  if (inputs.P !== undefined) arena.value('weight_peephole_l0').set(swapPeepholeOrder(block(inputs.P, 3 * H)));
  return new Recurrent(k, arena, opts);
}

export interface RecurrentOp {
  run(inputs: (OnnxTensor | undefined)[]): OnnxTensor[];
}

/**
 * Prepare a recurrent node: its directions are built from W, R, B and P once when they are
 * constants (initializers), else at every run.
 */
export function recurrentOp(
  k: Kernels,
  node: OnnxNode,
  kind: CellKind,
  constants: (OnnxTensor | undefined)[],
): RecurrentOp {
  const direction = node.string('direction') ?? 'forward';
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) {
    throw node.error(`direction must be forward, reverse or bidirectional; got '${direction.slice(0, 80)}'.`);
  }
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const layout = node.int('layout') ?? 0;
  if (layout !== 0 && layout !== 1) throw node.error(`layout must be 0 or 1; got ${layout}.`);
  const activations = activationsOf(node, kind, dirs);
  let cached: Recurrent[] | undefined;

  const build = (W: OnnxTensor, R: OnnxTensor, B?: OnnxTensor, P?: OnnxTensor): Recurrent[] => {
    const { H, I } = recurrentSizes(node, kind, dirs, { W, R, B, P });
    return Array.from({ length: dirs }, (_, d) =>
      buildDirection(k, node, kind, d, { I, H }, { W, R, ...(B ? { B } : {}), ...(P ? { P } : {}) }, activations?.[d]),
    );
  };
  const weightsConstant = [1, 2, 3, 7].every((i) => node.inputs[i] === undefined || constants[i] !== undefined);
  if (weightsConstant) {
    const [, W, R, B, , , , P] = constants;
    if (W === undefined || R === undefined) throw node.error('inputs W and R are required.');
    cached = build(W, R, B, kind === 'lstm' ? P : undefined);
  }

  return {
    run(inputs) {
      const [X, W, R, B, lens, h0In, c0In, P] = inputs;
      if (X === undefined || W === undefined || R === undefined) throw node.error('inputs X, W and R are required.');
      const nets = cached ?? build(W, R, B, kind === 'lstm' ? P : undefined);
      const net0 = nets[0] as Recurrent;
      const { inputSize: I, hiddenSize: H } = net0;
      if (X.dims.length !== 3 || X.dims[2] !== I) {
        throw node.error(
          `input X must be ${layout === 0 ? '(T, B, I)' : '(B, T, I)'} with I = ${I}; got [${X.dims.join(', ')}].`,
        );
      }
      const [T, B_] =
        layout === 0 ? [X.dims[0] as number, X.dims[1] as number] : [X.dims[1] as number, X.dims[0] as number];
      const x = k.alloc(T * B_ * I);
      if (layout === 0) x.set(X.data);
      else swapLeadingAxes(X.data, B_, T, I, x);
      const lengths = lens === undefined ? null : Int32Array.from(lens.data);
      if (lengths !== null) {
        expectDims(node, 'sequence_lens', lens as OnnxTensor, [B_]);
        lengths.forEach((L, b) => {
          if (!(L >= 0 && L <= T)) throw node.error(`sequence_lens[${b}] = ${L} is outside [0, ${T}].`);
        });
      }
      const state = (t: OnnxTensor | undefined, what: string): Float32Array | null => {
        if (t === undefined) return null;
        expectDims(node, what, t, layout === 0 ? [dirs, B_, H] : [B_, dirs, H]);
        const s = new Float32Array(dirs * B_ * H);
        if (layout === 0) s.set(t.data);
        else swapLeadingAxes(t.data, B_, dirs, H, s);
        return s;
      };
      const h0 = state(h0In, 'initial_h');
      const c0 = kind === 'lstm' ? state(c0In, 'initial_c') : null;
      const Y = new Float32Array(T * dirs * B_ * H); // (T, dirs, B, H)
      const Yh = new Float32Array(dirs * B_ * H);
      const Yc = new Float32Array(dirs * B_ * H);
      nets.forEach((net, d) => {
        const reverse = direction === 'reverse' || d === 1;
        let xd = x;
        if (reverse) {
          xd = k.alloc(x.length);
          reverseWithinLengths(x, T, B_, I, lengths, xd);
        }
        const slice = (s: Float32Array | null): Floats | null => {
          if (s === null) return null;
          const v = k.alloc(B_ * H);
          v.set(s.subarray(d * B_ * H, (d + 1) * B_ * H));
          return v;
        };
        const out = net.forward(xd, T, B_, slice(h0), slice(c0), lengths);
        let y = out.y;
        if (reverse) {
          y = k.alloc(y.length);
          reverseWithinLengths(out.y, T, B_, H, lengths, y);
        }
        for (let t = 0; t < T; t++) Y.set(y.subarray(t * B_ * H, (t + 1) * B_ * H), (t * dirs + d) * B_ * H);
        Yh.set(out.hN, d * B_ * H);
        if (out.cN !== null) Yc.set(out.cN, d * B_ * H);
      });
      if (layout === 0) {
        return [floatTensor([T, dirs, B_, H], Y), floatTensor([dirs, B_, H], Yh), floatTensor([dirs, B_, H], Yc)];
      }
      return [
        floatTensor([B_, T, dirs, H], toBatchMajor(Y, T, dirs, B_, H)),
        floatTensor([B_, dirs, H], swapped(Yh, dirs, B_, H)),
        floatTensor([B_, dirs, H], swapped(Yc, dirs, B_, H)),
      ];
    },
  };
}

/** (dirs, B, H) → (B, dirs, H). */
function swapped(src: Float32Array, dirs: number, B: number, H: number): Float32Array {
  const out = new Float32Array(src.length);
  swapLeadingAxes(src, dirs, B, H, out);
  return out;
}

/** Y (T, dirs, B, H) → (B, T, dirs, H). */
function toBatchMajor(Y: Float32Array, T: number, dirs: number, B: number, H: number): Float32Array {
  const out = new Float32Array(Y.length);
  for (let t = 0; t < T; t++)
    for (let d = 0; d < dirs; d++)
      for (let b = 0; b < B; b++) {
        const from = ((t * dirs + d) * B + b) * H;
        out.set(Y.subarray(from, from + H), ((b * T + t) * dirs + d) * H);
      }
  return out;
}
