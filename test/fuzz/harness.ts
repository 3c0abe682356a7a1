/**
 * The fuzz driver: the plans of each family (plans.ts, from a seed) run one at a time in a child
 * process (child.ts) under a watchdog. Each input must end in success or one of the project's
 * errors within its family's time bound, with the child's resident memory under the bound
 * (sampled from /proc every 20 ms, and reported by the child after each input); a hang or a
 * blow-up kills the child, is recorded, and the next input starts a fresh one. Failures are
 * grouped by root cause (kind, error class and the source line that threw) and shrunk: a plan of
 * several mutations is cut to the one mutation that still fails the same way.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAILING_KINDS, type FuzzCase, type Outcome, type OutcomeKind } from './outcome.js';
import { FAMILIES, samplePlans } from './plans.js';

export interface FuzzSettings {
  seed: number;
  runs: number;
  /** Resident memory bound of the child, MB. */
  memoryMb: number;
  /** Multiplies every family's time bound (a slow machine). */
  timeScale: number;
  /** Stop a family after this many seconds (the plans left are not tried). */
  maxSeconds?: number;
}

export interface Failure {
  family: string;
  outcome: Outcome;
  plan: unknown;
  /** The seed and position of the first input that failed this way (before shrinking). */
  seed: number;
  index: number;
  /** How many inputs failed with this root cause. */
  count: number;
}

export interface FamilyReport {
  family: string;
  tried: number;
  counts: Record<OutcomeKind, number>;
  /** One per root cause, with the smallest plan found for it. */
  failures: Failure[];
  /** Inputs that loaded an altered v0.1.0 file (header unprotected in that version): informational. */
  altered: Failure[];
}

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

/** A child process that runs cases one at a time; killed and replaced after a hang, a blow-up or a crash. */
class Runner {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private stderrTail = '';
  private nextId = 0;

  /** The folder the child writes its scratch files in, removed by stop(). */
  private readonly scratch = mkdtempSync(join(tmpdir(), 'lstm-fuzz-'));

  constructor(private readonly memoryMb: number) {}

  private start(): Promise<void> {
    this.stderrTail = '';
    const child = fork(CHILD, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      execArgv: ['--enable-source-maps', '--max-old-space-size=4096'],
      // the memory budget (src/nn/memory-budget.ts) counts arrays only: half the child's bound
      env: {
        ...process.env,
        LSTM_THREADS: '1',
        LSTM_MAX_MEMORY: `${Math.floor(this.memoryMb / 2)}M`,
        FUZZ_SCRATCH: this.scratch,
      },
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
    });
    this.child = child;
    return new Promise((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }): void => {
        if (m.ready === true) {
          child.off('message', onMessage);
          resolve();
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) =>
        reject(new Error(`fuzz child exited while starting (${signal ?? code}): ${this.stderrTail}`)),
      );
    });
  }

  async run(c: FuzzCase, timeoutMs: number): Promise<Outcome> {
    if (this.child === undefined || this.child.exitCode !== null || this.child.signalCode !== null)
      this.ready = this.start();
    await this.ready;
    const child = this.child as ChildProcess;
    const id = this.nextId++;
    return new Promise<Outcome>((resolve) => {
      let peakMb = 0;
      const finish = (o: Outcome, kill: boolean): void => {
        clearTimeout(timer);
        clearInterval(sampler);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (kill) this.stop();
        resolve(o);
      };
      const onMessage = (m: { id?: number; outcome?: Outcome; rssMb?: number; arrayBuffersMb?: number }): void => {
        if (m.id !== id || m.outcome === undefined) return;
        peakMb = Math.max(peakMb, m.rssMb ?? 0);
        if (peakMb > this.memoryMb)
          finish(
            {
              kind: 'memory',
              name: 'rss',
              message: `the child held ${peakMb.toFixed(0)} MB after the input (bound ${this.memoryMb} MB; array buffers ${(m.arrayBuffersMb ?? 0).toFixed(0)} MB); last outcome ${m.outcome.kind} ${m.outcome.name ?? ''}`,
            },
            true,
          );
        else finish(m.outcome, false);
      };
      const onExit = (code: number | null, signal: string | null): void =>
        finish({ kind: 'crash', name: signal ?? `exit ${code}`, message: this.stderrTail.slice(-300) }, false);
      child.on('message', onMessage);
      child.once('exit', onExit);
      const timer = setTimeout(
        () => finish({ kind: 'hang', name: 'timeout', message: `no answer within ${timeoutMs / 1000} s` }, true),
        timeoutMs,
      );
      const sampler = setInterval(() => {
        const mb = residentMb(child.pid);
        peakMb = Math.max(peakMb, mb);
        if (mb > this.memoryMb)
          finish(
            {
              kind: 'memory',
              name: 'rss',
              message: `the child reached ${mb.toFixed(0)} MB resident (bound ${this.memoryMb} MB)`,
            },
            true,
          );
      }, 20);
      child.send({ id, case: c });
    });
  }

  /** Kill the child (if running); with `clean`, also remove the scratch folder (the runner is done). */
  stop(clean = false): void {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (clean) rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** The resident memory of a process in MB, from /proc (0 where /proc is not there). */
function residentMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m === null ? 0 : Number(m[1]) / 1024;
  } catch {
    return 0;
  }
}

