/** `lstm eval`: validation loss of a model on a text file. */
import { loadModel, readTextFile } from '../node/index.js';
import { formatCount, intFlag, numberFlag, parseCommand, UsageError } from './args.js';

export const EVAL_HELP = `Usage: lstm eval MODEL FILE [options]

Cross-entropy of the model on a UTF-8 text: one streaming pass with batch 1 and the state carried
through the whole text, predicting every character from all the ones before it. Reports nats and
bits per character (the same measure training reports for its validation split).

  --last F               evaluate only the last fraction F of the file (e.g. 0.1 to score the
                         validation split that 'lstm train --val-split 0.1' held out)
  --chunk N              characters per forward call (default 1000; does not change the result)
  --json                 print {nats, bitsPerChar, predictions} as JSON
  -h, --help             this help`;

const OPTIONS = {
  last: { type: 'string' },
  chunk: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function evalCommand(argv: string[]): number {
  const { values, positionals } = parseCommand('eval', argv, OPTIONS);
  if (values.help === true) {
    console.log(EVAL_HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(
      `lstm eval: expected MODEL and FILE, got ${positionals.length} argument(s).\nSee 'lstm eval --help'.`,
    );
  }
  const model = loadModel(positionals[0] as string);
  let text = readTextFile(positionals[1] as string, 'lstm eval');
  const last = numberFlag('eval', values, 'last', undefined, 0, 1, true);
  if (last !== undefined) {
    const chars = [...text];
    text = chars.slice(Math.floor(chars.length * (1 - last))).join('');
  }
  const unknown = model.vocab.unknownChars(text);
  if (unknown.length > 0) {
    console.error(`warning: the text has ${unknown.length} character(s) the model never saw; they count as <unk>.`);
  }
  const result = model.evaluate(text, { chunk: intFlag('eval', values, 'chunk', 1000, 1) as number });
  if (values.json === true) console.log(JSON.stringify(result));
  else {
    console.log(
      `${result.nats.toFixed(4)} nats/char  ${result.bitsPerChar.toFixed(4)} bits/char  over ${formatCount(result.predictions)} predictions`,
    );
  }
  return 0;
}
