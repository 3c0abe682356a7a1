/**
 * The flag tables of the `lstm` commands (src/cli/flags.ts): one entry gives the parser's option,
 * the checked value and the help line; every declared default passes its own check; numbers are
 * refused with src/errors.ts's messages as usage errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UsageError } from '../../src/cli/args.js';
import { CLASSIFY } from '../../src/cli/classify.js';
import { CONVERT } from '../../src/cli/convert.js';
import { EVAL } from '../../src/cli/eval.js';
import { EXPERIMENT } from '../../src/cli/experiment.js';
import {
  type Command,
  defineCommand,
  type Flag,
  type FlagTable,
  flagValue,
  HELP_FLAG,
  readCommandLine,
  wrapWords,
} from '../../src/cli/flags.js';
import { FORECAST } from '../../src/cli/forecast.js';
import { GENERATE } from '../../src/cli/generate.js';
import { INFO } from '../../src/cli/info.js';
import { INSPECT } from '../../src/cli/inspect.js';
import { SEQ2SEQ } from '../../src/cli/seq2seq.js';
import { TRAIN } from '../../src/cli/train.js';

const COMMANDS: Array<Command<FlagTable>> = [
  TRAIN,
  GENERATE,
  EVAL,
  INFO,
  CONVERT,
  EXPERIMENT,
  INSPECT,
  CLASSIFY,
  FORECAST,
  SEQ2SEQ,
];

const SAMPLE = defineCommand(
  'sample',
  {
    layers: { group: 'Model:', type: 'integer', min: 1, max: 8, default: 2, help: 'stacked layers' },
    rate: { type: 'number', min: 0, max: 1, minExclusive: true, value: 'RATE', help: 'a rate' },
    cell: { type: 'choice', choices: ['lstm', 'gru'], default: 'lstm', help: 'the cell' },
    name: { group: 'Output:', type: 'string', value: 'PATH', help: 'where to write', shown: ': nowhere' },
    json: { type: 'boolean', help: 'as JSON' },
    help: HELP_FLAG,
  },
  { usage: 'Usage: lstm sample [options]', intro: 'A sample command.', labelWidth: 16, closing: 'The end.' },
);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected the command line to be refused');
}

describe('flag tables', () => {
  it('read values, defaults and the flags given from one declaration', () => {
    const line = readCommandLine(SAMPLE, ['--layers', '3', '--rate=0.5', 'file.txt', '--json']);
    assert.ok(line !== undefined);
    assert.deepEqual(line.values, { layers: 3, rate: 0.5, cell: 'lstm', name: undefined, json: true, help: false });
    assert.deepEqual(line.positionals, ['file.txt']);
    assert.deepEqual([...line.given].sort(), ['json', 'layers', 'rate']);
    const defaults = readCommandLine(SAMPLE, []);
    assert.equal(defaults?.values.layers, 2);
    assert.equal(defaults?.values.rate, undefined);
    assert.equal(defaults?.values.json, false);
  });

  it('refuse bad values with the messages of src/errors.ts, quoting what was typed', () => {
    assert.equal(
      refusal(() => readCommandLine(SAMPLE, ['--layers', '9'])),
      'lstm sample: --layers must be an integer in [1, 8], got "9".',
    );
    assert.equal(
      refusal(() => readCommandLine(SAMPLE, ['--layers', '1.5'])),
      'lstm sample: --layers must be an integer in [1, 8], got "1.5".',
    );
    assert.equal(
      refusal(() => readCommandLine(SAMPLE, ['--rate', 'fast'])),
      'lstm sample: --rate must be a number in (0, 1], got "fast".',
    );
    assert.equal(
      refusal(() => readCommandLine(SAMPLE, ['--rate', ' '])),
      'lstm sample: --rate must be a number in (0, 1], got " ".',
    );
    assert.equal(
      refusal(() => readCommandLine(SAMPLE, ['--cell', 'rnn'])),
      "lstm sample: --cell takes lstm, gru; got 'rnn'.",
    );
    assert.match(
      refusal(() => readCommandLine(SAMPLE, ['--frobnicate'])),
      /^lstm sample: Unknown option '--frobnicate'/,
    );
    assert.match(
      refusal(() => readCommandLine(SAMPLE, ['--layers'])),
      /See 'lstm sample --help'/,
    );
  });

  it('read only plain decimals: hex, padded, empty and out-of-range values refused with the reason (issue 17)', () => {
    const layers = (typed: string): string => refusal(() => readCommandLine(SAMPLE, ['--layers', typed]));
    const rate = (typed: string): string => refusal(() => readCommandLine(SAMPLE, ['--rate', typed]));
    assert.equal(
      layers('0x4'),
      'lstm sample: --layers must be an integer in [1, 8], got "0x4": not a decimal number (hex, binary and octal literals are not read).',
    );
    assert.match(layers('0b11'), /got "0b11": not a decimal number/);
    assert.match(layers('0o7'), /got "0o7": not a decimal number/);
    assert.equal(
      layers(' 8'),
      'lstm sample: --layers must be an integer in [1, 8], got " 8": a number with spaces around it.',
    );
    assert.match(layers('8 '), /got "8 ": a number with spaces around it\.$/);
    assert.equal(layers(''), 'lstm sample: --layers must be an integer in [1, 8], got "".', "'' is not 0");
    assert.equal(rate(''), 'lstm sample: --rate must be a number in (0, 1], got "".');
    assert.match(
      rate('1e309'),
      /^lstm sample: --rate must be a number in \(0, 1\], got "1e309": out of the range of a double/,
    );
    assert.doesNotMatch(rate('1e309'), /not a number/);
    assert.match(rate('Infinity'), /got "Infinity"\.$/);
    // still read: the decimal forms
    assert.equal(readCommandLine(SAMPLE, ['--rate', '.5'])?.values.rate, 0.5);
    assert.equal(readCommandLine(SAMPLE, ['--rate', '5e-1'])?.values.rate, 0.5);
    assert.equal(readCommandLine(SAMPLE, ['--layers', '+3'])?.values.layers, 3);
    assert.equal(readCommandLine(SAMPLE, ['--layers', '8.0'])?.values.layers, 8);
  });

  it('quote at most 80 characters of a value typed', () => {
    const message = refusal(() => readCommandLine(SAMPLE, ['--layers', '9'.repeat(100_000)]));
    assert.ok(message.length < 260, message);
    assert.match(message, /got "9{80}…": out of the range of a double/);
  });

  it('property: any integer in range reads back; its hex and padded forms never do', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.constantFrom(' ', '\t', '  '), (n, pad) => {
        assert.equal(readCommandLine(SAMPLE, ['--layers', String(n)])?.values.layers, n);
        assert.throws(() => readCommandLine(SAMPLE, ['--layers', `0x${n.toString(16)}`]), UsageError);
        assert.throws(() => readCommandLine(SAMPLE, ['--layers', `${pad}${n}`]), UsageError);
        assert.throws(() => readCommandLine(SAMPLE, ['--layers', `${n}${pad}`]), UsageError);
      }),
      { seed: 17, numRuns: 50 },
    );
  });

  it('print the help for --help instead of checking the other flags', () => {
    const printed: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => printed.push(...args);
    try {
      assert.equal(readCommandLine(SAMPLE, ['--layers', '0', '-h']), undefined);
    } finally {
      console.log = log;
    }
    assert.deepEqual(printed, [SAMPLE.help]);
  });

  it('lay the help out by group, with the defaults lined up', () => {
    assert.equal(
      SAMPLE.help,
      [
        'Usage: lstm sample [options]',
        '',
        'A sample command.',
        '',
        'Model:',
        `  --layers N      ${'stacked layers'.padEnd(45)}(default 2)`,
        '  --rate RATE     a rate',
        `  --cell lstm|gru ${'the cell'.padEnd(45)}(default lstm)`,
        '',
        'Output:',
        `  --name PATH     ${'where to write'.padEnd(45)}(default: nowhere)`,
        '  --json          as JSON',
        '  -h, --help      this help',
        '',
        'The end.',
      ].join('\n'),
    );
    assert.deepEqual(wrapWords('one two three four', 9), ['one two', 'three', 'four']);
    assert.deepEqual(wrapWords('a\nb c', 9), ['a', 'b c']);
  });

  for (const command of COMMANDS) {
    it(`lstm ${command.name}: every flag is in the help, and every default passes its own check`, () => {
      for (const [name, flag] of Object.entries(command.flags) as Array<[string, Flag]>) {
        assert.ok(command.help.includes(`--${name}`), `lstm ${command.name} --help lacks --${name}`);
        if (flag.type !== 'boolean' && flag.default !== undefined)
          assert.equal(flagValue(command.name, name, flag, String(flag.default)), flag.default, `--${name}`);
        for (const line of command.help.split('\n')) assert.ok(line.length <= 110, `too long: ${line}`);
      }
      assert.equal(command.flags['help']?.type, 'boolean');
      assert.equal(command.flags['help']?.short, 'h');
    });
  }
});
