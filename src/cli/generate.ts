/** `lstm generate`: continue a prime text with a trained model. */
import { loadModel } from '../node/index.js';
import { intFlag, numberFlag, parseCommand, stringFlag, UsageError } from './args.js';

export const GENERATE_HELP = `Usage: lstm generate MODEL [options]

Generate text with a trained model, continuing the --prime text.

  --prime TEXT           text the model reads first (default: a newline)
  --length N             characters to generate at most               (default 500)
  --temperature X        softmax temperature; 0 = always the most likely (default 0.8)
  --top-k K              sample only among the K most likely characters (default 0 = all)
  --top-p P              sample only among the most likely characters whose probabilities
                         add up to P (nucleus sampling)               (default 1 = all)
  --stop STRING          stop once the generated text ends with STRING (e.g. $'\\n\\n')
  --seed N               seed of the sampler: same seed, same text    (default: random)
  --probs                also print each character's probability and the top alternatives
  --json                 print one JSON object: {text, steps?, warnings}
  -h, --help             this help

Characters of the prime that the model never saw are read as its unknown token, with a warning.
Example: lstm generate model.lstm --prime "Call me " --length 300 --temperature 0.7 --seed 42`;

const OPTIONS = {
  prime: { type: 'string' },
  length: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  stop: { type: 'string' },
  seed: { type: 'string' },
  probs: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function generateCommand(argv: string[]): number {
  const { values, positionals } = parseCommand('generate', argv, OPTIONS);
  if (values.help === true) {
    console.log(GENERATE_HELP);
    return 0;
  }
  const c = 'generate';
  if (positionals.length !== 1) {
    throw new UsageError(
      `lstm generate: expected one MODEL file, got ${positionals.length}.\nSee 'lstm generate --help'.`,
    );
  }
  const model = loadModel(positionals[0] as string);
  const seed = intFlag(c, values, 'seed', undefined, 0, 4294967295);
  const stop = stringFlag(values, 'stop');
  const withProbabilities = values.probs === true;
  const prime = stringFlag(values, 'prime') ?? '';
  const result = model.generate({
    prime,
    length: intFlag(c, values, 'length', 500, 0, 10_000_000) as number,
    temperature: numberFlag(c, values, 'temperature', 0.8, 0, 100) as number,
    topK: intFlag(c, values, 'top-k', 0, 0) as number,
    topP: numberFlag(c, values, 'top-p', 1, 0, 1, true) as number,
    withProbabilities,
    ...(seed === undefined ? {} : { seed }),
    ...(stop === undefined ? {} : { stop }),
  });
  if (values.json === true) {
    console.log(JSON.stringify(result));
    return 0;
  }
  for (const w of result.warnings) console.error(`warning: ${w}`);
  if (withProbabilities && result.steps !== undefined) {
    for (const s of result.steps) {
      const top = s.top.map((t) => `${JSON.stringify(t.char)} ${t.probability.toFixed(3)}`).join(', ');
      console.log(`${JSON.stringify(s.char).padEnd(6)} p=${s.probability.toFixed(4)}   top: ${top}`);
    }
    return 0;
  }
  process.stdout.write(`${prime}${result.text}\n`);
  return 0;
}
