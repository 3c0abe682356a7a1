import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DivergenceError, encodeSafetensors, fit, LanguageModel } from '../../src/index.js';
import { loadCheckpoint, loadModel, saveModel } from '../../src/node/index.js';
import { CLI, type CliRun, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lstm(...args: string[]): CliRun {
  return runCli(args);
}

// A small corpus with structure: sentences of a tiny grammar, deterministic.
const words = ['the cat', 'a dog', 'my bird', 'the fish'];
const verbs = ['sees', 'likes', 'finds'];
let corpusText = '';
for (let i = 0; i < 400; i++) corpusText += `${words[i % 4]} ${verbs[i % 3]} ${words[(i * 7 + 1) % 4]}.\n`;
const corpus = join(dir, 'corpus.txt');
writeFileSync(corpus, corpusText);
const TINY = [
  '--hidden',
  '12',
  '--embedding',
  '6',
  '--layers',
  '2',
  '--batch',
  '4',
  '--seq-len',
  '16',
  '--samples',
  '0',
];

describe('lstm command', () => {
  it('prints complete help for every command', () => {
    const main = lstm('--help');
    assert.equal(main.code, 0);
    for (const cmd of ['train', 'generate', 'eval', 'info']) assert.match(main.stdout, new RegExp(cmd));
    const train = lstm('train', '--help');
    for (const flag of [
      '--corpus',
      '--resume',
      '--layers',
      '--hidden',
      '--embedding',
      '--seq-len',
      '--batch',
      '--lr',
      '--optimizer',
      '--clip',
      '--steps',
      '--time',
      '--val-split',
      '--eval-every',
      '--save',
      '--seed',
      '--json',
      '--schedule',
    ]) {
      assert.ok(train.stdout.includes(flag), `train --help lacks ${flag}`);
    }
    for (const flag of ['--prime', '--temperature', '--top-k', '--top-p', '--length', '--stop', '--seed', '--probs']) {
      assert.ok(lstm('generate', '--help').stdout.includes(flag), `generate --help lacks ${flag}`);
    }
    assert.equal(lstm('eval', '--help').code, 0);
    assert.equal(lstm('info', '--help').code, 0);
  });

  it('trains, saves, describes, evaluates and generates', () => {
    const model = join(dir, 'm.lstm');
    const train = lstm('train', corpus, ...TINY, '--steps', '8', '--eval-every', '4', '--save', model, '--json');
    assert.equal(train.code, 0, train.stderr);
    const events = train.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      events.filter((e) => e.event === 'eval').map((e) => e.step),
      [4, 8],
    );
    assert.equal(events.at(-1).event, 'done');
    assert.ok(events.at(-1).validationNats > 0);
    const info = lstm('info', model);
    assert.equal(info.code, 0);
    assert.match(info.stdout, /2 layer\(s\) × 12/);
    assert.match(info.stdout, /updates: 8/);
    const evalOut = lstm('eval', model, corpus, '--last', '0.1', '--json');
    assert.equal(evalOut.code, 0, evalOut.stderr);
    // the final validation of training is the same streaming pass over the same last 10%
    assert.ok(Math.abs(JSON.parse(evalOut.stdout).nats - events.at(-1).validationNats) < 1e-3);
    const g1 = lstm('generate', model, '--prime', 'the ', '--length', '40', '--seed', '5');
    const g2 = lstm('generate', model, '--prime', 'the ', '--length', '40', '--seed', '5');
    assert.equal(g1.code, 0);
    assert.equal(g1.stdout, g2.stdout);
    assert.ok(g1.stdout.startsWith('the '));
    assert.equal([...g1.stdout.trimEnd()].length <= 44, true);
    const unseen = lstm('generate', model, '--prime', 'Zürich', '--length', '5', '--seed', '1');
    assert.equal(unseen.code, 0);
    assert.match(unseen.stderr, /never saw/);
  });

  it('an interrupted and resumed run ends with the same weights as an uninterrupted one', () => {
    const straight = join(dir, 'straight.lstm');
    const split = join(dir, 'split.lstm');
    // 2 windows per epoch here are crossed several times: ⌊(⌊N/4⌋ − 1)/16⌋ windows
    assert.equal(lstm('train', corpus, ...TINY, '--steps', '14', '--eval-every', '5', '--save', straight).code, 0);
    assert.equal(lstm('train', corpus, ...TINY, '--steps', '6', '--eval-every', '5', '--save', split).code, 0);
    const resumed = lstm('train', '--resume', split, '--steps', '14', '--eval-every', '5', '--samples', '0');
    assert.equal(resumed.code, 0, resumed.stderr);
    const a = loadCheckpoint(straight);
    const b = loadCheckpoint(split);
    assert.equal(b.training?.state.step, 14);
    assert.deepEqual(Array.from(b.model.arena.values), Array.from(a.model.arena.values));
    assert.deepEqual(
      Array.from(b.training?.tensors.optimizer.m ?? []),
      Array.from(a.training?.tensors.optimizer.m ?? []),
    );
  });

  it('Ctrl-C stops training, saves a loadable checkpoint and exits cleanly', async () => {
    const model = join(dir, 'interrupted.lstm');
    const child = spawn(process.execPath, [
      CLI,
      'train',
      corpus,
      ...TINY,
      '--steps',
      '1000000',
      '--eval-every',
      '3',
      '--save',
      model,
      '--json',
    ]);
    let out = '';
    const sawCheckpoint = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"event":"eval"')) resolve();
      });
    });
    await sawCheckpoint;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
    const done = JSON.parse(out.trim().split('\n').at(-1) as string);
    assert.equal(done.stoppedBy, 'abort');
    const saved = loadCheckpoint(model);
    assert.equal(saved.training?.state.step, done.steps);
    // resuming from the Ctrl-C checkpoint lands exactly where an uninterrupted run does
    const total = String(done.steps + 3);
    assert.equal(lstm('train', '--resume', model, '--steps', total, '--eval-every', '3', '--samples', '0').code, 0);
    const straight = join(dir, 'uninterrupted.lstm');
    assert.equal(lstm('train', corpus, ...TINY, '--steps', total, '--eval-every', '3', '--save', straight).code, 0);
    assert.deepEqual(Array.from(loadModel(model).arena.values), Array.from(loadModel(straight).arena.values));
  });

  it('chooses the native backend where npm ci built it, else WebAssembly, says why; --backend and --threads override', () => {
    const auto = lstm('info', '--backend', '--json');
    assert.equal(auto.code, 0, auto.stderr);
    const report = JSON.parse(auto.stdout);
    const native = report.available.find((b: { name: string }) => b.name === 'native');
    assert.equal(report.name, native.loaded ? 'native' : 'wasm', `native: ${native.note}`);
    if (process.env.CI !== undefined)
      assert.ok(native.loaded, `npm ci must have built the native kernels: ${native.note}`);
    assert.match(report.reason, /fastest available/);
    assert.equal(report.threads, availableParallelism());
    // without the addon (here: pointed at a missing file) the WebAssembly backend takes over and says why
    const r = spawnSync(process.execPath, [CLI, 'info', '--backend', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, LSTM_NATIVE_ADDON: join(dir, 'missing.node') },
    });
    const fallback = JSON.parse(r.stdout);
    assert.equal(fallback.name, 'wasm');
    assert.match(fallback.reason, /no native kernels: no addon at .*missing\.node/);
    assert.match(fallback.threadNote, /worker_threads/);
    const wasm = JSON.parse(lstm('info', '--backend=wasm', '--threads', '2', '--json').stdout);
    assert.deepEqual([wasm.name, wasm.threads], ['wasm', 2]);
    const text = lstm('info', '--backend', '--threads', '1');
    assert.match(text.stdout, new RegExp(`^backend: ${report.name} \\(float32\\)`, 'm'));
    assert.match(text.stdout, /^threads: 1 /m);
    const js = JSON.parse(lstm('info', '--backend=js', '--json').stdout);
    assert.deepEqual([js.name, js.threads, js.reason], ['js', 1, '--backend js']);
    const bad: Array<[string[], RegExp]> = [
      [['info', '--backend=gpu'], /unknown backend 'gpu'. Expected one of: js, wasm, native, auto/],
      [['info', '--backend', '--threads', '0'], /--threads expects a whole number from 1 to 256; got '0'/],
      [['info', '--backend', '--threads'], /--threads needs a value/],
    ];
    for (const [args, message] of bad) {
      const r = lstm(...args);
      assert.notEqual(r.code, 0, `${args.join(' ')} should fail`);
      assert.match(r.stderr, message, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  it('refuses bad input with a clear message and a non-zero exit', () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const binary = join(dir, 'binary.dat');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
    const cases: Array<[string[], RegExp]> = [
      [['train', join(dir, 'missing.txt')], /no file at/],
      [['train', empty], /is empty/],
      [['train', binary], /looks binary/],
      [['train', corpus, '--hidden', '0'], /--hidden must be an integer/],
      [['train', corpus, '--batch=-3'], /--batch must be an integer/],
      [['train', corpus, '--lr', 'fast'], /--lr must be a number/],
      [['train', corpus, '--batch', '5000', '--steps', '1'], /needs at least/],
      [['train', corpus, '--optimizer', 'rmsprop'], /adam, adamw or sgd/],
      [['train', corpus, '--schedule', 'cosine:x'], /cannot read/],
      [['train', corpus, '--steps', '1', '--frobnicate'], /Unknown option/],
      [['train'], /needs a text FILE or --corpus/],
      [['generate', corpus], /does not start with a safetensors header/],
      [['nonsense'], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const r = lstm(...args);
      assert.notEqual(r.code, 0, `${args.join(' ')} should fail`);
      assert.match(r.stderr, message, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  it('refuses truncated, damaged and foreign model files, saying what is wrong', () => {
    const model = join(dir, 'good.lstm');
    assert.equal(lstm('train', corpus, ...TINY, '--steps', '2', '--save', model).code, 0);
    const bytes = readFileSync(model);
    const truncated = join(dir, 'truncated.lstm');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    assert.match(lstm('info', truncated).stderr, /truncated/);
    const damaged = join(dir, 'damaged.lstm');
    const copy = Buffer.from(bytes);
    copy[copy.length - 50] = (copy[copy.length - 50] as number) ^ 0xff;
    writeFileSync(damaged, copy);
    assert.match(lstm('generate', damaged).stderr, /checksum/);
    const foreign = join(dir, 'foreign.safetensors');
    writeFileSync(foreign, encodeSafetensors([{ name: 'weight', shape: [2], data: [1, 2] }], { format: 'pt' }));
    assert.match(lstm('info', foreign).stderr, /not an lstm model/);
  });

  it('a loss that becomes NaN stops training, names the step, and keeps the last good checkpoint', async () => {
    const path = join(dir, 'diverge.lstm');
    const model = LanguageModel.create({ text: corpusText, hiddenSize: 8, embeddingSize: 4, numLayers: 1, seed: 3 });
    let poisoned = false;
    await assert.rejects(
      fit(model, corpusText, {
        seqLength: 8,
        batchSize: 4,
        maxSteps: 50,
        evalEvery: 3,
        evalChars: 50,
        onCheckpoint: (m, training) => {
          saveModel(path, m, { training });
          // after the first checkpoint is safely on disk, break a weight every prediction uses
          if (!poisoned) m.arena.values[m.arena.size - 1] = Number.NaN;
          poisoned = true;
        },
      }),
      (e: unknown) => e instanceof DivergenceError && e.step === 4 && /at step 4/.test(e.message),
    );
    const kept = loadCheckpoint(path);
    assert.equal(kept.training?.state.step, 3);
    assert.ok(kept.model.arena.values.every((v) => Number.isFinite(v)));
  });
});
