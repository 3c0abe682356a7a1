/**
 * How the classifier and the tagger train, on the shared engine (src/train/loop.ts): per epoch,
 * length-bucketed shuffled mini-batches (src/data/batches.ts), one update each (Adam, clipped
 * by global norm); after each epoch the validation loss, and the weights of the epoch with the
 * lowest one kept (early stopping with patience). Seeded: the same seed, data and backend give the
 * same weights.
 */
import { checkInteger, checkNumber } from '../errors.js';
import type { Kernels } from '../kernels/index.js';
import type { ParamArena } from '../nn/params.js';
import { Rng } from '../rng.js';
import { lengthBatches } from '../data/batches.js';
import type { ClassWeights } from '../loss/class-weights.js';
import type { BatchShape } from '../nn/workspace-estimate.js';
import { checkSchedule, type Schedule } from '../optim/schedule.js';
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
  const B = checkInteger(where, 'batchSize', opts.batchSize ?? 32, 1, 1e6);
  const learningRate = checkNumber(where, 'learningRate', opts.learningRate ?? 2e-3, 0, 10, true);
  const clip = checkNumber(where, 'clip', opts.clip ?? 1, 0, 1e9);
  const patience = checkInteger(where, 'patience', opts.patience ?? 3, 1, 1e6);
  const weightDecay = checkNumber(where, 'weightDecay', opts.weightDecay ?? 0, 0, 10);
  const rng = new Rng(checkInteger(where, 'seed', opts.seed ?? 1, 0, 2 ** 32 - 1));
  let longest = 1;
  for (let i = 0; i < trainLengths.length; i++) longest = Math.max(longest, trainLengths[i] ?? 1);
  // sequences of their own lengths run the general cell; validation, batches of up to 64
  const shapes: BatchShape[] = [{ T: longest, B, variableLengths: true }];
  if (hooks.validationLongest !== undefined) {
    shapes.push({ T: hooks.validationLongest, B: 64, variableLengths: true, forwardOnly: true });
  }
  const updater = new Updater(k, arena, {
    learningRate,
    schedule: opts.schedule === undefined ? undefined : checkSchedule(opts.schedule),
    clip,
    optimizer: { name: 'adam', weightDecay },
    workspace: { shapes, bestWeights: true },
  });
  const members = Int32Array.from({ length: trainLengths.length }, (_, i) => i);
  const history: FitHistory = { epochs: [], bestEpoch: 0 };
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
      onUpdate: opts.onUpdate,
      patience,
      onEvaluation: (e) => {
        const record = { epoch: e.epoch, trainLoss: e.trainLoss, validLoss: e.validLoss, seconds: e.seconds };
        history.epochs.push(record);
        opts.onEpoch?.(record);
        if (e.best) history.bestEpoch = e.epoch;
      },
    },
  );
  return history;
}
