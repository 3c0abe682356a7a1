/** Entry script of a kernel worker thread in Node (started by threads.ts): serve jobs until stopped. */
import { workerData } from 'node:worker_threads';
import { type KernelWorkerInit, serveKernels } from '../kernels/kernel-worker-loop.js';

serveKernels(workerData as KernelWorkerInit);
