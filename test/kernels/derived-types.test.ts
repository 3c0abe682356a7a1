/**
 * The WebAssembly exports' and the native binding's types are derived from the Kernels interface;
 * this checks the derivation against what the compiled code really takes. The arity table is typed
 * from the derived types (a wrong number fails to compile), and each WebAssembly export's own
 * parameter count must equal it (a kernel in assembly/ that drifted from the interface fails here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KernelArgs } from '../../src/kernels/index.js';
import { NativeKernels, nativeUnavailableReason, wasmUnavailableReason } from '../../src/kernels/index.js';
import type { NativeBinding, NativeContext } from '../../src/kernels/native.js';
import type { KernelExports } from '../../src/kernels/wasm-exports.js';
import { instantiateKernels } from '../../src/kernels/wasm-module.js';
import '../../src/node/native-addon.js';

type Arity<F> = F extends (...args: infer P) => unknown ? P['length'] : never;

/** Each export's parameter count, as the derived types say (a literal type per entry). */
const EXPORT_ARITY: { [K in keyof KernelExports]: Arity<KernelExports[K]> } = {
  heapBase: 0,
  transpose: 5,
  packB: 6,
  gemmPacked: 11,
  gemmABtRows: 10,
  fillRows: 5,
  addColumnSums: 4,
  lstmCellForward: 7,
  lstmCellBackward: 9,
  softmaxCrossEntropy: 6,
  sumSquares: 2,
  scale: 3,
  addInPlace: 3,
  adamUpdate: 13,
  sgdUpdate: 8,
  lstmCellOptionsForward: 11,
  lstmCellOptionsBackward: 15,
  multiply: 4,
  gruGatesForward: 10,
  gruCandidateForward: 10,
  gruCandidateBackward: 9,
  gruGatesBackward: 13,
  gruStateBackward: 9,
  rnnCellForward: 6,
  rnnCellBackward: 8,
};

/** The threaded native functions take the context, then exactly the interface's arguments. */
type SameAs<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const nativeGemmIsDerived: SameAs<Parameters<NativeBinding['gemm']>, [NativeContext, ...KernelArgs<'gemm'>]> = true;
const nativeScaleIsDerived: SameAs<Parameters<NativeBinding['scale']>, KernelArgs<'scale'>> = true;

describe('kernel types derived from the Kernels interface', () => {
  it(
    'every WebAssembly export takes as many parameters as its derived type says',
    { skip: wasmUnavailableReason() },
    () => {
      const memory = new WebAssembly.Memory({ initial: 256, maximum: 16384, shared: true });
      const { exports } = instantiateKernels(memory);
      const table = exports as unknown as Record<string, (...args: number[]) => unknown>;
      for (const [name, arity] of Object.entries(EXPORT_ARITY)) {
        assert.equal(typeof table[name], 'function', `the module exports ${name}`);
        assert.equal(table[name]?.length, arity, `${name} takes ${arity} parameters`);
      }
    },
  );

  it('the native binding is the interface with a context first', { skip: nativeUnavailableReason() }, () => {
    assert.ok(nativeGemmIsDerived && nativeScaleIsDerived);
    const k = new NativeKernels({ threads: 1 });
    const x = k.alloc(3);
    x.set([1, 2, 3]);
    k.scale(3, x, 2);
    assert.deepEqual([...x], [2, 4, 6]);
  });
});
