/** `lstm generate`: continue a prime text with a trained model. */
import { loadModel, readTextFile } from '../node/index.js';
import { UsageError } from './args.js';
import { defineCommand, HELP_FLAG, readCommandLine } from './flags.js';

export const GENERATE = defineCommand(
  'generate',
  {
    prime: { type: 'string', default: '', help: 'text the model reads first', shown: ': a newline' },
    'prime-file': {
      type: 'string',
      value: 'FILE',
      help: 'read the prime from a UTF-8 text file (for a prime longer than a command line allows)',
    },
    length: { type: 'integer', min: 0, max: 10_000_000, default: 500, help: 'characters to generate at most' },
    temperature: {
      type: 'number',
      min: 0,
      max: 100,
      default: 0.8,
      help: 'softmax temperature; 0 = always the most likely',
    },
    'top-k': {
      type: 'integer',
      min: 0,
      default: 0,
      value: 'K',
      help: 'sample only among the K most likely characters',
      shown: '0 = all',
    },
    'top-p': {
      type: 'number',
      min: 0,
      max: 1,
      minExclusive: true,
      default: 1,
      value: 'P',
      help: 'sample only among the most likely characters whose probabilities add up to P (nucleus sampling)',
      shown: '1 = all',
    },
    stop: { type: 'string', value: 'STRING', help: "stop once the generated text ends with STRING (e.g. $'\\n\\n')" },
    seed: {
      type: 'integer',
      min: 0,
      max: 4294967295,
      help: 'seed of the sampler: same seed, same text',
      shown: ': random',
    },
    probs: { type: 'boolean', help: "also print each character's probability and the top alternatives" },
    json: { type: 'boolean', help: 'print one JSON object: {text, steps?, warnings}' },
    help: HELP_FLAG,
  },
  {
    usage: 'Usage: lstm generate MODEL [options]',
    intro: 'Generate text with a trained model, continuing the --prime text (or the text of --prime-file).',
    labelWidth: 23,
    closing: `Characters of the prime that the model never saw are read as its unknown token, with a warning.
Example: lstm generate model.lstm --prime "Call me " --length 300 --temperature 0.7 --seed 42`,
  },
);

/** The prime: --prime's text, or --prime-file's (one of them; neither is the default, a newline). */
function readPrime(prime: string, primeFile: string | undefined, primeGiven: boolean): string {
  if (primeFile === undefined) return prime;
  if (primeGiven)
    throw new UsageError(
      "lstm generate: give the prime once: --prime TEXT or --prime-file FILE, not both.\nSee 'lstm generate --help'.",
    );
  return readTextFile(primeFile, 'lstm generate --prime-file');
}

export function generateCommand(argv: string[]): number {
  const line = readCommandLine(GENERATE, argv);
  if (line === undefined) return 0;
  const { values, positionals, given } = line;
  if (positionals.length !== 1) {
    throw new UsageError(
      `lstm generate: expected one MODEL file, got ${positionals.length}.\nSee 'lstm generate --help'.`,
    );
  }
  const prime = readPrime(values.prime, values['prime-file'], given.has('prime'));
  const model = loadModel(positionals[0] as string);
  const { seed, stop } = values;
  const withProbabilities = values.probs;
  const result = model.generate({
    prime,
    length: values.length,
    temperature: values.temperature,
    topK: values['top-k'],
    topP: values['top-p'],
    withProbabilities,
    ...(seed === undefined ? {} : { seed }),
    ...(stop === undefined ? {} : { stop }),
  });
  if (values.json) {
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
