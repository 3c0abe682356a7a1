/**
 * The kernel thread pool: threads − 1 workers that share the WebAssembly backend's memory and take
 * shares of the large products; the main thread claims shares too, and takes every share no
 * worker has started (thread-protocol.ts), so it never waits for a worker that is not running.
 * Workers start in the background; jobs are split only over the ones that are ready, so nothing
 * waits for them to start and, with one thread, there is no pool at all.
 *
 * How a worker is started depends on the platform: in browsers a module Web Worker (when the page
 * is cross-origin isolated, which shared memory needs anyway); in Node, worker_threads, which the
 * core cannot import (it runs in browsers too), so `lstm/node` registers that spawner with
 * `setWorkerSpawner` when it loads.
 */
import { LstmError, ShapeError } from '../errors.js';
import type { KernelWorkerInit } from './kernel-worker-loop.js';
import {
  ARGS,
  CLAIM,
  claimWord,
  CONTROL_WORDS,
  DONE,
  FAILED,
  GENERATION,
  JOB_STOP,
  jobShares,
  KIND,
  READY,
  runClaimedShares,
  runShare,
} from './thread-protocol.js';
import { pollWhileEqual } from './spin.js';
import type { ShareExports } from './wasm-exports.js';

export type { KernelWorkerInit } from './kernel-worker-loop.js';

/** Starts one worker running serveKernels(init); returns a way to stop it. */
export type WorkerSpawner = (init: KernelWorkerInit) => { terminate(): void };

interface SpawnerEntry {
  spawn: WorkerSpawner;
  cores: number;
  where: string;
}

let registered: SpawnerEntry | undefined;

/** Register how to start kernel workers on this platform and how many cores it has. */
export function setWorkerSpawner(spawn: WorkerSpawner, cores: number, where: string): void {
  registered = { spawn, cores: Math.max(1, Math.floor(cores)), where };
}

interface BrowserScope {
  Worker?: new (
    url: URL,
    options: { type: 'module' },
  ) => {
    postMessage(message: unknown): void;
    terminate(): void;
  };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}

function browserSpawner(): SpawnerEntry | undefined {
  const scope = globalThis as unknown as BrowserScope;
  const WorkerClass = scope.Worker;
  if (typeof WorkerClass !== 'function' || scope.crossOriginIsolated !== true) return undefined;
  return {
    spawn: (init) => {
      const worker = new WorkerClass(new URL('./kernel-worker.js', import.meta.url), { type: 'module' });
      worker.postMessage(init);
      return worker;
    },
    cores: scope.navigator?.hardwareConcurrency ?? 1,
    where: 'Web Workers',
  };
}

/** How this platform starts kernel workers, or undefined when it cannot (then: one thread). */
export function workerSpawner(): SpawnerEntry | undefined {
  return registered ?? browserSpawner();
}

/** The default thread count: every core, when workers can be started here. */
export function defaultThreadCount(): number {
  return workerSpawner()?.cores ?? 1;
}

function mainThreadCanBlock(probe: Int32Array): boolean {
  try {
    Atomics.wait(probe, FAILED, 1, 0); // value differs: returns at once where waiting is allowed
    return true;
  } catch {
    return false; // a browser's main thread may not block
  }
}

/**
 * The main thread stalled when, after its own shares, it waited longer than this and longer than
 * those shares took: a worker holding a share was not running (another process had its core).
 * The pool then runs the next BACKOFF_MIN split-worthy jobs on this thread alone, doubling that up
 * to BACKOFF_MAX while stalls continue and halving it after each job that did not stall. Any split
 * gives the same numbers, so this changes only the time.
 */
const STALL_MS = 0.2;
const BACKOFF_MIN = 8;
const BACKOFF_MAX = 1024;

