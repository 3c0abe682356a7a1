/**
 * An experiment: every requested cell type trained on one task from several seeds, on the same
 * held-out set, with the gradient flow of each cell measured before and after training (on the
 * first seed's network). The recipe per task (hidden size, batch, learning rate, budget) is a
 * preset that every option can override; the presets are the settings of the README's table.
 */
import { ConfigError } from '../errors.js';
import type { Kernels } from '../kernels/index.js';
import { TaskModel } from '../models/task-model.js';
import type { CellKind } from '../nn/cell-config.js';
import { Rng } from '../rng.js';
import { makeTask, type Task, TASK_NAMES } from '../tasks/index.js';
import { gradientFlow } from './gradient-flow.js';
import { type CurvePoint, heldOutSet, trainOnTask, type TrainTaskResult } from './train-task.js';

export interface ExperimentRecipe {
  /** T for adding, adding-1997, copying; p for long-lag; q = p for noisy-long-lag. */
  length: number;
  hiddenSize: number;
  batchSize: number;
  learningRate: number;
  clip: number;
  maxSequences: number;
  evalEvery: number;
  testSize: number;
  /** The LSTM's forget-gate bias at the start: a number, or 'chrono' (see TaskModelOptions). */
  forgetBias: number | 'chrono';
  /** Anneal the learning rate by a cosine over the budget (see TrainTaskOptions). */
  cosineDecay: boolean;
}

/** The settings per task: see docs/experiments.md for how they were chosen. */
export const EXPERIMENT_PRESETS: Record<(typeof TASK_NAMES)[number], ExperimentRecipe> = {
  adding: {
    length: 200,
    hiddenSize: 64,
    batchSize: 20,
    learningRate: 2e-3,
    clip: 1,
    maxSequences: 200000,
    evalEvery: 5000,
    testSize: 500,
    forgetBias: 'chrono',
    cosineDecay: false,
  },
  'adding-1997': {
    length: 100,
    hiddenSize: 64,
    batchSize: 20,
    learningRate: 2e-3,
    clip: 1,
    maxSequences: 74000,
    evalEvery: 2000,
    testSize: 2000,
    forgetBias: 'chrono',
    cosineDecay: false,
  },
  copying: {
    length: 100,
    hiddenSize: 128,
    batchSize: 20,
    learningRate: 2e-3,
    clip: 1,
    maxSequences: 100000,
    evalEvery: 5000,
    testSize: 1000,
    forgetBias: 'chrono',
    cosineDecay: false,
  },
  reber: {
    length: 0,
    hiddenSize: 32,
    batchSize: 10,
    learningRate: 1e-2,
    clip: 1,
    maxSequences: 10000,
    evalEvery: 250,
    testSize: 1000,
    forgetBias: 'chrono',
    cosineDecay: false,
  },
  'temporal-order': {
    length: 0,
    hiddenSize: 64,
    batchSize: 20,
    learningRate: 2e-3,
    clip: 1,
    maxSequences: 100000,
    evalEvery: 2500,
    testSize: 1000,
    forgetBias: 'chrono',
    cosineDecay: false,
  },
  'long-lag': {
    length: 100,
    hiddenSize: 32,
    batchSize: 20,
    learningRate: 2e-3,
    clip: 1,
    maxSequences: 50000,
    evalEvery: 1000,
    testSize: 500,
    forgetBias: 'chrono',
    cosineDecay: false,
  },
  'noisy-long-lag': {
    length: 100,
    hiddenSize: 64,
    batchSize: 20,
    learningRate: 2e-3,
    clip: 1,
    maxSequences: 100000,
    evalEvery: 2500,
    testSize: 1000,
    forgetBias: 'chrono',
    cosineDecay: false,
  },
};

/** A recipe's fields, each optional (undefined = the preset's). */
export type RecipeOverrides = { [K in keyof ExperimentRecipe]?: ExperimentRecipe[K] | undefined };

export interface ExperimentOptions extends RecipeOverrides {
  cells?: readonly CellKind[] | undefined;
  seeds?: number | undefined;
  /** The first seed (later ones count up from it). */
  firstSeed?: number | undefined;
  /** Skip the gradient-flow measurement. */
  skipGradientFlow?: boolean | undefined;
  onEval?: (run: { cell: CellKind; seed: number }, point: CurvePoint) => void;
}

export interface CellGradientFlow {
  cell: CellKind;
  untrained: Float64Array;
  trained: Float64Array;
}

export interface ExperimentResult {
  task: Task;
  taskName: string;
  recipe: ExperimentRecipe;
  runs: Omit<TrainTaskResult, 'model'>[];
  gradientFlow: CellGradientFlow[];
  seconds: number;
}

export function resolveRecipe(taskName: string, opts: RecipeOverrides = {}): ExperimentRecipe {
  const preset = (EXPERIMENT_PRESETS as Record<string, ExperimentRecipe | undefined>)[taskName];
  if (preset === undefined)
    throw new ConfigError('experiment', `unknown task '${taskName}'. Known: ${TASK_NAMES.join(', ')}.`);
  const recipe = { ...preset };
  for (const key of Object.keys(preset) as (keyof ExperimentRecipe)[]) {
    const value = opts[key];
    if (value !== undefined) (recipe as Record<string, unknown>)[key] = value;
  }
  return recipe;
}

export async function runExperiment(
  k: Kernels,
  taskName: string,
  opts: ExperimentOptions = {},
): Promise<ExperimentResult> {
  const started = performance.now();
  const recipe = resolveRecipe(taskName, opts);
  const task = makeTask(taskName, recipe.length);
  const cells = opts.cells ?? ['rnn', 'gru', 'lstm'];
  const seeds = opts.seeds ?? 3;
  const firstSeed = opts.firstSeed ?? 1;
  const testSet = heldOutSet(task, recipe.testSize);
  const flowBatch = task.batch(new Rng(777), 100);
  const horizon = Math.max(...testSet.map((b) => b.T)); // the longest lag the task can ask for
  const runs: ExperimentResult['runs'] = [];
  const flows: CellGradientFlow[] = [];
  for (const cell of cells) {
    for (let i = 0; i < seeds; i++) {
      const seed = firstSeed + i;
      let untrained: Float64Array | undefined;
      if (i === 0 && opts.skipGradientFlow !== true) {
        const fresh = new TaskModel(k, task, {
          cell,
          hiddenSize: recipe.hiddenSize,
          forgetBias: recipe.forgetBias,
          horizon,
        });
        fresh.init(new Rng(seed)); // the same draw trainOnTask starts from
        untrained = gradientFlow(fresh, flowBatch).norms;
      }
      const { model, ...run } = await trainOnTask(k, task, testSet, {
        ...recipe,
        horizon,
        cell,
        seed,
        onEval: (point) => opts.onEval?.({ cell, seed }, point),
      });
      runs.push(run);
      if (untrained !== undefined) flows.push({ cell, untrained, trained: gradientFlow(model, flowBatch).norms });
    }
  }
  return { task, taskName, recipe, runs, gradientFlow: flows, seconds: (performance.now() - started) / 1000 };
}
