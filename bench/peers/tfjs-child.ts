/**
 * The child process of the TensorFlow.js peers (tfjs.ts starts one per configuration):
 *
 *   node dist/bench/peers/tfjs-child.js cpu|wasm            a job of child.ts on stdin, its lines out
 *   node dist/bench/peers/tfjs-child.js cpu|wasm --check    loads, switches backend, prints {"threads": n}
 *
 * Each configuration runs in its own engine scope, timed by bench/harness.ts: built, called once
 * (the weights and the optimizer's moments appear then), measured, checked for tensors left behind.
 */
import { measure, TooSlow } from '../harness.js';
import type { ChildJob, ChildLine } from './child.js';
import { loadTfjs, type Tfjs, useBackend } from './tfjs-load.js';
import { tfjsWorkload } from './tfjs-workloads.js';

type Config = ChildJob['configs'][number];

async function runOne(t: Tfjs, c: Config): Promise<ChildLine> {
  const { tf } = t;
  tf.engine().startScope();
  try {
    const w = tfjsWorkload(t, c.shape);
    if (w.warmup !== undefined) w.warmup();
    else w.run();
    const before = tf.memory().numTensors;
    const timing = await measure(w, c.budget);
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) return { id: c.id, error: `${leaked} tensors outlived the timed operations` };
    return { id: c.id, opsPerRep: timing.opsPerRep, repSeconds: timing.repSeconds };
  } catch (err) {
    if (err instanceof TooSlow) return { id: c.id, tooSlow: err.predictedSeconds, limit: err.limitSeconds };
    const message = err instanceof Error ? err.message : String(err);
    // Emscripten's abort() says only "Aborted()": say how large the module's heap had grown
    const heap = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length;
    const size = heap === undefined ? '' : ` (its WebAssembly heap had grown to ${Math.round(heap / 2 ** 20)} MB)`;
    return { id: c.id, error: `${message}${size}` };
  } finally {
    tf.engine().endScope();
    tf.disposeVariables();
  }
}

async function main(): Promise<void> {
  const backend = process.argv[2];
  if (backend !== 'cpu' && backend !== 'wasm')
    throw new Error(`usage: tfjs-child.js cpu|wasm [--check]; got ${backend}`);
  const t = await loadTfjs();
  const threads = await useBackend(t, backend);
  if (process.argv.includes('--check')) {
    console.log(JSON.stringify({ threads }));
    return;
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const job = JSON.parse(text) as ChildJob;
  for (const c of job.configs) {
    const line: ChildLine =
      threads === job.threads
        ? await runOne(t, c)
        : { id: c.id, error: `it runs on ${threads} threads, not ${job.threads}` };
    console.log(JSON.stringify(line));
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
