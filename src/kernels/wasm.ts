/**
 * The WebAssembly backend: every array lives in one shared WebAssembly.Memory (growth never
 * detaches a view; worker threads read and write the same memory), and the kernels run in
 * WebAssembly with f32x4 SIMD: the matrix products (assembly/gemm.ts), the fused LSTM cell
 * (assembly/lstm-cell.ts) and the element-wise kernels (assembly/pointwise.ts). Embedding rows
 * (gather, scatter-add) and the one-row softmax of sampling are delegated, each visibly, to the
 * TypeScript reference this backend holds, running on views of the same memory: they copy rows or
 * touch V numbers per token. Every kernel refuses a float array outside the memory (BackendMemory).
 *
 *   gemm: op(A) is made (M, K) row-major (transposed in WebAssembly when transA), op(B) is packed
 *   into strips of 8 columns, then C = beta·C + op(A)·op(B) in 4 × 8 register tiles over
 *   256 × 256 cache blocks. Thin products A·Bᵀ (M < 8: batch-1 generation) skip the packing and
 *   take SIMD dot products along the rows of B in place. packB + gemmPrepacked let a caller pack
 *   a B once and reuse it (the LSTM packs W_hh once per forward and once per backward).
 */
import { ConfigError } from '../errors.js';
import { BackendMemory } from './backend-memory.js';
import { RefKernels } from './ref.js';
import { ReferenceRows } from './reference-rows.js';
import { defaultThreadCount, KernelThreadPool, workerSpawner } from './thread-pool.js';
import {
  CONTROL_WORDS,
  JOB_CELL_BACKWARD,
  JOB_CELL_FORWARD,
  JOB_GEMM_ABT_ROWS,
  JOB_GEMM_PACKED,
} from './thread-protocol.js';
import type { DType, Floats, KernelArgs, Kernels } from './types.js';
import type { KernelExports, WasmArguments } from './wasm-exports.js';
import { instantiateKernels } from './wasm-module.js';

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

/** An array's byte offset: how the WebAssembly exports take arrays (checked in memory first). */
function at(a: Floats): number {
  return a.byteOffset;
}

export class WasmKernels implements Kernels {
  readonly name: string = 'wasm';
  readonly dtype: DType = 'float32';
  private readonly memory: WebAssembly.Memory;
  private readonly wasm: KernelExports;
  private readonly mem = new BackendMemory('WasmKernels', 'views of its WebAssembly memory that alloc handed out');
  /** The TypeScript loops, for what this backend delegates to them (each place says so). */
  private readonly reference = new RefKernels('float32');
  private readonly rows = new ReferenceRows(this.mem, this.reference);
  private top = 0; // bump pointer, 16-byte aligned, above the module's static data
  private packBufferA: Float32Array | undefined; // op(A) made (M, K) for one gemm call
  private packBufferB: Float32Array | undefined; // op(B) packed (K, N) for one gemm call
  private targetBuffer: Int32Array | undefined; // class ids copied in for softmaxCrossEntropy
  private readonly pool: KernelThreadPool | undefined;
  /** Products computed by the SIMD kernel: for tests. */
  simdGemmCalls = 0;
  /** Products split over more than one thread: for tests. */
  parallelGemmCalls = 0;

