/** `lstm eval`: validation loss of a model on a text file. */
import { loadModel, readTextFile } from '../node/index.js';
import { formatCount, UsageError } from './args.js';
import { defineCommand, HELP_FLAG, readCommandLine } from './flags.js';

export const EVAL = defineCommand(
  'eval',
  {
    last: {
      type: 'number',
      min: 0,
      max: 1,
      minExclusive: true,
      value: 'F',
      help: "evaluate only the last fraction F of the file (e.g. 0.1 to score the validation split that 'lstm train --val-split 0.1' held out)",
    },
    chunk: {
      type: 'integer',
      min: 1,
      default: 1000,
      help: 'characters per forward call',
      shown: '1000; does not change the result',
    },
    json: { type: 'boolean', help: 'print {nats, bitsPerChar, predictions} as JSON' },
    help: HELP_FLAG,
  },
  {
    usage: 'Usage: lstm eval MODEL FILE [options]',
    intro: `Cross-entropy of the model on a UTF-8 text: one streaming pass with batch 1 and the state carried
through the whole text, predicting every character from all the ones before it. Reports nats and
bits per character (the same measure training reports for its validation split).`,
    labelWidth: 23,
    defaultsAt: 0,
  },
);

export function evalCommand(argv: string[]): number {
  const line = readCommandLine(EVAL, argv);
  if (line === undefined) return 0;
  const { values, positionals } = line;
  if (positionals.length !== 2) {
    throw new UsageError(
      `lstm eval: expected MODEL and FILE, got ${positionals.length} argument(s).\nSee 'lstm eval --help'.`,
    );
  }
  const model = loadModel(positionals[0] as string);
  let text = readTextFile(positionals[1] as string, 'lstm eval');
  const last = values.last;
  if (last !== undefined) {
    const chars = [...text];
    text = chars.slice(Math.floor(chars.length * (1 - last))).join('');
  }
  const unknown = model.vocab.unknownChars(text);
  if (unknown.length > 0) {
    console.error(`warning: the text has ${unknown.length} character(s) the model never saw; they count as <unk>.`);
  }
  const result = model.evaluate(text, { chunk: values.chunk });
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(
      `${result.nats.toFixed(4)} nats/char  ${result.bitsPerChar.toFixed(4)} bits/char  over ${formatCount(result.predictions)} predictions`,
    );
  }
  return 0;
}
