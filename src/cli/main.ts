#!/usr/bin/env node
/** The `lstm` command: dispatches to train, generate, eval, info and convert; the math lives in the library. */
import '../node/index.js'; // first: kernel worker threads for WebAssembly and the optional native kernels
import { LstmError, parseMemorySize, readDecimal, setMemoryLimit, useBackend } from '../index.js';
import { UsageError } from './args.js';
import { CLASSIFY, classifyCommand } from './classify.js';
import { CONVERT, convertCommand } from './convert.js';
import { EVAL, evalCommand } from './eval.js';
import { EXPERIMENT, experimentCommand } from './experiment.js';
import { THREADS_FLAG } from './flags.js';
import { FORECAST, forecastCommand } from './forecast.js';
import { GENERATE, generateCommand } from './generate.js';
import { INFO, infoCommand } from './info.js';
import { INSPECT, inspectCommand } from './inspect.js';
import { SEQ2SEQ, seq2seqCommand } from './seq2seq.js';
import { SERVE, serveCommand } from './serve.js';
import { SPEECH, speechCommand } from './speech.js';
import { TRAIN, trainCommand } from './train.js';

const HELP = `Usage: lstm <command> [options]

Train and run LSTM networks: character language models, forecasters, text classifiers and taggers,
sequence-to-sequence models, speech recognisers, and the long-time-lag experiments.

Commands:
  train      train a model on a text file or a built-in corpus (resumable)
  generate   generate text from a trained model
  eval       loss and bits per character of a model on a text file
  info       what a model file holds; --backend: the kernels in use
  convert    move weights between this library, PyTorch, TensorFlow.js and ONNX
  experiment train RNN, GRU and LSTM side by side on a long-time-lag task (adding, copying, …)
  inspect    a heat map of gates and cell state over a text, step by step
  classify   train a text classifier or per-step tagger (built-in spam example, or a CSV) beside baselines
  forecast   forecast a time series from a CSV/JSON table, backtested beside the baselines, with intervals
  seq2seq    train, run and score an encoder–decoder with attention (built-in CMUdict G2P, or a CSV)
  speech     train a CTC speech recogniser on WAV files, transcribe recordings with per-character timing
  serve      an HTTP inference server for saved models: batching, streaming, metrics, limits
  help CMD   the full help of a command

Every command accepts --backend js|wasm|native (or LSTM_BACKEND) to force a kernel implementation
(default: the fastest that loads: native where npm ci built it, else WebAssembly) and --threads N
(or LSTM_THREADS; default: every core) and --max-memory SIZE (or LSTM_MAX_MEMORY; e.g. 512M, 4G or
bytes; default: half of the machine's memory): a model, training run or input file that needs more
is refused before anything is allocated.
Run 'lstm <command> --help' for the options of each command.`;

const COMMANDS: Record<string, { help: string; run: (argv: string[]) => number | Promise<number> }> = {
  train: { help: TRAIN.help, run: trainCommand },
  generate: { help: GENERATE.help, run: generateCommand },
  eval: { help: EVAL.help, run: evalCommand },
  info: { help: INFO.help, run: infoCommand },
  convert: { help: CONVERT.help, run: convertCommand },
  experiment: { help: EXPERIMENT.help, run: experimentCommand },
  inspect: { help: INSPECT.help, run: inspectCommand },
  classify: { help: CLASSIFY.help, run: classifyCommand },
  forecast: { help: FORECAST.help, run: forecastCommand },
  seq2seq: { help: SEQ2SEQ.help, run: seq2seqCommand },
  speech: { help: SPEECH.help, run: speechCommand },
  serve: { help: SERVE.help, run: serveCommand },
};

/**
 * Take the global --backend NAME, --threads N and --max-memory SIZE (also as --opt=value) out of
 * argv and set up the kernels and the memory budget from them; `info --backend` keeps its flag
 * (it asks for the report).
 */
function takeBackend(command: string, argv: string[]): string[] {
  const out: string[] = [];
  let name: string | undefined;
  let threads: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const isBackend = flag === '--backend' && (inline !== undefined || command !== 'info');
    if (!isBackend && flag !== '--threads' && flag !== '--max-memory') {
      out.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    if (flag === '--max-memory') {
      if (value === undefined) throw new UsageError('lstm: --max-memory needs a size (e.g. 512M, 4G, or bytes).');
      setMemoryLimit(parseMaxMemory(value), `--max-memory ${value}`);
      continue;
    }
    if (value === undefined)
      throw new UsageError(
        `lstm: ${flag} needs a value (${isBackend ? 'js, wasm, native or auto' : 'a number of threads'}).`,
      );
    if (isBackend) {
      name = value;
      if (command === 'info') out.push('--backend'); // `info --backend=js`: choose it, then report it
    } else {
      const reading = readDecimal(value);
      threads = reading.ok ? reading.value : Number.NaN;
      const { min, max } = THREADS_FLAG;
      if (!Number.isInteger(threads) || threads < min || threads > max)
        throw new UsageError(`lstm: --threads expects a whole number from ${min} to ${max}; got '${value}'.`);
    }
  }
  if (name !== undefined) useBackend(name, { threads, reason: `--backend ${name}` });
  else if (threads !== undefined) {
    const fromEnv = process.env['LSTM_BACKEND'];
    if (fromEnv === undefined || fromEnv === '') useBackend('auto', { threads });
    else useBackend(fromEnv, { threads, reason: `LSTM_BACKEND=${fromEnv}` });
  }
  return out;
}

function parseMaxMemory(value: string): number {
  try {
    return parseMemorySize(value, 'lstm: --max-memory');
  } catch (e) {
    if (e instanceof LstmError) throw new UsageError(e.message);
    throw e;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === 'help') {
    const target = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    console.log(target?.help ?? HELP);
    return 0;
  }
  const entry = COMMANDS[command];
  if (entry === undefined) throw new UsageError(`lstm: unknown command ${JSON.stringify(command)}.\n\n${HELP}`);
  return entry.run(takeBackend(command, rest));
}

// `lstm … | head` closes the pipe early: stop quietly, as Unix tools do, instead of an EPIPE trace
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(e.message);
      process.exitCode = 2;
    } else if (e instanceof LstmError || (e instanceof Error && e.message.startsWith('useBackend'))) {
      console.error(e.message.startsWith('lstm') ? e.message : `lstm: ${e.message}`);
      process.exitCode = 1;
    } else {
      console.error(e);
      process.exitCode = 1;
    }
  },
);
