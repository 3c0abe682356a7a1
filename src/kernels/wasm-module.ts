/**
 * The compiled WebAssembly kernels (assembly/, embedded as base64 by scripts/build-wasm.mjs):
 * whether this engine can run them, and their instantiation on a given shared memory (wasm.ts
 * makes the memory and allocates in it; worker threads instantiate the same module). Their
 * exports' types are derived from the Kernels interface in wasm-exports.ts.
 */
import { KERNELS_WASM_BASE64 } from './wasm-binary.generated.js';
import { type KernelExports, kernelAborted } from './wasm-exports.js';

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Why the WebAssembly backend cannot run here, or undefined when it can. */
export function wasmUnavailableReason(): string | undefined {
  if (typeof WebAssembly !== 'object') return 'this JavaScript engine has no WebAssembly';
  if (typeof SharedArrayBuffer !== 'function') {
    return 'SharedArrayBuffer is unavailable (in a browser, the page must be cross-origin isolated)';
  }
  try {
    if (!WebAssembly.validate(decodeBase64(KERNELS_WASM_BASE64)))
      return 'this engine lacks WebAssembly SIMD or threads';
  } catch (e) {
    return `the kernels do not validate: ${(e as Error).message}`;
  }
  return undefined;
}

/** The kernels instantiated on `memory` (shared, imported), with the module for worker threads. */
export function instantiateKernels(memory: WebAssembly.Memory): { module: WebAssembly.Module; exports: KernelExports } {
  const module = new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64));
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw kernelAborted('WasmKernels');
      },
    },
  });
  return { module, exports: instance.exports as unknown as KernelExports };
}
