/**
 * Writing a model as an .onnx file with ONNX's standard operators (opset 14): Gather for an
 * embedding, LSTM / GRU / RNN for each recurrent layer (all attributes our cells have: direction,
 * clip, input_forget, activations with alpha/beta, linear_before_reset, peepholes), MatMul + Add
 * and an activation (Softmax, Tanh, Relu, Sigmoid) for a dense layer, and the Transpose / Reshape /
 * Squeeze / Slice / Concat that join them. Weights go in as initializers in ONNX's gate order
 * (src/io/gate-order.ts).
 *
 * The graph, for layers as described by OnnxExportLayer:
 *   input    token ids (T, B) int64 when the first layer is an embedding, else (T, B, D) float;
 *            (B, T …) with batchFirst; optional `lengths` (B) int32 and initial states `h0`, `c0`
 *   output   the last layer's output, (T, B, ·) or (B, T, ·), or (B, ·) once a recurrent layer
 *            returns only its final state; with states, `h_n` and `c_n` as PyTorch orders them
 *            ((layers·dirs, B, H), layer by layer, forward direction first)
 */
import { ConfigError } from '../../errors.js';
import type { ActivationSpec } from '../../nn/activations.js';
import { type CellKind, DEFAULT_ACTIVATIONS, GATE_COUNT } from '../../nn/cell-config.js';
import { reorderGates, swapPeepholeOrder, transpose } from '../gate-order.js';
import { ATTRIBUTE_TYPE, type AttributeProto, type ModelProto, type NodeProto, encodeOnnxModel } from './proto.js';
import { ONNX_ACTIVATION_NAME, ONNX_ACTIVATION_TAKES } from './recurrent-op.js';
import { type OnnxTensor, floatTensor, intTensor, writeTensor } from './tensor.js';

/** One direction's weights in our layout (PyTorch's gate order, two biases). */
export interface DirectionWeights {
  weight_ih: Float32Array | Float64Array; // (G·H, D)
  weight_hh: Float32Array | Float64Array; // (G·H, H)
  bias_ih: Float32Array | Float64Array; // (G·H)
  bias_hh: Float32Array | Float64Array; // (G·H)
  peephole?: Float32Array | Float64Array | null; // (3H) p_i, p_f, p_o
}

export type OnnxExportLayer =
  | { type: 'embedding'; name: string; table: Float32Array | Float64Array; inputDim: number; outputDim: number }
  | {
      type: 'recurrent';
      name: string;
      kind: CellKind;
      inputSize: number;
      hiddenSize: number;
      activations: readonly Required<ActivationSpec>[];
      clip: number;
      inputForget: boolean;
      linearBeforeReset: boolean;
      /** One entry per direction (two: bidirectional). */
      directions: DirectionWeights[];
      /** How two directions' outputs join: side by side (PyTorch, Keras's default) or elementwise. */
      merge: 'concat' | 'sum' | 'mul' | 'ave';
      /** False: the layer gives its final state (B, ·) instead of the sequence (Keras). */
      returnSequences: boolean;
    }
  | {
      type: 'dense';
      name: string;
      inSize: number;
      units: number;
      weight: Float32Array | Float64Array; // (units, inSize)
      bias: Float32Array | Float64Array; // (units)
      activation: Required<ActivationSpec> | 'softmax' | 'linear';
    };

export interface OnnxExportOptions {
  /** Batch-major input and output, (B, T, …), as Keras and PyTorch's batch_first. Default false. */
  batchFirst?: boolean;
  /** Add initial-state inputs h0, c0 and final-state outputs h_n, c_n. Default false. */
  states?: boolean;
  /** Add a `lengths` input (B) int32, each sequence's length (ONNX sequence_lens). Default false. */
  lengths?: boolean;
  inputName?: string;
  outputName?: string;
  /** Stored in the model's metadata_props (e.g. a vocabulary). */
  metadata?: Record<string, string>;
  docString?: string;
}

const OPSET = 14;
const FLOAT = 1;
const INT64 = 7;
const INT32 = 6;
const encoder = new TextEncoder();

