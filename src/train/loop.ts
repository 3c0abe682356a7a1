/**
 * The training loop every model shares, over epochs of batches (an epoch may be an endless stream):
 *
 *   [evaluate at start]
 *   per epoch:  batches(epoch) → per batch: budgets (updates, seconds, abort) → one update
 *               (src/train/update.ts) → onUpdate → evaluate when due → pause
 *               [evaluate at the epoch's end]
 *   [evaluate at the end]   restore the best weights (early stopping)
 *
 * An evaluation asks the task for its validation loss, offers it to the early-stopping keeper
 * (src/train/best-weights.ts) and reports it (onEvaluation may stop the run or return a promise,
 * e.g. a checkpoint being written). An AbortSignal stops the run after the current update,
 * without an evaluation. The loop is written once, as a generator that pauses after every update;
 * runTraining drives it synchronously, runTrainingAsync yields to the event loop at every pause
 * (so Ctrl-C and output get through) and awaits the promises callbacks return.
 */
import { ConfigError } from '../errors.js';
import { BestWeights } from './best-weights.js';
import type { Updater, UpdateResult, UpdateTask } from './update.js';

export interface TrainingTask<Batch> extends UpdateTask<Batch> {
  /**
   * The batches of epoch `epoch` (counted from 1) in order; may be endless. Called at the epoch's
   * start, before its first update, so it may shuffle there and switch dropout on.
   */
  batches(epoch: number): Iterable<Batch>;
  /**
   * The validation loss (lower is better), or undefined without validation data: the mean training
   * loss since the last evaluation then stands in. `final` marks the evaluation at the run's end.
   */
  validate?(final: boolean): number | undefined;
}

export interface UpdateEvent extends UpdateResult {
  epoch: number;
  /** Seconds since the loop started. */
  seconds: number;
}

export interface EvaluationEvent {
  /** Updates done in total. */
  update: number;
  /** The epoch just run (0 for an evaluation before training). */
  epoch: number;
  /** Mean training loss over the updates since the last evaluation (NaN when none). */
  trainLoss: number;
  /** The validation loss, or trainLoss without validation data. */
  validLoss: number;
  /** Whether validLoss is the lowest so far. */
  best: boolean;
  /** The evaluation at the end of the run. */
  final: boolean;
  seconds: number;
}

export type StopReason = 'epochs' | 'updates' | 'time' | 'abort' | 'patience' | 'evaluation';

export interface LoopOptions {
  /** Epochs at most (default no bound: an endless stream stops by another budget). */
  maxEpochs?: number | undefined;
  /** Updates in total at most, counting those done before (a resumed run). */
  maxUpdates?: number | undefined;
  /** Seconds of this loop at most. */
  maxSeconds?: number | undefined;
  /** Stops the run after the current update, without an evaluation. */
  signal?: AbortSignal | undefined;
  /** Evaluate after every this many updates (0 or absent: never), or when this says so. */
  evalEvery?: number | ((update: number) => boolean) | undefined;
  /** Evaluate at the end of every epoch. */
  evalEachEpoch?: boolean | undefined;
  /** Evaluate before the first update. */
  evalAtStart?: boolean | undefined;
  /** Asked when the run stops for any reason but abort: whether to evaluate once more (final). */
  evalAtEnd?: (() => boolean) | undefined;
  /** Early stopping: stop after this many evaluations without a lower loss; keep and restore the best weights. */
  patience?: number | undefined;
  /** Early stopping by a keeper the caller made (to checkpoint it or resume one); instead of patience. */
  earlyStopping?: BestWeights | undefined;
  /** Epochs run before this loop (a resumed run): the first epoch here is epochsDone + 1. */
  epochsDone?: number | undefined;
  onUpdate?: ((e: UpdateEvent) => void) | undefined;
  /** After every evaluation; false stops the run; a promise is awaited (runTrainingAsync only). */
  onEvaluation?: ((e: EvaluationEvent) => void | boolean | Promise<void | boolean>) | undefined;
}

export interface LoopResult {
  /** Updates done in total. */
  updates: number;
  /** Epochs begun. */
  epochs: number;
  stoppedBy: StopReason;
  /** The last update's loss (NaN when none was made). */
  lastLoss: number;
  seconds: number;
}

/** Where the loop pauses after an update; anything else it yields is a callback's answer. */
const PAUSE: unique symbol = Symbol('pause');

type Steps = Generator<unknown, LoopResult, unknown>;

