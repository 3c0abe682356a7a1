/**
 * The benchmark's --repeat summary (bench/summary.ts) and its within-run ratios (bench/report.ts):
 * medians, ranges and each run's value, on made-up rows, so no timing is involved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestRatios, compare, type Result, type RunRecord, threadRatios } from '../../bench/report.js';
import { spreadOf, summarize, summaryTables } from '../../bench/summary.js';

/** A row whose headline is `steps` steps/s (and 100× that in chars/s). */
function row(id: string, backend: string, threads: number, steps: number): Result {
  return {
    id,
    group: id,
    what: `config ${id}`,
    backend,
    threads,
    flopsPerOp: 1e9,
    gflops: steps,
    throughput: [
      { unit: 'steps/s', value: steps },
      { unit: 'chars/s', value: 100 * steps },
    ],
    reps: 1,
    opsPerRep: 1,
    repSeconds: [1 / steps],
    spread: 0,
  };
}

/** One run's record, its ratios computed as bench/run.ts computes them. */
function record(results: Result[]): RunRecord {
  return {
    started: '2026-12-07T00:00:00.000Z',
    loadAverage: 0,
    results,
    comparisons: compare(results, ['pytorch']),
    threadRatios: threadRatios(results),
    bestRatios: bestRatios(results, ['pytorch']),
    skipped: [],
  };
}

describe('bench: ratios within a run', () => {
  it('divides a row on several threads by the same backend on one (native-mt ÷ native, a peer by itself)', () => {
    const ratios = threadRatios([
      row('C1', 'native', 1, 10),
      row('C1', 'native-mt', 2, 15),
      row('C1', 'pytorch', 1, 8),
      row('C1', 'pytorch', 2, 4),
      row('C2', 'wasm-mt', 2, 3), // no one-thread row: no ratio
    ]);
    assert.deepEqual(
      ratios.map((r) => [r.id, r.backend, r.oneThread, r.ratio]),
      [
        ['C1', 'native-mt', 'native', 1.5],
        ['C1', 'pytorch', 'pytorch', 0.5],
      ],
    );
  });
});

describe('bench: best against best', () => {
  it("divides our best row by the peer's best, whatever the backend and threads of each", () => {
    const best = bestRatios(
      [
        row('C1', 'native', 1, 10),
        row('C1', 'native-mt', 2, 15),
        row('C1', 'pytorch', 1, 6),
        row('C1', 'pytorch', 2, 5),
      ],
      ['pytorch'],
    );
    assert.deepEqual(best, [
      { id: 'C1', peer: 'pytorch', ours: { backend: 'native-mt', threads: 2 }, theirs: { threads: 1 }, ratio: 2.5 },
    ]);
  });
});

describe('bench: --repeat summary', () => {
  it('gives the median, the range and every run of an odd and an even count', () => {
    assert.deepEqual(spreadOf([3, 1, 2]), { perRun: [3, 1, 2], median: 2, min: 1, max: 3, range: 1 });
    const even = spreadOf([4, null, 2]);
    assert.equal(even.median, 3);
    assert.equal(even.range, 2 / 3);
  });

  it('summarises each row and each ratio across the runs, a row missing from one run included', () => {
    const runs = [
      record([row('C1', 'native', 1, 10), row('C1', 'native-mt', 2, 12), row('C1', 'pytorch', 1, 5)]),
      record([row('C1', 'native', 1, 11), row('C1', 'native-mt', 2, 22), row('C1', 'pytorch', 1, 10)]),
      record([row('C1', 'native', 1, 12), row('C1', 'pytorch', 1, 6)]),
    ];
    const s = summarize(runs);
    assert.equal(s.runs, 3);
    assert.deepEqual(
      s.figures.map((f) => [f.backend, f.headline.perRun, f.headline.median]),
      [
        ['native', [10, 11, 12], 11],
        ['native-mt', [12, 22, null], 17],
        ['pytorch', [5, 10, 6], 6],
      ],
    );
    const native = s.figures[0];
    assert.deepEqual(native?.throughput, [
      { unit: 'steps/s', value: 11 },
      { unit: 'chars/s', value: 1100 },
    ]);
    assert.equal(native?.headline.range, 2 / 11);

    // ours ÷ pytorch in each run (not the medians' ratio), and native-mt ÷ native
    const ratio = (backend: string, kind: string): number[] | undefined =>
      s.ratios
        .find((r) => r.backend === backend && r.kind === kind)
        ?.ratio.perRun.map((v) => (v === null ? Number.NaN : Math.round(v * 100) / 100));
    assert.deepEqual(ratio('native', 'peer'), [2, 1.1, 2]);
    assert.equal(s.ratios.find((r) => r.backend === 'native' && r.kind === 'peer')?.ratio.median, 2);
    assert.deepEqual(ratio('native-mt', 'threads'), [1.2, 2, Number.NaN]);
    assert.equal(s.ratios.find((r) => r.backend === 'native-mt' && r.kind === 'threads')?.ratio.median, 1.6);
    assert.deepEqual(ratio('best', 'best'), [2.4, 2.2, 2]);
    assert.equal(s.ratios.at(-1)?.kind, 'best', "a configuration's best-against-best ratio comes after its rows'");

    const text = summaryTables(s);
    assert.match(
      text,
      /\| C1 \| config C1 \| native-mt \| 2 \| 17\.0 steps\/s, 1,700 chars\/s \| .* \| 12\.0 · 22\.0 · – \|/,
    );
    assert.match(text, /\| C1 \| native-mt \| 2 \| ÷ native \(1 thread\) \| 1\.60× \| 1\.20–2\.00× \| 50% \|/);
    assert.match(text, /\| C1 \| best of ours \| best \| ÷ best of pytorch \| 2\.20× \| 2\.00–2\.40× \| 18% \|/);
    assert.match(text, /Medians of 3 runs/);
  });
});
