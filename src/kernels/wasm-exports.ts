/**
 * The WebAssembly kernel module's exports (assembly/), typed from the Kernels interface rather
 * than restated: an exported kernel takes the interface's arguments in the interface's order, with
 * every array as a byte offset into the shared memory and every flag as 0 or 1. Also what the
 * module's `abort` import throws, on the main thread and in the workers alike.
 */
import { LstmError } from '../errors.js';
import type { Floats, GemmOperands, KernelFunction, KernelMethod, KernelArgs } from './types.js';

/** One argument as it crosses into WebAssembly: arrays as byte offsets, flags as 0/1, numbers as they are. */
type WasmArgument<T> = T extends Floats | Int32Array | boolean | number | null ? number : never;

/** A parameter list with each argument as it crosses (names kept). */
export type WasmArguments<P extends readonly unknown[]> = { [I in keyof P]: WasmArgument<P[I]> };

/** Kernel K as the module exports it. */
type WasmKernel<K extends KernelMethod> = (
  ...args: WasmArguments<KernelArgs<K>>
) => ReturnType<KernelFunction<K>> extends number ? number : void;

/** The kernels the module exports under their own name, argument for argument. */
type ExportedKernel =
  | 'packB'
  | 'fillRows'
  | 'addColumnSums'
  | 'lstmCellForward'
  | 'lstmCellBackward'
  | 'softmaxCrossEntropy'
  | 'sumSquares'
  | 'scale'
  | 'addInPlace'
  | 'adamUpdate'
  | 'sgdUpdate'
  | 'gruGatesForward'
  | 'gruCandidateForward'
  | 'gruCandidateBackward'
  | 'gruGatesBackward'
  | 'gruStateBackward'
  | 'rnnCellForward'
  | 'rnnCellBackward'
  | 'lstmCellOptionsForward'
  | 'lstmCellOptionsBackward'
  | 'multiply';

export type KernelExports = { [K in ExportedKernel]: WasmKernel<K> } & {
  /** The first byte above the module's own static data (Mathf.exp's tables): allocation starts there. */
  heapBase(): number;
  /** dst (cols, rows) = transpose of src (rows, cols) with row stride ld: gemm's op(A) when transA. */
  transpose(rows: number, cols: number, src: number, ld: number, dst: number): void;
  /** gemmPrepacked over the columns [j0, j1) of C only: one thread's share of the product. */
  gemmPacked(...args: [...WasmArguments<KernelArgs<'gemmPrepacked'>>, j0: number, j1: number]): void;
  /** gemm(false, true, …) (C = beta·C + A·Bᵀ) without packing: SIMD dot products along B's rows. */
  gemmABtRows(...args: WasmArguments<GemmOperands>): void;
};

/** The exports a thread's share of a job needs (thread-protocol.ts). */
export type ShareExports = Pick<KernelExports, 'gemmPacked' | 'gemmABtRows' | 'lstmCellForward' | 'lstmCellBackward'>;

/** The error a kernel's abort (a failed check inside the module) becomes. */
export function kernelAborted(where: string): LstmError {
  return new LstmError(
    where,
    'a WebAssembly kernel aborted.',
    'the sizes or strides passed to the kernel probably do not fit its arrays.',
  );
}
