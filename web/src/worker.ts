/**
 * The playground's worker: the library runs here, off the page's thread, so training never
 * freezes the page. On a cross-origin isolated page the WebAssembly kernels split their large
 * products over kernel workers of their own (the package's 'lstm/kernel-worker' entry); elsewhere
 * they run on this thread alone. Requests (rpc.ts) name a job of jobs/index.ts; a job's state lives
 * in its module, one copy per worker, and each view has its own worker.
 */
import { describeBackend, setWorkerSpawner, useBackend } from 'lstm';
import kernelWorkerUrl from 'lstm/kernel-worker?worker&url';
import { JOBS } from './jobs/index.ts';
import type { JobContext, RpcAnswer, RpcEvent, RpcRequest } from './rpc.ts';

const scope = globalThis as unknown as {
  postMessage(message: RpcAnswer | RpcEvent): void;
  onmessage: ((e: MessageEvent<RpcRequest>) => void) | null;
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number };
};

if (scope.crossOriginIsolated === true)
  setWorkerSpawner(
    (init) => {
      const worker = new Worker(kernelWorkerUrl, { type: 'module', name: 'lstm kernels' });
      worker.postMessage(init);
      return worker;
    },
    scope.navigator.hardwareConcurrency ?? 1,
    'Web Workers',
  );
useBackend('auto');

const context: JobContext = { emit: (event, data) => scope.postMessage({ event, data }) };

const builtIn = {
  backend: () => {
    const b = describeBackend();
    return { name: b.name, threads: b.threads, reason: b.reason, isolated: scope.crossOriginIsolated === true };
  },
};

scope.onmessage = async (e) => {
  const { id, job, input } = e.data;
  try {
    const run = job === 'backend' ? builtIn.backend : JOBS[job];
    if (run === undefined) throw new Error(`no job named '${job}'`);
    const output = await (run as (input: unknown, ctx: JobContext) => unknown)(input, context);
    scope.postMessage({ id, ok: true, output });
  } catch (error) {
    scope.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
};
