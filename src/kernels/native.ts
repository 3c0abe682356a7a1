/**
 * The native backend: the Kernels interface over the optional N-API addon (native/src, C++
 * compiled for the build machine's processor by `npm ci`). This file never loads the addon itself
 * (the core also runs in browsers): src/node/native-addon.ts loads it and hands the binding to
 * `setNativeAddon`, or says why it could not.
 *
 * Memory: `alloc` returns Float32Arrays over 64-byte-aligned memory the addon allocates (freed with
 * the array); kernels read and write the arrays' memory in place, so no call copies. Every kernel
 * refuses a float array that `alloc` did not hand out (BackendMemory), as the WebAssembly backend
 * does: code that runs here runs there. scatterAddRows and softmaxRow, which touch a few rows per
 * token, are delegated, each visibly, to the reference this backend holds.
 */
import { ConfigError } from '../errors.js';
import { BackendMemory } from './backend-memory.js';
import { RefKernels } from './ref.js';
import { ReferenceRows } from './reference-rows.js';
import type { DType, KernelArgs, KernelFunction, KernelMethod, Kernels } from './types.js';

/** An opaque handle: the addon's thread pool and its size. */
export type NativeContext = object;

/** What the addon was compiled for: 'avx512', 'avx2' or 'portable', with its register tile. */
export interface NativeSimd {
  name: string;
  lanes: number;
  tileRows: number;
  tileCols: number;
}

/** The kernels whose addon function takes the thread-pool context before the interface's arguments. */
type Threaded =
  | 'gemm'
  | 'gemmPrepacked'
  | 'lstmCellForward'
  | 'lstmCellBackward'
  | 'lstmLayerForward'
  | 'gruLayerForward'
  | 'lstmOptionsLayerForward'
  | 'lstmOptionsLayerBackward'
  | 'rnnLayerForward'
  | 'softmaxCrossEntropy'
  | 'sumSquares'
  | 'adamUpdate'
  | 'sgdUpdate'
  | 'lstmCellOptionsForward'
  | 'lstmCellOptionsBackward'
  | 'attentionForward'
  | 'attentionBackward';

/** The kernels the addon runs on the calling thread, with the interface's arguments as they are. */
type Unthreaded =
  | 'packedLength'
  | 'packB'
  | 'fillRows'
  | 'addColumnSums'
  | 'scale'
  | 'addInPlace'
  | 'gruGatesForward'
  | 'gruCandidateForward'
  | 'gruCandidateBackward'
  | 'gruGatesBackward'
  | 'gruStateBackward'
  | 'rnnCellForward'
  | 'rnnCellBackward'
  | 'multiply'
  | 'gatherRows';

type WithContext<K extends KernelMethod> = (
  ctx: NativeContext,
  ...args: KernelArgs<K>
) => ReturnType<KernelFunction<K>>;

/**
 * The addon's functions (native/src/addon.cc), derived from the Kernels interface: the same
 * arguments in the same order, after the context for the threaded ones.
 */
export type NativeBinding = { [K in Threaded]: WithContext<K> } & { [K in Unthreaded]: KernelFunction<K> } & {
  createContext(threads: number): NativeContext;
  alloc(length: number): Float32Array;
  simd(): NativeSimd;
  /** [threads the pool runs, jobs split into shares so far]. */
  poolStats(ctx: NativeContext): [number, number];
};

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
export function nativeSimd(): NativeSimd | undefined {
  return binding?.simd();
}

export interface NativeKernelsOptions {
  /** Threads inside the addon for the large products and flat loops (default: every core). */
  threads?: number | undefined;
}

export class NativeKernels implements Kernels {
  readonly name: string = 'native';
  readonly dtype: DType = 'float32';
  /** Threads the addon's pool runs (1: everything on the calling thread). */
  readonly threads: number;
  private readonly addon: NativeBinding;
  private readonly ctx: NativeContext;
  private readonly mem = new BackendMemory('NativeKernels', 'arrays that alloc handed out');
  /** The TypeScript loops, for the kernels delegated to them. */
  private readonly rows = new ReferenceRows(this.mem, new RefKernels('float32'));

