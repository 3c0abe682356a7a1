/**
 * How the classifier, the tagger and Seq2Seq train, on the shared engine (src/train/loop.ts): per
 * epoch, length-bucketed shuffled mini-batches (src/data/batches.ts), one update each (Adam,
 * clipped by global norm); after each epoch the validation loss, and the weights of the epoch with
 * the lowest one kept (early stopping with patience). Seeded: the same seed, data and backend give
 * the same weights. After every epoch a checkpoint (the optimizer's moments, the generator, the
 * early-stopping keeper, the history) can be taken; resuming from it gives the weights the
 * uninterrupted run would have given.
 */
import { ConfigError, checkInteger, checkNumber } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import type { ParamArena } from '../nn/params.js';
import { Rng } from '../rng.js';
import { lengthBatches } from '../data/batches.js';
import type { ClassWeights } from '../loss/class-weights.js';
import type { BatchShape } from '../nn/workspace-estimate.js';
import { checkSchedule, type Schedule } from '../optim/schedule.js';
import { BestWeights } from '../train/best-weights.js';
import { runTraining, type UpdateEvent } from '../train/loop.js';
import { Updater } from '../train/update.js';

export interface SequenceFitOptions {
  /** Passes over the training data at most (default 10). */
  epochs?: number | undefined;
  /** Sequences per update (default 32). */
  batchSize?: number | undefined;
  /** Adam's learning rate (default 2e-3). */
  learningRate?: number | undefined;
  /** Bound on the global gradient norm; 0 for none (default 1). */
  clip?: number | undefined;
  /** Stop after this many epochs without a lower validation loss (default 3). */
  patience?: number | undefined;
  /** Adam's L2 weight decay (default 0). */
  weightDecay?: number | undefined;
  /** Seeds the batch order and dropout (default 1). */
  seed?: number | undefined;
  /** Stop after this many seconds of training (checked after every update; default none). */
  maxSeconds?: number | undefined;
  /** The learning rate per update (default constant; src/optim/schedule.ts). */
  schedule?: Schedule | undefined;
  /** 'balanced' (w_k = N / (K·N_k)) or one positive number per class; default none. */
  classWeights?: ClassWeights | undefined;
  onEpoch?: ((record: EpochRecord) => void) | undefined;
  /** After every update (progress reports). */
  onUpdate?: ((e: UpdateEvent) => void) | undefined;
  /** After every whole epoch's evaluation: where training stands (write it beside the weights). */
  onCheckpoint?: ((checkpoint: SequenceCheckpoint) => void) | undefined;
  /**
   * Continue from a checkpoint (the weights must already be the checkpoint's): its recipe wins over
   * the options above, except epochs, maxSeconds and the callbacks.
   */
  resume?: SequenceCheckpoint | undefined;
}

/** What fixes a run's updates, kept in its checkpoints. */
export interface SequenceRecipe {
  batchSize: number;
  learningRate: number;
  clip: number;
  patience: number;
  weightDecay: number;
  seed: number;
  schedule: Schedule;
  /** The model's own training settings (Seq2Seq: labelSmoothing, scheduledSampling). */
  task?: Record<string, number> | undefined;
}

/** Where an epoch-wise run stands after a whole epoch. */
export interface SequenceTrainingState {
  recipe: SequenceRecipe;
  epochsDone: number;
  /** Updates done (the schedule's position). */
  updates: number;
  /** Adam's t. */
  optimizerSteps: number;
  /** The generator (batch order, dropout masks) after the last epoch. */
  rng: number[];
  /** Seconds of training over every run so far. */
  elapsedSeconds: number;
  history: FitHistory;
  /** Early stopping: the lowest validation loss (null before any) and evaluations since it. */
  bestLoss: number | null;
  sinceBest: number;
  /** How many training sequences the run read (a resumed run must read as many). */
  trainSequences: number;
}

export interface SequenceCheckpoint {
  state: SequenceTrainingState;
  /** The optimizer's moments by name ('m', 'v'), and the weights early stopping keeps. */
  tensors: { optimizer: Record<string, Floats>; best: Floats };
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches (nats). */
  trainLoss: number;
  /** Validation loss after the epoch (the training loss when there is no validation data). */
  validLoss: number;
  /** Seconds since fit began. */
  seconds: number;
}

export interface FitHistory {
  epochs: EpochRecord[];
  /** The epoch whose weights were kept. */
  bestEpoch: number;
}

export interface TrainHooks {
  /** Dropout on (training) or off (evaluation). */
  setTraining(training: boolean, rng: Rng): void;
  /** Forward and backward over one batch (indices into the training set); returns its mean loss. */
  step(batch: Int32Array): number;
  /** The loss on the validation data, NaN when there is none. */
  validate(): number;
  /** The longest validation sequence (validation runs in batches of up to 64 on the same caches). */
  validationLongest?: number;
}

