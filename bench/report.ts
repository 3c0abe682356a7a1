/**
 * Results: one row per (configuration, backend or peer), printed as a markdown table and written
 * as JSON (to a temporary name, then renamed, so a reader never sees half a file).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { FORMULA } from './flops.js';

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

export function headerLine(m: Machine, backends: readonly string[], mode: RunMode): string {
  return [
    `lstm bench · ${m.date.slice(0, 16).replace('T', ' ')} UTC`,
    `Node ${m.node}`,
    `${m.cpu} (${m.logicalCores} logical cores)`,
    `backend ${backends.join(', ')}`,
    `load average ${m.loadAverage.toFixed(2)} at start`,
    ...(mode.quick ? ['QUICK (smoke test, not a measurement)'] : []),
  ].join(' · ');
}

export function markdownTable(results: readonly Result[]): string {
  const head = ['config', 'what', 'backend', 'threads', 'throughput', 'GFLOP/s', 'reps (spread)'];
  const rows = results.map((r) => [
    r.id,
    r.what,
    r.backend,
    String(r.threads),
    r.throughput.map((t) => `${formatNumber(t.value)} ${t.unit}`).join(', '),
    r.gflops.toFixed(2),
    `${r.reps}${r.opsPerRep > 1 ? ` × ${r.opsPerRep}` : ''} (${Math.round(r.spread * 100)}%)`,
  ]);
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function formulaLines(): string {
  return `GFLOP/s counts matrix products only: ${FORMULA.join('; ')}.`;
}

/** Every figure as JSON, written atomically. */
export function writeJson(path: string, machine: Machine, mode: RunMode, results: readonly Result[]): void {
  const doc = {
    machine: { ...machine, loadAverageAtEnd: loadavg()[0] ?? 0 },
    quick: mode.quick,
    formula: FORMULA,
    results,
  };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(tmp, path);
}
