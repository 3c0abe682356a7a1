/**
 * Issue 17, "work lost": every command refuses an output it could not write before any work starts
 * (a PathError naming the option and the path), never after training; `lstm forecast` writes its
 * chart and its results.md as two files; `train --resume` refuses options the checkpoint fixes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError } from '../../src/cli/args.js';
import { readCommandLine } from '../../src/cli/flags.js';
import { TRAIN as TRAIN_COMMAND } from '../../src/cli/train.js';
import { checkResumeOptions } from '../../src/cli/train-resume.js';
import { fit, LanguageModel, type TrainingCheckpoint } from '../../src/index.js';
import { loadCheckpoint, saveModel } from '../../src/node/index.js';
import { type CliRun, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-output-paths-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const corpus = join(dir, 'corpus.txt');
writeFileSync(corpus, 'the cat sees a dog. a bird likes the fish.\n'.repeat(40));
const texts = join(dir, 'texts.csv');
writeFileSync(
  texts,
  [
    'text,label',
    ...Array.from({ length: 30 }, (_, i) => `film ${i % 5} ${i % 3 === 0 ? 'awful,neg' : 'great,pos'}`),
  ].join('\n'),
);
const tags = join(dir, 'tags.csv');
writeFileSync(tags, ['text,tags', ...Array.from({ length: 20 }, () => 'the cat,D N')].join('\n'));
const series = join(dir, 'series.csv');
writeFileSync(
  series,
  [
    'day,value',
    ...Array.from({ length: 40 }, (_, r) => {
      const day = new Date(Date.UTC(2021, 0, 1 + r)).toISOString().slice(0, 10);
      return `${day},${(100 + r / 2 + 10 * Math.sin(r / 3)).toFixed(2)}`;
    }),
  ].join('\n'),
);
const aFile = join(dir, 'a-file.txt');
writeFileSync(aFile, 'not a folder');
const aFolder = join(dir, 'a-folder');
mkdirSync(aFolder);
const missing = join(dir, 'missing-dir', 'x.lstm');

const TRAIN = ['train', corpus, '--hidden', '4', '--embedding', '4', '--layers', '1', '--batch', '2', '--seq-len', '8'];
const TRAIN_SMALL = [...TRAIN, '--steps', '1', '--samples', '0', '--backend', 'js'];
const CLASSIFY = ['classify', '--csv', texts, '--epochs', '1', '--hidden', '4', '--embedding', '4', '--min-count', '1'];
const TAG = ['classify', '--tag', '--csv', tags, '--epochs', '1', '--hidden', '4', '--embedding', '4'];
const FORECAST = ['forecast', '--csv', series, '--time', 'day', '--target', 'value', '--lookback', '4'];
const FORECAST_SMALL = [...FORECAST, '--horizon', '2', '--test', '8', '--epochs', '1', '--hidden', '4'];

/** The run failed with a path message before any training began, and quickly. */
function refusedBeforeWork(args: string[], message: RegExp): CliRun {
  const started = performance.now();
  const r = runCli(args, { timeoutMs: 30_000 });
  const seconds = (performance.now() - started) / 1000;
  assert.equal(r.code, 1, `lstm ${args.join(' ')} should fail: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+|Error:|ENOENT|EISDIR|ENOTDIR/, r.stderr);
  // nothing trained: no training line, no epoch, no report
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /^training:|epoch 1|training on the first|stopped \(/m);
  assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
  return r;
}

describe('output paths are checked before any work starts', () => {
  it('train --save into a missing folder (was ENOENT after training) and onto a folder (was EISDIR)', () => {
    refusedBeforeWork(
      [...TRAIN_SMALL, '--save', missing],
      /^lstm train --save: cannot write .*missing-dir.x\.lstm: the folder .*missing-dir does not exist/m,
    );
    refusedBeforeWork(
      [...TRAIN_SMALL, '--save', aFolder],
      /^lstm train --save: cannot write .*a-folder: it is a folder/m,
    );
    refusedBeforeWork([...TRAIN_SMALL, '--save', join(aFile, 'x.lstm')], /a-file\.txt is a file, not a folder/);
    assert.equal(existsSync(join(dir, 'missing-dir')), false);
    const text = readFileSync(corpus, 'utf8');
    refusedBeforeWork([...TRAIN_SMALL, '--save', corpus], /^lstm train: --save .*corpus\.txt is also the text FILE/m);
    assert.equal(readFileSync(corpus, 'utf8'), text);
  });

  it('classify --save and classify --tag --save', () => {
    refusedBeforeWork([...CLASSIFY, '--save', missing], /^lstm classify --save: cannot write .*missing-dir.x\.lstm/m);
    refusedBeforeWork([...CLASSIFY, '--save', aFolder], /^lstm classify --save: .*it is a folder/m);
    refusedBeforeWork([...CLASSIFY, '--save', texts], /^lstm classify: --save .*texts\.csv is also --csv/m);
    refusedBeforeWork([...TAG, '--save', missing], /^lstm classify --save: .*does not exist/m);
    refusedBeforeWork([...TAG, '--save', aFolder], /^lstm classify --save: .*it is a folder/m);
  });

  it('forecast --save, --out under a file, and two outputs that are one file', () => {
    refusedBeforeWork([...FORECAST_SMALL, '--no-chart', '--save', missing], /^lstm forecast --save: .*does not exist/m);
    refusedBeforeWork([...FORECAST_SMALL, '--no-chart', '--save', aFolder], /^lstm forecast --save: .*it is a folder/m);
    refusedBeforeWork(
      [...FORECAST_SMALL, '--no-chart', '--save', series],
      /^lstm forecast: --save .*series\.csv is also --csv/m,
    );
    refusedBeforeWork(
      [...FORECAST_SMALL, '--out', join(aFile, 'charts')],
      /^lstm forecast --out: cannot write into .*charts: .*a-file\.txt is a file, not a folder/m,
    );
    refusedBeforeWork(
      [...FORECAST_SMALL, '--out', aFile],
      /^lstm forecast --out: .*a-file\.txt is a file, not a folder/m,
    );
    refusedBeforeWork(
      [...FORECAST_SMALL, '--out', aFolder, '--save', join(aFolder, 'results.md')],
      /^lstm forecast: --out results\.md and --save both write .*results\.md/m,
    );
    refusedBeforeWork(
      [...FORECAST_SMALL, '--out', aFolder, '--png', '--save', join(aFolder, 'forecast.png')],
      /^lstm forecast: --out forecast\.png and --save both write/m,
    );
  });

  it('--save beside --model (nothing is trained) is refused, not ignored', () => {
    for (const args of [
      ['classify', '--model', join(dir, 'm.lstm'), '--save', join(dir, 'x.lstm'), 'some text'],
      [
        'forecast',
        '--csv',
        series,
        '--time',
        'day',
        '--target',
        'value',
        '--model',
        join(dir, 'm.lstm'),
        '--save',
        join(dir, 'x.lstm'),
      ],
    ]) {
      const r = runCli(args, { timeoutMs: 30_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--save writes a trained .*with --model nothing is trained/);
    }
  });

  it('experiment --out under a file', () => {
    refusedBeforeWork(
      ['experiment', 'adding', '--seeds', '1', '--out', join(aFile, 'results')],
      /^lstm experiment --out: cannot write into .*a-file\.txt is a file, not a folder/m,
    );
  });

  it('convert A.lstm missing-dir/x.onnx (and onto a folder)', () => {
    const model = LanguageModel.create({ text: 'abc', hiddenSize: 4, embeddingSize: 2, numLayers: 1 });
    const source = join(dir, 'source.lstm');
    saveModel(source, model);
    const onnx = join(dir, 'missing-dir', 'x.onnx');
    refusedBeforeWork(
      ['convert', source, onnx],
      /^lstm convert OUT: cannot write .*x\.onnx: the folder .* does not exist/m,
    );
    const folder = join(dir, 'folder.onnx');
    mkdirSync(folder);
    refusedBeforeWork(['convert', source, folder], /^lstm convert OUT: cannot write .*folder\.onnx: it is a folder/m);
  });
});

describe('outputs are written whole and said to be saved only once they are', () => {
  it('forecast writes results.md and forecast.svg as two files (the chart no longer overwrites results.md)', () => {
    const out = join(dir, 'charts');
    const model = join(dir, 'series.lstm');
    const r = runCli([...FORECAST_SMALL, '--out', out, '--save', model, '--backend', 'js']);
    assert.equal(r.code, 0, r.stderr);
    const report = readFileSync(join(out, 'results.md'), 'utf8');
    assert.match(report, /^\| method \| MAE/m);
    assert.doesNotMatch(report, /<svg/);
    assert.match(readFileSync(join(out, 'forecast.svg'), 'utf8'), /^<svg xmlns/m);
    assert.deepEqual(readdirSync(out).sort(), ['forecast.svg', 'results.md']);
    assert.ok(r.stdout.indexOf('Wrote') < r.stdout.indexOf(`Saved the forecaster to ${model}.`));
  });

  it("train prints 'checkpoint saved' (JSON: a 'saved' event) after each checkpoint is on disk", () => {
    const model = join(dir, 'progress.lstm');
    const plain = runCli([...TRAIN, '--steps', '2', '--eval-every', '1', '--samples', '0', '--save', model]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stderr.match(/\(validated, checkpoint saved\)/g)?.length, 2, plain.stderr);
    assert.match(
      plain.stderr,
      new RegExp(`stopped \\(steps\\) after update 2 .*; saved ${model.replaceAll('\\', '\\\\')}`),
    );
    const json = runCli([...TRAIN, '--steps', '2', '--eval-every', '1', '--save', model, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; step?: number; path?: string; saved?: string });
    assert.deepEqual(
      events.filter((e) => e.event !== 'step').map((e) => [e.event, e.step ?? null]),
      [
        ['eval', 1],
        ['saved', 1],
        ['eval', 2],
        ['saved', 2],
        ['done', null],
      ],
    );
    assert.equal(events.at(-1)?.saved, model);
  });
});

describe('train --resume and the options its checkpoint fixes', () => {
  it('refuses --batch, --lr, --hidden … with the values the checkpoint holds; accepts budgets and equal values', async () => {
    const text = 'the cat sees a dog. '.repeat(30);
    const model = LanguageModel.create({ text, hiddenSize: 6, embeddingSize: 3, numLayers: 1, seed: 1 });
    const result = await fit(model, text, { seqLength: 8, batchSize: 2, learningRate: 0.01, maxSteps: 1 });
    const checkpoint = join(dir, 'resume.lstm');
    const textFile = join(dir, 'resume-text.txt');
    writeFileSync(textFile, text);
    saveModel(checkpoint, model, { training: result.training });
    const resume = ['train', '--resume', checkpoint, textFile, '--samples', '0'];
    const refused: Array<[string[], RegExp]> = [
      [['--batch', '8'], /cannot change --batch 8 \(the checkpoint holds 2\)/],
      [['--lr', '0.5'], /cannot change --lr 0\.5 \(the checkpoint holds 0\.01\)/],
      [
        ['--hidden', '32', '--layers', '3'],
        /--layers 3 \(the checkpoint holds 1\), --hidden 32 \(the checkpoint holds 6\)/,
      ],
      [['--seq-len', '50'], /--seq-len 50 \(the checkpoint holds 8\)/],
      [['--optimizer', 'sgd'], /--optimizer sgd \(the checkpoint holds adam\)/],
      [['--schedule', 'cosine:1:10'], /--schedule cosine:1:10 \(the checkpoint holds constant\)/],
      [['--clip', '1'], /--clip 1 \(the checkpoint holds 5\)/],
      [['--val-split', '0.2'], /--val-split 0\.2 \(the checkpoint holds 0\.1\)/],
      [['--seed', '9'], /--seed 9 \(the checkpoint holds 1\)/],
      [['--cell', 'gru'], /--cell gru \(the checkpoint holds lstm\)/],
      [['--init', 'orthogonal'], /--init orthogonal/],
    ];
    for (const [options, message] of refused) {
      const line = readCommandLine(TRAIN_COMMAND, [...resume, '--steps', '2', ...options]);
      assert.ok(line !== undefined);
      const { model: held, training } = loadCheckpoint(checkpoint);
      assert.throws(
        () => checkResumeOptions(checkpoint, held, training as TrainingCheckpoint, line.values, line.given),
        (e: Error) => e instanceof UsageError && message.test(e.message),
        options.join(' '),
      );
    }
    // the command refuses before any work, and leaves the checkpoint as it was
    const r = runCli([...resume, '--steps', '2', '--batch', '8', '--lr', '0.5']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--batch 8 \(the checkpoint holds 2\), --lr 0\.5 \(the checkpoint holds 0\.01\)/);
    assert.match(r.stderr, /Leave those options out to continue the run/);
    assert.equal(loadCheckpoint(checkpoint).training?.state.step, 1);
    // the values it holds change nothing; budgets and output options are the resumed run's own
    const ok = runCli([...resume, '--steps', '3', '--batch', '2', '--lr', '0.01', '--eval-every', '1', '--time', '60']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(loadCheckpoint(checkpoint).training?.state.step, 3);
  });
});
