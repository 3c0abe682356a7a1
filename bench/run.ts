/**
 * The benchmark suite: `npm run bench` (= node dist/bench/run.js [options]).
 * Runs the fixed configurations of bench/configs.ts on each selected backend (and peer), prints
 * one markdown table (medians of several repetitions) and, with --json, writes every figure.
 * With --repeat N it does all of that N times and prints each figure's and ratio's median and
 * range across the runs instead (summary.ts).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type Kernels, WasmKernels } from '../src/kernels/index.js';
import { type Backend, BACKENDS, type Peer, PEERS } from './backends.js';
import { type BenchConfig, budgetFor, CONFIGS, GROUPS } from './configs.js';
import { measure, TooSlow } from './harness.js';
import {
  compare,
  describeMachine,
  formulaLines,
  headerLine,
  markdownTable,
  notesLines,
  progressLine,
  type Result,
  resultOf,
  type RunMode,
  type RunRecord,
  type Skipped,
  threadRatios,
  writeJson,
  bestRatios,
  bestLines,
} from './report.js';
import { summarize, summaryTables } from './summary.js';

const USAGE = `Usage: node dist/bench/run.js [options]   (or: npm run bench -- [options])

  --only LIST      configurations to run, comma-separated: ${GROUPS.join(', ')} (default: all)
  --backend LIST   kernel backends: ${BACKENDS.map((b) => b.name).join(', ')}, or none (default: all)
  --peer LIST      peer libraries running the same configurations: ${PEERS.map((p) => p.name).join(', ')},
                   or none (default: every one that can run here; the others are reported as skipped)
  --repeat N       run everything N times and report each figure's and ratio's median and range
                   (min–max) across the runs, with its value in each run (default 1)
  --json FILE      also write every figure (of every run) as JSON (atomically)
  --quick          few, short repetitions: a smoke test, not a measurement (a slow configuration
                   whose warm-up predicts more than 60 s of timing is skipped)
  --help           this text

Throughput is the median of several repetitions (each >= 1 s, or a fixed count of steps for slow
configurations), after a warm-up. Each row of this library's backends is also given as its
throughput divided by each peer's on the same configuration (same thread count where the peer
has it), and each row on several threads divided by the same backend's one-thread row.
${formulaLines()}`;

class UsageError extends Error {}

function pickList<T extends { name: string }>(what: string, text: string | undefined, all: readonly T[]): T[] {
  if (text === undefined) return [...all];
  if (text.trim().toLowerCase() === 'none') return [];
  return text.split(',').map((raw) => {
    const name = raw.trim();
    const found = all.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (found === undefined) {
      const known =
        all.length === 0 ? 'none are available yet' : `expected one of ${all.map((x) => x.name).join(', ')}`;
      throw new UsageError(`unknown ${what} '${name}'; ${known}.`);
    }
    return found;
  });
}

/** The most --repeat takes: a full run lasts about half an hour. */
const MAX_REPEAT = 100;

function repeatCount(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT)
    throw new UsageError(`--repeat takes a whole number from 1 to ${MAX_REPEAT}; got '${text}'.`);
  return n;
}

/** One run of the suite: every configuration on every backend, then on every peer that can run. */
async function runOnce(
  configs: readonly BenchConfig[],
  backends: readonly Backend[],
  peers: readonly Peer[],
  mode: RunMode,
): Promise<RunRecord> {
  const started = new Date().toISOString();
  const loadAverage = loadavg()[0] ?? 0;
  const results: Result[] = [];
  const skipped: Skipped[] = [];
  for (const backend of backends) {
    const k = await backend.load();
    for (const c of configs) {
      const t0 = performance.now();
      try {
        const r = resultOf(c, backend.name, backend.threads, await measure(c.create(k), budgetFor(c, mode)));
        results.push(r);
        console.error(progressLine(r, (performance.now() - t0) / 1000));
      } catch (err) {
        if (!(err instanceof TooSlow)) throw err;
        skipped.push({ backend: backend.name, id: c.id, reason: err.message });
        console.error(`  ${backend.name} ${c.id}: skipped, ${err.message}`);
      }
    }
    release(k);
  }
  for (const peer of peers) {
    const run = await peer.run(configs, mode);
    results.push(...run.results);
    skipped.push(...run.skipped);
  }
  // grouped by configuration, in the suite's order (a stable sort keeps backends before peers)
  results.sort((a, b) => CONFIGS.findIndex((c) => c.id === a.id) - CONFIGS.findIndex((c) => c.id === b.id));
  const names = peers.map((p) => p.name);
  return {
    started,
    loadAverage,
    results,
    comparisons: compare(results, names),
    threadRatios: threadRatios(results),
    bestRatios: bestRatios(results, names),
    skipped,
  };
}

