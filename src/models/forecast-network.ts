/**
 * The forecasting network and its training: an LSTM over the lookback window, its final state
 * read by a linear head that emits every horizon step of every target at every quantile at once
 * (direct multi-output), trained with the pinball loss on windows (src/data/windows.ts).
 *   x (L, B, F) → out (B, h, K, Q)
 * Training, on the shared engine (src/train/loop.ts): Adam, gradient clipping, shuffled
 * mini-batches each epoch, and the weights of the epoch with the lowest validation loss kept
 * (early stopping with patience).
 */
import { checkInteger, checkNumber, DataError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import { ParamArena, type ParamSpec } from '../nn/params.js';
import type { RecurrentOptions } from '../nn/recurrent.js';
import { RecurrentHead } from '../nn/recurrent-head.js';
import { Scratch } from '../nn/scratch.js';
import { Rng } from '../rng.js';
import { checkQuantiles, pinballLoss } from '../loss/pinball.js';
import { runTraining } from '../train/loop.js';
import { Updater } from '../train/update.js';
import type { WindowSet } from '../data/windows.js';

export interface ForecastNetworkShape {
  features: number; // F
  targets: number; // K
  horizon: number; // h
  quantiles: readonly number[]; // Q of them
  hiddenSize: number;
  numLayers: number;
  dropout: number;
}

export interface TrainForecastOptions {
  epochs?: number | undefined;
  batchSize?: number | undefined;
  learningRate?: number | undefined;
  clip?: number | undefined;
  patience?: number | undefined;
  seed?: number | undefined;
  onEpoch?: (e: { epoch: number; trainLoss: number; validLoss: number }) => void;
}

export class ForecastNetwork {
  readonly arena: ParamArena;
  readonly net: RecurrentHead;
  /** Kernel memory for the windows a call brings (the kernels refuse arrays from elsewhere). */
  private readonly scratch: Scratch;

  /** The recurrent stack's options and the head's outputs (h·K·Q) of a network of this shape. */
  private static layout(shape: ForecastNetworkShape): { opts: RecurrentOptions; outputs: number } {
    const opts = {
      kind: 'lstm' as const,
      inputSize: shape.features,
      hiddenSize: shape.hiddenSize,
      numLayers: shape.numLayers,
      dropout: shape.dropout,
      prefix: 'lstm.',
    };
    return { opts, outputs: shape.horizon * shape.targets * shape.quantiles.length };
  }

  /** The parameters of a network of this shape (a model file's tensors are checked against them). */
  static paramSpecs(shape: ForecastNetworkShape): ParamSpec[] {
    const { opts, outputs } = ForecastNetwork.layout(shape);
    return RecurrentHead.paramSpecs(opts, outputs);
  }

  constructor(
    private readonly k: Kernels,
    readonly shape: ForecastNetworkShape,
  ) {
    checkQuantiles(shape.quantiles);
    const { opts, outputs } = ForecastNetwork.layout(shape);
    this.arena = new ParamArena(k, RecurrentHead.paramSpecs(opts, outputs));
    this.net = new RecurrentHead(k, this.arena, opts, outputs);
    this.scratch = new Scratch(k);
  }

  /** x (L, B, F), any array (copied into kernel memory) → (B, h, K, Q), a view valid until the next call. */
  predict(x: Floats, L: number, B: number): Floats {
    this.net.recurrent.training = false;
    const inKernels = this.scratch.get('x', x.length);
    inKernels.set(x);
    return this.net.forward(inKernels, L, B, null, 'end');
  }

  /** Mean pinball loss over a window set (no gradients). */
  loss(w: WindowSet): number {
    if (w.B === 0) return Number.NaN;
    return pinballLoss(this.predict(w.x, w.L, w.B), w.y, this.shape.quantiles);
  }

  /** Train on `train`, keep the weights that score best on `valid`; returns the per-epoch losses. */
  fit(
    train: WindowSet,
    valid: WindowSet,
    opts: TrainForecastOptions = {},
  ): { epoch: number; trainLoss: number; validLoss: number }[] {
    const where = 'ForecastNetwork.fit';
    if (train.B === 0)
      throw new DataError(where, 'there is no complete training window; give more rows or a shorter lookback.');
    const epochs = checkInteger(where, 'epochs', opts.epochs ?? 200, 1, 1e6);
    const B = checkInteger(where, 'batchSize', opts.batchSize ?? 32, 1, 1e6);
    const lr = checkNumber(where, 'learningRate', opts.learningRate ?? 3e-3, 0, 10, true);
    const patience = checkInteger(where, 'patience', opts.patience ?? 20, 1, 1e6);
    const rng = new Rng(opts.seed ?? 1);
    this.net.recurrent.init(rng);
    this.net.head.init(rng);
    this.net.recurrent.setDropoutRng(rng);
    const clip = opts.clip ?? 1;
    const { L, F } = train;
    const updater = new Updater(this.k, this.arena, {
      learningRate: lr,
      clip,
      // training batches, and the validation windows all at once (forward only)
      workspace: {
        shapes: [
          { T: L, B: Math.min(B, train.B) },
          ...(valid.B > 0 ? [{ T: valid.L, B: valid.B, forwardOnly: true }] : []),
        ],
        bestWeights: true,
      },
    });
    const P = train.h * train.K;
    const Q = this.shape.quantiles.length;
    const history: { epoch: number; trainLoss: number; validLoss: number }[] = [];
    const order = Int32Array.from({ length: train.B }, (_, i) => i);
    let dOut: Floats = new Float32Array(0);
    runTraining(
      updater,
      {
        // shuffled windows each epoch, in mini-batches of B (the last may be smaller)
        *batches() {
          rng.shuffle(order);
          for (let start = 0; start < train.B; start += B) yield order.subarray(start, Math.min(train.B, start + B));
        },
        forwardLoss: (idx) => {
          // gather the batch: x (L, n, F) time-major, y (n, P)
          const n = idx.length;
          const x = this.scratch.get('batchX', L * n * F); // gathered straight into kernel memory
          const y = new Float32Array(n * P);
          idx.forEach((w, b) => {
            for (let s = 0; s < L; s++)
              x.set(train.x.subarray((s * train.B + w) * F, (s * train.B + w + 1) * F), (s * n + b) * F);
            y.set(train.y.subarray(w * P, (w + 1) * P), b * P);
          });
          this.net.recurrent.training = true;
          const out = this.net.forward(x, L, n, null, 'end');
          dOut = this.scratch.get('batchDOut', n * P * Q); // pinballLoss writes every element
          return pinballLoss(out, y, this.shape.quantiles, dOut);
        },
        backward: () => this.net.backward(dOut),
        validate: () => (valid.B > 0 ? this.loss(valid) : undefined),
      },
      {
        maxEpochs: epochs,
        evalEachEpoch: true,
        patience,
        onEvaluation: (e) => {
          const record = { epoch: e.epoch, trainLoss: e.trainLoss, validLoss: e.validLoss };
          history.push(record);
          opts.onEpoch?.(record);
        },
      },
    );
    return history;
  }
}
