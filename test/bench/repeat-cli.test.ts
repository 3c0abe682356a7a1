/**
 * `npm run bench -- --repeat 2` end to end on the fastest configuration (C5, --quick, no peers):
 * two runs, the summary tables on standard output, and every run in the JSON.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { nativeUnavailableReason } from '../../src/kernels/index.js';
import '../../src/node/native-addon.js';

it('bench --repeat 2 reports medians, ranges and each run, and keeps every run in the JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-repeat-'));
  try {
    const json = join(dir, 'bench.json');
    const backend = nativeUnavailableReason() === undefined ? 'native' : 'wasm';
    const args = ['--only', 'C5', '--backend', backend, '--peer', 'none', '--quick', '--repeat', '2', '--json', json];
    const r = spawnSync(process.execPath, ['dist/bench/run.js', ...args], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /· 2 runs ·/);
    assert.match(r.stdout, /\| config \| what \| backend \| threads \| throughput \(median\) \|.*\| each run \|/);
    assert.match(r.stdout, new RegExp(`\\| C5 \\| .* \\| ${backend} \\| 1 \\| .* steps/s \\| .* · .* \\|`));
    assert.match(r.stderr, /run 2 of 2/);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as {
      repeat: number;
      runs: Array<{ results: unknown[] }>;
      summary: { figures: Array<{ headline: { perRun: number[] } }> };
    };
    assert.equal(doc.repeat, 2);
    assert.deepEqual(
      doc.runs.map((run) => run.results.length),
      [1, 1],
    );
    assert.equal(doc.summary.figures[0]?.headline.perRun.length, 2);

    const bad = spawnSync(process.execPath, ['dist/bench/run.js', '--repeat', '0'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--repeat takes a whole number from 1 to 100; got '0'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
