/**
 * The compiled WebAssembly kernels (assembly/, embedded as base64 by scripts/build-wasm.mjs): their
 * exports, whether this engine can run them, and their instantiation on a given shared memory
 * (wasm.ts makes the memory and allocates in it; worker threads instantiate the same module).
 */
import type { ShareExports } from './thread-protocol.js';
import { KERNELS_WASM_BASE64 } from './wasm-binary.generated.js';

/** The kernel module's exports (byte offsets into the memory for arrays); ShareExports has the split ones. */
export interface KernelExports extends ShareExports {
  heapBase(): number;
  packB(transB: number, K: number, N: number, B: number, ldb: number, P: number): void;
  transpose(rows: number, cols: number, src: number, ld: number, dst: number): void;
  fillRows(M: number, N: number, bias: number, C: number, ldc: number): void;
  addColumnSums(M: number, N: number, A: number, out: number): void;
  softmaxCrossEntropy(
    N: number,
    V: number,
    logits: number,
    targets: number,
    dLogits: number,
    gradScale: number,
  ): number;
  sumSquares(n: number, x: number): number;
  scale(n: number, x: number, s: number): void;
  addInPlace(n: number, x: number, y: number): void;
  adamUpdate(
    n: number,
    p: number,
    g: number,
    m: number,
    v: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    l2: number,
    decoupled: number,
    bc1: number,
    bc2: number,
  ): void;
  sgdUpdate(
    n: number,
    p: number,
    g: number,
    buf: number,
    lr: number,
    momentum: number,
    l2: number,
    nesterov: number,
  ): void;
}

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
        throw new Error('WasmKernels: a kernel aborted');
      },
    },
  });
  return { module, exports: instance.exports as unknown as KernelExports };
}
