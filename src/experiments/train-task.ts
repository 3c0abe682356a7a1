/**
 * One training run of one cell type on one task: fresh sequences from a seeded generator for
 * every update, a fixed held-out set for every evaluation, Adam with global-norm clipping, and a
 * stop as soon as the task's solved criterion holds on the held-out set (or the sequence budget is
 * spent). The learning curve is the held-out error after every `evalEvery` training sequences.
 */
import { checkInteger, checkNumber, DivergenceError } from '../errors.js';
import type { Kernels } from '../kernels/index.js';
import { clipGradNorm } from '../optim/clip.js';
import { createOptimizer } from '../optim/optimizers.js';
import { learningRateAt, type Schedule } from '../optim/schedule.js';
import { Scratch } from '../nn/scratch.js';
import { Rng } from '../rng.js';
import type { Task, TaskBatch } from '../tasks/index.js';
import { taskLoss } from '../loss/task-loss.js';
import { TaskModel, type TaskModelOptions } from '../models/task-model.js';

export interface TrainTaskOptions extends TaskModelOptions {
  seed: number;
  batchSize: number;
  learningRate: number;
  /** Global gradient-norm bound (0 = none). */
  clip: number;
  /** The training budget, in sequences. */
  maxSequences: number;
  /** Evaluate on the held-out set after every this many training sequences. */
  evalEvery: number;
  /**
   * Anneal the learning rate over the budget by a cosine to lr/20 (default false: constant). The
   * tasks whose criterion is every held-out sequence right reach it sooner once the steps shrink.
   */
  cosineDecay?: boolean;
  /** Keep training after the criterion holds (default false: stop there). */
  continueWhenSolved?: boolean;
  /** Called after every evaluation; returning false stops the run. */
  onEval?: (point: CurvePoint) => void | boolean;
}

export interface CurvePoint {
  sequences: number;
  /** Held-out loss: MSE, or cross-entropy in nats per labelled step. */
  testLoss: number;
  /** Fraction of held-out sequences processed correctly. */
  testCorrect: number;
  /** Mean training loss since the previous point. */
  trainLoss: number;
  seconds: number;
}

export interface TrainTaskResult {
  cell: TaskModelOptions['cell'];
  seed: number;
  solved: boolean;
  /** Training sequences seen when the criterion first held on the held-out set; null if never. */
  sequencesToSolve: number | null;
  sequences: number;
  final: CurvePoint;
  curve: CurvePoint[];
  seconds: number;
  model: TaskModel;
}

/** The held-out set: `size` sequences from the test seed, in batches of at most 500. */
export function heldOutSet(task: Task, size: number, seed = 20260): TaskBatch[] {
  const rng = new Rng(seed);
  const batches: TaskBatch[] = [];
  for (let left = size; left > 0; left -= 500) batches.push(task.batch(rng, Math.min(500, left)));
  return batches;
}

/** The model's mean loss and fraction correct over a set of batches (no gradients). */
export function evaluateTask(model: TaskModel, set: readonly TaskBatch[]): { loss: number; correct: number } {
  let loss = 0;
  let correct = 0;
  let count = 0;
  for (const batch of set) {
    const r = taskLoss(batch, model.forward(batch), model.task.tolerance ?? 0);
    loss += r.loss * r.count;
    correct += r.correct;
    count += r.count;
  }
  return { loss: loss / count, correct: correct / count };
}

/** Whether a held-out evaluation meets the task's solved criterion. */
export function meetsCriterion(task: Task, e: { loss: number; correct: number }): boolean {
  return task.solvedBy.metric === 'loss' ? e.loss < task.solvedBy.below : e.correct >= task.solvedBy.atLeast;
}

export async function trainOnTask(
  k: Kernels,
  task: Task,
  testSet: readonly TaskBatch[],
  opts: TrainTaskOptions,
): Promise<TrainTaskResult> {
  const where = 'trainOnTask';
  const B = checkInteger(where, 'batchSize', opts.batchSize, 1, 100000);
  const budget = checkInteger(where, 'maxSequences', opts.maxSequences, 1, 1e12);
  const evalEvery = checkInteger(where, 'evalEvery', opts.evalEvery, 1, 1e12);
  const lr = checkNumber(where, 'learningRate', opts.learningRate, 0, 10, true);
  const started = performance.now();
  const rng = new Rng(opts.seed);
  const model = new TaskModel(k, task, opts);
  model.init(rng);
  const optimizer = createOptimizer(k, model.arena, { name: 'adam' });
  const schedule: Schedule =
    opts.cosineDecay === true
      ? { kind: 'cosine', warmup: 0, total: Math.ceil(budget / B), minLr: lr / 20 }
      : { kind: 'constant' };
  const scratch = new Scratch(k);
  const curve: CurvePoint[] = [];
  let sequences = 0;
  let sequencesToSolve: number | null = null;
  let trainSum = 0;
  let trainCount = 0;
  const evaluate = (): boolean => {
    const e = evaluateTask(model, testSet);
    const point: CurvePoint = {
      sequences,
      testLoss: e.loss,
      testCorrect: e.correct,
      trainLoss: trainCount > 0 ? trainSum / trainCount : Number.NaN,
      seconds: (performance.now() - started) / 1000,
    };
    curve.push(point);
    trainSum = 0;
    trainCount = 0;
    if (sequencesToSolve === null && meetsCriterion(task, e)) sequencesToSolve = sequences;
    const keepGoing = opts.onEval?.(point) !== false;
    return keepGoing && (sequencesToSolve === null || opts.continueWhenSolved === true);
  };
  let running = evaluate();
  while (running && sequences < budget) {
    const batch = task.batch(rng, Math.min(B, budget - sequences));
    model.arena.zeroGrads();
    const out = model.forward(batch);
    const dOut = scratch.get('dOut', out.length); // every entry is written by taskLoss
    const { loss } = taskLoss(batch, out, task.tolerance ?? 0, dOut);
    if (!Number.isFinite(loss)) {
      throw new DivergenceError(
        optimizer.stepCount,
        loss,
        trainCount > 0 ? trainSum / trainCount : undefined,
        `the ${opts.cell} model on ${task.name}, after ${sequences} sequences; try a lower learning rate.`,
      );
    }
    model.backward(dOut);
    clipGradNorm(k, model.arena, opts.clip);
    optimizer.step(learningRateAt(schedule, lr, optimizer.stepCount));
    const before = sequences;
    sequences += batch.B;
    trainSum += loss;
    trainCount++;
    if (Math.floor(sequences / evalEvery) > Math.floor(before / evalEvery) || sequences >= budget) {
      running = evaluate();
      await new Promise((resolve) => setImmediate(resolve)); // let Ctrl-C and output through
    }
  }
  const final = curve[curve.length - 1] as CurvePoint;
  return {
    cell: opts.cell,
    seed: opts.seed,
    solved: sequencesToSolve !== null,
    sequencesToSolve,
    sequences,
    final,
    curve,
    seconds: (performance.now() - started) / 1000,
    model,
  };
}