export class KernelThreadPool {
  readonly threads: number;
  private readonly workers: Array<{ terminate(): void }> = [];
  private readonly canBlock: boolean;
  private closed = false;
  /** Shares the last job was split into (1: it ran on this thread alone): for tests. */
  lastShares = 0;
  private backoffLeft = 0;
  private backoffNext = 0;

  /**
   * @param control CONTROL_WORDS Int32 words in the shared memory, zeroed, owned by this pool
   * @param exports the main thread's instance of the kernel module
   */
  constructor(
    readonly control: Int32Array,
    private readonly exports: ShareExports,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    threads: number,
    spawn: WorkerSpawner,
  ) {
    if (control.length !== CONTROL_WORDS) {
      throw new ShapeError(
        'KernelThreadPool',
        `the control block must hold ${CONTROL_WORDS} words, got ${control.length}.`,
      );
    }
    this.threads = threads;
    this.canBlock = mainThreadCanBlock(control);
    const init: KernelWorkerInit = { module, memory, control: control.byteOffset };
    for (let i = 1; i < threads; i++) this.workers.push(spawn(init));
  }

  /** Threads a job would use now: the main thread plus the workers that are ready. */
  get readyThreads(): number {
    if (this.closed) return 1; // a worker still starting may announce itself after close
    return Math.min(this.threads, 1 + Atomics.load(this.control, READY));
  }

  /**
   * Run a job: its arguments (Int32: sizes, strides, byte offsets, in the order thread-protocol.ts
   * reads them) go to control[ARGS…]; split it into shares by its size (jobShares), post it,
   * compute shares on this thread until none is left, then wait for those the workers took.
   * Fixed arity, so a call allocates nothing.
   */
  run(
    kind: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    a4: number,
    a5: number,
    a6: number,
    a7 = 0,
    a8 = 0,
    a9 = 0,
  ): void {
    const c = this.control;
    c[ARGS] = a0;
    c[ARGS + 1] = a1;
    c[ARGS + 2] = a2;
    c[ARGS + 3] = a3;
    c[ARGS + 4] = a4;
    c[ARGS + 5] = a5;
    c[ARGS + 6] = a6;
    c[ARGS + 7] = a7;
    c[ARGS + 8] = a8;
    c[ARGS + 9] = a9;
    c[KIND] = kind;
    let shares = jobShares(c, this.readyThreads);
    if (shares > 1 && this.backoffLeft > 0) {
      this.backoffLeft--;
      shares = 1;
    }
    this.lastShares = shares;
    if (shares === 1) {
      runShare(this.exports, c, 0, 1);
      return;
    }
    Atomics.store(c, DONE, 0);
    Atomics.store(c, CLAIM, claimWord(shares));
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    const start = performance.now();
    runClaimedShares(this.exports, c);
    const ownDone = performance.now();
    // about 100 µs of polling (pollWhileEqual returns early when DONE changes), then sleeps, so
    // that a main thread waiting for a preempted worker soon hands it the core
    for (let done = Atomics.load(c, DONE); done !== shares;) done = pollWhileEqual(c, DONE, done);
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === shares) break;
      if (this.canBlock) Atomics.wait(c, DONE, done);
    }
    const waited = performance.now() - ownDone;
    if (waited > STALL_MS && waited > ownDone - start) {
      this.backoffNext = Math.min(BACKOFF_MAX, Math.max(BACKOFF_MIN, 2 * this.backoffNext));
      this.backoffLeft = this.backoffNext;
    } else {
      this.backoffNext >>= 1;
    }
    if (Atomics.load(c, FAILED) !== 0) {
      Atomics.store(c, FAILED, 0);
      throw new LstmError(
        'KernelThreadPool',
        'a kernel failed in a share of a split job; the numbers of this product are wrong.',
        'the sizes or strides passed to the kernel probably do not fit its arrays.',
      );
    }
  }

  /** Stop the workers (they finish no further jobs); the pool runs everything on this thread after. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const c = this.control;
    c[KIND] = JOB_STOP;
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    for (const w of this.workers) w.terminate();
  }
}
