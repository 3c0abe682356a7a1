/**
 * What the suite can measure: this library's kernel backends (each config runs on a Kernels
 * object), and peers (other libraries running the same configurations in their own way).
 *
 * A new backend adds one entry to BACKENDS; a new peer (TensorFlow.js, PyTorch …) one entry to
 * PEERS. Both report Result rows, so the table and the JSON need no change.
 */

import { availableParallelism } from 'node:os';
import type { Kernels } from '../src/kernels/index.js';
import {
  NativeKernels,
  nativeSimd,
  nativeUnavailableReason,
  RefKernels,
  WasmKernels,
  wasmUnavailableReason,
} from '../src/kernels/index.js';
import '../src/node/native-addon.js';
import '../src/node/threads.js';

/** Every core: the thread count of the multi-threaded rows. */
const CORES = availableParallelism();

export interface Backend {
  name: string;
  note: string;
  /** Threads its products use: 1, or the core count once a backend splits work. */
  threads: number;
  /** The kernels, or a reason why they cannot load here (thrown as an Error). */
  load(): Promise<Kernels>;
}

export const BACKENDS: readonly Backend[] = [
  {
    name: 'js',
    note: 'plain TypeScript loops (src/kernels/ref.ts), float32',
    threads: 1,
    load: async () => new RefKernels('float32'),
  },
  {
    name: 'wasm',
    note: 'WebAssembly SIMD kernels (assembly/), one thread',
    threads: 1,
    load: async () => loadWasm(1),
  },
  {
    name: 'wasm-mt',
    note: `WebAssembly SIMD kernels, products split over ${CORES} threads (worker_threads)`,
    threads: CORES,
    load: async () => loadWasm(CORES),
  },
  {
    name: 'native',
    note: `native C++ kernels (native/, ${nativeSimd()?.name ?? 'not built'}), one thread`,
    threads: 1,
    load: async () => loadNative(1),
  },
  {
    name: 'native-mt',
    note: `native C++ kernels, the addon's pool of ${CORES} threads`,
    threads: CORES,
    load: async () => loadNative(CORES),
  },
];

async function loadNative(threads: number): Promise<Kernels> {
  const why = nativeUnavailableReason();
  if (why !== undefined) throw new Error(why);
  return new NativeKernels({ threads });
}

/** WebAssembly kernels on `threads` threads, once every worker has started. */
async function loadWasm(threads: number): Promise<Kernels> {
  const why = wasmUnavailableReason();
  if (why !== undefined) throw new Error(why);
  const k = new WasmKernels({ threads });
  for (let waited = 0; k.readyThreads < threads; waited += 10) {
    if (waited > 10_000) throw new Error(`only ${k.readyThreads} of ${threads} kernel threads started in 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return k;
}

export { type Peer, PEERS } from './peers/index.js';