export function trainLoop(
  where: string,
  k: Kernels,
  arena: ParamArena,
  trainLengths: ArrayLike<number>,
  opts: SequenceFitOptions,
  hooks: TrainHooks,
): FitHistory {
  const epochs = checkInteger(where, 'epochs', opts.epochs ?? 10, 1, 1e6);
  const saved = opts.resume;
  const recipe = saved?.state.recipe ?? resolveSequenceRecipe(where, opts);
  const { batchSize: B, learningRate, clip, patience, weightDecay } = recipe;
  const rng = new Rng(recipe.seed);
  if (saved !== undefined) rng.setState(saved.state.rng);
  let longest = 1;
  for (let i = 0; i < trainLengths.length; i++) longest = Math.max(longest, trainLengths[i] ?? 1);
  // sequences of their own lengths run the general cell; validation, batches of up to 64
  const shapes: BatchShape[] = [{ T: longest, B, variableLengths: true }];
  if (hooks.validationLongest !== undefined) {
    shapes.push({ T: hooks.validationLongest, B: 64, variableLengths: true, forwardOnly: true });
  }
  const updater = new Updater(
    k,
    arena,
    {
      learningRate,
      schedule: recipe.schedule,
      clip,
      optimizer: { name: 'adam', weightDecay },
      workspace: { shapes, bestWeights: true },
    },
    saved?.state.updates ?? 0,
  );
  const keeper = new BestWeights(arena, patience);
  const history: FitHistory = saved === undefined ? { epochs: [], bestEpoch: 0 } : structuredClone(saved.state.history);
  if (saved !== undefined) resumeFrom(where, saved, updater, keeper, trainLengths.length);
  const elapsedBefore = saved?.state.elapsedSeconds ?? 0;
  const members = Int32Array.from({ length: trainLengths.length }, (_, i) => i);
  // a run stopped mid-epoch (by time) is evaluated once more, so its last updates can be kept
  let updatedSinceEvaluation = false;
  runTraining(
    updater,
    {
      batches: () => {
        const batches = lengthBatches(trainLengths, members, B, rng);
        hooks.setTraining(true, rng);
        return batches;
      },
      // hooks.step runs forward, loss and backward in one
      forwardLoss: (batch) => hooks.step(batch),
      validate: () => {
        hooks.setTraining(false, rng);
        const valid = hooks.validate();
        return Number.isNaN(valid) ? undefined : valid;
      },
    },
    {
      maxEpochs: epochs,
      maxSeconds:
        opts.maxSeconds === undefined ? undefined : checkNumber(where, 'maxSeconds', opts.maxSeconds, 0, 1e9, true),
      evalEachEpoch: true,
      evalAtEnd: () => updatedSinceEvaluation,
      earlyStopping: keeper,
      epochsDone: saved?.state.epochsDone ?? 0,
      onUpdate: (e) => {
        updatedSinceEvaluation = true;
        opts.onUpdate?.(e);
      },
      onEvaluation: (e) => {
        const wholeEpoch = !e.final;
        updatedSinceEvaluation = false;
        const seconds = elapsedBefore + e.seconds;
        const record = { epoch: e.epoch, trainLoss: e.trainLoss, validLoss: e.validLoss, seconds };
        history.epochs.push(record);
        opts.onEpoch?.(record);
        if (e.best) history.bestEpoch = e.epoch;
        if (wholeEpoch && opts.onCheckpoint !== undefined) {
          opts.onCheckpoint({
            state: {
              recipe,
              epochsDone: e.epoch,
              updates: updater.updates,
              optimizerSteps: updater.optimizer.stepCount,
              rng: rng.getState(),
              elapsedSeconds: seconds,
              history: structuredClone(history),
              bestLoss: Number.isFinite(keeper.bestLoss) ? keeper.bestLoss : null,
              sinceBest: keeper.sinceBest,
              trainSequences: trainLengths.length,
            },
            tensors: { optimizer: updater.optimizer.state(), best: keeper.weights },
          });
        }
      },
    },
  );
  return history;
}

/** The recipe the options give, each checked. */
export function resolveSequenceRecipe(where: string, opts: SequenceFitOptions): SequenceRecipe {
  return {
    batchSize: checkInteger(where, 'batchSize', opts.batchSize ?? 32, 1, 1e6),
    learningRate: checkNumber(where, 'learningRate', opts.learningRate ?? 2e-3, 0, 10, true),
    clip: checkNumber(where, 'clip', opts.clip ?? 1, 0, 1e9),
    patience: checkInteger(where, 'patience', opts.patience ?? 3, 1, 1e6),
    weightDecay: checkNumber(where, 'weightDecay', opts.weightDecay ?? 0, 0, 10),
    seed: checkInteger(where, 'seed', opts.seed ?? 1, 0, 2 ** 32 - 1),
    schedule: opts.schedule === undefined ? { kind: 'constant' } : checkSchedule(opts.schedule),
  };
}

/** Put a checkpoint's optimizer state and early-stopping keeper in place. */
function resumeFrom(
  where: string,
  saved: SequenceCheckpoint,
  updater: Updater,
  keeper: BestWeights,
  trainSequences: number,
): void {
  const { state, tensors } = saved;
  const hint = 'resume with the data and model the checkpoint was trained on, or train without resuming.';
  if (state.trainSequences !== trainSequences) {
    throw new ConfigError(
      where,
      `the checkpoint was trained on ${state.trainSequences} training sequences; these data have ${trainSequences}.`,
      hint,
    );
  }
  const optimizer = updater.optimizer;
  optimizer.stepCount = state.optimizerSteps;
  for (const [name, arr] of Object.entries(optimizer.state())) {
    const kept = tensors.optimizer[name];
    if (kept?.length !== arr.length)
      throw new ConfigError(where, `the checkpoint's optimizer state lacks '${name}' of ${arr.length} values.`, hint);
    arr.set(kept);
  }
  if (tensors.best.length !== updater.arena.size)
    throw new ConfigError(
      where,
      `the checkpoint's best weights hold ${tensors.best.length} values; the model has ${updater.arena.size}.`,
      hint,
    );
  keeper.resumeFrom(state.bestLoss ?? Infinity, state.sinceBest, tensors.best);
}
