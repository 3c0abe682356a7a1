/**
 * The recurrent stack inside an ONNX model as a PyTorch nn.LSTM / nn.GRU / nn.RNN: constructor
 * arguments and state_dict. The model's LSTM / GRU / RNN nodes, in graph order, are the layers;
 * they must be what PyTorch can express: one operator and hidden size throughout, forward or
 * bidirectional, PyTorch's activations (an RNN's Tanh or Relu), no clip, no coupled gates, no
 * peepholes, a GRU with linear_before_reset = 1, and weights stored in the file (initializers or
 * Constant nodes). Anything else is named in the error.
 */
import { ModelFileError } from '../../errors.js';
import { type CellKind, GATE_COUNT } from '../../nn/cell-config.js';
import { reorderGates } from '../gate-order.js';
import type { TorchRecurrentArgs } from '../pytorch-recurrent.js';
import { OnnxNode } from './node.js';
import { recurrentSizes } from './recurrent-op.js';
import type { ModelProto } from './proto.js';
import { type OnnxTensor, readTensor } from './tensor.js';

const KINDS: Record<string, CellKind> = { LSTM: 'lstm', GRU: 'gru', RNN: 'rnn' };
const TORCH_ACTIVATIONS: Record<CellKind, string[][]> = {
  lstm: [['sigmoid', 'tanh', 'tanh']],
  gru: [['sigmoid', 'tanh']],
  rnn: [['tanh'], ['relu']],
};

export interface TorchFromOnnx {
  args: TorchRecurrentArgs;
  stateDict: Map<string, Float32Array>;
}

export function torchRecurrentFromOnnx(proto: ModelProto): TorchFromOnnx {
  const graph = proto.graph ?? {};
  const constants = new Map<string, OnnxTensor>();
  for (const t of graph.initializer ?? []) constants.set(t.name ?? '', readTensor(t));
  const nodes = (graph.node ?? []).map((n, i) => new OnnxNode(n, i));
  for (const n of nodes) {
    const value = n.op === 'Constant' ? n.tensor('value') : undefined;
    if (value !== undefined && n.outputs[0] !== undefined) constants.set(n.outputs[0], value);
  }
  const layers = nodes.filter((n) => KINDS[n.op] !== undefined);
  const first = layers[0];
  if (first === undefined) throw new ModelFileError('ONNX → PyTorch', 'the model has no LSTM, GRU or RNN node.');
  const kind = KINDS[first.op] as CellKind;
  const direction = first.string('direction') ?? 'forward';
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) {
    throw first.error(`direction must be forward, reverse or bidirectional; got '${direction.slice(0, 80)}'.`);
  }
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const G = GATE_COUNT[kind];
  let nonlinearity: 'tanh' | 'relu' = 'tanh';
  let H = 0;
  let inputSize = 0;
  const stateDict = new Map<string, Float32Array>();

  layers.forEach((node, l) => {
    const refuse = (why: string): never => {
      throw node.error(`PyTorch's nn.${first.op} cannot hold this layer: ${why}`);
    };
    if (node.op !== first.op) refuse(`the model mixes ${first.op} and ${node.op} layers.`);
    if ((node.string('direction') ?? 'forward') !== direction) refuse('its direction differs from the first layer’s.');
    if (direction === 'reverse') refuse('a reverse-only layer has no PyTorch form.');
    if ((node.float('clip') ?? 0) > 0) refuse('it clips (ONNX clip).');
    if ((node.int('input_forget') ?? 0) !== 0) refuse('it couples the input and forget gates.');
    if (node.inputs[7] !== undefined) refuse('it has peepholes.');
    if (kind === 'gru' && (node.int('linear_before_reset') ?? 0) === 0) {
      refuse('it applies the reset gate before the recurrent product (linear_before_reset = 0).');
    }
    const names = (node.strings('activations') ?? []).map((s) => s.toLowerCase());
    const per = (TORCH_ACTIVATIONS[kind][0] as string[]).length;
    for (let d = 0; d < dirs && names.length > 0; d++) {
      const mine = names.length === per ? names : names.slice(d * per, (d + 1) * per);
      if (!TORCH_ACTIVATIONS[kind].some((a) => a.join() === mine.join())) {
        refuse(`its activations (${names.join(', ')}) are not PyTorch's.`);
      }
      if (kind === 'rnn' && mine[0] === 'relu') nonlinearity = 'relu';
    }
    const get = (i: number, what: string): OnnxTensor | undefined => {
      const name = node.inputs[i];
      if (name === undefined) return undefined;
      const t = constants.get(name);
      if (t === undefined) refuse(`its ${what} is computed, not stored in the file.`);
      return t;
    };
    const W = get(1, 'W');
    const R = get(2, 'R');
    const B = get(3, 'B');
    if (W === undefined || R === undefined) throw node.error('inputs W and R are required.');
    const { H: h, I } = recurrentSizes(node, kind, dirs, { W, R, B });
    if (l === 0) {
      H = h;
      inputSize = I;
    } else {
      if (h !== H) refuse(`its hidden size ${h} differs from the first layer’s ${H}.`);
      if (I !== dirs * H) refuse(`it reads ${I} features, not the previous layer’s ${dirs * H}.`);
    }
    for (let d = 0; d < dirs; d++) {
      const n = (s: string): string => `${s}_l${l}${d === 1 ? '_reverse' : ''}`;
      const part = (t: OnnxTensor, size: number, at: number): Float32Array =>
        reorderGates(
          Float32Array.from(t.data.subarray(d * (t.data.length / dirs) + at, d * (t.data.length / dirs) + at + size)),
          kind,
          'onnx',
          'pytorch',
        );
      stateDict.set(n('weight_ih'), part(W, G * H * (W.dims[2] as number), 0));
      stateDict.set(n('weight_hh'), part(R, G * H * H, 0));
      stateDict.set(n('bias_ih'), B === undefined ? new Float32Array(G * H) : part(B, G * H, 0));
      stateDict.set(n('bias_hh'), B === undefined ? new Float32Array(G * H) : part(B, G * H, G * H));
    }
  });
  const args: TorchRecurrentArgs = {
    mode: first.op as TorchRecurrentArgs['mode'],
    input_size: inputSize,
    hidden_size: H,
    num_layers: layers.length,
    bidirectional: dirs === 2,
    ...(kind === 'rnn' ? { nonlinearity } : {}),
  };
  return { args, stateDict };
}
