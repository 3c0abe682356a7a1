/**
 * Results: one row per (configuration, backend or peer), printed as a markdown table and written
 * as JSON (to a temporary name, then renamed, so a reader never sees half a file). Each row of this
 * library's backends is also given as a ratio to every peer that ran the same configuration, and
 * each row on several threads as a ratio to the same backend's (or peer's) one-thread row.
 * With --repeat, every run's rows and ratios are kept (RunRecord); summary.ts takes their medians.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { BenchConfig } from './configs.js';
import { FORMULA } from './flops.js';
import type { Timing } from './harness.js';
import type { Summary } from './summary.js';

export interface RunMode {
  /** Fewer and shorter repetitions: a smoke test, not a measurement. */
  quick: boolean;
}

export interface Result {
  id: string;
  group: string;
  what: string;
  /** The backend ('js', 'wasm' …) or peer ('pytorch' …) that ran it. */
  backend: string;
  threads: number;
  flopsPerOp: number;
  gflops: number;
  /** Headline first: steps/s, then characters/s … */
  throughput: Array<{ unit: string; value: number }>;
  reps: number;
  opsPerRep: number;
  repSeconds: number[];
  /** (slowest − fastest) / median repetition. */
  spread: number;
}

/** The row of one configuration measured by `backend` on `threads` threads. */
export function resultOf(c: BenchConfig, backend: string, threads: number, t: Timing): Result {
  return {
    id: c.id,
    group: c.group,
    what: c.what,
    backend,
    threads,
    flopsPerOp: c.flopsPerOp,
    gflops: (c.flopsPerOp * t.opsPerSecond) / 1e9,
    throughput: c.yields.map((y) => ({ unit: y.unit, value: y.perOp * t.opsPerSecond })),
    reps: t.repSeconds.length,
    opsPerRep: t.opsPerRep,
    repSeconds: t.repSeconds,
    spread: t.spread,
  };
}

/** A configuration a backend or peer did not measure, and why. */
export interface Skipped {
  backend: string;
  /** The configuration, or '*' when the whole peer could not run. */
  id: string;
  reason: string;
}

/** The progress line of one row (standard error). */
export function progressLine(r: Result, seconds: number): string {
  const head = r.throughput[0];
  const rate = head === undefined ? '' : `${formatNumber(head.value)} ${head.unit}, `;
  const threads = r.threads === 1 ? '' : ` (${r.threads} threads)`;
  return `  ${r.backend}${threads} ${r.id}: ${rate}${r.gflops.toFixed(2)} GFLOP/s (${seconds.toFixed(1)} s)`;
}

/**
 * One row of this library against one peer on the same configuration: the row's headline
 * throughput ÷ the peer's. The peer's row on the same thread count is preferred; failing that, its
 * row with the most threads up to this one's, or else its fewest.
 */
export interface Comparison {
  id: string;
  backend: string;
  threads: number;
  peer: string;
  peerThreads: number;
  ratio: number;
}

export function compare(results: readonly Result[], peers: readonly string[]): Comparison[] {
  const out: Comparison[] = [];
  for (const r of results) {
    if (peers.includes(r.backend)) continue;
    for (const peer of peers) {
      const rows = results.filter((p) => p.backend === peer && p.id === r.id);
      const below = rows.filter((p) => p.threads <= r.threads).sort((a, b) => b.threads - a.threads);
      const match = below[0] ?? [...rows].sort((a, b) => a.threads - b.threads)[0];
      const ours = r.throughput[0]?.value;
      const theirs = match?.throughput[0]?.value;
      if (match === undefined || ours === undefined || theirs === undefined) continue;
      out.push({
        id: r.id,
        backend: r.backend,
        threads: r.threads,
        peer,
        peerThreads: match.threads,
        ratio: ours / theirs,
      });
    }
  }
  return out;
}

/**
 * A row on several threads against the same backend on one thread, in the same run: wasm-mt ÷
 * wasm, native-mt ÷ native, a peer's row on every core ÷ its one-thread row (> 1: threads help).
 */
