/**
 * The native backend: the Kernels interface over the optional N-API addon (native/src, C++
 * compiled for the build machine's processor by `npm ci`). This file never loads the addon itself
 * (the core also runs in browsers): src/node/native-addon.ts loads it and hands the binding to
 * `setNativeAddon`, or says why it could not.
 *
 * Memory: `alloc` returns Float32Arrays over 64-byte-aligned memory the addon allocates (freed with
 * the array); kernels read and write the arrays' memory in place, so no call copies. Any
 * Float32Array works; the addon's own are aligned for the vector loads. Kernels this file does not
 * override (gatherRows, scatterAddRows, softmaxRow: row copies, not arithmetic) run the reference
 * loops on the same arrays.
 */
import { RefKernels } from './ref.js';
import type { Floats } from './types.js';

/** An opaque handle: the addon's thread pool and its size. */
export type NativeContext = object;

/** The addon's functions (native/src/addon.cc); argument order as in the Kernels interface. */
export interface NativeBinding {
  createContext(threads: number): NativeContext;
  alloc(length: number): Float32Array;
  simd(): { name: string; lanes: number; tileRows: number; tileCols: number };
  gemm(
    ctx: NativeContext,
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    A: Floats,
    lda: number,
    B: Floats,
    ldb: number,
    C: Floats,
    ldc: number,
    beta: number,
  ): void;
  packedLength(K: number, N: number): number;
  packB(transB: boolean, K: number, N: number, B: Floats, ldb: number, packed: Floats): void;
  gemmPrepacked(
    ctx: NativeContext,
    M: number,
    N: number,
    K: number,
    A: Floats,
    lda: number,
    packed: Floats,
    C: Floats,
    ldc: number,
    beta: number,
  ): void;
  fillRows(M: number, N: number, bias: Floats, C: Floats, ldc: number): void;
  addColumnSums(M: number, N: number, A: Floats, out: Floats): void;
  lstmCellForward(
    ctx: NativeContext,
    B: number,
    H: number,
    gates: Floats,
    cPrev: Floats,
    c: Floats,
    tanhC: Floats,
    h: Floats,
  ): void;
  lstmCellBackward(
    ctx: NativeContext,
    B: number,
    H: number,
    dh: Floats,
    dc: Floats,
    gates: Floats,
    cPrev: Floats,
    tanhC: Floats,
    dGates: Floats,
    dcPrev: Floats,
  ): void;
  lstmLayerForward(
    ctx: NativeContext,
    T: number,
    B: number,
    D: number,
    H: number,
    x: Floats,
    wIh: Floats,
    wHh: Floats,
    packedWih: Floats | null,
    packedWhh: Floats | null,
    bias: Floats,
    gates: Floats,
    c: Floats,
    tanhC: Floats,
    h: Floats,
  ): boolean;
  softmaxCrossEntropy(
    ctx: NativeContext,
    N: number,
    V: number,
    logits: Floats,
    targets: Int32Array,
    dLogits: Floats,
    gradScale: number,
  ): number;
  sumSquares(ctx: NativeContext, n: number, x: Floats): number;
  scale(n: number, x: Floats, s: number): void;
  addInPlace(n: number, x: Floats, y: Floats): void;
  adamUpdate(
    ctx: NativeContext,
    n: number,
    p: Floats,
    g: Floats,
    m: Floats,
    v: Floats,
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
    ctx: NativeContext,
    n: number,
    p: Floats,
    g: Floats,
    buf: Floats,
    lr: number,
    momentum: number,
    l2: number,
    nesterov: boolean,
  ): void;
}

let binding: NativeBinding | undefined;
let unavailable = 'native kernels load only in Node (import the package from Node, or lstm/node)';
let cores = 1;

/**
 * Called by the Node loader: the binding and the machine's core count, or undefined and why the
 * addon is missing (shown by `lstm info --backend`).
 */
export function setNativeAddon(addon: NativeBinding | undefined, reason: string, coreCount: number): void {
  binding = addon;
  unavailable = reason;
  cores = coreCount;
}

/** Why the native backend cannot run here, or undefined when it can. */
export function nativeUnavailableReason(): string | undefined {
  return binding === undefined ? unavailable : undefined;
}

/** What the addon was compiled for: 'avx512', 'avx2' or 'portable', with its register tile. */
export function nativeSimd(): ReturnType<NativeBinding['simd']> | undefined {
  return binding?.simd();
}

export interface NativeKernelsOptions {
  /** Threads inside the addon for the large products and flat loops (default: every core). */
  threads?: number | undefined;
}

export class NativeKernels extends RefKernels {
  override readonly name: string = 'native';
  /** Threads the addon's pool runs (1: everything on the calling thread). */
  readonly threads: number;
  private readonly addon: NativeBinding;
  private readonly ctx: NativeContext;

