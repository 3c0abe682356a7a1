/**
 * `lstm classify` end to end on a small CSV in a temporary folder: training beside the baselines,
 * the report tables, saving, predicting from the saved model, and the errors a user can act on.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Rng } from '../../src/rng.js';
import { type CliRun, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-classify-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lstm(...args: string[]): CliRun {
  return runCli(args);
}

function writeCsv(name: string, rows: [string, string][]): string {
  const path = join(dir, name);
  const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
  writeFileSync(path, ['review,sentiment', ...rows.map(([t, l]) => `${quote(t)},${l}`)].join('\n'));
  return path;
}

const rng = new Rng(2);
const filler = ['the', 'film', 'was', 'plot', 'and', 'acting', 'really', 'quite'];
const rows: [string, string][] = Array.from({ length: 120 }, (_, i) => {
  const good = i % 3 !== 0;
  const words = Array.from({ length: 5 + rng.int(6) }, () => filler[rng.int(filler.length)] as string);
  words.splice(rng.int(words.length), 0, good ? 'great, "loved" it' : 'awful');
  return [words.join(' '), good ? 'pos' : 'neg'];
});
const csv = writeCsv('reviews.csv', rows);
const model = join(dir, 'reviews.lstm');
const small = [
  '--epochs',
  '6',
  '--hidden',
  '8',
  '--embedding',
  '8',
  '--min-count',
  '1',
  '--lr',
  '0.02',
  '--batch',
  '8',
];

describe('lstm classify', () => {
  it('trains on a CSV, prints the model beside both baselines and the confusion matrix, and saves', () => {
    const r = lstm(
      'classify',
      '--csv',
      csv,
      '--text-column',
      'review',
      '--label-column',
      'sentiment',
      ...small,
      '--save',
      model,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /87 training, 9 validation, 24 test texts; word vocabulary of \d+ tokens/);
    assert.match(r.stderr, /epoch 1: training loss/);
    assert.match(
      r.stdout,
      /\| model \| accuracy \| macro F1 \| precision neg \| recall neg \| F1 neg \| precision pos/,
    );
    assert.match(r.stdout, /\| majority class \| 66\.67 % \|/);
    assert.match(r.stdout, /\| bag of words \(logistic regression\) \| 100\.00 % \|/);
    const accuracy = Number(/\| LSTM \(word tokens[^|]*\| ([\d.]+) %/.exec(r.stdout)?.[1]);
    assert.ok(accuracy >= 90, r.stdout);
    assert.match(r.stdout, /\| {2}\| neg \| pos \|\n\| --- \| --- \| --- \|\n\| neg \| \d+ \| \d+ \|/);
    assert.ok(existsSync(model));
  });

  it('classifies texts with the saved model: a table, or JSON probabilities', () => {
    const r = lstm('classify', '--model', model, '--text', 'the plot was awful', 'great, loved it');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| text \| predicted \| neg \| pos \|/);
    assert.match(r.stdout, /\| the plot was awful \| neg \| 0\.\d+ \| 0\.\d+ \|/);
    const json = lstm('classify', '--model', model, '--json', 'acting was great') as { stdout: string };
    const [row] = JSON.parse(json.stdout) as { predicted: string; probabilities: Record<string, number> }[];
    assert.equal(row?.predicted, 'pos');
    assert.ok(Math.abs((row?.probabilities.neg ?? 0) + (row?.probabilities.pos ?? 0) - 1) < 1e-12);
    const info = lstm('info', model);
    assert.equal(info.code, 0, info.stderr);
    assert.match(
      info.stdout,
      /model: sequence classifier \(one class per sequence\), LSTM, 1 layer\(s\) × \d+, \w+ pooling/,
    );
    assert.match(
      info.stdout,
      /classes: neg, pos\ninput: word tokens, vocabulary \d+ \(with <pad> and <unk>\), embedding \d+/,
    );
  });

  it('evaluates on your own split: --test-csv and --valid-csv, an unseen class named by its row', () => {
    const train = writeCsv('train.csv', rows.slice(0, 80));
    const test = writeCsv('test.csv', rows.slice(80, 110));
    const valid = writeCsv('valid.csv', rows.slice(110));
    const cols = ['--text-column', 'review', '--label-column', 'sentiment', ...small];
    const r = lstm('classify', '--csv', train, '--test-csv', test, ...cols);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /72 training, 8 validation, 30 test texts/);
    assert.match(r.stdout, /\| majority class \| (\d+\.\d+) %/);
    const both = lstm('classify', '--csv', train, '--test-csv', test, '--valid-csv', valid, ...cols);
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stderr, /80 training, 10 validation, 30 test texts/);
    const onlyValid = lstm('classify', '--csv', train, '--valid-csv', valid, ...cols);
    assert.match(onlyValid.stderr, /64 training, 10 validation, 16 test texts/);
    const unseen = writeCsv('unseen.csv', [
      ['a fine film', 'pos'],
      ['what a film', 'meh'],
    ]);
    const bad = lstm('classify', '--csv', train, '--test-csv', unseen, ...cols);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unseen\.csv: row 3: the label "meh" is not a class of the training data \(neg, pos\)/);
    const example = lstm('classify', '--example', 'spam', '--test-csv', test);
    assert.match(example.stderr, /--test-csv goes with --csv FILE; the built-in example keeps its documented split/);
  });

  it('--chunk and --bag-of-tokens train, save, and lstm info says so; --tag refuses the bag', () => {
    const file = join(dir, 'bagged.lstm');
    const cols = ['--text-column', 'review', '--label-column', 'sentiment', ...small];
    const r = lstm('classify', '--csv', csv, ...cols, '--chunk', '4', '--bag-of-tokens', '--save', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| LSTM \(word tokens, first 300 in chunks of 4, [^|]*, with a bag of tokens\) \|/);
    const info = lstm('info', file);
    assert.match(info.stdout, /max pooling, read in chunks of 4 tokens, with a bag of tokens beside it/);
    const tag = lstm('classify', '--tag', '--csv', csv, '--bag-of-tokens');
    assert.match(tag.stderr, /--bag-of-tokens does not apply to --tag/);
  });

  it('names the row of a one-example class or an empty text, the columns there are, and bad flags', () => {
    const lonely = writeCsv('lonely.csv', [...rows.slice(0, 20), ['so so', 'meh']]);
    let r = lstm('classify', '--csv', lonely, '--text-column', 'review', '--label-column', 'sentiment', ...small);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /class 'meh' has only one example \(row 22\)/);
    const blank = writeCsv('blank.csv', [...rows.slice(0, 20), [' ', 'pos']]);
    r = lstm('classify', '--csv', blank, '--text-column', 'review', '--label-column', 'sentiment');
    assert.match(r.stderr, /row 22: the text is empty/);
    r = lstm('classify', '--csv', csv, '--text-column', 'body');
    assert.match(r.stderr, /no column 'body'\. The columns are: review, sentiment/);
    r = lstm('classify', '--csv', csv, '--pooling', 'avg');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--pooling takes last, mean, max; got 'avg'/);
    r = lstm(
      'classify',
      '--csv',
      csv,
      '--class-weights',
      '1,2,3',
      '--text-column',
      'review',
      '--label-column',
      'sentiment',
    );
    assert.match(r.stderr, /--class-weights takes 'balanced' or 2 positive numbers, comma-separated, for neg, pos/);
    r = lstm('classify');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give --example spam or --csv FILE/);
    r = lstm('classify', '--model', join(dir, 'missing.lstm'), '--text', 'hello');
    assert.match(r.stderr, /there is no file at/);
  });
});