export interface ThreadRatio {
  id: string;
  backend: string;
  threads: number;
  /** The one-thread row's backend: the name without its '-mt'. */
  oneThread: string;
  ratio: number;
}

export function threadRatios(results: readonly Result[]): ThreadRatio[] {
  const out: ThreadRatio[] = [];
  for (const r of results) {
    if (r.threads <= 1) continue;
    const oneThread = r.backend.replace(/-mt$/, '');
    const single = results.find((p) => p.id === r.id && p.backend === oneThread && p.threads === 1);
    const ours = r.throughput[0]?.value;
    const theirs = single?.throughput[0]?.value;
    if (ours === undefined || theirs === undefined) continue;
    out.push({ id: r.id, backend: r.backend, threads: r.threads, oneThread, ratio: ours / theirs });
  }
  return out;
}

/**
 * The best of this library's rows against the best of a peer's on one configuration, whatever the
 * backend and thread count on each side: how the issue's targets read ("best thread count on each
 * side").
 */
export interface BestRatio {
  id: string;
  peer: string;
  /** The winning rows: backend and threads. */
  ours: { backend: string; threads: number };
  theirs: { threads: number };
  ratio: number;
}

export function bestRatios(results: readonly Result[], peers: readonly string[]): BestRatio[] {
  const headline = (r: Result): number => r.throughput[0]?.value ?? Number.NaN;
  const best = (rows: readonly Result[]): Result | undefined =>
    rows.reduce<Result | undefined>((a, r) => (a === undefined || headline(r) > headline(a) ? r : a), undefined);
  const out: BestRatio[] = [];
  for (const id of new Set(results.map((r) => r.id))) {
    const ours = best(results.filter((r) => r.id === id && !peers.includes(r.backend)));
    for (const peer of peers) {
      const theirs = best(results.filter((r) => r.id === id && r.backend === peer));
      if (ours === undefined || theirs === undefined) continue;
      out.push({
        id,
        peer,
        ours: { backend: ours.backend, threads: ours.threads },
        theirs: { threads: theirs.threads },
        ratio: headline(ours) / headline(theirs),
      });
    }
  }
  return out;
}

/** The best-against-best lines under a run's table: `C1: native-mt (2 thr) ÷ pytorch (1 thr) = 1.41×`. */
export function bestLines(best: readonly BestRatio[]): string {
  return best
    .map(
      (b) =>
        `- best of each, ${b.id}: ${b.ours.backend} (${b.ours.threads} thr) ÷ ${b.peer} ` +
        `(${b.theirs.threads} thr) = ${formatNumber(b.ratio)}×`,
    )
    .join('\n');
}

/** Everything one run of the suite measured (all of it, once per --repeat). */
export interface RunRecord {
  /** When the run started (ISO), and the 1-minute load average then. */
  started: string;
  loadAverage: number;
  results: Result[];
  comparisons: Comparison[];
  threadRatios: ThreadRatio[];
  bestRatios: BestRatio[];
  skipped: Skipped[];
}

export interface Machine {
  date: string;
  node: string;
  cpu: string;
  logicalCores: number;
  /** 1-minute load average when the run started (0 where the OS has none). */
  loadAverage: number;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: list[0]?.model.trim() ?? 'unknown',
    logicalCores: list.length,
    loadAverage: loadavg()[0] ?? 0,
  };
}

/** 3 significant digits below 100, whole numbers with thousands separators above. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

export function headerLine(m: Machine, backends: readonly string[], mode: RunMode, repeat = 1): string {
  return [
    `lstm bench · ${m.date.slice(0, 16).replace('T', ' ')} UTC`,
    `Node ${m.node}`,
    `${m.cpu} (${m.logicalCores} logical cores)`,
    `backend ${backends.join(', ')}`,
    `load average ${m.loadAverage.toFixed(2)} at start`,
    ...(repeat > 1 ? [`${repeat} runs`] : []),
    ...(mode.quick ? ['QUICK (smoke test, not a measurement)'] : []),
  ].join(' · ');
}

/** A ratio as the table prints it: `1.23×`, with the peer's threads where they differ from the row's. */
export function ratioText(c: Comparison): string {
  return `${formatNumber(c.ratio)}×${c.peerThreads === c.threads ? '' : ` (${c.peerThreads} thr)`}`;
}

