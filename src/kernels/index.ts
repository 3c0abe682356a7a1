/**
 * The choice of kernel implementation. Layers take a `Kernels` object explicitly; code that does
 * not care asks `defaultKernels()`, which is chosen once, on first use.
 *
 * Backends: 'native' (the optional N-API addon, C++ for the build machine's processor, threads
 * inside the addon; Node only, the automatic choice where it was built), 'wasm' (WebAssembly SIMD
 * kernels in one shared memory, the large products split over worker threads; the automatic choice
 * elsewhere) and 'js' (plain TypeScript loops, float32; runs everywhere).
 * `LSTM_BACKEND=js|wasm|native` or `--backend` forces one; `LSTM_THREADS=N` or `--threads N` sets
 * the thread count (default: every core, where threads can start).
 */
import { ConfigError } from '../errors.js';
import { RefKernels } from './ref.js';
import type { DType, Kernels } from './types.js';
import { workerSpawner } from './thread-pool.js';
import { WasmKernels, wasmUnavailableReason } from './wasm.js';
import { NativeKernels, nativeSimd, nativeUnavailableReason } from './native.js';

export { RefKernels } from './ref.js';
export { defaultThreadCount, setWorkerSpawner, type WorkerSpawner } from './thread-pool.js';
export { WasmKernels, type WasmKernelsOptions, wasmUnavailableReason } from './wasm.js';
export { NativeKernels, type NativeKernelsOptions, nativeSimd, nativeUnavailableReason } from './native.js';
export type { DType, Floats, GemmOperands, KernelArgs, KernelMethod, Kernels } from './types.js';

export type BackendName = 'js' | 'wasm' | 'native';

export interface BackendOptions {
  /** Threads for the large products (default: every core where threads can start). */
  threads?: number | undefined;
  /** Why this backend is used, for `describeBackend` (default: "asked for 'NAME'"). */
  reason?: string | undefined;
}

/** What `describeBackend` reports: the backend in use, and why it was chosen. */
export interface BackendReport {
  name: string;
  dtype: DType;
  reason: string;
  threads: number;
  /** How the thread count came about (worker support, cores, options). */
  threadNote: string;
  available: Array<{ name: string; loaded: boolean; note: string }>;
}

const BACKEND_NAMES: readonly BackendName[] = ['js', 'wasm', 'native'];

let current: Kernels | undefined;
let currentReason = '';

function env(name: string): string | undefined {
  const vars = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = vars?.[name];
  return value === undefined || value === '' ? undefined : value;
}

function envThreads(): number | undefined {
  const text = env('LSTM_THREADS');
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN; // decimal digits only: not '0x10', ' 8'
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError('LSTM_THREADS', `must be a whole number of threads >= 1; got '${text}'.`);
  return n;
}

function create(name: BackendName, threads: number | undefined): Kernels {
  switch (name) {
    case 'js':
      return new RefKernels('float32');
    case 'wasm': {
      const why = wasmUnavailableReason();
      if (why !== undefined) throw new ConfigError('useBackend', `the 'wasm' backend cannot run here: ${why}.`);
      return new WasmKernels({ threads: threads ?? envThreads() });
    }
    case 'native': {
      const why = nativeUnavailableReason();
      if (why !== undefined) throw new ConfigError('useBackend', `the 'native' backend cannot run here: ${why}.`);
      return new NativeKernels({ threads: threads ?? envThreads() });
    }
  }
}

/**
 * Select the backend by name ('js', 'wasm', or 'auto' for the fastest that loads here). Throws a
 * clear error for an unknown name, so a typo in `--backend` or LSTM_BACKEND never silently falls
 * back. The previous default backend's worker threads are stopped.
 */
export function useBackend(name: string, options: BackendOptions = {}): Kernels {
  if (name === 'auto') {
    const noNative = nativeUnavailableReason();
    if (noNative === undefined)
      return useBackend('native', { ...options, reason: options.reason ?? 'the fastest available here' });
    const noWasm = wasmUnavailableReason();
    if (noWasm === undefined) {
      const reason = options.reason ?? `the fastest available here (no native kernels: ${noNative})`;
      return useBackend('wasm', { ...options, reason });
    }
    return useBackend('js', { ...options, reason: `neither native nor WebAssembly kernels run here: ${noWasm}` });
  }
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    const expected = `${BACKEND_NAMES.join(', ')}, auto`;
    throw new ConfigError('useBackend', `unknown backend '${name}'. Expected one of: ${expected}.`);
  }
  const next = create(name as BackendName, options.threads);
  if (current instanceof WasmKernels) current.dispose();
  current = next;
  currentReason = options.reason ?? `asked for '${name}'`;
  return current;
}

/** The process-wide kernels, chosen on first use: LSTM_BACKEND if set, else the fastest that loads. */
export function defaultKernels(): Kernels {
  if (current === undefined) {
    const fromEnv = env('LSTM_BACKEND');
    if (fromEnv !== undefined) useBackend(fromEnv, { reason: `LSTM_BACKEND=${fromEnv}` });
    else useBackend('auto');
  }
  return current as Kernels;
}

function describeThreads(k: Kernels): { threads: number; threadNote: string } {
  if (k instanceof NativeKernels) {
    const fromEnv = env('LSTM_THREADS');
    const how = fromEnv !== undefined ? `LSTM_THREADS=${fromEnv}; ` : '';
    return { threads: k.threads, threadNote: `${how}a thread pool inside the native addon` };
  }
  if (!(k instanceof WasmKernels)) return { threads: 1, threadNote: 'this backend runs on the calling thread' };
  const spawner = workerSpawner();
  const where =
    spawner === undefined
      ? "worker threads cannot start here (in Node, load 'lstm/node' or the package's node entry; in a browser, the page must be cross-origin isolated)"
      : `workers: ${spawner.where}, ${spawner.cores} cores`;
  const fromEnv = env('LSTM_THREADS');
  const how = fromEnv !== undefined ? `LSTM_THREADS=${fromEnv}; ` : '';
  return { threads: k.threads, threadNote: `${how}${where}` };
}

export function describeBackend(): BackendReport {
  const k = defaultKernels();
  const why = wasmUnavailableReason();
  const noNative = nativeUnavailableReason();
  const simd = nativeSimd();
  return {
    name: k.name,
    dtype: k.dtype,
    reason: currentReason,
    ...describeThreads(k),
    available: [
      noNative === undefined
        ? {
            name: 'native',
            loaded: true,
            note: `C++ kernels compiled by npm ci (${simd?.name ?? '?'} build, ${simd?.tileRows ?? '?'}×${simd?.tileCols ?? '?'} register tile), threads inside the addon`,
          }
        : { name: 'native', loaded: false, note: noNative },
      why === undefined
        ? { name: 'wasm', loaded: true, note: 'WebAssembly 128-bit SIMD kernels, products split over worker threads' }
        : { name: 'wasm', loaded: false, note: why },
      { name: 'js', loaded: true, note: 'plain TypeScript loops, runs everywhere' },
    ],
  };
}
