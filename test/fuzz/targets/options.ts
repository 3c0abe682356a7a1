/**
 * Option values for the commands, run in-process through the command functions with tiny sizes:
 * one numeric flag of the command gets an odd value (hex, padded, empty, negative, overflowing,
 * huge, a random string), and one input or output path points at a missing folder, a folder, a
 * path under a file, an empty or a binary file. Budgets (steps, time, epochs, length) keep a small
 * value so a legitimate long run is not mistaken for a hang.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSIFY, classifyCommand } from '../../../src/cli/classify.js';
import { CONVERT, convertCommand } from '../../../src/cli/convert.js';
import { EVAL, evalCommand } from '../../../src/cli/eval.js';
import { type Command, type FlagTable, readCommandLine } from '../../../src/cli/flags.js';
import { FORECAST, forecastCommand } from '../../../src/cli/forecast.js';
import { GENERATE, generateCommand } from '../../../src/cli/generate.js';
import { INFO, infoCommand } from '../../../src/cli/info.js';
import { INSPECT, inspectCommand } from '../../../src/cli/inspect.js';
import { TRAIN, trainCommand } from '../../../src/cli/train.js';
import { LstmError } from '../../../src/errors.js';
import { UsageError } from '../../../src/cli/args.js';
import type { Outcome } from '../outcome.js';
import type { OptionsPlan } from '../plans.js';
import { oddPath, removeScratchFolder, scratchFolder } from './scratch.js';

const LM = 'test/fixtures/lm-v0.1.0.lstm';
const SALES = 'test/fixtures/model-files-sales.csv';

/** Flags whose large values legitimately mean a long run: they keep a small value. */
const BUDGETS = new Set(['steps', 'time', 'epochs', 'length', 'eval-chars', 'samples', 'rows', 'patience']);

interface CommandSpec {
  table: Command<FlagTable>;
  run: (argv: string[]) => number | Promise<number>;
  /** The arguments of a small valid run, with the input path and the output path given. */
  args: (input: string, output: string) => string[];
  numericFlags: string[];
  /** The name an 'ok' input / output path gets. */
  files: [input: string, output: string];
}

function inputFiles(): { text: string; classify: string } {
  const dir = scratchFolder();
  const text = join(dir, 'train.txt');
  writeFileSync(text, 'First Citizen:\nBefore we proceed any further, hear me speak.\n'.repeat(40));
  const classify = join(dir, 'classify.csv');
  const rows = Array.from({ length: 40 }, (_, i) =>
    i % 2 === 0 ? `free money now ${i},spam` : `meeting at noon ${i},ham`,
  );
  writeFileSync(classify, ['text,label', ...rows].join('\n') + '\n');
  return { text, classify };
}