/**
 * The table of one run: rows grouped by configuration (in the order the configurations first
 * appear), with one `vs PEER` column per peer compared: this library's row ÷ that peer's (> 1:
 * faster than the peer), with the peer's thread count in brackets where it differs from the row's;
 * and `vs 1 thread` (where there is one): a row on several threads ÷ the same backend's one-thread row.
 */
export function markdownTable(
  results: readonly Result[],
  comparisons: readonly Comparison[],
  byThreads: readonly ThreadRatio[],
): string {
  const peers = [...new Set(comparisons.map((c) => c.peer))];
  const head = ['config', 'what', 'backend', 'threads', 'throughput', 'GFLOP/s', ...peers.map((p) => `vs ${p}`)];
  const threadColumn = byThreads.length > 0;
  head.push(...(threadColumn ? ['vs 1 thread'] : []), 'reps (spread)');
  const ids = [...new Set(results.map((r) => r.id))];
  const ordered = ids.flatMap((id) => results.filter((r) => r.id === id));
  const rows = ordered.map((r) => [
    r.id,
    r.what,
    r.backend,
    String(r.threads),
    r.throughput.map((t) => `${formatNumber(t.value)} ${t.unit}`).join(', '),
    r.gflops.toFixed(2),
    ...peers.map((peer) => {
      const c = comparisons.find(
        (x) => x.peer === peer && x.id === r.id && x.backend === r.backend && x.threads === r.threads,
      );
      return c === undefined ? '' : ratioText(c);
    }),
    ...(threadColumn ? [threadRatioText(byThreads, r)] : []),
    `${r.reps}${r.opsPerRep > 1 ? ` × ${r.opsPerRep}` : ''} (${Math.round(r.spread * 100)}%)`,
  ]);
  return tableText(head, rows);
}

function threadRatioText(byThreads: readonly ThreadRatio[], r: Result): string {
  const t = byThreads.find((x) => x.id === r.id && x.backend === r.backend && x.threads === r.threads);
  return t === undefined ? '' : `${formatNumber(t.ratio)}×`;
}

/** A markdown table of `head` and `rows`. */
export function tableText(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Lines under the table: what each peer ran, and what was skipped. */
export function notesLines(peers: ReadonlyArray<{ name: string; about: string }>, skipped: readonly Skipped[]): string {
  const lines = peers.map((p) => `- ${p.name}: ${p.about}`);
  for (const s of skipped) lines.push(`- skipped: ${s.backend}${s.id === '*' ? '' : ` ${s.id}`}: ${s.reason}`);
  return lines.join('\n');
}

export function formulaLines(): string {
  return `GFLOP/s counts matrix products only: ${FORMULA.join('; ')}.`;
}

/** Everything the command produced, for the JSON file. */
export interface Report {
  machine: Machine;
  mode: RunMode;
  /** The peers that ran, with how they ran (API, threads, versions). */
  peers: ReadonlyArray<{ name: string; about: string }>;
  /** Each run's rows, ratios and skips, in the order they ran (one without --repeat). */
  runs: readonly RunRecord[];
  /** The medians and ranges across the runs. */
  summary: Summary;
  /** The peers that could not run here at all, and why (asked once, before the runs). */
  unavailable: readonly Skipped[];
}

/** Every figure as JSON, written atomically. */
export function writeJson(path: string, r: Report): void {
  const doc = {
    machine: { ...r.machine, loadAverageAtEnd: loadavg()[0] ?? 0 },
    quick: r.mode.quick,
    repeat: r.runs.length,
    formula: FORMULA,
    peers: r.peers,
    unavailable: r.unavailable,
    runs: r.runs,
    summary: r.summary,
  };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(tmp, path);
}