function* loopSteps<Batch>(updater: Updater, task: TrainingTask<Batch>, o: LoopOptions): Steps {
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  const keeper = o.earlyStopping ?? (o.patience === undefined ? undefined : new BestWeights(updater.arena, o.patience));
  const evalEvery = o.evalEvery;
  const due =
    typeof evalEvery === 'function'
      ? evalEvery
      : (u: number): boolean => evalEvery !== undefined && evalEvery > 0 && u % evalEvery === 0;
  let lowest = keeper?.bestLoss ?? Infinity;
  let sum = 0;
  let count = 0;
  let epoch = o.epochsDone ?? 0;
  let lastLoss = Number.NaN;

  /** One evaluation; returns why to stop, or undefined to go on. */
  function* evaluate(final: boolean): Generator<unknown, StopReason | undefined, unknown> {
    const trainLoss = count > 0 ? sum / count : Number.NaN;
    const validLoss = task.validate?.(final) ?? trainLoss;
    const best = keeper === undefined ? validLoss < lowest : keeper.offer(validLoss);
    if (best) lowest = validLoss;
    sum = 0;
    count = 0;
    const event: EvaluationEvent = {
      update: updater.updates,
      epoch,
      trainLoss,
      validLoss,
      best,
      final,
      seconds: seconds(),
    };
    const answer = yield o.onEvaluation?.(event);
    if (answer === false) return 'evaluation';
    return keeper?.exhausted === true ? 'patience' : undefined;
  }

  const budgetSpent = (): StopReason | undefined => {
    if (o.maxUpdates !== undefined && updater.updates >= o.maxUpdates) return 'updates';
    if (o.maxSeconds !== undefined && seconds() >= o.maxSeconds) return 'time';
    if (o.signal?.aborted === true) return 'abort';
    return undefined;
  };

  let stoppedBy = o.evalAtStart === true ? yield* evaluate(false) : undefined;
  run: while (stoppedBy === undefined) {
    if (o.maxEpochs !== undefined && epoch >= o.maxEpochs) {
      stoppedBy = 'epochs';
      break;
    }
    epoch++;
    const batches = task.batches(epoch)[Symbol.iterator]();
    for (let inEpoch = 0; ; inEpoch++) {
      stoppedBy = budgetSpent();
      if (stoppedBy !== undefined) break run;
      const next = batches.next();
      if (next.done === true) {
        // an epoch without batches: the data is spent
        if (inEpoch === 0) stoppedBy = 'epochs';
        break;
      }
      const result = updater.update(task, next.value);
      lastLoss = result.loss;
      sum += result.loss;
      count++;
      o.onUpdate?.({ ...result, epoch, seconds: seconds() });
      if (due(updater.updates)) {
        stoppedBy = yield* evaluate(false);
        if (stoppedBy !== undefined) break run;
      }
      yield PAUSE;
    }
    if (o.evalEachEpoch === true && stoppedBy === undefined) stoppedBy = yield* evaluate(false);
  }
  if (stoppedBy !== 'abort' && o.evalAtEnd?.() === true) yield* evaluate(true);
  keeper?.restore();
  return { updates: updater.updates, epochs: epoch, stoppedBy, lastLoss, seconds: seconds() };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/** Train synchronously (callbacks must not return promises). */
export function runTraining<Batch>(updater: Updater, task: TrainingTask<Batch>, options: LoopOptions): LoopResult {
  const steps = loopSteps(updater, task, options);
  let next = steps.next();
  while (next.done !== true) {
    const value = next.value;
    if (isThenable(value)) {
      throw new ConfigError(
        'runTraining',
        'onEvaluation returned a promise.',
        'use runTrainingAsync for asynchronous callbacks.',
      );
    }
    next = steps.next(value === PAUSE ? undefined : value);
  }
  return next.value;
}

/** Let timers, I/O and signals through: setImmediate where there is one (Node), else a 0 ms timer. */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate === undefined ? setTimeout(resolve, 0) : immediate(resolve)));
}

/** Train, yielding to the event loop after every update and awaiting the callbacks' promises. */
export async function runTrainingAsync<Batch>(
  updater: Updater,
  task: TrainingTask<Batch>,
  options: LoopOptions,
): Promise<LoopResult> {
  const steps = loopSteps(updater, task, options);
  let next = steps.next();
  while (next.done !== true) {
    const value = next.value;
    if (value === PAUSE) {
      await yieldToEventLoop();
      next = steps.next();
    } else next = steps.next(isThenable(value) ? await value : value);
  }
  return next.value;
}
