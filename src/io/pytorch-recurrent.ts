/**
 * PyTorch's nn.LSTM / nn.GRU / nn.RNN state_dicts in and out. Given the module's constructor
 * arguments (the names PyTorch uses), a state_dict (a map of names to arrays, or a safetensors
 * file's bytes) becomes a Recurrent stack over one parameter arena, and back, bit for bit.
 *
 *   weight_ih_l{k}[_reverse] (G·H, in)   weight_hh_l{k}[_reverse] (G·H, R)
 *   bias_ih_l{k}[_reverse] (G·H)         bias_hh_l{k}[_reverse] (G·H)      (when bias=True)
 *   weight_hr_l{k}[_reverse] (P, H)      (LSTM with proj_size = P > 0)
 * Our names are PyTorch's, so no gate reordering happens here (src/io/gate-order.ts).
 * A state_dict saved from a larger model (`encoder.rnn.weight_ih_l0` …) is read under its prefix,
 * found from where `weight_ih_l0` sits unless one is given.
 */
import { ConfigError, ModelFileError } from '../errors.js';
import { defaultKernels, type Kernels } from '../kernels/index.js';
import { ParamArena } from '../nn/params.js';
import { Recurrent, type RecurrentOptions } from '../nn/recurrent.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

/** The constructor arguments of the PyTorch module, under PyTorch's names. */
export interface TorchRecurrentArgs {
  mode: 'LSTM' | 'GRU' | 'RNN';
  input_size: number;
  hidden_size: number;
  num_layers?: number;
  /** nn.RNN only. */
  nonlinearity?: 'tanh' | 'relu';
  bias?: boolean;
  batch_first?: boolean;
  dropout?: number;
  bidirectional?: boolean;
  /** nn.LSTM only. */
  proj_size?: number;
}

export type StateDict = Map<string, Float32Array | Float64Array> | Record<string, Float32Array | Float64Array>;

/** A stack built from a state_dict, with what is needed to write it back. */
export interface TorchRecurrent {
  args: TorchRecurrentArgs;
  net: Recurrent;
  arena: ParamArena;
  /** The prefix the state_dict's names had ('' for a bare module). */
  prefix: string;
}

const WHERE = 'PyTorch state_dict';

export function recurrentOptionsFromTorch(args: TorchRecurrentArgs): RecurrentOptions {
  const kind = ({ LSTM: 'lstm', GRU: 'gru', RNN: 'rnn' } as const)[args.mode];
  if (kind === undefined)
    throw new ConfigError(WHERE, `mode must be 'LSTM', 'GRU' or 'RNN'; got ${JSON.stringify(args.mode)}.`);
  if (args.nonlinearity !== undefined && kind !== 'rnn') {
    throw new ConfigError(WHERE, `nonlinearity is an nn.RNN argument; this is nn.${args.mode}.`);
  }
  if (args.nonlinearity !== undefined && args.nonlinearity !== 'tanh' && args.nonlinearity !== 'relu') {
    throw new ConfigError(WHERE, `nonlinearity must be 'tanh' or 'relu'; got ${JSON.stringify(args.nonlinearity)}.`);
  }
  return {
    kind,
    inputSize: args.input_size,
    hiddenSize: args.hidden_size,
    numLayers: args.num_layers ?? 1,
    bidirectional: args.bidirectional ?? false,
    dropout: args.dropout ?? 0,
    ...(kind === 'lstm' ? { projSize: args.proj_size ?? 0 } : {}),
    ...(kind === 'rnn' ? { activations: [args.nonlinearity ?? 'tanh'] } : {}),
    prefix: '',
  };
}

/** The names and shapes the module's state_dict has (without a prefix). */
export function torchStateDictSpecs(args: TorchRecurrentArgs): { name: string; shape: number[] }[] {
  const specs = Recurrent.paramSpecs(recurrentOptionsFromTorch(args));
  const withBias = args.bias ?? true;
  return specs.filter((s) => withBias || !/^bias_/.test(s.name)).map((s) => ({ name: s.name, shape: [...s.shape] }));
}

function entriesOf(sd: StateDict): [string, Float32Array | Float64Array][] {
  return sd instanceof Map ? [...sd.entries()] : Object.entries(sd);
}

function findPrefix(names: readonly string[]): string {
  const anchor = names.find((n) => n.endsWith('weight_ih_l0'));
  if (anchor === undefined) {
    throw new ModelFileError(
      WHERE,
      `no 'weight_ih_l0' among its ${names.length} names (${names.slice(0, 6).join(', ')} …).`,
      'is this the state_dict of an nn.LSTM, nn.GRU or nn.RNN?',
    );
  }
  return anchor.slice(0, anchor.length - 'weight_ih_l0'.length);
}

