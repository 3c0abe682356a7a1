/**
 * `lstm generate --prime-file FILE` (issue 17): a prime longer than one command-line argument may
 * be (Linux: 128 KiB) is read from a file; the same prime gives the same text as --prime; both
 * flags at once are a usage error; a missing or binary file is a clear DataError.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LanguageModel } from '../../src/index.js';
import { saveModel } from '../../src/node/index.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-prime-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = 'the cat sees a dog. a dog likes the cat.\n';
const model = join(dir, 'tiny.lstm');
saveModel(model, LanguageModel.create({ text: TEXT, embeddingSize: 3, hiddenSize: 4, numLayers: 1, seed: 3 }));

describe('lstm generate --prime-file', () => {
  it('reads the prime from the file: the same text as --prime', () => {
    const primeFile = join(dir, 'prime.txt');
    writeFileSync(primeFile, 'the cat ');
    const fromFile = runCli(['generate', model, '--prime-file', primeFile, '--length', '20', '--seed', '5']);
    const fromFlag = runCli(['generate', model, '--prime', 'the cat ', '--length', '20', '--seed', '5']);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(fromFile.stdout, fromFlag.stdout);
    assert.ok(fromFile.stdout.startsWith('the cat '));
  });

  it('takes a prime longer than one command-line argument may be (issue 17)', () => {
    const primeFile = join(dir, 'long.txt');
    writeFileSync(primeFile, TEXT.repeat(Math.ceil(140_000 / TEXT.length)));
    const r = runCli(['generate', model, '--prime-file', primeFile, '--length', '5', '--seed', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { text: string };
    assert.equal([...out.text].length, 5);
  });

  it('refuses --prime beside --prime-file, and a missing or binary file', () => {
    const primeFile = join(dir, 'prime.txt');
    const both = runCli(['generate', model, '--prime', 'a', '--prime-file', primeFile]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give the prime once: --prime TEXT or --prime-file FILE, not both/);
    const missing = runCli(['generate', model, '--prime-file', join(dir, 'nope.txt')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /lstm generate --prime-file: there is no file at .*nope\.txt/);
    const binary = join(dir, 'binary.bin');
    writeFileSync(binary, Buffer.from([0, 1, 2, 0]));
    assert.match(runCli(['generate', model, '--prime-file', binary]).stderr, /looks binary/);
  });
});
