/**
 * The body of a kernel worker thread (the same in Node's worker_threads and in a browser's Web
 * Worker): instantiate the kernel module on the shared memory, announce itself, then wait for jobs
 * in the control block and compute its share of each (see thread-protocol.ts). It never returns
 * until the main thread posts JOB_STOP.
 */
import { CONTROL_WORDS, GENERATION, JOB_STOP, KIND, READY, runClaimedShares } from './thread-protocol.js';
import { pollWhileEqual } from './spin.js';
import { kernelAborted, type ShareExports } from './wasm-exports.js';

/** What a worker receives when it starts. */
export interface KernelWorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the control block in the memory. */
  control: number;
}

export function serveKernels(init: KernelWorkerInit): void {
  const instance = new WebAssembly.Instance(init.module, {
    env: {
      memory: init.memory,
      abort: () => {
        throw kernelAborted('kernel worker');
      },
    },
  });
  const w = instance.exports as unknown as ShareExports;
  const control = new Int32Array(init.memory.buffer, init.control, CONTROL_WORDS);
  let seen = Atomics.load(control, GENERATION); // before READY: see protocol
  Atomics.add(control, READY, 1);
  for (;;) {
    // polling about 100 µs before sleeping: a job posted soon after the last one (the next time
    // step) starts sooner, and a worker left idle soon stops taking a core from busy threads
    if (pollWhileEqual(control, GENERATION, seen) === seen) Atomics.wait(control, GENERATION, seen);
    const generation = Atomics.load(control, GENERATION);
    if (generation === seen) continue;
    seen = generation;
    if (control[KIND] === JOB_STOP) return;
    runClaimedShares(w, control);
  }
}
