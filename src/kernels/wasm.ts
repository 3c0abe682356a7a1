/**
 * The WebAssembly backend: every array lives in one shared WebAssembly.Memory (growth never
 * detaches a view; worker threads read and write the same memory), and the kernels run in
 * WebAssembly with f32x4 SIMD: the matrix products (assembly/gemm.ts), the fused LSTM cell
 * (assembly/lstm-cell.ts) and the element-wise kernels (assembly/pointwise.ts). Embedding rows
 * (gather, scatter-add) and the one-row softmax of sampling stay the inherited reference loops,
 * running on views of the same memory: they copy rows or touch V numbers per token.
 *
 *   gemm: op(A) is made (M, K) row-major (transposed in WebAssembly when transA), op(B) is packed
 *   into strips of 8 columns, then C = beta·C + op(A)·op(B) in 4 × 8 register tiles over
 *   256 × 256 cache blocks. Thin products A·Bᵀ (M < 8: batch-1 generation) skip the packing and
 *   take SIMD dot products along the rows of B in place. packB + gemmPrepacked let a caller pack
 *   a B once and reuse it (the LSTM packs W_hh once per forward and once per backward).
 */
import { RefKernels } from './ref.js';
import { defaultThreadCount, KernelThreadPool, workerSpawner } from './thread-pool.js';
import {
  CONTROL_WORDS,
  JOB_CELL_BACKWARD,
  JOB_CELL_FORWARD,
  JOB_GEMM_ABT_ROWS,
  JOB_GEMM_PACKED,
} from './thread-protocol.js';
import type { Floats } from './types.js';
import { instantiateKernels, type KernelExports } from './wasm-module.js';

export { wasmUnavailableReason } from './wasm-module.js';

/** Below this many rows, A·Bᵀ reads B in place: packing it would cost as much as the product. */
const SMALL_M = 8;

/**
 * Products with fewer multiply-adds than this run on one thread: waking the workers costs tens of
 * microseconds, about what 2^20 multiply-adds take on one core.
 */
const PARALLEL_MIN_MACS = 1 << 20;

/** Fused cell steps over fewer batch rows × hidden units than this run on one thread. */
const PARALLEL_MIN_CELLS = 4096;

export interface WasmKernelsOptions {
  /**
   * Threads the large products are split over (this one included). Default: every core where
   * worker threads can start (Node with `lstm/node` loaded, cross-origin isolated pages), else 1.
   */
  threads?: number | undefined;
}

const PAGE = 65536;
const MAX_PAGES = 16384; // 1 GiB

export class WasmKernels extends RefKernels {
  override readonly name: string = 'wasm';
  private readonly memory: WebAssembly.Memory;
  private readonly wasm: KernelExports;
  private top = 0; // bump pointer, 16-byte aligned, above the module's static data
  private packBufferA: Float32Array | undefined; // op(A) made (M, K) for one gemm call
  private packBufferB: Float32Array | undefined; // op(B) packed (K, N) for one gemm call
  private targetBuffer: Int32Array | undefined; // class ids copied in for softmaxCrossEntropy
  // every buffer object views were made on: a shared memory's `buffer` is a new object after each
  // growth, and views on the older objects still address the same memory
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly pool: KernelThreadPool | undefined;
  /** Products computed by the SIMD kernel (the others took the reference path): for tests. */
  simdGemmCalls = 0;
  /** Products split over more than one thread: for tests. */
  parallelGemmCalls = 0;