/**
 * Build a stack from a state_dict. Every expected name must be there with its shape; a name
 * under the prefix that the arguments do not explain is an error (it usually means a wrong
 * argument: weight_hr_l0 without proj_size, _reverse without bidirectional …).
 * `shapes` (from a safetensors file) are checked too when given.
 */
export function buildTorchRecurrent(
  args: TorchRecurrentArgs,
  stateDict: StateDict,
  opts: { kernels?: Kernels; prefix?: string; shapes?: Map<string, number[]> } = {},
): TorchRecurrent {
  const k = opts.kernels ?? defaultKernels();
  const entries = entriesOf(stateDict);
  const byName = new Map(entries);
  const prefix = opts.prefix ?? findPrefix(entries.map(([n]) => n));
  const ropts = recurrentOptionsFromTorch(args);
  const expected = torchStateDictSpecs(args);
  const known = new Set(expected.map((s) => prefix + s.name));
  const unexplained = entries.map(([n]) => n).filter((n) => n.startsWith(prefix) && !known.has(n));
  if (unexplained.length > 0) {
    throw new ModelFileError(
      WHERE,
      `names the arguments do not explain: ${unexplained.join(', ')}.`,
      'check num_layers, bidirectional, proj_size and bias against the module that saved it.',
    );
  }
  for (const spec of expected) {
    const name = prefix + spec.name;
    const values = byName.get(name);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (values === undefined) throw new ModelFileError(WHERE, `'${name}' (${spec.shape.join(' × ')}) is missing.`);
    const shape = opts.shapes?.get(name);
    if ((shape !== undefined && shape.join() !== spec.shape.join()) || values.length !== count) {
      const got = shape === undefined ? `${values.length} values` : `shape (${shape.join(', ')})`;
      throw new ModelFileError(
        WHERE,
        `'${name}' should be (${spec.shape.join(', ')}) for these arguments; it has ${got}.`,
        'check input_size, hidden_size and proj_size.',
      );
    }
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new ModelFileError(
        WHERE,
        `'${name.slice(0, 80)}' holds ${values[bad]} at index ${bad}; weights must be finite numbers.`,
        'is the file damaged, or were the weights saved after training diverged?',
      );
    }
  }
  // every tensor checked against the arguments before the arena is allocated: a wrong
  // hidden_size is refused by the shapes, not by an allocation of its square
  const arena = new ParamArena(k, Recurrent.paramSpecs(ropts));
  for (const spec of expected) arena.value(spec.name).set(byName.get(prefix + spec.name) as Float32Array);
  const net = new Recurrent(k, arena, ropts);
  return { args, net, arena, prefix };
}

/** The state_dict of a stack: PyTorch's names (with the model's prefix), shapes and float32 copies. */
export function exportTorchStateDict(model: TorchRecurrent): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const spec of torchStateDictSpecs(model.args)) {
    out.set(model.prefix + spec.name, { shape: spec.shape, data: Float32Array.from(model.arena.value(spec.name)) });
  }
  return out;
}

/** Read a safetensors file's tensors (F32 or F64) as a state_dict with its shapes. */
export function decodeTorchStateDict(bytes: Uint8Array): {
  stateDict: Map<string, Float32Array | Float64Array>;
  shapes: Map<string, number[]>;
} {
  const content = decodeSafetensors(bytes, WHERE);
  const stateDict = new Map<string, Float32Array | Float64Array>();
  const shapes = new Map<string, number[]>();
  for (const [name, t] of content.tensors) {
    stateDict.set(name, t.data);
    shapes.set(name, t.shape);
  }
  return { stateDict, shapes };
}

/** A safetensors file of the stack's state_dict (F32), loadable with safetensors.torch.load_file. */
export function encodeTorchStateDict(model: TorchRecurrent): Uint8Array {
  const tensors = [...exportTorchStateDict(model)].map(([name, t]) => ({ name, shape: t.shape, data: t.data }));
  return encodeSafetensors(tensors, { format: 'pt' });
}

/** Build from a safetensors file's bytes. */
export function loadTorchRecurrent(
  args: TorchRecurrentArgs,
  bytes: Uint8Array,
  opts: { kernels?: Kernels; prefix?: string } = {},
): TorchRecurrent {
  const { stateDict, shapes } = decodeTorchStateDict(bytes);
  return buildTorchRecurrent(args, stateDict, { ...opts, shapes });
}
