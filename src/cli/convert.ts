/**
 * `lstm convert IN OUT`: move weights between this library, PyTorch, Keras / TensorFlow.js and
 * ONNX. The formats come from the file names; an ONNX output is read back and run beside its
 * source on a random batch, and the largest difference printed.
 */
import { basename, extname } from 'node:path';
import {
  buildTorchRecurrent,
  decodeSafetensors,
  encodeSafetensors,
  encodeTorchStateDict,
  type LanguageModel,
  ModelFileError,
  type TorchRecurrentArgs,
} from '../index.js';
import {
  decodeOnnxModel,
  exportLanguageModelOnnx,
  exportRecurrentOnnx,
  exportSequentialOnnx,
  type OnnxExportSource,
  torchRecurrentFromOnnx,
  verifyOnnxExport,
} from '../onnx.js';
import {
  checkOutputPath,
  loadModel,
  loadTfjsLayersModelFile,
  loadTorchRecurrentFile,
  readBinaryFile,
  writeFileAtomic,
} from '../node/index.js';
import { UsageError } from './args.js';
import { defineCommand, type FlagValues, HELP_FLAG, readCommandLine } from './flags.js';

const TORCH = 'PyTorch constructor arguments (for a .safetensors input):';

export const CONVERT = defineCommand(
  'convert',
  {
    mode: {
      group: TORCH,
      type: 'choice',
      choices: ['LSTM', 'GRU', 'RNN'],
      choicesText: 'LSTM, GRU or RNN',
      help: 'the module: torch.nn.LSTM, GRU or RNN (required)',
    },
    'input-size': { type: 'integer', min: 1, help: 'input_size (required)' },
    'hidden-size': { type: 'integer', min: 1, help: 'hidden_size (required)' },
    'num-layers': { type: 'integer', min: 1, default: 1, help: 'num_layers' },
    bidirectional: { type: 'boolean', help: 'bidirectional=True' },
    'proj-size': { type: 'integer', min: 0, default: 0, help: 'proj_size (LSTM)' },
    nonlinearity: {
      type: 'choice',
      choices: ['tanh', 'relu'],
      choicesText: 'tanh or relu',
      help: 'nonlinearity (RNN)',
      shown: 'tanh',
    },
    'no-bias': { type: 'boolean', help: 'bias=False' },
    'batch-first': { type: 'boolean', help: 'batch_first=True' },
    prefix: {
      type: 'string',
      value: 'P',
      help: "the state_dict's name prefix, e.g. 'lstm.'",
      shown: ': found when left out',
    },
    lengths: {
      group: 'ONNX output:',
      type: 'boolean',
      help: "add a 'lengths' (B) input for padded batches (recurrent stacks)",
    },
    help: { ...HELP_FLAG, group: '' },
  },
  {
    usage: 'Usage: lstm convert IN OUT [options]',
    intro: `Convert a model between formats, chosen by the file names:

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

An ONNX output is read back and run beside its source on a random batch; the largest difference
is printed.`,
    labelWidth: 26,
  },
);

type Values = FlagValues<typeof CONVERT.flags>;
type Source = OnnxExportSource | { kind: 'onnx'; bytes: Uint8Array };

function torchArgs(values: Values): TorchRecurrentArgs {
  const mode = values.mode;
  if (mode === undefined) throw new UsageError('lstm convert: a PyTorch state_dict needs --mode LSTM, GRU or RNN.');
  const need = (name: 'input-size' | 'hidden-size'): number => {
    const n = values[name];
    if (n === undefined) throw new UsageError(`lstm convert: a PyTorch state_dict needs --${name}.`);
    return n;
  };
  const nonlinearity = values.nonlinearity;
  return {
    mode,
    input_size: need('input-size'),
    hidden_size: need('hidden-size'),
    num_layers: values['num-layers'],
    proj_size: values['proj-size'],
    bidirectional: values.bidirectional,
    bias: !values['no-bias'],
    batch_first: values['batch-first'],
    ...(nonlinearity !== undefined ? { nonlinearity } : {}),
  };
}