  constructor(options: NativeKernelsOptions = {}) {
    super('float32');
    if (binding === undefined) throw new Error(`NativeKernels: the native addon is not available: ${unavailable}.`);
    const threads = options.threads ?? cores;
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new RangeError(`NativeKernels: threads must be an integer from 1 to 256; got ${String(threads)}.`);
    }
    this.addon = binding;
    this.threads = threads;
    this.ctx = binding.createContext(threads);
  }

  override alloc(length: number): Floats {
    // RefKernels' constructor allocates its scratch before `addon` is set: plain arrays are fine
    return this.addon === undefined ? new Float32Array(length) : this.addon.alloc(length);
  }

  override gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    A: Floats,
    lda: number,
    B: Floats,
    ldb: number,
    C: Floats,
    ldc: number,
    beta: 0 | 1,
  ): void {
    this.addon.gemm(this.ctx, transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta);
  }

  /** Panels of whole register tiles: the last one is zero-padded, so K·N rounded up. */
  override packedLength(K: number, N: number): number {
    return this.addon.packedLength(K, N);
  }

  override packB(transB: boolean, K: number, N: number, B: Floats, ldb: number, packed: Floats): void {
    this.addon.packB(transB, K, N, B, ldb, packed);
  }

  override gemmPrepacked(
    M: number,
    N: number,
    K: number,
    A: Floats,
    lda: number,
    packed: Floats,
    C: Floats,
    ldc: number,
    beta: 0 | 1,
  ): void {
    this.addon.gemmPrepacked(this.ctx, M, N, K, A, lda, packed, C, ldc, beta);
  }

  override fillRows(M: number, N: number, bias: Floats, C: Floats, ldc: number): void {
    this.addon.fillRows(M, N, bias, C, ldc);
  }

  override addColumnSums(M: number, N: number, A: Floats, out: Floats): void {
    this.addon.addColumnSums(M, N, A, out);
  }

  override lstmCellForward(
    B: number,
    H: number,
    gates: Floats,
    cPrev: Floats,
    c: Floats,
    tanhC: Floats,
    h: Floats,
  ): void {
    this.addon.lstmCellForward(this.ctx, B, H, gates, cPrev, c, tanhC, h);
  }

  override lstmCellBackward(
    B: number,
    H: number,
    dh: Floats,
    dc: Floats,
    gates: Floats,
    cPrev: Floats,
    tanhC: Floats,
    dGates: Floats,
    dcPrev: Floats,
  ): void {
    this.addon.lstmCellBackward(this.ctx, B, H, dh, dc, gates, cPrev, tanhC, dGates, dcPrev);
  }

  /** Every step of a layer in one call; hidden sizes that are not whole register tiles return false. */
  lstmLayerForward(
    T: number,
    B: number,
    D: number,
    H: number,
    x: Floats,
    wIh: Floats,
    wHh: Floats,
    packedWih: Floats | null,
    packedWhh: Floats | null,
    bias: Floats,
    gates: Floats,
    c: Floats,
    tanhC: Floats,
    h: Floats,
  ): boolean {
    const a = this.addon;
    return a.lstmLayerForward(this.ctx, T, B, D, H, x, wIh, wHh, packedWih, packedWhh, bias, gates, c, tanhC, h);
  }

  override softmaxCrossEntropy(
    N: number,
    V: number,
    logits: Floats,
    targets: Int32Array,
    dLogits: Floats,
    gradScale: number,
  ): number {
    return this.addon.softmaxCrossEntropy(this.ctx, N, V, logits, targets, dLogits, gradScale);
  }

  override sumSquares(n: number, x: Floats): number {
    return this.addon.sumSquares(this.ctx, n, x);
  }

  override scale(n: number, x: Floats, s: number): void {
    this.addon.scale(n, x, s);
  }

  override addInPlace(n: number, x: Floats, y: Floats): void {
    this.addon.addInPlace(n, x, y);
  }

  override adamUpdate(
    n: number,
    p: Floats,
    g: Floats,
    m: Floats,
    v: Floats,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    l2: number,
    decoupled: number,
    bc1: number,
    bc2: number,
  ): void {
    this.addon.adamUpdate(this.ctx, n, p, g, m, v, lr, beta1, beta2, eps, l2, decoupled, bc1, bc2);
  }

  override sgdUpdate(
    n: number,
    p: Floats,
    g: Floats,
    buf: Floats,
    lr: number,
    momentum: number,
    l2: number,
    nesterov: boolean,
  ): void {
    this.addon.sgdUpdate(this.ctx, n, p, g, buf, lr, momentum, l2, nesterov);
  }
}
