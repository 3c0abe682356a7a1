/**
 * The benchmark suite: `npm run bench` (= node dist/bench/run.js [options]).
 * Runs the fixed configurations of bench/configs.ts on each selected backend (and peer), prints
 * one markdown table (medians of several repetitions) and, with --json, writes every figure.
 */
import { parseArgs } from 'node:util';
import { BACKENDS, PEERS } from './backends.js';
import { budgetFor, CONFIGS, GROUPS } from './configs.js';
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
  type Skipped,
  writeJson,
} from './report.js';

const USAGE = `Usage: node dist/bench/run.js [options]   (or: npm run bench -- [options])

  --only LIST      configurations to run, comma-separated: ${GROUPS.join(', ')} (default: all)
  --backend LIST   kernel backends: ${BACKENDS.map((b) => b.name).join(', ')}, or none (default: all)
  --peer LIST      peer libraries running the same configurations: ${PEERS.map((p) => p.name).join(', ')},
                   or none (default: every one that can run here; the others are reported as skipped)
  --json FILE      also write every figure as JSON (atomically)
  --quick          few, short repetitions: a smoke test, not a measurement (a slow configuration
                   whose warm-up predicts more than 60 s of timing is skipped)
  --help           this text

Throughput is the median of several repetitions (each >= 1 s, or a fixed count of steps for slow
configurations), after a warm-up. Each row of this library's backends is also given as its
throughput divided by each peer's on the same configuration (same thread count where the peer
has it). ${formulaLines()}`;

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
  const peers = pickList('peer', values.peer, PEERS);

  const machine = describeMachine();
  const names = [...backends.map((b) => b.name), ...peers.map((p) => p.name)];
  console.log(headerLine(machine, names, mode));
  const results: Result[] = [];
  const skipped: Skipped[] = [];
  for (const backend of backends) {
    const k = await backend.load();
    for (const c of configs) {
      const started = performance.now();
      try {
        const r = resultOf(c, backend.name, backend.threads, await measure(c.create(k), budgetFor(c, mode)));
        results.push(r);
        console.error(progressLine(r, (performance.now() - started) / 1000));
      } catch (err) {
        if (!(err instanceof TooSlow)) throw err;
        skipped.push({ backend: backend.name, id: c.id, reason: err.message });
        console.error(`  ${backend.name} ${c.id}: skipped, ${err.message}`);
      }
    }
  }
  const ran: Array<{ name: string; about: string }> = [];
  for (const peer of peers) {
    const why = await peer.unavailable();
    if (why !== null) {
      skipped.push({ backend: peer.name, id: '*', reason: why });
      console.error(`  ${peer.name}: skipped, ${why}`);
      continue;
    }
    const run = await peer.run(configs, mode);
    results.push(...run.results);
    skipped.push(...run.skipped);
    ran.push({ name: peer.name, about: await peer.about() });
  }
  // grouped by configuration, in the suite's order (a stable sort keeps backends before peers)
  results.sort((a, b) => CONFIGS.findIndex((c) => c.id === a.id) - CONFIGS.findIndex((c) => c.id === b.id));
  const comparisons = compare(
    results,
    ran.map((p) => p.name),
  );
  console.log('');
  console.log(markdownTable(results, comparisons));
  console.log('');
  console.log(formulaLines());
  const notes = notesLines(ran, skipped);
  if (notes !== '') console.log(`\n${notes}`);
  if (values.json !== undefined) {
    writeJson(values.json, { machine, mode, results, peers: ran, comparisons, skipped });
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