function commands(): Record<OptionsPlan['command'], CommandSpec> {
  const { text, classify } = inputFiles();
  return {
    train: {
      table: TRAIN as Command<FlagTable>,
      run: trainCommand,
      args: (input, output) => [
        input,
        '--steps',
        '1',
        '--time',
        '3',
        '--hidden',
        '4',
        '--embedding',
        '4',
        '--seq-len',
        '8',
        '--batch',
        '2',
        '--samples',
        '0',
        '--save',
        output,
      ],
      numericFlags: [
        'layers',
        'hidden',
        'proj-size',
        'dropout',
        'recurrent-dropout',
        'embedding',
        'seq-len',
        'batch',
        'lr',
        'weight-decay',
        'momentum',
        'clip',
        'val-split',
        'seed',
        'steps',
        'time',
        'eval-every',
        'eval-chars',
        'samples',
        'rows',
      ],
      files: [text, 'out.lstm'],
    },
    generate: {
      table: GENERATE as Command<FlagTable>,
      run: generateCommand,
      args: (input) => [input, '--length', '5', '--seed', '1'],
      numericFlags: ['length', 'temperature', 'top-k', 'top-p', 'seed'],
      files: [LM, 'unused'],
    },
    eval: {
      table: EVAL as Command<FlagTable>,
      run: evalCommand,
      args: (input) => [LM, input],
      numericFlags: ['last', 'chunk'],
      files: [text, 'unused'],
    },
    info: {
      table: INFO as Command<FlagTable>,
      run: infoCommand,
      args: (input) => [input],
      numericFlags: [],
      files: [LM, 'unused'],
    },
    inspect: {
      table: INSPECT as Command<FlagTable>,
      run: inspectCommand,
      args: (input) => [input, '--text', 'First Citizen'],
      numericFlags: ['layer', 'units', 'top', 'width'],
      files: [LM, 'unused'],
    },
    forecast: {
      table: FORECAST as Command<FlagTable>,
      run: forecastCommand,
      args: (input, output) => [
        '--csv',
        input,
        '--time',
        'month',
        '--target',
        'sales',
        '--lookback',
        '3',
        '--horizon',
        '2',
        '--test',
        '6',
        '--epochs',
        '1',
        '--hidden',
        '2',
        '--out',
        output,
      ],
      numericFlags: [
        'lookback',
        'horizon',
        'season',
        'hidden',
        'layers',
        'dropout',
        'epochs',
        'batch',
        'lr',
        'patience',
        'seed',
        'test',
        'stride',
      ],
      files: [SALES, 'forecast-out'],
    },
    classify: {
      table: CLASSIFY as Command<FlagTable>,
      run: classifyCommand,
      args: (input, output) => [
        '--csv',
        input,
        '--text-column',
        'text',
        '--label-column',
        'label',
        '--epochs',
        '1',
        '--hidden',
        '2',
        '--embedding',
        '2',
        '--min-count',
        '1',
        '--save',
        output,
      ],
      numericFlags: [
        'max-length',
        'min-count',
        'vocab-size',
        'embedding',
        'hidden',
        'layers',
        'dropout',
        'epochs',
        'batch',
        'lr',
        'patience',
        'seed',
      ],
      files: [classify, 'classifier.lstm'],
    },
    convert: {
      table: CONVERT as Command<FlagTable>,
      run: convertCommand,
      args: (input, output) => [input, output],
      numericFlags: [],
      files: [LM, 'out.onnx'],
    },
  };
}

/** The command line a plan describes (exported for the findings' reproductions). */
const STRICT_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The command line a plan describes, and the numeric flag it sets (if any). */
export function optionsArgv(plan: OptionsPlan): { command: OptionsPlan['command']; argv: string[]; flag?: string } {
  const spec = commands()[plan.command];
  const [okInput, okOutput] = spec.files;
  const input = plan.pathRole === 'input' && plan.path !== 'ok' ? oddPath(plan.path, 'input') : okInput;
  // /dev/zero is an input only: written to, the commands would put their temporary file in /dev
  const odd = plan.pathRole === 'output' && plan.path !== 'dev-zero';
  const output = odd ? oddPath(plan.path, okOutput) : oddPath('ok', okOutput);
  const argv = spec.args(input, output);
  const flag = spec.numericFlags[plan.flag % Math.max(1, spec.numericFlags.length)];
  const huge = Number(plan.value) > 100;
  if (flag === undefined || (BUDGETS.has(flag) && huge)) return { command: plan.command, argv };
  argv.push(`--${flag}=${plan.value}`);
  return { command: plan.command, argv, flag };
}

export async function runOptions(plan: OptionsPlan): Promise<Outcome> {
  try {
    const { command, argv, flag } = optionsArgv(plan);
    const spec = commands()[command];
    // the flag's reading alone: a value that is not a plain finite decimal must be refused
    const type = flag === undefined ? undefined : spec.table.flags[flag]?.type;
    const numeric = type === 'integer' || type === 'number';
    if (numeric && !(STRICT_NUMBER.test(plan.value) && Number.isFinite(Number(plan.value)))) {
      let accepted = false;
      try {
        accepted = readCommandLine(spec.table, argv) !== undefined;
      } catch (e) {
        if (!(e instanceof UsageError || e instanceof LstmError)) throw e;
      }
      if (accepted)
        return {
          kind: 'silent',
          name: 'lenient-flag',
          message: `lstm ${command} accepted --${flag}=${JSON.stringify(plan.value)}`,
        };
    }
    await spec.run(argv);
    return { kind: 'ok' };
  } finally {
    removeScratchFolder();
  }
}