/** Stop a backend's worker threads (WebAssembly's pool), so that they take no core from the next backend. */
function release(k: Kernels): void {
  if (k instanceof WasmKernels) k.dispose();
}

/** Skips of several runs, once each: "(runs 1, 3)" where not every run had it. */
function mergedSkips(runs: readonly RunRecord[]): Skipped[] {
  const seen = new Map<string, { skip: Skipped; runs: number[] }>();
  runs.forEach((run, i) => {
    for (const skip of run.skipped) {
      const key = `${skip.backend}|${skip.id}|${skip.reason}`;
      const entry = seen.get(key) ?? { skip, runs: [] };
      entry.runs.push(i + 1);
      seen.set(key, entry);
    }
  });
  return [...seen.values()].map(({ skip, runs: which }) =>
    which.length === runs.length || runs.length === 1
      ? skip
      : { ...skip, reason: `${skip.reason} (run${which.length > 1 ? 's' : ''} ${which.join(', ')})` },
  );
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      only: { type: 'string' },
      backend: { type: 'string' },
      peer: { type: 'string' },
      repeat: { type: 'string' },
      json: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const mode: RunMode = { quick: values.quick };
  const repeat = repeatCount(values.repeat);
  const groups = pickList(
    'configuration',
    values.only,
    GROUPS.map((name) => ({ name })),
  ).map((g) => g.name);
  const configs = CONFIGS.filter((c) => groups.includes(c.group));
  const backends = pickList('backend', values.backend, BACKENDS);
  const chosen = pickList('peer', values.peer, PEERS);

  const machine = describeMachine();
  const names = [...backends.map((b) => b.name), ...chosen.map((p) => p.name)];
  console.log(headerLine(machine, names, mode, repeat));
  // which peers can run here is asked once; the ones that cannot are noted, not retried each run
  const peers: Peer[] = [];
  const unavailable: Skipped[] = [];
  for (const peer of chosen) {
    const why = await peer.unavailable();
    if (why === null) peers.push(peer);
    else {
      unavailable.push({ backend: peer.name, id: '*', reason: why });
      console.error(`  ${peer.name}: skipped, ${why}`);
    }
  }
  const runs: RunRecord[] = [];
  for (let i = 0; i < repeat; i++) {
    if (repeat > 1) console.error(`run ${i + 1} of ${repeat}`);
    runs.push(await runOnce(configs, backends, peers, mode));
  }
  const ran: Array<{ name: string; about: string }> = [];
  for (const peer of peers) ran.push({ name: peer.name, about: await peer.about() });
  const summary = summarize(runs);
  const only = runs[0] as RunRecord;
  console.log('');
  if (repeat === 1) {
    console.log(markdownTable(only.results, only.comparisons, only.threadRatios));
    if (only.bestRatios.length > 0) console.log(`\n${bestLines(only.bestRatios)}`);
  } else console.log(summaryTables(summary));
  console.log('');
  console.log(formulaLines());
  const notes = notesLines(ran, [...unavailable, ...mergedSkips(runs)]);
  if (notes !== '') console.log(`\n${notes}`);
  if (values.json !== undefined) {
    writeJson(values.json, { machine, mode, peers: ran, runs, summary, unavailable });
    console.error(`wrote ${values.json}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
    console.error(`bench: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  console.error(err);
  process.exitCode = 1;
});
