/**
 * The compiled backends every kernel test runs on: WebAssembly and, where `npm ci` built it, the
 * native addon. Each is skipped, with the reason, where it cannot load.
 */
import {
  type Kernels,
  NativeKernels,
  nativeUnavailableReason,
  WasmKernels,
  wasmUnavailableReason,
} from '../../src/kernels/index.js';
import '../../src/node/native-addon.js';
import '../../src/node/threads.js';

export interface FastBackend {
  label: string;
  /** Why it cannot run here, or undefined. */
  skip: string | undefined;
  make(threads: number): Kernels;
  /** Stop its threads (WebAssembly workers; the native pool stops with its context). */
  dispose(k: Kernels): void;
}

export const FAST_BACKENDS: readonly FastBackend[] = [
  {
    label: 'WebAssembly',
    skip: wasmUnavailableReason(),
    make: (threads) => new WasmKernels({ threads }),
    dispose: (k) => (k as WasmKernels).dispose(),
  },
  {
    label: 'native',
    skip: nativeUnavailableReason(),
    make: (threads) => new NativeKernels({ threads }),
    dispose: () => undefined,
  },
];
