/**
 * `lstm convert IN OUT`: move weights between this library, PyTorch, Keras / TensorFlow.js and
 * ONNX. The formats come from the file names; an ONNX output is read back and run beside its
 * source on a random batch, and the largest difference printed.
 */
import { basename, extname } from 'node:path';
import {
  buildTorchRecurrent,
  encodeSafetensors,
  encodeTorchStateDict,
  type Floats,
  type LanguageModel,
  Rng,
  type SequentialModel,
  swapLeadingAxes,
  type TorchRecurrent,
  type TorchRecurrentArgs,
} from '../index.js';
import {
  decodeOnnxModel,
  exportLanguageModelOnnx,
  exportRecurrentOnnx,
  exportSequentialOnnx,
  OnnxModel,
  torchRecurrentFromOnnx,
} from '../onnx.js';
import {
  loadModel,
  loadTfjsLayersModelFile,
  loadTorchRecurrentFile,
  readBinaryFile,
  writeFileAtomic,
} from '../node/index.js';
import { intFlag, parseCommand, UsageError } from './args.js';

export const CONVERT_HELP = `Usage: lstm convert IN OUT [options]

Convert a model between formats, chosen by the file names:

  IN                                 OUT
  MODEL.lstm (this library's LM)     .onnx (ids, h0, c0 → probs, h_n, c_n; vocabulary in the
                                     metadata) or .safetensors (state_dict: embedding.weight,
                                     lstm.weight_ih_l0 …, head.weight, head.bias)
  STATE.safetensors (PyTorch         .onnx (input (T, B, D), or (B, T, D) with --batch-first;
  nn.LSTM/GRU/RNN state_dict;        h0 [, c0] → output, h_n [, c_n]) or .safetensors
  give --mode and the sizes)         (the state_dict again, names without a prefix)
  model.json (TensorFlow.js          .onnx (batch-first, as Keras)
  layers model)
  MODEL.onnx (LSTM/GRU/RNN nodes     .safetensors (PyTorch state_dict; the constructor
  PyTorch can express)               arguments are printed)

PyTorch constructor arguments (for a .safetensors input):
  --mode LSTM|GRU|RNN    --input-size N    --hidden-size N    --num-layers N (1)
  --bidirectional        --proj-size N (0) --nonlinearity tanh|relu (RNN)
  --no-bias              --batch-first     --prefix P (found when left out)
ONNX output:
  --lengths              add a 'lengths' (B) input for padded batches (recurrent stacks)`;