  constructor(options: WasmKernelsOptions = {}) {
    // RefKernels' constructor allocates its scratch through alloc, before our fields exist:
    // it gets ordinary arrays, which this class never uses (gemm packs into wasm memory).
    super('float32');
    this.memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
    const { module, exports } = instantiateKernels(this.memory);
    this.wasm = exports;
    // below heapBase lie the module's own static data (Mathf.exp's tables): never hand it out
    this.top = Math.ceil((this.wasm.heapBase() + 16) / 16) * 16;
    const threads = options.threads ?? defaultThreadCount();
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new RangeError(`WasmKernels: threads must be an integer from 1 to 256; got ${String(threads)}.`);
    }
    if (threads > 1) {
      const spawner = workerSpawner();
      if (spawner === undefined) {
        throw new Error(
          `WasmKernels: ${threads} threads asked for, but worker threads cannot start here (in Node, import 'lstm/node'; in a browser, the page must be cross-origin isolated).`,
        );
      }
      const words = this.alloc(CONTROL_WORDS);
      const control = new Int32Array(words.buffer, words.byteOffset, CONTROL_WORDS);
      this.pool = new KernelThreadPool(control, this.wasm, module, this.memory, threads, spawner.spawn);
    }
  }

  /** Threads the large products are split over (1: no pool). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** Threads ready now (workers start in the background; until then fewer take part). */
  get readyThreads(): number {
    return this.pool?.readyThreads ?? 1;
  }

  /** Stop the worker threads; products run on this thread from then on. */
  dispose(): void {
    this.pool?.close();
  }

  /** A pool worth waking for this product, or undefined. */
  private poolFor(M: number, N: number, K: number): KernelThreadPool | undefined {
    const pool = this.pool;
    if (pool === undefined || N < 16 || M * N * K < PARALLEL_MIN_MACS || pool.readyThreads === 1) return undefined;
    this.parallelGemmCalls++;
    return pool;
  }

  /** A pool worth waking for a fused cell step over B × H units, or undefined. */
  private cellPoolFor(B: number, H: number): KernelThreadPool | undefined {
    const pool = this.pool;
    if (pool === undefined || B < 2 || B * H < PARALLEL_MIN_CELLS || pool.readyThreads === 1) return undefined;
    return pool;
  }

  /** C = beta·C + A·P with P in packB's layout, split over the pool when it pays. */
  private gemmPackedAt(
    M: number,
    N: number,
    K: number,
    A: number,
    lda: number,
    P: number,
    C: number,
    ldc: number,
    beta: number,
  ): void {
    const pool = this.poolFor(M, N, K);
    if (pool === undefined) {
      this.wasm.gemmPacked(M, N, K, A, lda, P, C, ldc, beta, 0, N);
      return;
    }
    pool.run(JOB_GEMM_PACKED, M, N, K, A, lda, P, C, ldc, beta);
  }

  /** A zero-filled Float32Array view of `length` elements in the shared memory. */
  override alloc(length: number): Floats {
    if (this.memory === undefined) return new Float32Array(length); // during super()
    const bytes = Math.ceil((length * 4) / 16) * 16;
    const end = this.top + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        throw new RangeError(`WasmKernels.alloc: ${length} floats do not fit in the 1 GiB WebAssembly memory.`);
      }
      this.memory.grow(pages);
    }
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    const view = new Float32Array(buffer, this.top, length);
    this.top = end;
    return view; // fresh memory is zero; nothing is ever freed and reused
  }

  private pack(which: 'A' | 'B', length: number): Float32Array {
    const current = which === 'A' ? this.packBufferA : this.packBufferB;
    if (current !== undefined && current.length >= length) return current;
    const grown = this.alloc(Math.max(length, (current?.length ?? 0) * 2)) as Float32Array;
    if (which === 'A') this.packBufferA = grown;
    else this.packBufferB = grown;
    return grown;
  }

  private inMemory(a: Floats): boolean {
    return a instanceof Float32Array && this.buffers.has(a.buffer);
  }

  /** Int32 room in the shared memory for `length` ids (grown by doubling, reused). */
  private targetsIn(ids: Int32Array, length: number): number {
    if (this.targetBuffer === undefined || this.targetBuffer.length < length) {
      const floats = this.alloc(Math.max(length, 2 * (this.targetBuffer?.length ?? 0)));
      this.targetBuffer = new Int32Array(floats.buffer, floats.byteOffset, floats.length);
    }
    this.targetBuffer.set(ids.subarray(0, length));
    return this.targetBuffer.byteOffset;
  }

  override fillRows(M: number, N: number, bias: Floats, C: Floats, ldc: number): void {
    if (this.inMemory(bias) && this.inMemory(C)) this.wasm.fillRows(M, N, bias.byteOffset, C.byteOffset, ldc);
    else super.fillRows(M, N, bias, C, ldc);
  }

  override addColumnSums(M: number, N: number, A: Floats, out: Floats): void {
    if (this.inMemory(A) && this.inMemory(out)) this.wasm.addColumnSums(M, N, A.byteOffset, out.byteOffset);
    else super.addColumnSums(M, N, A, out);
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
    const m = (a: Floats): boolean => this.inMemory(a);
    if (m(dh) && m(dc) && m(gates) && m(cPrev) && m(tanhC) && m(dGates) && m(dcPrev)) {
      const pool = this.cellPoolFor(B, H);
      if (pool === undefined) {
        this.wasm.lstmCellBackward(
          B,
          H,
          dh.byteOffset,
          dc.byteOffset,
          gates.byteOffset,
          cPrev.byteOffset,
          tanhC.byteOffset,
          dGates.byteOffset,
          dcPrev.byteOffset,
        );
        return;
      }
      pool.run(
        JOB_CELL_BACKWARD,
        B,
        H,
        dh.byteOffset,
        dc.byteOffset,
        gates.byteOffset,
        cPrev.byteOffset,
        tanhC.byteOffset,
        dGates.byteOffset,
        dcPrev.byteOffset,
      );
    } else {
      super.lstmCellBackward(B, H, dh, dc, gates, cPrev, tanhC, dGates, dcPrev);
    }
  }

  override softmaxCrossEntropy(
    N: number,
    V: number,
    logits: Floats,
    targets: Int32Array,
    dLogits: Floats,
    gradScale: number,
  ): number {
    if (N === 0 || !this.inMemory(logits) || !this.inMemory(dLogits)) {
      return super.softmaxCrossEntropy(N, V, logits, targets, dLogits, gradScale);
    }
    const t = this.targetsIn(targets, N);
    return this.wasm.softmaxCrossEntropy(N, V, logits.byteOffset, t, dLogits.byteOffset, gradScale);
  }

  override sumSquares(n: number, x: Floats): number {
    return this.inMemory(x) ? this.wasm.sumSquares(n, x.byteOffset) : super.sumSquares(n, x);
  }

  override scale(n: number, x: Floats, s: number): void {
    if (this.inMemory(x)) this.wasm.scale(n, x.byteOffset, s);
    else super.scale(n, x, s);
  }

  override addInPlace(n: number, x: Floats, y: Floats): void {
    if (this.inMemory(x) && this.inMemory(y)) this.wasm.addInPlace(n, x.byteOffset, y.byteOffset);
    else super.addInPlace(n, x, y);
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
    if (this.inMemory(p) && this.inMemory(g) && this.inMemory(m) && this.inMemory(v)) {
      const [pp, gp, mp, vp] = [p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset];
      this.wasm.adamUpdate(n, pp, gp, mp, vp, lr, beta1, beta2, eps, l2, decoupled, bc1, bc2);
    } else {
      super.adamUpdate(n, p, g, m, v, lr, beta1, beta2, eps, l2, decoupled, bc1, bc2);
    }
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
    if (this.inMemory(p) && this.inMemory(g) && this.inMemory(buf)) {
      this.wasm.sgdUpdate(n, p.byteOffset, g.byteOffset, buf.byteOffset, lr, momentum, l2, nesterov ? 1 : 0);
    } else {
      super.sgdUpdate(n, p, g, buf, lr, momentum, l2, nesterov);
    }
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
    if (this.inMemory(gates) && this.inMemory(cPrev) && this.inMemory(c) && this.inMemory(tanhC) && this.inMemory(h)) {
      const pool = this.cellPoolFor(B, H);
      if (pool === undefined) {
        this.wasm.lstmCellForward(
          B,
          H,
          gates.byteOffset,
          cPrev.byteOffset,
          c.byteOffset,
          tanhC.byteOffset,
          h.byteOffset,
        );
        return;
      }
      pool.run(
        JOB_CELL_FORWARD,
        B,
        H,
        gates.byteOffset,
        cPrev.byteOffset,
        c.byteOffset,
        tanhC.byteOffset,
        h.byteOffset,
      );
    } else {
      super.lstmCellForward(B, H, gates, cPrev, c, tanhC, h);
    }
  }

  /** The WebAssembly layout: op(B) in strips of 8 columns (assembly/gemm.ts, packB). */
  override packB(transB: boolean, K: number, N: number, B: Floats, ldb: number, packed: Floats): void {
    if (!this.inMemory(B) || !this.inMemory(packed))
      throw new Error('WasmKernels.packB: arrays must come from this backend.');
    this.wasm.packB(transB ? 1 : 0, K, N, B.byteOffset, ldb, packed.byteOffset);
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
    if (M === 0 || N === 0 || K === 0) {
      super.gemmPrepacked(M, N, K, A, lda, packed, C, ldc, beta); // nothing to pack or tile
      return;
    }
    if (!(this.inMemory(A) && this.inMemory(packed) && this.inMemory(C))) {
      throw new Error('WasmKernels.gemmPrepacked: arrays must come from this backend.');
    }
    this.gemmPackedAt(M, N, K, A.byteOffset, lda, packed.byteOffset, C.byteOffset, ldc, beta);
    this.simdGemmCalls++;
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
    if (M === 0 || N === 0 || K === 0 || !this.inMemory(A) || !this.inMemory(B) || !this.inMemory(C)) {
      // empty products, and arrays from outside this memory (callers' own), take the reference path
      super.gemm(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta);
      return;
    }
    const w = this.wasm;
    if (!transA && transB && M < SMALL_M) {
      // batch-1 generation and other thin products: dot products along B's rows, no packing
      const pool = this.poolFor(M, N, K);
      if (pool === undefined) {
        w.gemmABtRows(M, N, K, A.byteOffset, lda, B.byteOffset, ldb, C.byteOffset, ldc, beta);
      } else {
        pool.run(JOB_GEMM_ABT_ROWS, M, N, K, A.byteOffset, lda, B.byteOffset, ldb, C.byteOffset, ldc, beta);
      }
      this.simdGemmCalls++;
      return;
    }
    let aPtr = A.byteOffset;
    let aStride = lda;
    if (transA) {
      const packedA = this.pack('A', M * K);
      w.transpose(K, M, A.byteOffset, lda, packedA.byteOffset); // (K, M) → (M, K)
      aPtr = packedA.byteOffset;
      aStride = K;
    }
    const packedB = this.pack('B', K * N);
    w.packB(transB ? 1 : 0, K, N, B.byteOffset, ldb, packedB.byteOffset);
    this.gemmPackedAt(M, N, K, aPtr, aStride, packedB.byteOffset, C.byteOffset, ldc, beta);
    this.simdGemmCalls++;
  }
}
