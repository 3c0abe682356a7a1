/**
 * The choice of kernel implementation. Layers take a `Kernels` object explicitly; code that does
 * not care asks `defaultKernels()`, which is chosen once at load time.
 *
 * Backends: 'js' (plain TypeScript loops, float32; the default for now) and 'wasm' (WebAssembly
 * SIMD matrix products in one shared memory; opt-in until every kernel has moved into it).
 * `LSTM_BACKEND=wasm` (or `--backend wasm` on the command line) selects one.
 */
import { RefKernels } from './ref.js';
import type { DType, Kernels } from './types.js';
import { WasmKernels, wasmUnavailableReason } from './wasm.js';

export { RefKernels } from './ref.js';
export { WasmKernels, wasmUnavailableReason } from './wasm.js';
export type { DType, Floats, Kernels } from './types.js';

export type BackendName = 'js' | 'wasm';

/** What `describeBackend` reports: the backend in use, and why it was chosen. */
export interface BackendReport {
  name: string;
  dtype: DType;
  reason: string;
  available: Array<{ name: string; loaded: boolean; note: string }>;
}

const BACKEND_NAMES: readonly BackendName[] = ['js', 'wasm'];

let current: Kernels | undefined;
let currentReason = '';

function envBackend(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.LSTM_BACKEND;
  return value === undefined || value === '' ? undefined : value;
}

function create(name: BackendName): Kernels {
  switch (name) {
    case 'js':
      return new RefKernels('float32');
    case 'wasm': {
      const why = wasmUnavailableReason();
      if (why !== undefined) throw new Error(`useBackend: the 'wasm' backend cannot run here: ${why}.`);
      return new WasmKernels();
    }
  }
}

/**
 * Select the backend by name. Throws a clear error for an unknown name so a typo in
 * `--backend` or LSTM_BACKEND never silently falls back.
 */
export function useBackend(name: string, reason = `asked for '${name}'`): Kernels {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(`useBackend: unknown backend '${name}'. Expected one of: ${BACKEND_NAMES.join(', ')}.`);
  }
  current = create(name as BackendName);
  currentReason = reason;
  return current;
}

/** The process-wide kernels, chosen on first use: LSTM_BACKEND if set, else the fastest loaded. */
export function defaultKernels(): Kernels {
  if (current === undefined) {
    const fromEnv = envBackend();
    if (fromEnv !== undefined) useBackend(fromEnv, `LSTM_BACKEND=${fromEnv}`);
    else useBackend('js', 'the default until the WebAssembly backend is complete (plain TypeScript loops)');
  }
  return current as Kernels;
}

export function describeBackend(): BackendReport {
  const k = defaultKernels();
  return {
    name: k.name,
    dtype: k.dtype,
    reason: currentReason,
    available: [
      { name: 'js', loaded: true, note: 'plain TypeScript loops, runs everywhere' },
      (() => {
        const why = wasmUnavailableReason();
        return why === undefined
          ? { name: 'wasm', loaded: true, note: 'WebAssembly SIMD matrix products (opt-in: --backend wasm)' }
          : { name: 'wasm', loaded: false, note: why };
      })(),
    ],
  };
}
