/**
 * Where a configuration's time goes: wraps every kernel of one backend with a timer, runs the
 * configuration's operation a few times after one untimed call, and prints the kernels that took
 * at least 0.5 % of the time (per operation, share, calls per operation). A diagnostic beside
 * `npm run bench`, not a measurement: the timers themselves cost a little per call.
 *
 *   node dist/bench/profile.js [C2] [native-mt] [--ops 3]
 */
import { parseArgs } from 'node:util';
import { BACKENDS } from './backends.js';
import { CONFIGS } from './configs.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ops: { type: 'string', default: '3' } },
});
const [id = 'C2', backendName = 'native-mt'] = positionals;
const ops = Number(values.ops);
if (!Number.isInteger(ops) || ops < 1) throw new Error(`--ops: expected a positive integer, got '${values.ops}'.`);
const config = CONFIGS.find((c) => c.id === id);
if (config === undefined)
  throw new Error(`no configuration '${id}'; expected one of ${CONFIGS.map((c) => c.id).join(', ')}.`);
const backend = BACKENDS.find((b) => b.name === backendName);
if (backend === undefined) {
  throw new Error(`no backend '${backendName}'; expected one of ${BACKENDS.map((b) => b.name).join(', ')}.`);
}

const kernels = await backend.load();
/** Milliseconds and calls per kernel name. */
const spent = new Map<string, { ms: number; calls: number }>();
const table = kernels as unknown as Record<string, unknown>;
const names = new Set([...Object.getOwnPropertyNames(Object.getPrototypeOf(kernels)), ...Object.keys(kernels)]);
for (const name of names) {
  const f = table[name];
  if (typeof f !== 'function' || name === 'constructor' || name === 'alloc') continue;
  table[name] = (...args: unknown[]): unknown => {
    const t0 = performance.now();
    const result: unknown = f.apply(kernels, args);
    const entry = spent.get(name) ?? { ms: 0, calls: 0 };
    entry.ms += performance.now() - t0;
    entry.calls++;
    spent.set(name, entry);
    return result;
  };
}

const workload = config.create(kernels);
await workload.run();
spent.clear();
const started = performance.now();
for (let i = 0; i < ops; i++) await workload.run();
const total = performance.now() - started;
console.log(`${id} on ${backendName}: ${(total / ops).toFixed(1)} ms per operation`);
let inKernels = 0;
for (const [name, { ms, calls }] of [...spent].sort((a, b) => b[1].ms - a[1].ms)) {
  inKernels += ms;
  if (ms / total < 0.005) continue;
  const perOp = (ms / ops).toFixed(2).padStart(9);
  const share = ((100 * ms) / total).toFixed(1).padStart(5);
  console.log(`  ${name.padEnd(30)} ${perOp} ms  ${share} %  ${calls / ops} calls`);
}
console.log(`  in kernels: ${((100 * inKernels) / total).toFixed(1)} %`);
process.exit(0); // the WebAssembly workers would keep the process alive
