/**
 * What the suite can measure: this library's kernel backends (each config runs on a Kernels
 * object), and peers (other libraries running the same configurations in their own way).
 *
 * A new backend adds one entry to BACKENDS; a new peer (TensorFlow.js, PyTorch …) one entry to
 * PEERS. Both report Result rows, so the table and the JSON need no change.
 */

import type { Kernels } from '../src/kernels/index.js';
import { RefKernels, WasmKernels, wasmUnavailableReason } from '../src/kernels/index.js';
import type { BenchConfig } from './configs.js';
import type { Result, RunMode } from './report.js';

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
    note: 'WebAssembly SIMD matrix products (assembly/gemm.ts); other kernels still the reference loops',
    threads: 1,
    load: async () => {
      const why = wasmUnavailableReason();
      if (why !== undefined) throw new Error(why);
      return new WasmKernels();
    },
  },
];

export interface Peer {
  /** 'tfjs-node', 'pytorch' … */
  name: string;
  /** Why it cannot run on this machine, or null when it can. */
  unavailable(): Promise<string | null>;
  /** Run the configurations it supports; rows carry `backend: name`. */
  run(configs: readonly BenchConfig[], mode: RunMode): Promise<Result[]>;
}

export const PEERS: readonly Peer[] = [];
