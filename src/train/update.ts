/**
 * One update of a parameter arena, the same for every model:
 *   zero grads → forward + loss (task) → divergence check → backward (task) → clip by global norm
 *   → divergence check of the norm → optimizer step at the scheduled learning rate → afterUpdate (task)
 * The task supplies the model's two halves; the updater owns the optimizer, the clip, the
 * schedule and the divergence check, which names the update that went wrong (counted from 1).
 */
import { DivergenceError } from '../errors.js';
import type { Kernels } from '../kernels/index.js';
import { bytesPerValue, checkMemory } from '../nn/memory-budget.js';
import type { ParamArena } from '../nn/params.js';
import { type BatchShape, describeDrivers, trainingStepValues } from '../nn/workspace-estimate.js';
import { clipGradNorm } from '../optim/clip.js';
import { createOptimizer, type Optimizer, type OptimizerConfig } from '../optim/optimizers.js';
import { learningRateAt, type Schedule } from '../optim/schedule.js';

/** What a model supplies for one update on a batch of its kind. */
export interface UpdateTask<Batch> {
  /** Forward pass and loss of one batch: the mean loss, its gradient held for backward(). */
  forwardLoss(batch: Batch): number;
  /** Accumulate (+=) every parameter gradient from the last forwardLoss; omit when forwardLoss did it. */
  backward?(): void;
  /** After the optimizer step: e.g. carry a recurrent state on to the next batch. */
  afterUpdate?(): void;
}

export interface UpdateRecipe {
  learningRate: number;
  /** Learning rate per update (default constant). */
  schedule?: Schedule | undefined;
  /** Default Adam with PyTorch's settings. */
  optimizer?: OptimizerConfig | undefined;
  /** Bound on the global gradient norm; 0 for none. */
  clip: number;
  /** What to do about a divergence (ends the DivergenceError's message); a function is asked late. */
  divergenceHint?: string | (() => string) | undefined;
  /**
   * What the run's steps need beside the arena and the optimizer, for the memory budget checked
   * before the optimizer's state is allocated: the largest batch shapes a training step and an
   * evaluation run at, and whether the loop keeps a copy of the best weights (early stopping).
   */
  workspace?: TrainingWorkspace | undefined;
}

export interface TrainingWorkspace {
  /** The largest training batch (longest sequence T, batch size B), and any evaluation shape that runs on its own caches. */
  shapes: readonly BatchShape[];
  bestWeights?: boolean;
}

/** Values of optimizer state per parameter: Adam's m and v, SGD's momentum buffer. */
function optimizerSlots(config: OptimizerConfig | undefined): number {
  if (config === undefined || config.name !== 'sgd') return 2;
  return config.momentum === 0 ? 0 : 1;
}

/**
 * The memory budget of a training run (nn/memory-budget.ts): parameters, gradients, optimizer
 * state, the best-weights copy and one step's work buffers at every shape, refused above the limit
 * before the optimizer's state or any work buffer exists.
 */
export function checkTrainingMemory(kernels: Kernels, arena: ParamArena, recipe: UpdateRecipe): void {
  const value = bytesPerValue(kernels);
  const params = arena.size * value;
  const shapes = recipe.workspace?.shapes ?? [];
  const steps = shapes.reduce((sum, shape) => sum + trainingStepValues(arena.entries, shape), 0);
  checkMemory(
    'train',
    [
      { what: 'parameters', bytes: params },
      { what: 'gradients', bytes: params },
      { what: 'optimizer state', bytes: optimizerSlots(recipe.optimizer) * params },
      { what: 'best weights', bytes: recipe.workspace?.bestWeights === true ? params : 0 },
      { what: 'activations and work buffers', bytes: steps * value },
    ],
    `${arena.size} parameters and ${describeDrivers(arena.entries, shapes)}`,
  );
}

export interface UpdateResult {
  /** Updates done in total, this one included. */
  update: number;
  loss: number;
  /** The gradient norm before clipping. */
  gradNorm: number;
  learningRate: number;
}

export class Updater {
  readonly optimizer: Optimizer;
  /** Updates done so far (a resumed run starts from its saved count). */
  updates: number;
  /** The last finite loss, quoted when a later one is not. */
  lastGoodLoss: number | undefined;

  constructor(
    readonly kernels: Kernels,
    readonly arena: ParamArena,
    readonly recipe: UpdateRecipe,
    updatesDone = 0,
  ) {
    checkTrainingMemory(kernels, arena, recipe);
    this.optimizer = createOptimizer(kernels, arena, recipe.optimizer ?? { name: 'adam' });
    this.updates = updatesDone;
  }

  /** The learning rate of the next update. */
  get learningRate(): number {
    return learningRateAt(this.recipe.schedule ?? { kind: 'constant' }, this.recipe.learningRate, this.updates);
  }

  update<Batch>(task: UpdateTask<Batch>, batch: Batch): UpdateResult {
    this.arena.zeroGrads();
    const loss = task.forwardLoss(batch);
    if (!Number.isFinite(loss)) this.diverged(loss, '');
    task.backward?.();
    const gradNorm = clipGradNorm(this.kernels, this.arena, this.recipe.clip);
    if (!Number.isFinite(gradNorm)) this.diverged(gradNorm, 'the gradient norm is not finite; ');
    const learningRate = this.learningRate;
    this.optimizer.step(learningRate);
    this.updates++;
    this.lastGoodLoss = loss;
    task.afterUpdate?.();
    return { update: this.updates, loss, gradNorm, learningRate };
  }

  private diverged(value: number, what: string): never {
    const hint = this.recipe.divergenceHint;
    const advice = typeof hint === 'function' ? hint() : (hint ?? 'lower the learning rate or the clip bound.');
    throw new DivergenceError(this.updates + 1, value, this.lastGoodLoss, what + advice);
  }
}