const OPTIONS = {
  mode: { type: 'string' },
  'input-size': { type: 'string' },
  'hidden-size': { type: 'string' },
  'num-layers': { type: 'string' },
  'proj-size': { type: 'string' },
  nonlinearity: { type: 'string' },
  bidirectional: { type: 'boolean' },
  'no-bias': { type: 'boolean' },
  'batch-first': { type: 'boolean' },
  prefix: { type: 'string' },
  lengths: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseCommand>['values'];
type Source =
  | { kind: 'lm'; model: LanguageModel }
  | { kind: 'torch'; model: TorchRecurrent }
  | { kind: 'tfjs'; model: SequentialModel }
  | { kind: 'onnx'; bytes: Uint8Array };

function torchArgs(values: Values): TorchRecurrentArgs {
  const mode = values['mode'];
  if (mode !== 'LSTM' && mode !== 'GRU' && mode !== 'RNN') {
    throw new UsageError(
      `lstm convert: a PyTorch state_dict needs --mode LSTM, GRU or RNN; got ${JSON.stringify(mode ?? null)}.`,
    );
  }
  const need = (name: string): number => {
    const n = intFlag('convert', values, name, undefined, 1);
    if (n === undefined) throw new UsageError(`lstm convert: a PyTorch state_dict needs --${name}.`);
    return n;
  };
  const nonlinearity = values['nonlinearity'];
  if (nonlinearity !== undefined && nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
    throw new UsageError(`lstm convert: --nonlinearity is tanh or relu; got ${JSON.stringify(nonlinearity)}.`);
  }
  return {
    mode,
    input_size: need('input-size'),
    hidden_size: need('hidden-size'),
    num_layers: intFlag('convert', values, 'num-layers', 1, 1) as number,
    proj_size: intFlag('convert', values, 'proj-size', 0, 0) as number,
    bidirectional: values['bidirectional'] === true,
    bias: values['no-bias'] !== true,
    batch_first: values['batch-first'] === true,
    ...(nonlinearity !== undefined ? { nonlinearity } : {}),
  };
}

function readSource(path: string, values: Values): Source {
  const ext = extname(path).toLowerCase();
  if (ext === '.onnx') return { kind: 'onnx', bytes: readBinaryFile(path, 'lstm convert') };
  if (ext === '.json') return { kind: 'tfjs', model: loadTfjsLayersModelFile(path) };
  if (ext === '.safetensors') {
    const prefix = values['prefix'];
    return {
      kind: 'torch',
      model: loadTorchRecurrentFile(path, torchArgs(values), typeof prefix === 'string' ? { prefix } : {}),
    };
  }
  return { kind: 'lm', model: loadModel(path) };
}

function uniform(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Run the source and the written ONNX model on one random batch (T = 5, B = 2); the largest difference. */
function verify(source: Source, bytes: Uint8Array): number {
  const onnx = OnnxModel.fromBytes(bytes);
  const rng = new Rng(7);
  const [T, B] = [5, 2];
  if (source.kind === 'lm') {
    const { vocabSize: V, hiddenSize: H, numLayers: L } = source.model.shape;
    const ids = Int32Array.from({ length: T * B }, (_, i) => (i * 5) % V);
    const k = source.model.kernels;
    const zeros = (): Floats => k.alloc(L * B * H);
    const res = source.model.network.forward(ids, T, B, zeros(), zeros());
    const probs = k.alloc(T * B * V); // kernel memory: the kernels refuse arrays from elsewhere
    for (let r = 0; r < T * B; r++)
      k.softmaxRow(V, res.logits.subarray(r * V, (r + 1) * V), 1, probs.subarray(r * V, (r + 1) * V));
    const out = onnx.run({
      ids: { dims: [T, B], data: ids },
      h0: { dims: [L, B, H], data: new Float32Array(L * B * H) },
      c0: { dims: [L, B, H], data: new Float32Array(L * B * H) },
    });
    return maxDiff(out['probs']?.data ?? [], probs);
  }
  if (source.kind === 'torch') {
    const net = source.model.net;
    const D = net.inputSize;
    const N = net.numLayers * net.dirs;
    const x = uniform(rng, T * B * D);
    const xk = net.kernels.alloc(x.length);
    xk.set(x);
    const y = net.forward(xk, T, B).y;
    const zeros = { dims: [N, B, net.hiddenSize], data: new Float32Array(N * B * net.hiddenSize) };
    const feeds = {
      input: { dims: [T, B, D], data: x },
      h0: zeros,
      ...(net.kind === 'lstm' ? { c0: zeros } : {}),
      ...(onnx.inputs.some((v) => v.name === 'lengths') ? { lengths: { dims: [B], data: [T, T] } } : {}),
    };
    if (source.model.args.batch_first === true) {
      const xb = new Float32Array(x.length);
      swapLeadingAxes(x, T, B, D, xb);
      feeds.input = { dims: [B, T, D], data: xb };
      const out = onnx.run(feeds)['output']?.data ?? new Float32Array(0);
      const timeMajor = new Float32Array(out.length);
      swapLeadingAxes(out, B, T, net.outputSize, timeMajor);
      return maxDiff(timeMajor, y);
    }
    return maxDiff(onnx.run(feeds)['output']?.data ?? [], y);
  }
  if (source.kind === 'tfjs') {
    const plan = source.model.plan;
    const n = B * T * plan.inputFeatures;
    const first = plan.layers[0];
    const input =
      plan.tokens && first?.type === 'embedding'
        ? Array.from({ length: n }, (_, i) => (i * 3) % first.inputDim)
        : Array.from(uniform(rng, n));
    const ours = source.model.predict(input, B, T);
    const dims = plan.tokens ? [B, T] : [B, T, plan.inputFeatures];
    const name = onnx.inputs[0]?.name ?? 'input';
    return maxDiff(onnx.run({ [name]: { dims, data: input } })['output']?.data ?? [], ours);
  }
  return 0;
}

function lmStateDict(model: LanguageModel): Uint8Array {
  const tensors = model.arena.entries.map((e) => ({ name: e.name, shape: e.shape, data: model.arena.value(e.name) }));
  return encodeSafetensors(tensors, { format: 'pt' });
}

export function convertCommand(argv: string[]): number {
  const { values, positionals } = parseCommand('convert', argv, OPTIONS);
  if (values.help === true) {
    console.log(CONVERT_HELP);
    return 0;
  }
  if (positionals.length !== 2)
    throw new UsageError(`lstm convert: expected IN and OUT files.\nSee 'lstm convert --help'.`);
  const [inPath, outPath] = positionals as [string, string];
  const outExt = extname(outPath).toLowerCase();
  if (outExt !== '.onnx' && outExt !== '.safetensors') {
    throw new UsageError(`lstm convert: OUT must end in .onnx or .safetensors; got '${basename(outPath)}'.`);
  }
  const source = readSource(inPath, values);
  const lengths = values['lengths'] === true;
  let bytes: Uint8Array;
  let what: string;
  if (outExt === '.onnx') {
    if (source.kind === 'onnx')
      throw new UsageError('lstm convert: IN is already ONNX; convert it to .safetensors instead.');
    if (source.kind === 'lm') {
      bytes = exportLanguageModelOnnx(source.model);
      what = 'inputs ids (T, B) int64, h0, c0 (L, B, H); outputs probs (T, B, V), h_n, c_n';
    } else if (source.kind === 'torch') {
      const batchFirst = source.model.args.batch_first === true;
      bytes = exportRecurrentOnnx(source.model.net, source.model.arena, { states: true, batchFirst, lengths });
      what = `inputs input ${batchFirst ? '(B, T, D)' : '(T, B, D)'}, h0${source.model.net.kind === 'lstm' ? ', c0' : ''}${lengths ? ', lengths (B)' : ''}; outputs output, h_n${source.model.net.kind === 'lstm' ? ', c_n' : ''}`;
    } else {
      bytes = exportSequentialOnnx(source.model);
      what = `input ${source.model.plan.tokens ? 'ids (B, T) int64' : 'input (B, T, D)'}; output 'output'`;
    }
  } else if (source.kind === 'onnx') {
    const { args, stateDict } = torchRecurrentFromOnnx(decodeOnnxModel(source.bytes));
    bytes = encodeTorchStateDict(buildTorchRecurrent(args, stateDict, { prefix: '' }));
    const a = args;
    what = `for torch.nn.${a.mode}(input_size=${a.input_size}, hidden_size=${a.hidden_size}, num_layers=${a.num_layers}, bidirectional=${a.bidirectional === true ? 'True' : 'False'}${a.nonlinearity === 'relu' ? ", nonlinearity='relu'" : ''})`;
  } else if (source.kind === 'torch') {
    bytes = encodeTorchStateDict({ ...source.model, prefix: '' });
    what = 'the state_dict, names without a prefix';
  } else if (source.kind === 'lm') {
    bytes = lmStateDict(source.model);
    what = 'embedding.weight, lstm.weight_ih_l0 …, head.weight, head.bias';
  } else {
    throw new UsageError('lstm convert: a TensorFlow.js model converts to .onnx, not to a PyTorch state_dict.');
  }
  writeFileAtomic(outPath, bytes);
  console.log(`wrote ${outPath} (${bytes.length.toLocaleString('en-US')} bytes): ${what}`);
  if (outExt === '.onnx') {
    const diff = verify(source, bytes);
    console.log(
      `checked: the ONNX model, read back and run on a random batch, matches ${basename(inPath)} to ${diff.toExponential(1)}`,
    );
    if (!(diff < 1e-4)) {
      console.error('lstm convert: the written model does not reproduce its source; please report this.');
      return 1;
    }
  }
  return 0;
}
