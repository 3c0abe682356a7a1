/**
 * Timing: warm up, calibrate how many operations make one repetition, time several repetitions
 * and keep the median (the machines are shared and noisy; the median ignores a disturbed rep).
 *
 * An "operation" is whatever a configuration counts: one training step, one generated sequence,
 * one forward pass, one matrix product. Its throughput is operations per second times what one
 * operation produces (characters, tokens, sequences).
 */

/**
 * What a configuration builds for one backend: the operation to time, and its warm-up. A peer
 * whose API is asynchronous (onnxruntime's session.run) returns a promise, which is awaited; a
 * synchronous operation is called without any await in between.
 */
export interface Workload {
  /** One operation. */
  run(): void | Promise<unknown>;
  /**
   * A cheaper call through the same code (for configurations whose operation takes many
   * seconds): it compiles the hot functions and sizes the buffers. Default: run().
   */
  warmup?(): void | Promise<unknown>;
  /** The fraction of one operation's work that warmup() does (2 of T time steps: 2 / T). */
  warmupShare?: number;
}

/** How long to measure. */
export interface Budget {
  /** Timed repetitions; the median is reported. */
  reps: number;
  /** A repetition repeats the operation until it lasts at least this long (calibrated once). */
  minRepSeconds: number;
  /** Warm-up time before calibration (at least one warm-up call). */
  warmupSeconds: number;
  /** When set, a repetition is exactly this many operations, with no calibration (slow configs). */
  fixedOps?: number;
  /** No new repetition once the timed ones have lasted this long (at least one runs). */
  maxSeconds?: number;
  /**
   * With fixedOps and a warm-up of known share: when the warm-up predicts that the timed
   * repetitions would last longer than this, measure() throws TooSlow instead (quick runs).
   */
  skipAboveSeconds?: number;
  /**
   * With fixedOps and a warm-up of known share: when the warm-up predicts that one operation
   * lasts at most this long, one operation runs untimed before the repetitions (its first call
   * at full size grows buffers and touches fresh pages; with few repetitions that cost would
   * weigh on the median).
   */
  fullWarmupUpToSeconds?: number;
}

/** A measurement not taken because its warm-up predicted more time than the budget allows. */
export class TooSlow extends Error {
  constructor(
    readonly predictedSeconds: number,
    readonly limitSeconds: number,
  ) {
    const about = `about ${Math.round(predictedSeconds)} s (predicted from its warm-up)`;
    super(`the timed run would take ${about}, more than the ${limitSeconds} s a quick run allows`);
  }
}

export interface Timing {
  /** Operations in each repetition. */
  opsPerRep: number;
  /** Wall-clock seconds of each repetition, in the order they ran. */
  repSeconds: number[];
  /** Operations per second of the median repetition. */
  opsPerSecond: number;
  /** (slowest − fastest) / median repetition: how noisy the measurement was. */
  spread: number;
}

const now = (): number => performance.now() / 1000;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median: no values.');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export async function measure(w: Workload, budget: Budget): Promise<Timing> {
  const warm = w.warmup?.bind(w) ?? w.run.bind(w);
  // warm-up: at least one call, then until warmupSeconds have passed
  // (the fastest call sizes the repetitions: one slow call, e.g. a GC pause, should not)
  const warmStart = now();
  let fastest = Number.POSITIVE_INFINITY;
  do {
    const t0 = now();
    const pending = warm();
    if (pending !== undefined) await pending;
    fastest = Math.min(fastest, now() - t0);
  } while (now() - warmStart < budget.warmupSeconds);

  let opsPerRep = budget.fixedOps ?? 1;
  if (budget.fixedOps !== undefined && budget.skipAboveSeconds !== undefined && w.warmupShare !== undefined) {
    const repTime = (fastest / w.warmupShare) * opsPerRep;
    const reps = Math.min(budget.reps, Math.max(1, Math.ceil((budget.maxSeconds ?? Infinity) / repTime)));
    if (reps * repTime > budget.skipAboveSeconds) throw new TooSlow(reps * repTime, budget.skipAboveSeconds);
  }
  if (budget.fixedOps !== undefined && budget.fullWarmupUpToSeconds !== undefined && w.warmup !== undefined) {
    const share = w.warmupShare ?? 1;
    if (fastest / share <= budget.fullWarmupUpToSeconds) {
      const pending = w.run();
      if (pending !== undefined) await pending;
    }
  }
  if (budget.fixedOps === undefined) {
    // time one real operation (the warm-up call may be a cheaper one) and size the repetition
    if (w.warmup !== undefined) {
      const t0 = now();
      const pending = w.run();
      if (pending !== undefined) await pending;
      fastest = now() - t0;
    }
    opsPerRep = Math.max(1, Math.ceil(budget.minRepSeconds / Math.max(fastest, 1e-9)));
  }

  const repSeconds: number[] = [];
  let timed = 0;
  for (let r = 0; r < budget.reps && timed < (budget.maxSeconds ?? Infinity); r++) {
    const t0 = now();
    for (let i = 0; i < opsPerRep; i++) {
      const pending = w.run();
      if (pending !== undefined) await pending;
    }
    const seconds = now() - t0;
    repSeconds.push(seconds);
    timed += seconds;
  }
  return timingOf(opsPerRep, repSeconds);
}

/** The median rate and the spread of repetitions timed here or by a peer's own process. */
export function timingOf(opsPerRep: number, repSeconds: number[]): Timing {
  const mid = median(repSeconds);
  return {
    opsPerRep,
    repSeconds,
    opsPerSecond: opsPerRep / mid,
    spread: (Math.max(...repSeconds) - Math.min(...repSeconds)) / mid,
  };
}
