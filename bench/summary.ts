/**
 * `--repeat N`: the whole run N times, then each figure and each ratio across the runs: its value
 * in every run, median, and range (min–max, and (max − min) / median), so a claim rests on more
 * than one run of a noisy machine. The ratios (ours ÷ peer, several threads ÷ one) are computed
 * within each run first (report.ts: compare, threadRatios), then summarised like the figures.
 */
import { median } from './harness.js';
import { formatNumber, type Result, type RunRecord, tableText } from './report.js';

/** One figure or ratio across the runs. */
export interface Spread {
  /** Its value in each run, in run order; null where that run has no such row (skipped, failed). */
  perRun: Array<number | null>;
  /** Median, min and max of the runs that have it. */
  median: number;
  min: number;
  max: number;
  /** (max − min) / median: 0.15 is a range of 15 % of the median. */
  range: number;
}

/** One row (configuration, backend or peer, threads) across the runs. */
export interface FigureSummary {
  id: string;
  what: string;
  backend: string;
  threads: number;
  /** Each unit's median across the runs, headline first. */
  throughput: Array<{ unit: string; value: number }>;
  /** The median GFLOP/s. */
  gflops: number;
  /** The headline throughput in each run, its median and range. */
  headline: Spread;
}

/**
 * One ratio of a row across the runs: to a peer's row, or to the one-thread row; or the best of
 * ours ÷ the best of a peer (backend 'best', threads 0 and againstThreads 0: the winners may
 * differ from run to run; each run's are in its RunRecord.bestRatios).
 */
export interface RatioSummary {
  id: string;
  backend: string;
  threads: number;
  /** 'peer': ours ÷ a peer's row; 'threads': this row ÷ the same backend on one thread; 'best': best ÷ best. */
  kind: 'peer' | 'threads' | 'best';
  /** The peer, or the one-thread backend. */
  against: string;
  againstThreads: number;
  ratio: Spread;
}

export interface Summary {
  runs: number;
  figures: FigureSummary[];
  ratios: RatioSummary[];
}

export function spreadOf(perRun: Array<number | null>): Spread {
  const values = perRun.filter((v): v is number => v !== null);
  const mid = median(values);
  const [min, max] = [Math.min(...values), Math.max(...values)];
  return { perRun, median: mid, min, max, range: (max - min) / mid };
}

const rowKey = (r: { id: string; backend: string; threads: number }): string => `${r.id}|${r.backend}|${r.threads}`;

