/**
 * A model's worker thread: loads one model file, then serves the server's requests for it off the
 * main thread, so the server's event loop stays free for HTTP (/healthz answers under load).
 *   generate      continuous batching (generation-loop.ts)
 *   classify, score, tag, translate
 *                 micro-batching: a request waits at most maxWaitMs for others (or until maxBatch
 *                 have come), then the batch runs at once; with maxWaitMs 0, the requests that
 *                 came while the worker was busy run together and a lone one runs at once
 *   forecast, transcribe
 *                 one at a time, as they come
 */
// first, as the CLI does: the native kernels (and the WebAssembly threads) in this thread too
// lstm/node first, as the CLI does: it loads the native kernels (and the WebAssembly threads) here too
import { readBinaryFile } from '../node/index.js';
import { parentPort, workerData } from 'node:worker_threads';
import { GenerationLoop } from './generation-loop.js';
import { loadRunner, type Runner } from './model-runners.js';
import { BadInput, type FromWorker, type Route, type ToWorker, type WorkerConfig } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('model-worker.ts runs as a worker thread.');
const config = workerData as WorkerConfig;
const send = (message: FromWorker): void => port.postMessage(message);

const BATCHED: ReadonlySet<Route> = new Set(['classify', 'score', 'tag', 'translate']);

let runner: Runner;
try {
  runner = loadRunner(config.name, readBinaryFile(config.file, 'the file'), config.file);
} catch (e) {
  send({ type: 'failed', message: (e as Error).message });
  process.exit(0);
}
const generation =
  runner.languageModel === null ? null : new GenerationLoop(runner.languageModel, config.maxBatch, send);

/** Requests waiting to be batched, per route; a scheduled flush of each route's list, and how to cancel it. */
const pending = new Map<Route, Array<{ id: number; input: unknown }>>();
const scheduled = new Map<Route, () => void>();

/**
 * Flush `route` soon: with maxWaitMs 0 on the next turn of the event loop (the requests that
 * arrived while the worker was busy, read in one pass, form the batch, and a lone request waits
 * for nothing), else after maxWaitMs.
 */
function schedule(route: Route): void {
  if (scheduled.has(route)) return;
  if (config.maxWaitMs === 0) {
    const handle = setImmediate(() => flush(route));
    scheduled.set(route, () => clearImmediate(handle));
  } else {
    const handle = setTimeout(() => flush(route), config.maxWaitMs);
    scheduled.set(route, () => clearTimeout(handle));
  }
}

function run(route: Route, requests: Array<{ id: number; input: unknown }>): void {
  const batchRunner = runner.batch[route];
  if (batchRunner === undefined || requests.length === 0) return;
  let results: unknown[];
  try {
    results = batchRunner(requests.map((r) => r.input));
  } catch (e) {
    for (const r of requests) send({ type: 'error', id: r.id, status: 500, message: (e as Error).message });
    return;
  }
  requests.forEach((r, i) => {
    const result = results[i];
    if (result instanceof BadInput) send({ type: 'error', id: r.id, status: 400, message: result.message });
    else send({ type: 'done', id: r.id, output: result });
  });
  send({ type: 'batch', route, size: requests.length, tokens: 0 });
}

function flush(route: Route): void {
  scheduled.get(route)?.();
  scheduled.delete(route);
  const list = pending.get(route) ?? [];
  pending.set(route, []);
  run(route, list);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    generation?.cancel(message.id);
    for (const list of pending.values()) {
      const at = list.findIndex((r) => r.id === message.id);
      if (at >= 0) list.splice(at, 1);
    }
    return;
  }
  const { id, route, input, stream } = message;
  if (!runner.summary.routes.includes(route)) {
    send({
      type: 'error',
      id,
      status: 400,
      message: `model '${config.name}' is a ${runner.summary.kind}; it serves ${runner.summary.routes.map((r) => `/v1/${r}`).join(', ')}, not /v1/${route}.`,
    });
    return;
  }
  if (route === 'generate' && generation !== null) {
    generation.add(id, input as never, stream);
    return;
  }
  if (!BATCHED.has(route) || config.maxBatch <= 1) {
    run(route, [{ id, input }]);
    return;
  }
  const list = pending.get(route) ?? [];
  list.push({ id, input });
  pending.set(route, list);
  if (list.length >= config.maxBatch) flush(route);
  else schedule(route);
});

send({ type: 'ready', summary: runner.summary });