function attribute(name: string, value: number | string | number[] | string[], integer = false): AttributeProto {
  if (typeof value === 'string') return { name, type: ATTRIBUTE_TYPE.STRING, s: encoder.encode(value) };
  if (typeof value === 'number') {
    return integer ? { name, type: ATTRIBUTE_TYPE.INT, i: value } : { name, type: ATTRIBUTE_TYPE.FLOAT, f: value };
  }
  if (value.length > 0 && typeof value[0] === 'string') {
    return { name, type: ATTRIBUTE_TYPE.STRINGS, strings: (value as string[]).map((s) => encoder.encode(s)) };
  }
  return integer
    ? { name, type: ATTRIBUTE_TYPE.INTS, ints: value as number[] }
    : { name, type: ATTRIBUTE_TYPE.FLOATS, floats: value as number[] };
}

/** Nodes and initializers with fresh names. */
class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: ReturnType<typeof writeTensor>[] = [];
  private count = 0;

  constant(name: string, t: OnnxTensor): string {
    this.initializers.push(writeTensor(name, t));
    return name;
  }
  ints(values: number[]): string {
    return this.constant(`const_${this.count++}`, intTensor([values.length], values));
  }
  node(op: string, inputs: string[], attrs: AttributeProto[] = [], outputs = 1, name = op): string[] {
    const id = this.count++;
    const outs = Array.from({ length: outputs }, (_, i) => `${name}_${id}_out${i}`);
    this.nodes.push({ op_type: op, name: `${name}_${id}`, input: inputs, output: outs, attribute: attrs });
    return outs;
  }
  one(op: string, inputs: string[], attrs: AttributeProto[] = [], name = op): string {
    return this.node(op, inputs, attrs, 1, name)[0] as string;
  }
}

