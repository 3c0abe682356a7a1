/**
 * `lstm seq2seq` end to end on a small CSV (reversing letter strings): train with --save reports
 * greedy and beam decoding on the test split; translate prints n-best lists with scores (and
 * warns about tokens the model never saw); eval scores the saved model; info describes the file;
 * --checkpoint and --resume continue a run; bad input gets a clear error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Rng } from '../../src/rng.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-seq2seq-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(4);
const words = Array.from({ length: 600 }, () =>
  Array.from({ length: 3 + rng.int(5) }, () => 'abcdef'[rng.int(6)] as string).join(''),
);
const csv = join(dir, 'reverse.csv');
writeFileSync(csv, ['source,target', ...words.map((w) => `${w},${[...w].reverse().join(' ')}`)].join('\n'));
const model = join(dir, 'reverse.lstm');

describe('lstm seq2seq', () => {
  it('trains, saves, and reports greedy and beam decoding on the test split', () => {
    const r = runCli([
      'seq2seq',
      'train',
      '--csv',
      csv,
      '--hidden',
      '16',
      '--embedding',
      '8',
      '--epochs',
      '4',
      '--beam',
      '3',
      '--save',
      model,
      '--history',
      join(dir, 'curve.json'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /training, \d+ validation, \d+ test sources/);
    assert.match(
      r.stdout,
      /epoch 4: training loss [\d.]+, validation loss [\d.]+, validation sequence error [\d.]+ %, token error [\d.]+ %/,
    );
    const curve = JSON.parse(readFileSync(join(dir, 'curve.json'), 'utf8')) as {
      model: { encoderHidden: number };
      epochs: { epoch: number; validSequenceError: number }[];
    };
    assert.equal(curve.model.encoderHidden, 16);
    assert.deepEqual(
      curve.epochs.map((e) => e.epoch),
      [1, 2, 3, 4],
    );
    assert.ok(curve.epochs.every((e) => e.validSequenceError >= 0 && e.validSequenceError <= 1));
    assert.match(r.stdout, /\| greedy \| [\d.]+ % \| [\d.]+ % \| [\d.]+ \|/);
    assert.match(r.stdout, /\| beam 3 \|/);
  });

  it('translates with n-best scores, warns about unseen tokens, and evaluates the saved model', () => {
    const r = runCli([
      'seq2seq',
      'translate',
      '--model',
      model,
      '--text',
      'abc',
      'fedz',
      '--beam',
      '3',
      '--nbest',
      '2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0] as string, /^abc\t[a-f ]+\t-[\d.]+$/);
    assert.match(r.stderr, /never saw \(read as <unk>\): z/);
    const json = runCli(['seq2seq', 'translate', '--model', model, '--text', 'ab', '--json']);
    assert.equal((JSON.parse(json.stdout) as { translations: unknown[] }[])[0]?.translations.length, 1);
    const e = runCli(['seq2seq', 'eval', '--model', model, '--csv', csv, '--beam', '2']);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /\| beam 2 \|/);
    const short = runCli(['seq2seq', 'eval', '--model', model, '--csv', csv, '--beam', '1', '--max-length', '4']);
    assert.match(short.stderr, /warning: \d+ of the \d+ sources have only targets longer than --max-length 4/);
    const map = runCli([
      'seq2seq',
      'translate',
      '--model',
      model,
      '--text',
      'abcd',
      '--attention',
      '--attention-file',
      join(dir, 'map.png'),
    ]);
    assert.equal(map.code, 0, map.stderr);
    assert.match(map.stdout, /^<\/s> [ ·░▒▓█]{4}$/m);
    assert.deepEqual([...readFileSync(join(dir, 'map.png')).subarray(1, 4)], [...Buffer.from('PNG')]);
    runCli(['seq2seq', 'translate', '--model', model, '--text', 'abcd', '--attention-file', join(dir, 'map.svg')]);
    assert.match(readFileSync(join(dir, 'map.svg'), 'utf8'), /^<svg /);
    const tsv = join(dir, 'reverse.tsv');
    writeFileSync(tsv, ['source\ttarget', ...words.map((w) => `${w}\t${[...w].reverse().join(' ')}`)].join('\n'));
    const fromTsv = runCli(['seq2seq', 'eval', '--model', model, '--csv', tsv, '--beam', '2']);
    // the same scores (the decoding time aside) from the same pairs read tab-separated
    const scores = (out: string): string => out.replace(/ [\d.]+ \|$/gm, ' |');
    assert.equal(scores(fromTsv.stdout), scores(e.stdout.replace(csv, tsv)));
    const info = runCli(['info', model]);
    assert.match(
      info.stdout,
      /sequence to sequence, encoder bidirectional LSTM 1 × 16 → decoder LSTM 1 × 32, general attention/,
    );
  });

  it('writes a checkpoint after every epoch and resumes from it, refusing options that would change the run', () => {
    const checkpoint = join(dir, 'run.ckpt');
    const small = ['--csv', csv, '--hidden', '8', '--embedding', '4', '--beam', '1'];
    const first = runCli(['seq2seq', 'train', ...small, '--epochs', '1', '--checkpoint', checkpoint]);
    assert.equal(first.code, 0, first.stderr);
    const resumed = runCli([
      'seq2seq',
      'train',
      '--csv',
      csv,
      '--beam',
      '1',
      '--epochs',
      '2',
      '--resume',
      checkpoint,
      '--checkpoint',
      checkpoint,
    ]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resuming .*run\.ckpt after epoch 1 \(\d+ updates, \d+ s\)/);
    assert.match(resumed.stdout, /epoch 2: training loss/);
    assert.doesNotMatch(resumed.stdout, /epoch 1: training loss/);
    const conflict = runCli([
      'seq2seq',
      'train',
      '--csv',
      csv,
      '--hidden',
      '16',
      '--lr',
      '0.01',
      '--resume',
      checkpoint,
    ]);
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /--hidden 16 \(the checkpoint holds 8\), --lr 0\.01 \(the checkpoint holds 0\.002\)/);
    const plain = runCli(['seq2seq', 'train', '--csv', csv, '--resume', model]);
    assert.match(plain.stderr, /a model without training state/);
    assert.match(
      runCli(['info', checkpoint]).stdout,
      /checkpoint: after epoch 2 \(\d+ updates, \d+ s, lowest validation loss [\d.]+ at epoch [12]\)/,
    );
  });

  it('refuses bad input with a clear message', () => {
    const oneColumn = join(dir, 'one.csv');
    writeFileSync(oneColumn, 'source\nabc\n');
    const emptyTarget = join(dir, 'empty.csv');
    writeFileSync(
      emptyTarget,
      `source,target\n${words
        .slice(0, 30)
        .map((w) => `${w},${w}`)
        .join('\n')}\nabc,\n`,
    );
    const cases: [string[], RegExp][] = [
      [['seq2seq', 'train', '--csv', oneColumn], /no column 'target'/],
      [['seq2seq', 'train', '--csv', emptyTarget], /row 32: an empty target/],
      [['seq2seq', 'train', '--example', 'wordnet'], /built-in example is 'cmudict'/],
      [['seq2seq', 'train'], /give --example cmudict or --csv FILE/],
      [['seq2seq', 'fly'], /expected train, translate or eval; got 'fly'/],
      [['seq2seq', 'train', '--csv', csv, '--schedule', 'cosine:x:10'], /cannot read "cosine:x:10"/],
      [['seq2seq', 'translate', '--model', model], /give sources with --text/],
      [['seq2seq', 'translate', '--text', 'abc'], /--model FILE is needed/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
  });
});