/** Every row and ratio of the runs, in the order they first appear, with their medians and ranges. */
export function summarize(runs: readonly RunRecord[]): Summary {
  const firsts = new Map<string, Result>();
  for (const run of runs) for (const r of run.results) if (!firsts.has(rowKey(r))) firsts.set(rowKey(r), r);
  const figures = [...firsts.values()].map((first): FigureSummary => {
    const rows = runs.map((run) => run.results.find((r) => rowKey(r) === rowKey(first)) ?? null);
    const present = rows.filter((r): r is Result => r !== null);
    return {
      id: first.id,
      what: first.what,
      backend: first.backend,
      threads: first.threads,
      throughput: first.throughput.map((t, i) => ({
        unit: t.unit,
        value: median(present.map((r) => r.throughput[i]?.value ?? Number.NaN)),
      })),
      gflops: median(present.map((r) => r.gflops)),
      headline: spreadOf(rows.map((r) => r?.throughput[0]?.value ?? null)),
    };
  });

  // every ratio of every run, keyed by what it compares, in the order of the rows
  const ratios = new Map<string, Omit<RatioSummary, 'ratio'> & { perRun: Array<number | null> }>();
  const note = (run: number, r: Omit<RatioSummary, 'ratio'>, value: number): void => {
    const key = `${rowKey(r)}|${r.kind}|${r.against}|${r.againstThreads}`;
    const entry = ratios.get(key) ?? { ...r, perRun: runs.map(() => null) };
    entry.perRun[run] = value;
    ratios.set(key, entry);
  };
  runs.forEach((run, i) => {
    for (const c of run.comparisons) {
      const { id, backend, threads, peer, peerThreads, ratio } = c;
      note(i, { id, backend, threads, kind: 'peer', against: peer, againstThreads: peerThreads }, ratio);
    }
    for (const t of run.threadRatios) {
      const { id, backend, threads, oneThread, ratio } = t;
      note(i, { id, backend, threads, kind: 'threads', against: oneThread, againstThreads: 1 }, ratio);
    }
    for (const b of run.bestRatios) {
      note(i, { id: b.id, backend: 'best', threads: 0, kind: 'best', against: b.peer, againstThreads: 0 }, b.ratio);
    }
  });
  // in the order of the rows, a configuration's best-against-best ratios after its rows' (stable sort)
  const order = [...firsts.keys()];
  const ids = [...new Set([...firsts.values()].map((r) => r.id))];
  const place = (r: RatioSummary): number =>
    (order.length + 1) * ids.indexOf(r.id) + (r.kind === 'best' ? order.length : order.indexOf(rowKey(r)));
  const summaries = [...ratios.values()]
    .map(({ perRun, ...r }): RatioSummary => ({ ...r, ratio: spreadOf(perRun) }))
    .sort((a, b) => place(a) - place(b));
  return { runs: runs.length, figures, ratios: summaries };
}

function ratioName(r: RatioSummary): string {
  if (r.kind === 'threads') return `÷ ${r.against} (1 thread)`;
  if (r.kind === 'best') return `÷ best of ${r.against}`;
  return `÷ ${r.against}${r.againstThreads === r.threads ? '' : ` (${r.againstThreads} thr)`}`;
}

const percent = (x: number): string => `${Math.round(x * 100)}%`;
const perRunText = (s: Spread, unit = ''): string =>
  s.perRun.map((v) => (v === null ? '–' : `${formatNumber(v)}${unit}`)).join(' · ');

/**
 * Two tables: every row's median throughput (each unit) and GFLOP/s, with the headline's range
 * and its value in each run; then every ratio's median, range and value in each run.
 */
export function summaryTables(s: Summary): string {
  const figures = tableText(
    ['config', 'what', 'backend', 'threads', 'throughput (median)', 'GFLOP/s', 'range', 'range %', 'each run'],
    s.figures.map((f) => [
      f.id,
      f.what,
      f.backend,
      String(f.threads),
      f.throughput.map((t) => `${formatNumber(t.value)} ${t.unit}`).join(', '),
      f.gflops.toFixed(2),
      `${formatNumber(f.headline.min)}–${formatNumber(f.headline.max)}`,
      percent(f.headline.range),
      perRunText(f.headline),
    ]),
  );
  const ratios = tableText(
    ['config', 'backend', 'threads', 'ratio', 'median', 'range', 'range %', 'each run'],
    s.ratios.map((r) => [
      r.id,
      r.kind === 'best' ? 'best of ours' : r.backend,
      r.kind === 'best' ? 'best' : String(r.threads),
      ratioName(r),
      `${formatNumber(r.ratio.median)}×`,
      `${formatNumber(r.ratio.min)}–${formatNumber(r.ratio.max)}×`,
      percent(r.ratio.range),
      perRunText(r.ratio, '×'),
    ]),
  );
  const about =
    `Medians of ${s.runs} runs; range = min–max across the runs (range % = (max − min) / median); ` +
    "throughput and GFLOP/s are the medians of each run's median repetition. Ratios are computed " +
    'within each run (ours ÷ peer on the same thread count where it has one; several threads ÷ one; ' +
    "the best of our rows ÷ the best of the peer's, whatever their backends and threads), " +
    'then summarised the same way.';
  return `${figures}\n\n${ratios}\n\n${about}`;
}
