/**
 * One training run of one cell type on one task, on the shared engine (src/train/loop.ts): fresh
 * sequences from a seeded generator for every update, a fixed held-out set for every evaluation,
 * Adam with global-norm clipping, and a stop as soon as the task's solved criterion holds on the
 * held-out set (or the sequence budget is spent). The learning curve is the held-out error after every `evalEvery` training sequences.
 */
import { checkInteger, checkNumber } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import { Scratch } from '../nn/scratch.js';
import type { Schedule } from '../optim/schedule.js';
import { Rng } from '../rng.js';
import type { Task, TaskBatch } from '../tasks/index.js';
import { taskLoss } from '../loss/task-loss.js';
import { TaskModel, type TaskModelOptions } from '../models/task-model.js';
import { runTrainingAsync } from '../train/loop.js';
import { Updater } from '../train/update.js';

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
  const schedule: Schedule =
    opts.cosineDecay === true
      ? { kind: 'cosine', warmup: 0, total: Math.ceil(budget / B), minLr: lr / 20 }
      : { kind: 'constant' };
  const scratch = new Scratch(k);
  const curve: CurvePoint[] = [];
  let sequences = 0;
  let sequencesBefore = 0; // before the last update
  let sequencesToSolve: number | null = null;
  let batchSize = 0;
  let dOut: Floats = new Float32Array(0);
  let heldOut = { loss: Number.NaN, correct: Number.NaN };
  const updater = new Updater(k, model.arena, {
    learningRate: lr,
    schedule,
    clip: opts.clip,
    // the held-out batches show the task's sequence length; training runs at B of them
    workspace: {
      shapes: testSet.slice(0, 1).flatMap((t) => [
        { T: t.T, B },
        { T: t.T, B: t.B, forwardOnly: true },
      ]),
    },
    divergenceHint: () =>
      `the ${opts.cell} model on ${task.name}, after ${sequences} sequences; try a lower learning rate.`,
  });
  await runTrainingAsync<TaskBatch>(
    updater,
    {
      // fresh sequences from the seeded generator until the budget is spent
      *batches() {
        while (sequences < budget) yield task.batch(rng, Math.min(B, budget - sequences));
      },
      forwardLoss: (batch) => {
        batchSize = batch.B;
        const out = model.forward(batch);
        dOut = scratch.get('dOut', out.length); // every entry is written by taskLoss
        return taskLoss(batch, out, task.tolerance ?? 0, dOut).loss;
      },
      backward: () => model.backward(dOut),
      afterUpdate: () => {
        sequencesBefore = sequences;
        sequences += batchSize;
      },
      validate: () => {
        heldOut = evaluateTask(model, testSet);
        return heldOut.loss;
      },
    },
    {
      evalAtStart: true,
      maxEpochs: 1, // one endless epoch, ended by the budget
      // after every evalEvery sequences, and when the budget is spent
      evalEvery: () =>
        Math.floor(sequences / evalEvery) > Math.floor(sequencesBefore / evalEvery) || sequences >= budget,
      onEvaluation: (e) => {
        const point: CurvePoint = {
          sequences,
          testLoss: heldOut.loss,
          testCorrect: heldOut.correct,
          trainLoss: e.trainLoss,
          seconds: (performance.now() - started) / 1000,
        };
        curve.push(point);
        if (sequencesToSolve === null && meetsCriterion(task, heldOut)) sequencesToSolve = sequences;
        const keepGoing = opts.onEval?.(point) !== false;
        return keepGoing && (sequencesToSolve === null || opts.continueWhenSolved === true);
      },
    },
  );
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