/** What kind of input a plan is, for grouping hangs and silent results: its mutations, or its CSV shape, or its option. */
function planSignature(plan: unknown, kind: OutcomeKind): string {
  const p = plan as {
    ops?: Array<{ op: string }>;
    extreme?: string;
    times?: string;
    pipeline?: string;
    command?: string;
    value?: unknown;
    path?: string;
  };
  if (Array.isArray(p.ops)) return [...new Set(p.ops.map((m) => m.op))].sort().join('+');
  // a CSV plan: a silent reading is named by what it read wrong; a blow-up by the table's shape
  if (p.pipeline !== undefined) return kind === 'silent' ? '' : `${p.pipeline} times:${p.times} ${p.extreme}`;
  // an option plan: a lenient value is its own cause; a blow-up or crash belongs to the command and the path
  if (p.command !== undefined)
    return kind === 'silent' ? `${p.command} ${JSON.stringify(p.value)}` : `${p.command} ${p.path}`;
  return '';
}

/** The root cause of a failure, for grouping: kind, error class and the source line that threw (or the kind of input). */
function causeKey(family: string, o: Outcome, plan: unknown): string {
  if (o.kind === 'uncaught') return `${family}|${o.kind}|${o.name ?? ''}|${o.frame ?? o.message?.slice(0, 40)}`;
  return `${family}|${o.kind}|${o.name ?? ''}|${planSignature(plan, o.kind)}`;
}

function sameFailure(a: Outcome, b: Outcome): boolean {
  return a.kind === b.kind && a.name === b.name && (a.frame === b.frame || a.kind !== 'uncaught');
}

/** A plan with one of its mutations alone, for each mutation (plans without `ops` are not cut). */
function singleOpPlans(plan: unknown): unknown[] {
  const ops = (plan as { ops?: unknown[] }).ops;
  if (!Array.isArray(ops) || ops.length < 2) return [];
  return ops.map((op) => ({ ...(plan as object), ops: [op] }));
}

const emptyCounts = (): Record<OutcomeKind, number> => ({
  ok: 0,
  project: 0,
  uncaught: 0,
  verbose: 0,
  silent: 0,
  altered: 0,
  hang: 0,
  memory: 0,
  crash: 0,
});

/** Run one family's plans and sort what they did. */
export async function fuzzFamily(
  family: string,
  s: FuzzSettings,
  onCase?: (i: number, o: Outcome) => void,
): Promise<FamilyReport> {
  const spec = FAMILIES[family];
  if (spec === undefined) throw new Error(`fuzz: no family '${family}'`);
  const timeoutMs = spec.timeoutMs * s.timeScale;
  const plans = samplePlans(family, s.seed, s.runs);
  const runner = new Runner(s.memoryMb);
  const report: FamilyReport = { family, tried: 0, counts: emptyCounts(), failures: [], altered: [] };
  const byCause = new Map<string, Failure>();
  const started = Date.now();
  try {
    for (const [index, plan] of plans.entries()) {
      if (s.maxSeconds !== undefined && Date.now() - started > s.maxSeconds * 1000) break;
      const outcome = await runner.run({ family, plan }, timeoutMs);
      report.tried++;
      report.counts[outcome.kind]++;
      onCase?.(index, outcome);
      if (outcome.kind !== 'altered' && !FAILING_KINDS.includes(outcome.kind)) continue;
      const key = causeKey(family, outcome, plan);
      const known = byCause.get(key);
      if (known !== undefined) {
        known.count++;
        continue;
      }
      const failure: Failure = { family, outcome, plan, seed: s.seed, index, count: 1 };
      // shrink: the first single mutation that fails the same way
      for (const smaller of singleOpPlans(plan)) {
        const o = await runner.run({ family, plan: smaller }, timeoutMs);
        if (sameFailure(o, outcome)) {
          failure.plan = smaller;
          failure.outcome = o;
          break;
        }
      }
      byCause.set(key, failure);
      // the shrunk plan names the cause more exactly: one already seen under it is counted there
      const shrunkKey = causeKey(family, failure.outcome, failure.plan);
      const seen = byCause.get(shrunkKey);
      if (seen !== undefined && seen !== failure) {
        seen.count++;
        byCause.set(key, seen);
        continue;
      }
      byCause.set(shrunkKey, failure);
      (outcome.kind === 'altered' ? report.altered : report.failures).push(failure);
    }
  } finally {
    runner.stop(true);
  }
  return report;
}

/** Run one plan (a reproduction), as the fuzz run would. */
export async function replay(
  family: string,
  plan: unknown,
  s: Pick<FuzzSettings, 'memoryMb' | 'timeScale'>,
): Promise<Outcome> {
  const spec = FAMILIES[family];
  if (spec === undefined) throw new Error(`fuzz: no family '${family}'`);
  const runner = new Runner(s.memoryMb);
  try {
    return await runner.run({ family, plan }, spec.timeoutMs * s.timeScale);
  } finally {
    runner.stop(true);
  }
}

/** A failure as one line a person can rerun. */
export function describeFailure(f: Failure): string {
  const o = f.outcome;
  const what = `${o.kind}${o.name === undefined ? '' : ` ${o.name}`}${o.frame === undefined ? '' : ` at ${o.frame}`}`;
  return `[${f.family}] ${what} (×${f.count}; first: seed ${f.seed}, input #${f.index}): ${o.message ?? ''}\n    reproduce: FUZZ_FAMILY=${f.family} FUZZ_PLAN='${JSON.stringify(f.plan).replace(/'/g, "'\\''")}' npm run fuzz`;
}

export function familyNames(): string[] {
  return Object.keys(FAMILIES);
}
