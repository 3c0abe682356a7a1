/**
 * The benchmark suite: `npm run bench` (= node dist/bench/run.js [options]).
 * Runs the fixed configurations of bench/configs.ts on each selected backend (and peer), prints
 * one markdown table (medians of several repetitions) and, with --json, writes every figure.
 */
import { parseArgs } from 'node:util';
import { BACKENDS, PEERS } from './backends.js';
import { type BenchConfig, CONFIGS, GROUPS } from './configs.js';
import { type Budget, measure } from './harness.js';
import {
  describeMachine,
  formatNumber,
  formulaLines,
  headerLine,
  markdownTable,
  type Result,
  type RunMode,
  writeJson,
} from './report.js';

const USAGE = `Usage: node dist/bench/run.js [options]   (or: npm run bench -- [options])

  --only LIST      configurations to run, comma-separated: ${GROUPS.join(', ')} (default: all)
  --backend LIST   kernel backends: ${BACKENDS.map((b) => b.name).join(', ')} (default: all)
  --peer LIST      peer libraries running the same configurations: ${PEERS.length === 0 ? 'none yet' : PEERS.map((p) => p.name).join(', ')}
  --json FILE      also write every figure as JSON (atomically)
  --quick          few, short repetitions: a smoke test, not a measurement
  --help           this text

Throughput is the median of several repetitions (each >= 1 s, or a fixed count of steps for slow
configurations), after a warm-up. ${formulaLines()}`;

class UsageError extends Error {}

function pickList<T extends { name: string }>(what: string, text: string | undefined, all: readonly T[]): T[] {
  if (text === undefined) return [...all];
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

function budgetFor(c: BenchConfig, mode: RunMode): Budget {
  if (c.slow !== undefined) {
    return { reps: mode.quick ? c.slow.quickReps : c.slow.reps, minRepSeconds: 0, warmupSeconds: 0, fixedOps: 1 };
  }
  return mode.quick
    ? { reps: 2, minRepSeconds: 0.1, warmupSeconds: 0.05 }
    : { reps: 5, minRepSeconds: 1, warmupSeconds: 0.5 };
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
  const groups = pickList(
    'configuration',
    values.only,
    GROUPS.map((name) => ({ name })),
  ).map((g) => g.name);
  const configs = CONFIGS.filter((c) => groups.includes(c.group));
  const backends = pickList('backend', values.backend, BACKENDS);
  const peers = values.peer === undefined ? [] : pickList('peer', values.peer, PEERS);

  const machine = describeMachine();
  const names = [...backends.map((b) => b.name), ...peers.map((p) => p.name)];
  console.log(headerLine(machine, names, mode));
  const results: Result[] = [];
  for (const backend of backends) {
    const k = await backend.load();
    for (const c of configs) {
      const started = performance.now();
      const t = measure(c.create(k), budgetFor(c, mode));
      const result: Result = {
        id: c.id,
        group: c.group,
        what: c.what,
        backend: backend.name,
        threads: backend.threads,
        flopsPerOp: c.flopsPerOp,
        gflops: (c.flopsPerOp * t.opsPerSecond) / 1e9,
        throughput: c.yields.map((y) => ({ unit: y.unit, value: y.perOp * t.opsPerSecond })),
        reps: t.repSeconds.length,
        opsPerRep: t.opsPerRep,
        repSeconds: t.repSeconds,
        spread: t.spread,
      };
      results.push(result);
      const took = ((performance.now() - started) / 1000).toFixed(1);
      const head = result.throughput[0];
      console.error(
        `  ${backend.name} ${c.id}: ${head === undefined ? '' : `${formatNumber(head.value)} ${head.unit}, `}${result.gflops.toFixed(2)} GFLOP/s (${took} s)`,
      );
    }
  }
  for (const peer of peers) {
    const why = await peer.unavailable();
    if (why !== null) {
      console.error(`  ${peer.name}: skipped, ${why}`);
      continue;
    }
    results.push(...(await peer.run(configs, mode)));
  }
  console.log('');
  console.log(markdownTable(results));
  console.log('');
  console.log(formulaLines());
  if (values.json !== undefined) {
    writeJson(values.json, machine, mode, results);
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