function readSource(path: string, values: Values): Source {
  const ext = extname(path).toLowerCase();
  if (ext === '.onnx') return { kind: 'onnx', bytes: readBinaryFile(path, 'lstm convert') };
  if (ext === '.json') return { kind: 'sequential', model: loadTfjsLayersModelFile(path) };
  if (ext === '.safetensors') {
    const prefix = values.prefix;
    return {
      kind: 'torch-recurrent',
      model: loadTorchRecurrentFile(path, torchArgs(values), prefix !== undefined ? { prefix } : {}),
    };
  }
  return { kind: 'language-model', model: loadModel(path) };
}

function lmStateDict(model: LanguageModel): Uint8Array {
  const tensors = model.arena.entries.map((e) => ({ name: e.name, shape: e.shape, data: model.arena.value(e.name) }));
  return encodeSafetensors(tensors, { format: 'pt' });
}

/**
 * Check the converted bytes in memory, before anything is written: an ONNX output is read back
 * and run beside its source (the line to print is returned); a state_dict is read back and must
 * hold finite numbers. A failed check is a ModelFileError and no file is written.
 */
function checkConverted(source: Source, inPath: string, outExt: string, bytes: Uint8Array): string | undefined {
  if (outExt === '.onnx' && source.kind !== 'onnx') {
    const diff = verifyOnnxExport(source, bytes);
    if (Number.isNaN(diff)) {
      throw new ModelFileError(
        'lstm convert',
        `${basename(inPath)} and its conversion give outputs that are not finite numbers on a random batch; nothing was written.`,
        'are some of its weights far too large?',
      );
    }
    if (!(diff < 1e-4)) {
      throw new ModelFileError(
        'lstm convert',
        `the converted model does not reproduce ${basename(inPath)} (largest difference ${diff}); nothing was written.`,
        'please report this.',
      );
    }
    return `checked: the ONNX model, read back and run on a random batch, matches ${basename(inPath)} to ${diff.toExponential(1)}`;
  }
  if (outExt === '.safetensors') {
    for (const [name, t] of decodeSafetensors(bytes, 'lstm convert').tensors) {
      const bad = t.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        throw new ModelFileError(
          'lstm convert',
          `the converted '${name.slice(0, 80)}' holds ${t.data[bad]} at index ${bad}; nothing was written.`,
          'is the source damaged?',
        );
      }
    }
  }
  return undefined;
}

export function convertCommand(argv: string[]): number {
  const line = readCommandLine(CONVERT, argv);
  if (line === undefined) return 0;
  const { values, positionals } = line;
  if (positionals.length !== 2)
    throw new UsageError(`lstm convert: expected IN and OUT files.\nSee 'lstm convert --help'.`);
  const [inPath, outPath] = positionals as [string, string];
  const outExt = extname(outPath).toLowerCase();
  if (outExt !== '.onnx' && outExt !== '.safetensors') {
    throw new UsageError(`lstm convert: OUT must end in .onnx or .safetensors; got '${basename(outPath)}'.`);
  }
  checkOutputPath(outPath, 'lstm convert OUT'); // before reading IN: a conversion that cannot be written does not start
  const source = readSource(inPath, values);
  const lengths = values.lengths;
  let bytes: Uint8Array;
  let what: string;
  if (outExt === '.onnx') {
    if (source.kind === 'onnx')
      throw new UsageError('lstm convert: IN is already ONNX; convert it to .safetensors instead.');
    if (source.kind === 'language-model') {
      bytes = exportLanguageModelOnnx(source.model);
      const lstm = (source.model.config.cell ?? 'lstm') === 'lstm';
      what = `inputs ids (T, B) int64, h0${lstm ? ', c0' : ''} (L, B, H); outputs probs (T, B, V), h_n${lstm ? ', c_n' : ''}`;
    } else if (source.kind === 'torch-recurrent') {
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
  } else if (source.kind === 'torch-recurrent') {
    bytes = encodeTorchStateDict({ ...source.model, prefix: '' });
    what = 'the state_dict, names without a prefix';
  } else if (source.kind === 'language-model') {
    bytes = lmStateDict(source.model);
    what = 'embedding.weight, lstm.weight_ih_l0 …, head.weight, head.bias';
  } else {
    throw new UsageError('lstm convert: a TensorFlow.js model converts to .onnx, not to a PyTorch state_dict.');
  }
  const checked = checkConverted(source, inPath, outExt, bytes);
  writeFileAtomic(outPath, bytes);
  console.log(`wrote ${outPath} (${bytes.length.toLocaleString('en-US')} bytes): ${what}`);
  if (checked !== undefined) console.log(checked);
  return 0;
}
