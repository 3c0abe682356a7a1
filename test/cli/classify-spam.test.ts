/**
 * The bar for `lstm classify --example spam`, measured end to end on the documented split
 * (every fifth e-mail held out): accuracy at least 97 % and F1 on spam at least 0.95, printed beside
 * the majority-class and bag-of-words baselines. The slowest test in the suite (about 75 s on two
 * cores): it trains the real model on the real corpus, as a user would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

describe('lstm classify --example spam', () => {
  it('reaches 97 % accuracy and spam F1 0.95 on the documented split, beside both baselines', () => {
    const r = runCli(['classify', '--example', 'spam'], { timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1209 test texts \(every fifth\), 4354 training, 483 validation/);
    const row = (name: string): number[] => {
      const line = r.stdout.split('\n').find((l) => l.startsWith(`| ${name}`));
      assert.ok(line !== undefined, `no row '${name}' in\n${r.stdout}`);
      return line
        .split('|')
        .slice(2, -1)
        .map((cell) => Number.parseFloat(cell));
    };
    const [accuracy, , , , , , , f1Spam] = row('LSTM');
    assert.ok((accuracy as number) >= 97, `accuracy ${accuracy} %`);
    assert.ok((f1Spam as number) >= 0.95, `F1 spam ${f1Spam}`);
    assert.equal(row('majority class')[0], 68.65);
    assert.ok((row('bag of words')[0] as number) > 95);
  });
});
