/**
 * A peer's measurements in a child process: the job (thread count, and each configuration's id,
 * shape and budget) goes to its standard input as JSON; it prints one JSON line per configuration
 * as it finishes, which become Result rows here, the median taken by the same code as for this
 * library's backends. bench/pytorch/suite.py and tfjs-child.ts speak this protocol.
 *
 *   {"id": "C1", "opsPerRep": 1, "repSeconds": [...]}   timed
 *   {"id": "C2", "tooSlow": 210.5, "limit": 60}         --quick: its warm-up predicted too long a run
 *   {"id": "C3", "error": "..."}                        it failed (the others still run)
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { budgetFor, type BenchConfig } from '../configs.js';
import { type Budget, timingOf, TooSlow } from '../harness.js';
import { progressLine, resultOf, type RunMode } from '../report.js';
import type { Shape } from '../shapes.js';
import type { PeerRun } from './index.js';

export interface ChildJob {
  threads: number;
  configs: Array<{ id: string; shape: Shape; budget: Budget }>;
}

export type ChildLine =
  | { id: string; opsPerRep: number; repSeconds: number[] }
  | { id: string; tooSlow: number; limit: number }
  | { id: string; error: string };

export interface ChildCommand {
  /** The peer's name: the rows' backend. */
  peer: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  threads: number;
}

/** Run `configs` in one child process and turn its lines into rows (progress to stderr as they come). */
export async function runChild(cmd: ChildCommand, configs: readonly BenchConfig[], mode: RunMode): Promise<PeerRun> {
  const job: ChildJob = {
    threads: cmd.threads,
    configs: configs.map((c) => ({ id: c.id, shape: c.shape, budget: budgetFor(c, mode) })),
  };
  const child = spawn(cmd.command, cmd.args, { env: cmd.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  child.stdin.end(JSON.stringify(job));

  const out: PeerRun = { results: [], skipped: [] };
  const label = cmd.threads === 1 ? cmd.peer : `${cmd.peer} (${cmd.threads} threads)`;
  const skip = (id: string, reason: string): void => {
    out.skipped.push({ backend: label, id, reason });
    console.error(`  ${label} ${id}: skipped, ${reason}`);
  };
  let started = performance.now();
  for await (const text of createInterface({ input: child.stdout })) {
    if (!text.startsWith('{')) continue; // a library's own console output
    const line = JSON.parse(text) as ChildLine;
    const c = configs.find((x) => x.id === line.id);
    if (c === undefined) throw new Error(`${cmd.peer} reported an unknown configuration '${line.id}'`);
    if ('error' in line) skip(c.id, line.error);
    else if ('tooSlow' in line) skip(c.id, new TooSlow(line.tooSlow, line.limit).message);
    else {
      const r = resultOf(c, cmd.peer, cmd.threads, timingOf(line.opsPerRep, line.repSeconds));
      out.results.push(r);
      console.error(progressLine(r, (performance.now() - started) / 1000));
    }
    started = performance.now();
  }
  const code = await exited;
  const reported = new Set([...out.results.map((r) => r.id), ...out.skipped.map((s) => s.id)]);
  const missing = configs.filter((c) => !reported.has(c.id)).map((c) => c.id);
  if (code !== 0 || missing.length > 0) {
    const last = stderr.trim().split('\n').slice(-3).join(' / ');
    for (const id of missing.length > 0 ? missing : ['*'])
      skip(id, `the ${cmd.peer} process exited with ${code}: ${last}`);
  }
  return out;
}