function stacked(parts: (Float32Array | Float64Array)[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The recurrent node's activation attributes, or none when they are the defaults. */
function activationAttributes(layer: Extract<OnnxExportLayer, { type: 'recurrent' }>): AttributeProto[] {
  const specs = layer.activations;
  const isDefault = specs.every(
    (s, i) =>
      s.name === DEFAULT_ACTIVATIONS[layer.kind][i] &&
      (s.name !== 'hard_sigmoid' || (s.alpha === 0.2 && s.beta === 0.5)),
  );
  if (isDefault) return [];
  const all = layer.directions.flatMap(() => specs);
  const alphas: number[] = [];
  const betas: number[] = [];
  for (const s of all) {
    const takes = ONNX_ACTIVATION_TAKES[s.name];
    if (takes >= 1) alphas.push(s.alpha);
    if (takes === 2) betas.push(s.beta);
  }
  return [
    attribute(
      'activations',
      all.map((s) => ONNX_ACTIVATION_NAME[s.name]),
    ),
    ...(alphas.length > 0 ? [attribute('activation_alpha', alphas)] : []),
    ...(betas.length > 0 ? [attribute('activation_beta', betas)] : []),
  ];
}

interface StateNames {
  h0: string | undefined;
  c0: string | undefined;
  hN: string[];
  cN: string[];
  offset: number; // layers·dirs so far
}

/** One recurrent layer: x (T, B, D) → (T, B, dirs·H) or merged (T, B, H), or its final state (B, ·). */
function recurrentLayer(
  g: GraphBuilder,
  layer: Extract<OnnxExportLayer, { type: 'recurrent' }>,
  x: string,
  lengths: string | undefined,
  states: StateNames | undefined,
): string {
  const { kind, hiddenSize: H, inputSize: D, name } = layer;
  const dirs = layer.directions.length;
  const G = GATE_COUNT[kind];
  const onnx = (v: Float32Array | Float64Array): Float32Array =>
    reorderGates(Float32Array.from(v), kind, 'pytorch', 'onnx');
  const W = g.constant(
    `${name}.W`,
    floatTensor([dirs, G * H, D], stacked(layer.directions.map((d) => onnx(d.weight_ih)))),
  );
  const R = g.constant(
    `${name}.R`,
    floatTensor([dirs, G * H, H], stacked(layer.directions.map((d) => onnx(d.weight_hh)))),
  );
  const B = g.constant(
    `${name}.B`,
    floatTensor([dirs, 2 * G * H], stacked(layer.directions.flatMap((d) => [onnx(d.bias_ih), onnx(d.bias_hh)]))),
  );
  const peep = layer.directions.map((d) => d.peephole ?? null);
  const P = peep.every((p) => p !== null)
    ? g.constant(
        `${name}.P`,
        floatTensor([dirs, 3 * H], stacked(peep.map((p) => swapPeepholeOrder(Float32Array.from(p))))),
      )
    : '';
  const slice = (all: string | undefined): string => {
    if (all === undefined || states === undefined) return '';
    const o = states.offset;
    return g.one('Slice', [all, g.ints([o]), g.ints([o + dirs]), g.ints([0])], [], `${name}.state`);
  };
  const inputs = [x, W, R, B, lengths ?? '', slice(states?.h0)];
  if (kind === 'lstm') inputs.push(slice(states?.c0), P);
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const attrs = [
    attribute('hidden_size', H, true),
    attribute('direction', dirs === 2 ? 'bidirectional' : 'forward'),
    ...activationAttributes(layer),
    ...(layer.clip > 0 ? [attribute('clip', layer.clip)] : []),
    ...(kind === 'lstm' && layer.inputForget ? [attribute('input_forget', 1, true)] : []),
    ...(kind === 'gru' ? [attribute('linear_before_reset', layer.linearBeforeReset ? 1 : 0, true)] : []),
  ];
  const [Y, Yh, Yc] = g.node(kind.toUpperCase(), inputs, attrs, kind === 'lstm' ? 3 : 2, name) as [
    string,
    string,
    string?,
  ];
  if (states !== undefined) {
    states.hN.push(Yh);
    if (Yc !== undefined) states.cN.push(Yc);
    states.offset += dirs;
  }
  // Y (T, dirs, B, H); Y_h (dirs, B, H)
  const seq = layer.returnSequences;
  const out = seq ? Y : Yh;
  const dirAxis = seq ? 1 : 0;
  if (dirs === 1) return g.one('Squeeze', [out, g.ints([dirAxis])]);
  if (layer.merge === 'concat') {
    const perm = seq ? [0, 2, 1, 3] : [1, 0, 2];
    const moved = g.one('Transpose', [out], [attribute('perm', perm, true)]);
    return g.one('Reshape', [moved, g.ints(seq ? [0, 0, -1] : [0, -1])]);
  }
  const half = (d: number): string =>
    g.one('Squeeze', [g.one('Slice', [out, g.ints([d]), g.ints([d + 1]), g.ints([dirAxis])]), g.ints([dirAxis])]);
  const [fwd, back] = [half(0), half(1)];
  if (layer.merge === 'mul') return g.one('Mul', [fwd, back]);
  const sum = g.one('Add', [fwd, back]);
  return layer.merge === 'sum' ? sum : g.one('Mul', [sum, g.constant(`${name}.half`, floatTensor([], [0.5]))]);
}

function denseLayer(g: GraphBuilder, layer: Extract<OnnxExportLayer, { type: 'dense' }>, x: string): string {
  const W = g.constant(
    `${layer.name}.weight_t`,
    floatTensor([layer.inSize, layer.units], transpose(Float32Array.from(layer.weight), layer.units, layer.inSize)),
  );
  const b = g.constant(`${layer.name}.bias`, floatTensor([layer.units], layer.bias));
  const z = g.one('Add', [g.one('MatMul', [x, W], [], layer.name), b]);
  const a = layer.activation;
  if (a === 'linear' || (a !== 'softmax' && a.name === 'affine' && a.alpha === 1 && a.beta === 0)) return z;
  if (a === 'softmax') return g.one('Softmax', [z], [attribute('axis', -1, true)]);
  const op = { tanh: 'Tanh', relu: 'Relu', sigmoid: 'Sigmoid' }[a.name as string];
  if (op === undefined) {
    throw new ConfigError(
      'ONNX export',
      `dense layer '${layer.name}': activation ${a.name} is not exported (linear, softmax, tanh, relu, sigmoid are).`,
    );
  }
  return g.one(op, [z]);
}

function dim(name: string | number): { dim_value: number } | { dim_param: string } {
  return typeof name === 'number' ? { dim_value: name } : { dim_param: name };
}

function valueInfo(
  name: string,
  elem: number,
  dims: (string | number)[],
): NonNullable<NonNullable<ModelProto['graph']>['input']>[number] {
  return { name, type: { tensor_type: { elem_type: elem, shape: { dim: dims.map(dim) } } } };
}

/** The layers as an ONNX model (the bytes of an .onnx file). See the file comment for the graph. */
export function exportOnnx(layers: readonly OnnxExportLayer[], opts: OnnxExportOptions = {}): Uint8Array {
  const first = layers[0];
  if (first === undefined) throw new ConfigError('ONNX export', 'there are no layers to export.');
  const batchFirst = opts.batchFirst ?? false;
  const g = new GraphBuilder();
  const inputName = opts.inputName ?? (first.type === 'embedding' ? 'ids' : 'input');
  const tokens = first.type === 'embedding';
  const D = first.type === 'embedding' ? null : first.type === 'recurrent' ? first.inputSize : first.inSize;
  const lead = batchFirst ? ['B', 'T'] : ['T', 'B'];
  const inputs = [valueInfo(inputName, tokens ? INT64 : FLOAT, tokens ? lead : [...lead, D as number])];
  let x = inputName;
  if (batchFirst) x = g.one('Transpose', [x], [attribute('perm', tokens ? [1, 0] : [1, 0, 2], true)]);
  const lengths = opts.lengths === true ? 'lengths' : undefined;
  if (lengths !== undefined) inputs.push(valueInfo(lengths, INT32, ['B']));
  const recurrent = layers.filter((l) => l.type === 'recurrent');
  let states: StateNames | undefined;
  if (opts.states === true) {
    const first = recurrent[0];
    if (first === undefined)
      throw new ConfigError('ONNX export', 'states were asked for, but there is no recurrent layer.');
    if (recurrent.some((l) => l.hiddenSize !== first.hiddenSize || l.kind !== first.kind)) {
      throw new ConfigError(
        'ONNX export',
        'states need every recurrent layer of one kind and hidden size, as a PyTorch stack is.',
      );
    }
    const N = recurrent.reduce((n, l) => n + l.directions.length, 0);
    inputs.push(valueInfo('h0', FLOAT, [N, 'B', first.hiddenSize]));
    if (first.kind === 'lstm') inputs.push(valueInfo('c0', FLOAT, [N, 'B', first.hiddenSize]));
    states = { h0: 'h0', c0: first.kind === 'lstm' ? 'c0' : undefined, hN: [], cN: [], offset: 0 };
  }
  let sequence = true;
  let width = D ?? 0;
  for (const layer of layers) {
    if (!sequence && layer.type !== 'dense') {
      throw new ConfigError(
        'ONNX export',
        `layer '${layer.name}' follows a layer that dropped the time axis; only dense layers may.`,
      );
    }
    if (layer.type === 'embedding') {
      if (layer !== first) throw new ConfigError('ONNX export', 'an embedding must be the first layer.');
      x = g.one(
        'Gather',
        [g.constant(`${layer.name}.weight`, floatTensor([layer.inputDim, layer.outputDim], layer.table)), x],
        [],
        layer.name,
      );
      width = layer.outputDim;
    } else if (layer.type === 'recurrent') {
      if (layer.inputSize !== width) {
        throw new ConfigError(
          'ONNX export',
          `recurrent layer '${layer.name}' takes ${layer.inputSize} features; the layer before gives ${width}.`,
        );
      }
      x = recurrentLayer(g, layer, x, lengths, states);
      width = layer.merge === 'concat' ? layer.hiddenSize * layer.directions.length : layer.hiddenSize;
      sequence = layer.returnSequences;
    } else {
      x = denseLayer(g, layer, x);
      width = layer.units;
    }
  }
  if (batchFirst && sequence) x = g.one('Transpose', [x], [attribute('perm', [1, 0, 2], true)]);
  const outputName = opts.outputName ?? 'output';
  g.one('Identity', [x], [], 'output');
  (g.nodes[g.nodes.length - 1] as NodeProto).output = [outputName];
  const outputs = [valueInfo(outputName, FLOAT, sequence ? [...lead, width] : ['B', width])];
  if (states !== undefined) {
    const H = (recurrent[0] as { hiddenSize: number }).hiddenSize;
    const N = states.offset;
    for (const [name, parts] of [
      ['h_n', states.hN],
      ['c_n', states.cN],
    ] as const) {
      if (parts.length === 0) continue;
      g.one('Concat', parts, [attribute('axis', 0, true)]);
      (g.nodes[g.nodes.length - 1] as NodeProto).output = [name];
      outputs.push(valueInfo(name, FLOAT, [N, 'B', H]));
    }
  }
  const model: ModelProto = {
    ir_version: 7,
    opset_import: [{ domain: '', version: OPSET }],
    producer_name: 'lstm',
    ...(opts.docString !== undefined ? { doc_string: opts.docString } : {}),
    graph: { name: 'lstm', node: g.nodes, initializer: g.initializers, input: inputs, output: outputs },
    metadata_props: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  return encodeOnnxModel(model);
}