  constructor(options: NativeKernelsOptions = {}) {
    if (binding === undefined) {
      throw new ConfigError('NativeKernels', `the native addon is not available: ${unavailable}.`);
    }
    this.addon = binding;
    const threads = options.threads ?? cores;
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new ConfigError('NativeKernels', `threads must be an integer from 1 to 256; got ${String(threads)}.`);
    }
    this.threads = threads;
    this.ctx = binding.createContext(this.threads);
  }

  /** Threads the pool runs at once: `threads`, at most the cores this process may use. */
  get poolThreads(): number {
    return this.addon.poolStats(this.ctx)[0];
  }

  /** Calls split over the pool so far (small ones run on the calling thread alone): for tests. */
  get parallelCalls(): number {
    return this.addon.poolStats(this.ctx)[1];
  }

  /** A zero-filled Float32Array over 64-byte-aligned memory of the addon's. */
  alloc(length: number): Float32Array {
    let array: Float32Array;
    try {
      array = this.addon.alloc(length);
    } catch (e) {
      // the addon's refusals (out of memory, a length past 2^34) as this library's error
      throw new ConfigError('NativeKernels.alloc', `${length} floats could not be allocated: ${(e as Error).message}.`);
    }
    return this.mem.adopt(array);
  }

  readonly gemm: Kernels['gemm'] = (transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta) => {
    this.mem.check('gemm', 'A, B, C', A, B, C);
    this.addon.gemm(this.ctx, transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta);
  };

  /** Panels of whole register tiles: the last one is zero-padded, so K·N rounded up. */
  readonly packedLength: Kernels['packedLength'] = (K, N) => this.addon.packedLength(K, N);

  readonly packB: Kernels['packB'] = (transB, K, N, B, ldb, packed) => {
    this.mem.check('packB', 'B, packed', B, packed);
    this.addon.packB(transB, K, N, B, ldb, packed);
  };

  readonly gemmPrepacked: Kernels['gemmPrepacked'] = (M, N, K, A, lda, packed, C, ldc, beta) => {
    this.mem.check('gemmPrepacked', 'A, packed, C', A, packed, C);
    this.addon.gemmPrepacked(this.ctx, M, N, K, A, lda, packed, C, ldc, beta);
  };

  /** Every step of a layer in one call; hidden sizes that are not whole register tiles return false. */
  readonly lstmLayerForward: KernelFunction<'lstmLayerForward'> = (T, B, D, H, x, wIh, wHh, pIh, pHh, ...rest) => {
    const [bias, gates, c, tanhC, h] = rest;
    this.mem.check('lstmLayerForward', 'x, wIh, wHh, packedWih, packedWhh', x, wIh, wHh, pIh, pHh);
    this.mem.check('lstmLayerForward', 'bias, gates, c, tanhC, h', bias, gates, c, tanhC, h);
    return this.addon.lstmLayerForward(this.ctx, T, B, D, H, x, wIh, wHh, pIh, pHh, ...rest);
  };

  /** Every step of a GRU layer in one call; what native/src/gru_layer.h does not take returns false. */
  readonly gruLayerForward: KernelFunction<'gruLayerForward'> = (T, B, H, xp, wHh, pHh, bHh, hp, pre, act, h, ...o) => {
    this.mem.check('gruLayerForward', 'xp, wHh, packedWhh, bHh, hp, pre, act, h', xp, wHh, pHh, bHh, hp, pre, act, h);
    this.mem.check('gruLayerForward', 'recMask, hRec', o[1], o[2]);
    return this.addon.gruLayerForward(this.ctx, T, B, H, xp, wHh, pHh, bHh, hp, pre, act, h, ...o);
  };

  /** Every step of an LSTM-with-options layer in one call (native/src/lstm_options_layer.h). */
  readonly lstmOptionsLayerForward: KernelFunction<'lstmOptionsLayerForward'> = (T, B, D, H, x, wIh, pIh, ...o) => {
    const [bias, pre, act, wHh, pHh, h, c, hAct, , recMask, hRec, peep] = o;
    this.mem.check('lstmOptionsLayerForward', 'x, wIh, packedWih, bias, pre, act', x, wIh, pIh, bias, pre, act);
    this.mem.check('lstmOptionsLayerForward', 'wHh, packedWhh, h, c, hAct', wHh, pHh, h, c, hAct);
    this.mem.check('lstmOptionsLayerForward', 'recMask, hRec, peep', recMask, hRec, peep);
    return this.addon.lstmOptionsLayerForward(this.ctx, T, B, D, H, x, wIh, pIh, ...o);
  };

  /** The backward of every step of an LSTM-with-options layer in one call (lstm_options_layer.h). */
  readonly lstmOptionsLayerBackward: KernelFunction<'lstmOptionsLayerBackward'> = (T, B, H, dy, dhN, dcN, ...o) => {
    const [pre, act, c, hAct, pHh, dPre, , recMask, peep, , , dPeep] = o;
    this.mem.check(
      'lstmOptionsLayerBackward',
      'dy, dhNext, dcNext, pre, act, c, hAct',
      dy,
      dhN,
      dcN,
      pre,
      act,
      c,
      hAct,
    );
    this.mem.check(
      'lstmOptionsLayerBackward',
      'packedWhhBack, dPre, recMask, peep, dPeep',
      pHh,
      dPre,
      recMask,
      peep,
      dPeep,
    );
    return this.addon.lstmOptionsLayerBackward(this.ctx, T, B, H, dy, dhN, dcN, ...o);
  };

  /** Every step of a plain RNN layer in one call (native/src/rnn_layer.h). */
  readonly rnnLayerForward: KernelFunction<'rnnLayerForward'> = (T, B, H, pre, wHh, pHh, h, lengths, ...o) => {
    this.mem.check('rnnLayerForward', 'pre, wHh, packedWhh, h, recMask, hRec', pre, wHh, pHh, h, o[0], o[1]);
    return this.addon.rnnLayerForward(this.ctx, T, B, H, pre, wHh, pHh, h, lengths, ...o);
  };

  readonly fillRows: Kernels['fillRows'] = (M, N, bias, C, ldc) => {
    this.mem.check('fillRows', 'bias, C', bias, C);
    this.addon.fillRows(M, N, bias, C, ldc);
  };

  readonly addColumnSums: Kernels['addColumnSums'] = (M, N, A, out) => {
    this.mem.check('addColumnSums', 'A, out', A, out);
    this.addon.addColumnSums(M, N, A, out);
  };

  readonly lstmCellForward: Kernels['lstmCellForward'] = (B, H, gates, cPrev, c, tanhC, h) => {
    this.mem.check('lstmCellForward', 'gates, cPrev, c, tanhC, h', gates, cPrev, c, tanhC, h);
    this.addon.lstmCellForward(this.ctx, B, H, gates, cPrev, c, tanhC, h);
  };

  readonly lstmCellBackward: Kernels['lstmCellBackward'] = (B, H, dh, dc, gates, cPrev, tanhC, dGates, dcPrev) => {
    this.mem.check('lstmCellBackward', 'dh, dc, gates, cPrev', dh, dc, gates, cPrev);
    this.mem.check('lstmCellBackward', 'tanhC, dGates, dcPrev', tanhC, dGates, dcPrev);
    this.addon.lstmCellBackward(this.ctx, B, H, dh, dc, gates, cPrev, tanhC, dGates, dcPrev);
  };

  /** Row copies in C++: the permutations of a batch sorted by length move every row (length-order.ts). */
  readonly gatherRows: Kernels['gatherRows'] = (N, E, table, ids, out) => {
    this.mem.check('gatherRows', 'table, out', table, out);
    this.addon.gatherRows(N, E, table, ids, out);
  };

  /** One attention step per call, its batch rows split over the pool (native/src/attention.cc). */
  readonly attentionForward: KernelFunction<'attentionForward'> = (Ts, B, Hk, Hm, q, K, M, lengths, alpha, context) => {
    this.mem.check('attentionForward', 'q, K, M, alpha, context', q, K, M, alpha, context);
    this.addon.attentionForward(this.ctx, Ts, B, Hk, Hm, q, K, M, lengths, alpha, context);
  };

  readonly attentionBackward: KernelFunction<'attentionBackward'> = (Ts, B, Hk, Hm, q, K, M, alpha, dc, ...out) => {
    this.mem.check(
      'attentionBackward',
      'q, K, M, alpha, dContext, dScores, dQuery, dK, dM',
      q,
      K,
      M,
      alpha,
      dc,
      ...out,
    );
    this.addon.attentionBackward(this.ctx, Ts, B, Hk, Hm, q, K, M, alpha, dc, ...out);
  };

  /** Delegated to the reference: scatter-add of rows and the one-row softmax (reference-rows.ts). */
  readonly scatterAddRows = this.rows.scatterAddRows;
  readonly softmaxRow = this.rows.softmaxRow;

  readonly softmaxCrossEntropy: Kernels['softmaxCrossEntropy'] = (N, V, logits, targets, dLogits, gradScale) => {
    this.mem.check('softmaxCrossEntropy', 'logits, dLogits', logits, dLogits);
    return this.addon.softmaxCrossEntropy(this.ctx, N, V, logits, targets, dLogits, gradScale);
  };

  readonly sumSquares: Kernels['sumSquares'] = (n, x) => {
    this.mem.check('sumSquares', 'x', x);
    return this.addon.sumSquares(this.ctx, n, x);
  };

  readonly scale: Kernels['scale'] = (n, x, s) => {
    this.mem.check('scale', 'x', x);
    this.addon.scale(n, x, s);
  };

  readonly addInPlace: Kernels['addInPlace'] = (n, x, y) => {
    this.mem.check('addInPlace', 'x, y', x, y);
    this.addon.addInPlace(n, x, y);
  };

  readonly adamUpdate: Kernels['adamUpdate'] = (n, p, g, m, v, ...hyper) => {
    this.mem.check('adamUpdate', 'p, g, m, v', p, g, m, v);
    this.addon.adamUpdate(this.ctx, n, p, g, m, v, ...hyper);
  };

  readonly sgdUpdate: Kernels['sgdUpdate'] = (n, p, g, buf, ...hyper) => {
    this.mem.check('sgdUpdate', 'p, g, buf', p, g, buf);
    this.addon.sgdUpdate(this.ctx, n, p, g, buf, ...hyper);
  };

  // The GRU and RNN cell steps (native/src/gru_rnn_cell.cc), on the calling thread.

  readonly gruGatesForward: Kernels['gruGatesForward'] = (B, H, xp, hp, hRec, pre, act, rh, clip, lbr) => {
    this.mem.check('gruGatesForward', 'xp, hp, hRec, pre, act, rh', xp, hp, hRec, pre, act, rh);
    this.addon.gruGatesForward(B, H, xp, hp, hRec, pre, act, rh, clip, lbr);
  };

  readonly gruCandidateForward: Kernels['gruCandidateForward'] = (B, H, xp, hp, hPrev, pre, act, h, clip, lbr) => {
    this.mem.check('gruCandidateForward', 'xp, hp, hPrev, pre, act, h', xp, hp, hPrev, pre, act, h);
    this.addon.gruCandidateForward(B, H, xp, hp, hPrev, pre, act, h, clip, lbr);
  };

  readonly gruCandidateBackward: Kernels['gruCandidateBackward'] = (B, H, dh, pre, act, dXP, dHP, clip, lbr) => {
    this.mem.check('gruCandidateBackward', 'dh, pre, act, dXP, dHP', dh, pre, act, dXP, dHP);
    this.addon.gruCandidateBackward(B, H, dh, pre, act, dXP, dHP, clip, lbr);
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
    this.addon.gruGatesBackward(B, H, dh, hPrev, hRec, hp, pre, act, dRh, dXP, dHP, ...o);
  };

  readonly gruStateBackward: Kernels['gruStateBackward'] = (B, H, dh, act, dhRec, dRh, mask, dhPrev, lbr) => {
    this.mem.check('gruStateBackward', 'dh, act, dhRec, dRh, mask, dhPrev', dh, act, dhRec, dRh, mask, dhPrev);
    this.addon.gruStateBackward(B, H, dh, act, dhRec, dRh, mask, dhPrev, lbr);
  };

  readonly rnnCellForward: Kernels['rnnCellForward'] = (B, H, pre, h, relu, clip) => {
    this.mem.check('rnnCellForward', 'pre, h', pre, h);
    this.addon.rnnCellForward(B, H, pre, h, relu, clip);
  };

  readonly rnnCellBackward: Kernels['rnnCellBackward'] = (B, H, dh, pre, h, dPre, relu, clip) => {
    this.mem.check('rnnCellBackward', 'dh, pre, h, dPre', dh, pre, h, dPre);
    this.addon.rnnCellBackward(B, H, dh, pre, h, dPre, relu, clip);
  };

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
    this.mem.check('lstmCellOptionsForward', 'pre, act, cPrev, c, tanhC, h', pre, act, cPrev, c, tanhC, h);
    this.mem.check('lstmCellOptionsForward', 'peep', opts[0]);
    this.addon.lstmCellOptionsForward(this.ctx, B, H, pre, act, cPrev, c, tanhC, h, ...opts);
  };

  readonly lstmCellOptionsBackward: Kernels['lstmCellOptionsBackward'] = (B, H, dh, dc, pre, act, ...rest) => {
    const [cPrev, c, tanhC, peep, , , dPre, dcPrev, dPeep] = rest;
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
    this.addon.lstmCellOptionsBackward(this.ctx, B, H, dh, dc, pre, act, ...rest);
  };

  readonly multiply: Kernels['multiply'] = (n, x, y, out) => {
    this.mem.check('multiply', 'x, y, out', x, y, out);
    this.addon.multiply(n, x, y, out);
  };
}
