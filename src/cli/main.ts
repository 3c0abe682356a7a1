#!/usr/bin/env node
/** The `lstm` command: dispatches to train, generate, eval and info; the math lives in the library. */
import '../node/threads.js'; // kernel worker threads for the WebAssembly backend
import { LstmError, useBackend } from '../index.js';
import { UsageError } from './args.js';
import { EVAL_HELP, evalCommand } from './eval.js';
import { GENERATE_HELP, generateCommand } from './generate.js';
import { INFO_HELP, infoCommand } from './info.js';
import { TRAIN_HELP, trainCommand } from './train.js';

const HELP = `Usage: lstm <command> [options]

Train and run LSTM character language models.

Commands:
  train      train a model on a text file or a built-in corpus (resumable)
  generate   generate text from a trained model
  eval       loss and bits per character of a model on a text file
  info       what a model file holds; --backend: the kernels in use
  help CMD   the full help of a command

Every command accepts --backend NAME (or the variable LSTM_BACKEND=NAME) to force a kernel implementation.
Run 'lstm <command> --help' for the options of each command.`;

const COMMANDS: Record<string, { help: string; run: (argv: string[]) => number | Promise<number> }> = {
  train: { help: TRAIN_HELP, run: trainCommand },
  generate: { help: GENERATE_HELP, run: generateCommand },
  eval: { help: EVAL_HELP, run: evalCommand },
  info: { help: INFO_HELP, run: infoCommand },
};

/** Take a global --backend NAME / --backend=NAME out of argv, except `info --backend` (a flag there). */
function takeBackend(command: string, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--backend=')) useBackend(arg.slice(10), `--backend ${arg.slice(10)}`);
    else if (arg === '--backend' && command !== 'info') {
      const name = argv[i + 1];
      if (name === undefined) throw new UsageError('lstm: --backend needs a name (js or wasm).');
      useBackend(name, `--backend ${name}`);
      i++;
    } else out.push(arg);
  }
  return out;
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