  constructor(options: WasmKernelsOptions = {}) {
    this.memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
    const { module, exports } = instantiateKernels(this.memory);
    this.wasm = exports;
    // below heapBase lie the module's own static data (Mathf.exp's tables): never hand it out
    this.top = Math.ceil((this.wasm.heapBase() + 16) / 16) * 16;
    const threads = options.threads ?? defaultThreadCount();
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new ConfigError('WasmKernels', `threads must be an integer from 1 to 256; got ${String(threads)}.`);
    }
    if (threads > 1) {
      const spawner = workerSpawner();
      if (spawner === undefined) {
        throw new ConfigError(
          'WasmKernels',
          `${threads} threads asked for, but worker threads cannot start here.`,
          "in Node, import 'lstm/node'; in a browser, the page must be cross-origin isolated.",
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

  /** C = beta·C + A·P with P in packB's layout (byte offsets), split over the pool when it pays. */
  private gemmPackedAt(...[M, N, K, A, lda, P, C, ldc, beta]: WasmArguments<KernelArgs<'gemmPrepacked'>>): void {
    const pool = this.poolFor(M, N, K);
    if (pool === undefined) this.wasm.gemmPacked(M, N, K, A, lda, P, C, ldc, beta, 0, N);
    else pool.run(JOB_GEMM_PACKED, M, N, K, A, lda, P, C, ldc, beta);
  }

  /** A zero-filled Float32Array view of `length` elements in the shared memory. */
  alloc(length: number): Float32Array {
    const bytes = Math.ceil((length * 4) / 16) * 16;
    const end = this.top + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        throw new ConfigError(
          'WasmKernels.alloc',
          `${length} more floats do not fit in the 1 GiB WebAssembly memory.`,
          'use a smaller model or batch, or the native backend.',
        );
      }
      this.memory.grow(pages);
    }
    const view = this.mem.adopt(new Float32Array(this.memory.buffer, this.top, length));
    this.top = end;
    return view; // fresh memory is zero; nothing is ever freed and reused
  }

  private pack(which: 'A' | 'B', length: number): Float32Array {
    const current = which === 'A' ? this.packBufferA : this.packBufferB;
    if (current !== undefined && current.length >= length) return current;
    const grown = this.alloc(Math.max(length, (current?.length ?? 0) * 2));
    if (which === 'A') this.packBufferA = grown;
    else this.packBufferB = grown;
    return grown;
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

  readonly gemm: Kernels['gemm'] = (transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta) => {
    this.mem.check('gemm', 'A, B, C', A, B, C);
    if (M === 0 || N === 0 || K === 0) {
      // nothing to pack or tile: the reference writes beta·C (zeros when K = 0 and beta = 0)
      this.reference.gemm(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta);
      return;
    }
    this.simdGemmCalls++;
    if (!transA && transB && M < SMALL_M) {
      // batch-1 generation and other thin products: dot products along B's rows, no packing
      const pool = this.poolFor(M, N, K);
      if (pool === undefined) this.wasm.gemmABtRows(M, N, K, at(A), lda, at(B), ldb, at(C), ldc, beta);
      else pool.run(JOB_GEMM_ABT_ROWS, M, N, K, at(A), lda, at(B), ldb, at(C), ldc, beta);
      return;
    }
    let aPtr = at(A);
    let aStride = lda;
    if (transA) {
      const packedA = this.pack('A', M * K);
      this.wasm.transpose(K, M, at(A), lda, at(packedA)); // (K, M) → (M, K)
      aPtr = at(packedA);
      aStride = K;
    }
    const packedB = this.pack('B', K * N);
    this.wasm.packB(transB ? 1 : 0, K, N, at(B), ldb, at(packedB));
    this.gemmPackedAt(M, N, K, aPtr, aStride, at(packedB), at(C), ldc, beta);
  };

  /** Strips of 8 columns, the last one not padded: exactly K·N floats. */
  readonly packedLength: Kernels['packedLength'] = (K, N) => K * N;

  /** The WebAssembly layout: op(B) in strips of 8 columns (assembly/gemm.ts, packB). */
  readonly packB: Kernels['packB'] = (transB, K, N, B, ldb, packed) => {
    this.mem.check('packB', 'B, packed', B, packed);
    this.wasm.packB(transB ? 1 : 0, K, N, at(B), ldb, at(packed));
  };

  readonly gemmPrepacked: Kernels['gemmPrepacked'] = (M, N, K, A, lda, packed, C, ldc, beta) => {
    this.mem.check('gemmPrepacked', 'A, packed, C', A, packed, C);
    if (M === 0 || N === 0 || K === 0) {
      this.reference.gemmPrepacked(M, N, K, A, lda, packed, C, ldc, beta); // nothing to tile
      return;
    }
    this.gemmPackedAt(M, N, K, at(A), lda, at(packed), at(C), ldc, beta);
    this.simdGemmCalls++;
  };

  readonly fillRows: Kernels['fillRows'] = (M, N, bias, C, ldc) => {
    this.mem.check('fillRows', 'bias, C', bias, C);
    this.wasm.fillRows(M, N, at(bias), at(C), ldc);
  };

  readonly addColumnSums: Kernels['addColumnSums'] = (M, N, A, out) => {
    this.mem.check('addColumnSums', 'A, out', A, out);
    this.wasm.addColumnSums(M, N, at(A), at(out));
  };

  readonly lstmCellForward: Kernels['lstmCellForward'] = (B, H, gates, cPrev, c, tanhC, h) => {
    this.mem.check('lstmCellForward', 'gates, cPrev, c, tanhC, h', gates, cPrev, c, tanhC, h);
    const pool = this.cellPoolFor(B, H);
    if (pool === undefined) this.wasm.lstmCellForward(B, H, at(gates), at(cPrev), at(c), at(tanhC), at(h));
    else pool.run(JOB_CELL_FORWARD, B, H, at(gates), at(cPrev), at(c), at(tanhC), at(h));
  };

  readonly lstmCellBackward: Kernels['lstmCellBackward'] = (B, H, dh, dc, gates, cPrev, tanhC, dGates, dcPrev) => {
    this.mem.check('lstmCellBackward', 'dh, dc, gates, cPrev', dh, dc, gates, cPrev);
    this.mem.check('lstmCellBackward', 'tanhC, dGates, dcPrev', tanhC, dGates, dcPrev);
    const w = this.wasm;
    const pool = this.cellPoolFor(B, H);
    if (pool === undefined)
      w.lstmCellBackward(B, H, at(dh), at(dc), at(gates), at(cPrev), at(tanhC), at(dGates), at(dcPrev));
    else pool.run(JOB_CELL_BACKWARD, B, H, at(dh), at(dc), at(gates), at(cPrev), at(tanhC), at(dGates), at(dcPrev));
  };

  /** Delegated to the reference: row copies and the one-row softmax (reference-rows.ts). */
  readonly gatherRows = this.rows.gatherRows;
  readonly scatterAddRows = this.rows.scatterAddRows;
  readonly softmaxRow = this.rows.softmaxRow;

  /** The targets are copied in (N ids); N = 0 has no rows to run. */
  readonly softmaxCrossEntropy: Kernels['softmaxCrossEntropy'] = (N, V, logits, targets, dLogits, gradScale) => {
    this.mem.check('softmaxCrossEntropy', 'logits, dLogits', logits, dLogits);
    if (N === 0) return 0;
    return this.wasm.softmaxCrossEntropy(N, V, at(logits), this.targetsIn(targets, N), at(dLogits), gradScale);
  };

  readonly sumSquares: Kernels['sumSquares'] = (n, x) => {
    this.mem.check('sumSquares', 'x', x);
    return this.wasm.sumSquares(n, at(x));
  };

  readonly scale: Kernels['scale'] = (n, x, s) => {
    this.mem.check('scale', 'x', x);
    this.wasm.scale(n, at(x), s);
  };

  readonly addInPlace: Kernels['addInPlace'] = (n, x, y) => {
    this.mem.check('addInPlace', 'x, y', x, y);
    this.wasm.addInPlace(n, at(x), at(y));
  };

  readonly adamUpdate: Kernels['adamUpdate'] = (n, p, g, m, v, ...hyper) => {
    this.mem.check('adamUpdate', 'p, g, m, v', p, g, m, v);
    this.wasm.adamUpdate(n, at(p), at(g), at(m), at(v), ...hyper);
  };

  readonly sgdUpdate: Kernels['sgdUpdate'] = (n, p, g, buf, lr, momentum, l2, nesterov) => {
    this.mem.check('sgdUpdate', 'p, g, buf', p, g, buf);
    this.wasm.sgdUpdate(n, at(p), at(g), at(buf), lr, momentum, l2, nesterov ? 1 : 0);
  };

  // The GRU and RNN cell steps (assembly/gru-rnn-cell.ts), on the calling thread: a step's
  // pointwise work is small beside its products, too small to pay for waking the workers.

  readonly gruGatesForward: Kernels['gruGatesForward'] = (B, H, xp, hp, hRec, pre, act, rh, clip, lbr) => {
    this.mem.check('gruGatesForward', 'xp, hp, hRec, pre, act, rh', xp, hp, hRec, pre, act, rh);
    this.wasm.gruGatesForward(B, H, at(xp), at(hp), at(hRec), at(pre), at(act), at(rh), clip, lbr ? 1 : 0);
  };

  readonly gruCandidateForward: Kernels['gruCandidateForward'] = (B, H, xp, hp, hPrev, pre, act, h, clip, lbr) => {
    this.mem.check('gruCandidateForward', 'xp, hp, hPrev, pre, act, h', xp, hp, hPrev, pre, act, h);
    this.wasm.gruCandidateForward(B, H, at(xp), at(hp), at(hPrev), at(pre), at(act), at(h), clip, lbr ? 1 : 0);
  };

  readonly gruCandidateBackward: Kernels['gruCandidateBackward'] = (B, H, dh, pre, act, dXP, dHP, clip, lbr) => {
    this.mem.check('gruCandidateBackward', 'dh, pre, act, dXP, dHP', dh, pre, act, dXP, dHP);
    this.wasm.gruCandidateBackward(B, H, at(dh), at(pre), at(act), at(dXP), at(dHP), clip, lbr ? 1 : 0);
  };

  readonly gruGatesBackward: Kernels['gruGatesBackward'] = (
    B,
    H,
    dh,
    hPrev,
    hRec,
    hp,
    pre,
    act,
    dRh,
    dXP,
    dHP,
    ...o
  ) => {
    this.mem.check(
      'gruGatesBackward',
      'dh, hPrev, hRec, hp, pre, act, dRh, dXP, dHP',
      dh,
      hPrev,
      hRec,
      hp,
      pre,
      act,
      dRh,
      dXP,
      dHP,
    );
    const [clip, lbr] = o;
    const w = this.wasm;
    w.gruGatesBackward(
      B,
      H,
      at(dh),
      at(hPrev),
      at(hRec),
      at(hp),
      at(pre),
      at(act),
      at(dRh),
      at(dXP),
      at(dHP),
      clip,
      lbr ? 1 : 0,
    );
  };

  readonly gruStateBackward: Kernels['gruStateBackward'] = (B, H, dh, act, dhRec, dRh, mask, dhPrev, lbr) => {
    this.mem.check('gruStateBackward', 'dh, act, dhRec, dRh, mask, dhPrev', dh, act, dhRec, dRh, mask, dhPrev);
    const m = mask === null ? 0 : at(mask); // 0: no mask (no array sits at address 0)
    this.wasm.gruStateBackward(B, H, at(dh), at(act), at(dhRec), at(dRh), m, at(dhPrev), lbr ? 1 : 0);
  };

  readonly rnnCellForward: Kernels['rnnCellForward'] = (B, H, pre, h, relu, clip) => {
    this.mem.check('rnnCellForward', 'pre, h', pre, h);
    this.wasm.rnnCellForward(B, H, at(pre), at(h), relu ? 1 : 0, clip);
  };

  readonly rnnCellBackward: Kernels['rnnCellBackward'] = (B, H, dh, pre, h, dPre, relu, clip) => {
    this.mem.check('rnnCellBackward', 'dh, pre, h, dPre', dh, pre, h, dPre);
    this.wasm.rnnCellBackward(B, H, at(dh), at(pre), at(h), at(dPre), relu ? 1 : 0, clip);
  };

  /** On the calling thread: a step's pointwise work is small beside its products. */
  readonly lstmCellOptionsForward: Kernels['lstmCellOptionsForward'] = (
    B,
    H,
    pre,
    act,
    cPrev,
    c,
    tanhC,
    h,
    ...opts
  ) => {
    const [peep, clip, coupled] = opts;
    this.mem.check('lstmCellOptionsForward', 'pre, act, cPrev, c, tanhC, h', pre, act, cPrev, c, tanhC, h);
    this.mem.check('lstmCellOptionsForward', 'peep', peep);
    const p = peep === null ? 0 : at(peep);
    this.wasm.lstmCellOptionsForward(
      B,
      H,
      at(pre),
      at(act),
      at(cPrev),
      at(c),
      at(tanhC),
      at(h),
      p,
      clip,
      coupled ? 1 : 0,
    );
  };

  readonly lstmCellOptionsBackward: Kernels['lstmCellOptionsBackward'] = (B, H, dh, dc, pre, act, ...rest) => {
    const [cPrev, c, tanhC, peep, clip, coupled, dPre, dcPrev, dPeep] = rest;
    this.mem.check('lstmCellOptionsBackward', 'dh, dc, pre, act, cPrev', dh, dc, pre, act, cPrev);
    this.mem.check(
      'lstmCellOptionsBackward',
      'c, tanhC, peep, dPre, dcPrev, dPeep',
      c,
      tanhC,
      peep,
      dPre,
      dcPrev,
      dPeep,
    );
    const [p, dp] = [peep === null ? 0 : at(peep), dPeep === null ? 0 : at(dPeep)];
    const w = this.wasm;
    w.lstmCellOptionsBackward(
      B,
      H,
      at(dh),
      at(dc),
      at(pre),
      at(act),
      at(cPrev),
      at(c),
      at(tanhC),
      p,
      clip,
      coupled ? 1 : 0,
      at(dPre),
      at(dcPrev),
      dp,
    );
  };

  readonly multiply: Kernels['multiply'] = (n, x, y, out) => {
    this.mem.check('multiply', 'x, y, out', x, y, out);
    this.wasm.multiply(n, at(x), at(y), at(out));
  };
}
