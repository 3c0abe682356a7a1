/**
 * `lstm serve`'s command line refuses what cannot be served before it listens, each with a
 * message that names the problem: no model, a malformed NAME=FILE, a name given twice, a missing
 * file, a file that is not a model, and a stray argument.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { DIR, languageModelFile } from '../serve/fixtures.js';

describe('lstm serve: its command line', () => {
  it('refuses what it cannot serve, naming the problem, before listening', () => {
    const lm = languageModelFile('cli.lstm');
    const junk = join(DIR, 'junk.lstm');
    writeFileSync(junk, 'not a model');
    const cases: Array<[string[], RegExp]> = [
      [[], /give at least one model: --model NAME=FILE/],
      [['--model', '=x.lstm'], /--model takes NAME=FILE \(or FILE\); got '=x.lstm'/],
      [['--model', `a=${lm}`, '--model', `a=${lm}`], /the model name 'a' is given twice/],
      [['--model', `a=${join(DIR, 'missing.lstm')}`], /model 'a': the file: there is no file at .*missing\.lstm/],
      [['--model', `b=${junk}`], /model 'b': .*junk\.lstm: /],
      [['--model', `a=${lm}`, 'extra'], /unexpected argument 'extra'/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(['serve', '--port', '0', ...args], { timeoutMs: 30_000 });
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
  });
});
