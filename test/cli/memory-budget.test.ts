import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-budget-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const corpus = join(dir, 'corpus.txt');
writeFileSync(corpus, 'the cat sees a dog. '.repeat(500));

/** `lstm ARGS` must fail quickly (well before any large allocation) with exit code `code`. */
function refusedQuickly(args: string[], code: number, env: Record<string, string> = {}): string {
  const started = performance.now();
  const r = runCli(args, { timeoutMs: 20_000, env });
  const ms = performance.now() - started;
  assert.equal(r.code, code, r.stderr);
  assert.ok(ms < 10_000, `took ${ms} ms`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  return r.stderr;
}

describe('lstm: the memory budget', () => {
  it('train --hidden 20000 gets the budget error at once, on every backend', () => {
    for (const backend of ['native', 'wasm', 'js']) {
      const err = refusedQuickly(
        ['train', corpus, '--hidden', '20000', '--steps', '1', '--backend', backend, '--max-memory', '4G'],
        1,
      );
      assert.match(err, /needs \d+ GiB .*memory limit is 4\.0 GiB \(--max-memory 4G\)/);
    }
  });

  it('train --hidden 65536 (the flag maximum) gets a clear error, not a RangeError', () => {
    const err = refusedQuickly(['train', corpus, '--hidden', '65536', '--steps', '1'], 1);
    assert.match(err, /memory limit is/);
    assert.doesNotMatch(err, /RangeError/);
  });

  it('train refuses a run whose activations exceed --max-memory (also as LSTM_MAX_MEMORY)', () => {
    const args = ['train', corpus, '--hidden', '256', '--batch', '50', '--seq-len', '100', '--steps', '1'];
    assert.match(refusedQuickly([...args, '--max-memory=64M'], 1), /^lstm: train: this needs .*activations/m);
    assert.match(refusedQuickly(args, 1, { LSTM_MAX_MEMORY: '64M' }), /LSTM_MAX_MEMORY=64M/);
  });

  it('train /dev/zero is refused at once', () => {
    assert.match(refusedQuickly(['train', '/dev/zero'], 1), /not a regular file/);
  });

  it('--max-memory is parsed strictly', () => {
    for (const bad of ['0x10', '', '-4G', '4 G', '1e9']) {
      assert.match(refusedQuickly(['train', corpus, '--max-memory', bad], 2), /--max-memory/);
    }
    assert.match(refusedQuickly(['train', corpus, '--max-memory'], 2), /needs a size/);
    assert.match(refusedQuickly(['train', corpus], 1, { LSTM_MAX_MEMORY: 'lots' }), /LSTM_MAX_MEMORY/);
  });
});
