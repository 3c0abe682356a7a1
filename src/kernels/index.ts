/**
 * The choice of kernel implementation. Layers take a `Kernels` object explicitly; code that does
 * not care asks `defaultKernels()`, which is chosen once at load time.
 *
 * Backends available now: 'js' (plain TypeScript loops, float32). Faster backends register here
 * and are preferred automatically when they load; `LSTM_BACKEND=js` (or `--backend js` on the
 * command line) forces one.
 */
import { RefKernels } from './ref.js';
import type { DType, Kernels } from './types.js';

export { RefKernels } from './ref.js';
export type { DType, Floats, Kernels } from './types.js';

export type BackendName = 'js';

/** What `describeBackend` reports: the backend in use, and why it was chosen. */
export interface BackendReport {
  name: string;
  dtype: DType;
  reason: string;
  available: Array<{ name: string; loaded: boolean; note: string }>;
}

const BACKEND_NAMES: readonly BackendName[] = ['js'];

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
    else useBackend('js', 'the only backend built so far (plain TypeScript loops)');
  }
  return current as Kernels;
}

export function describeBackend(): BackendReport {
  const k = defaultKernels();
  return {
    name: k.name,
    dtype: k.dtype,
    reason: currentReason,
    available: [{ name: 'js', loaded: true, note: 'plain TypeScript loops, runs everywhere' }],
  };
}
