/**
 * Kernel worker threads in Node: registers a spawner with the core (which cannot import
 * node:worker_threads, as it also runs in browsers), so WasmKernels splits its large products over
 * every core by default. Imported for its effect by `lstm/node`, the package's Node entry and the
 * command line.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { setWorkerSpawner } from '../kernels/thread-pool.js';

setWorkerSpawner(
  (init) => {
    const worker = new Worker(new URL('./kernel-worker.js', import.meta.url), { workerData: init });
    worker.unref(); // an idle pool never keeps the process alive
    return {
      terminate: () => {
        void worker.terminate();
      },
    };
  },
  availableParallelism(),
  'worker_threads',
);
