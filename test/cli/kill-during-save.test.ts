/**
 * SIGKILL at random moments (seeded) during `lstm train`, `classify --save` and `forecast --save`,
 * each writing over a complete earlier version of its target: the target is always a complete
 * file (the earlier one or a new one: it loads with its loader, checksum included), `--resume`
 * from the train target always works, and the next run leaves no `<target>.tmp-<pid>` behind.
 * Tiny data and models on the js backend keep each child well under a second.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadCheckpoint, loadClassifier, loadForecaster, temporaryPathFor } from '../../src/node/index.js';
import { Rng } from '../../src/rng.js';
import { CLI, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const corpus = join(dir, 'corpus.txt');
writeFileSync(corpus, 'the cat sees a dog. a bird likes the fish.\n'.repeat(100));
const texts = join(dir, 'texts.csv');
writeFileSync(
  texts,
  [
    'text,label',
    ...Array.from({ length: 60 }, (_, i) => `the film ${i % 7} was ${i % 3 === 0 ? 'awful,neg' : 'great,pos'}`),
  ].join('\n'),
);
const series = join(dir, 'series.csv');
writeFileSync(
  series,
  [
    'day,value',
    ...Array.from({ length: 80 }, (_, r) => {
      const day = new Date(Date.UTC(2021, 0, 1 + r)).toISOString().slice(0, 10);
      return `${day},${(100 + r / 2 + 10 * Math.sin(r / 3)).toFixed(2)}`;
    }),
  ].join('\n'),
);

interface Target {
  name: string;
  path: string;
  args: string[];
  /** Throws unless the file at path is complete (its loader checks structure and checksum). */
  load: (path: string) => void;
}

const trainTarget = join(dir, 'lm.lstm');
const TARGETS: Target[] = [
  {
    name: 'train',
    path: trainTarget,
    // a checkpoint at every update: many saves to interrupt
    args: [
      'train',
      corpus,
      '--steps',
      '60',
      '--eval-every',
      '1',
      '--eval-chars',
      '50',
      '--hidden',
      '8',
      '--embedding',
      '4',
      '--layers',
      '1',
      '--batch',
      '2',
      '--seq-len',
      '8',
      '--samples',
      '0',
      '--save',
      trainTarget,
    ],
    load: (path) => void loadCheckpoint(path),
  },
  {
    name: 'classify',
    path: join(dir, 'texts.lstm'),
    args: [
      'classify',
      '--csv',
      texts,
      '--epochs',
      '2',
      '--hidden',
      '4',
      '--embedding',
      '4',
      '--min-count',
      '1',
      '--batch',
      '8',
      '--save',
      join(dir, 'texts.lstm'),
    ],
    load: (path) => void loadClassifier(path),
  },
  {
    name: 'forecast',
    path: join(dir, 'series.lstm'),
    args: [
      'forecast',
      '--csv',
      series,
      '--time',
      'day',
      '--target',
      'value',
      '--lookback',
      '4',
      '--horizon',
      '2',
      '--test',
      '10',
      '--epochs',
      '5',
      '--hidden',
      '4',
      '--no-chart',
      '--save',
      join(dir, 'series.lstm'),
    ],
    load: (path) => void loadForecaster(path),
  },
];

function runToEnd(args: string[]): void {
  const r = runCli([...args, '--backend', 'js'], { timeoutMs: 20_000 });
  assert.equal(r.code, 0, `lstm ${args.join(' ')}: ${r.stderr}`);
}

/** Start `lstm ARGS` and SIGKILL it after `ms`; resolves when it is gone (or ended by itself). */
async function killAfter(args: string[], ms: number): Promise<{ pid: number; killed: boolean }> {
  const child = spawn(process.execPath, [CLI, ...args, '--backend', 'js'], { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
  clearTimeout(timer);
  return { pid: child.pid as number, killed: signal === 'SIGKILL' };
}

function temporaries(): string[] {
  return readdirSync(dir).filter((name) => /\.tmp-\d+$/.test(name));
}

describe('SIGKILL during a save', () => {
  it('leaves the previous or a new complete target, resumable, and no temporary file after the next run', async (t) => {
    const rng = new Rng(17);
    // the previous complete version of each target, and how long a whole run takes here
    const durations = TARGETS.map((t) => {
      const started = performance.now();
      runToEnd(t.args);
      t.load(t.path);
      return performance.now() - started;
    });
    const kinds = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]; // 10 kills: 4 of train, 3 of classify, 3 of forecast
    let killedCount = 0;
    let newVersions = 0;
    for (const k of kinds) {
      const target = TARGETS[k] as Target;
      const before = readFileSync(target.path);
      // anywhere from start-up to the end of the run, where the final save happens
      const ms = rng.uniform(0.2, 1.05) * (durations[k] as number);
      const { pid, killed } = await killAfter(target.args, ms);
      if (killed) killedCount++;
      const changed = !readFileSync(target.path).equals(before);
      if (killed && changed) newVersions++;
      const version = changed ? 'a new version' : 'the previous version';
      assert.doesNotThrow(
        () => target.load(target.path),
        `${target.name} killed after ${ms.toFixed(0)} ms: ${version}`,
      );
      // a temporary file of the killed writer, if it died between writing and renaming, is stale now
      const stale = temporaryPathFor(target.path, pid);
      if (k === 0) {
        const step = loadCheckpoint(target.path).training?.state.step as number;
        runToEnd(['train', '--resume', target.path, '--steps', String(step + 2), '--samples', '0']);
        assert.equal(loadCheckpoint(target.path).training?.state.step, step + 2);
      } else {
        runToEnd(target.args);
      }
      target.load(target.path);
      assert.deepEqual(temporaries(), [], `after ${target.name} killed after ${ms.toFixed(0)} ms (${stale})`);
    }
    t.diagnostic(`${killedCount} of 10 runs killed while running; ${newVersions} of them had saved a new version`);
    assert.ok(killedCount >= 4, `only ${killedCount} of 10 runs were still running when killed`);
  });

  it('the next run removes a complete temporary file that a killed writer left beside the target', async () => {
    const target = TARGETS[0] as Target;
    // a process that is gone: its pid names the leftover, as a writer killed before its rename would
    const { pid } = await killAfter(['--help'], 10_000);
    const leftover = temporaryPathFor(target.path, pid);
    writeFileSync(leftover, readFileSync(target.path));
    assert.deepEqual(temporaries(), [leftover.slice(dir.length + 1)]);
    runToEnd(['train', '--resume', target.path, '--steps', '1', '--samples', '0']);
    assert.deepEqual(temporaries(), []);
  });
});
