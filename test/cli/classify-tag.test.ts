/**
 * `lstm classify --tag`: per-step labelling from a CSV, on negation scope (every word after 'not'
 * and before 'but' is NEG): the tag depends on a word any distance back, so the LSTM tagger gets
 * it and a baseline that sees one token at a time cannot; saving, tagging new text, `lstm info`,
 * and a row whose tags do not match its tokens named.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Rng } from '../../src/rng.js';
import { type CliRun, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-tag-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lstm(...args: string[]): CliRun {
  return runCli(args);
}

const WORDS = 'good bad film plot actor great boring story music fun long short the a was and'.split(' ');

/** Rows of text and tags: NEG from a 'not' until a 'but', POS elsewhere. */
function negationRows(n: number, seed: number): string[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const [tokens, tags] = [[] as string[], [] as string[]];
    let negated = false;
    for (let j = 0, len = 8 + Math.floor(rng.next() * 18); j < len; j++) {
      const r = rng.next();
      const word = r < 0.08 ? 'not' : r < 0.14 ? 'but' : (WORDS[Math.floor(rng.next() * WORDS.length)] as string);
      if (word === 'not') negated = true;
      if (word === 'but') negated = false;
      tokens.push(word);
      tags.push(negated ? 'NEG' : 'POS');
    }
    return [tokens.join(' '), tags.join(' ')];
  });
}

function writeCsv(name: string, rows: string[][]): string {
  const path = join(dir, name);
  writeFileSync(path, ['text,tags', ...rows.map((r) => r.map((c) => `"${c}"`).join(','))].join('\n'));
  return path;
}

describe('lstm classify --tag', () => {
  const csv = writeCsv('negation.csv', negationRows(300, 1));
  const model = join(dir, 'negation.lstm');

  it('learns a tag set by a word far back, where a one-token baseline cannot, and saves', () => {
    const r = lstm('classify', '--tag', '--csv', csv, '--epochs', '15', '--save', model);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /216 training, 24 validation, 60 test sequences; 2 tags/);
    const accuracy = (name: string): number => {
      const line = r.stdout.split('\n').find((l) => l.startsWith(`| ${name}`));
      assert.ok(line !== undefined, r.stdout);
      return Number.parseFloat(line.split('|')[2] as string);
    };
    assert.ok(accuracy('LSTM tagger') >= 95, r.stdout);
    assert.ok(accuracy("each token's most frequent tag") < 80, r.stdout);
    assert.ok(accuracy('majority tag') < 70, r.stdout);
    assert.match(r.stdout, /Confusion matrix of the tagger/);
  });

  it('tags new text with the saved tagger; lstm info describes it', () => {
    const r = lstm(
      'classify',
      '--model',
      model,
      '--text',
      'the plot was not good and the actor was boring but the music was fun',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.trim(),
      'the/POS plot/POS was/POS not/NEG good/NEG and/NEG the/NEG actor/NEG was/NEG boring/NEG but/POS the/POS music/POS was/POS fun/POS',
    );
    const info = lstm('info', model);
    assert.match(info.stdout, /model: sequence tagger \(a class per step\), LSTM/);
  });

  it('names the row whose tags do not match its tokens', () => {
    const rows = negationRows(40, 2);
    (rows[7] as string[])[1] = 'POS POS';
    const r = lstm('classify', '--tag', '--csv', writeCsv('bad.csv', rows), '--epochs', '1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /row 9 has \d+ steps but 2 labels/);
  });
});
