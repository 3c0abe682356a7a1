/**
 * Entry script of a kernel worker in a browser (a module Web Worker started by
 * thread-pool.ts's browser spawner): the first message carries the module and the shared memory.
 */
import { type KernelWorkerInit, serveKernels } from './kernel-worker-loop.js';

const scope = globalThis as unknown as { onmessage: ((event: { data: KernelWorkerInit }) => void) | null };
scope.onmessage = (event) => {
  scope.onmessage = null;
  serveKernels(event.data);
};
