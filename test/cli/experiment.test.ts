/**
 * `lstm experiment` and `lstm inspect` end to end: the tables on the terminal, the results folder
 * (markdown, JSON, SVG and PNG charts), and clear usage errors.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LanguageModel } from '../../src/index.js';
import { saveModel } from '../../src/node/index.js';
import { type CliRun, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-experiment-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lstm(...args: string[]): CliRun {
  return runCli(args, { env: { NO_COLOR: '1' } });
}

describe('lstm experiment', () => {
  it('trains each cell on the Reber grammar, prints both tables and writes the results folder', () => {
    const out = join(dir, 'reber');
    const r = lstm(
      'experiment',
      'reber',
      '--cells',
      'rnn,lstm',
      '--seeds',
      '1',
      '--max-sequences',
      '600',
      '--eval-every',
      '300',
      '--test-size',
      '100',
      '--out',
      out,
      '--png',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| tanh RNN \| [01]\/1 \|/);
    assert.match(r.stdout, /\| LSTM \| [01]\/1 \|/);
    assert.match(r.stdout, /steps before the end \| tanh RNN untrained \| trained \| LSTM untrained \| trained \|/);
    assert.match(r.stderr, /lstm seed 1: +600 sequences/);
    for (const f of [
      'results.md',
      'results.json',
      'learning-curve.svg',
      'learning-curve.png',
      'gradient-flow.svg',
      'gradient-flow.png',
    ])
      assert.ok(existsSync(join(out, f)), f);
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.equal(json.runs.length, 2);
    assert.deepEqual(
      json.runs[1].curve.map((p: { sequences: number }) => p.sequences),
      [0, 300, 600],
    );
    assert.equal(json.recipe.hiddenSize, 32);
    assert.match(readFileSync(join(out, 'learning-curve.svg'), 'utf8'), /trivial baseline/);
    assert.deepEqual([...readFileSync(join(out, 'learning-curve.png')).subarray(1, 4)], [...Buffer.from('PNG')]);
  });

  it('refuses unknown tasks, cells and bad numbers with the flag named', () => {
    const task = lstm('experiment', 'parity');
    assert.equal(task.code, 2);
    assert.match(task.stderr, /unknown task 'parity'. Known: adding, adding-1997/);
    const cells = lstm('experiment', 'adding', '--cells', 'lstm,transformer');
    assert.equal(cells.code, 2);
    assert.match(cells.stderr, /--cells takes rnn, gru and lstm/);
    const seeds = lstm('experiment', 'adding', '--seeds', '0');
    assert.match(seeds.stderr, /--seeds must be an integer in \[1, 1000\], got "0"/);
    assert.match(lstm('experiment', '--help').stdout, /Tasks: adding, adding-1997, copying, reber/);
  });
});

describe('lstm inspect', () => {
  const model = join(dir, 'tiny.lstm');
  saveModel(
    model,
    LanguageModel.create({ text: 'hello world, hello there', embeddingSize: 4, hiddenSize: 8, numLayers: 2, seed: 3 }),
  );

  it('draws a digit heat map of the chosen units and quantities without a colour terminal', () => {
    const r = lstm(
      'inspect',
      model,
      '--text',
      'hello\nthere',
      '--units',
      '1,5',
      '--show',
      'cell,forget',
      '--layer',
      '0',
    );
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(r.stdout, /layer 0 of 2, units 1, 5 \(of 8\)/);
    assert.ok(lines.some((l) => l.endsWith('hello⏎there')));
    const rows = lines.filter((l) => /^u[15] (cell|forget) +[0-9]{11}$/.test(l));
    assert.equal(rows.length, 4, r.stdout);
  });

  it('--json gives every gate, the cell state and h for every layer and step', () => {
    const r = lstm('inspect', model, '--text', 'held', '--json');
    const trace = JSON.parse(r.stdout);
    assert.deepEqual(trace.chars, ['h', 'e', 'l', 'd']);
    assert.equal(trace.layers.length, 2);
    assert.deepEqual(Object.keys(trace.layers[1].gates), ['input', 'forget', 'cell', 'output']);
    assert.equal(trace.layers[1].cell.length, 4);
    assert.equal(trace.layers[1].hidden[3].length, 8);
  });

  it('names what is wrong: no text, a unit out of range', () => {
    assert.match(lstm('inspect', model).stderr, /give the text to read with --text/);
    const unit = lstm('inspect', model, '--text', 'hi', '--units', '8');
    assert.equal(unit.code, 2);
    assert.match(unit.stderr, /--units takes unit numbers in \[0, 8\); got '8'/);
  });
});
