/**
 * How a language model trains, on the shared engine (src/train/loop.ts): for every update
 *   window (T, B) → zero grads → forward (state carried) → loss → backward → clip → step
 * and every `evalEvery` updates a validation pass and a checkpoint. Runs until a step or time
 * budget is spent or the AbortSignal fires; yields to the event loop between updates so a
 * program stays responsive (Ctrl-C, progress output) while it trains. The training state travels
 * beside the model: fit returns it, onCheckpoint receives it, `resume` takes it back.
 */

import { splitText, TextStream, type Window } from '../data/text-stream.js';
import { ConfigError, checkInteger, checkNumber, DataError } from '../errors.js';
import type { Floats } from '../kernels/index.js';
import type { Evaluation, LanguageModel } from './language-model.js';
import { type OptimizerConfig, resolveOptimizerConfig } from '../optim/optimizers.js';
import { checkSchedule, type Schedule } from '../optim/schedule.js';
import { Rng } from '../rng.js';
import { type LoopOptions, type LoopResult, runTrainingAsync, type TrainingTask } from '../train/loop.js';
import { hashText, type TrainingCheckpoint, type TrainingRecipe, type TrainingState } from '../train/state.js';
import { Updater } from '../train/update.js';

export interface FitOptions {
  seqLength?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: OptimizerConfig;
  schedule?: Schedule;
  clip?: number;
  /** Fraction of the text held out at its end for validation (default 0.1; 0 = none). */
  validationFraction?: number;
  seed?: number;
  /** Stop when this many updates have been done in total (counting resumed ones). */
  maxSteps?: number;
  /** Stop after this many seconds of this call. */
  maxSeconds?: number;
  /** Validate (and checkpoint) every N updates; 0 = only at the end. */
  evalEvery?: number;
  /** Cap on validation characters for the periodic passes (the final pass reads them all). */
  evalChars?: number;
  /** Continue from this training state (a FitResult's or loadCheckpoint's `training`). */
  resume?: TrainingCheckpoint | undefined;
  corpusName?: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Called with the model and its current training state at every evaluation and at the end. */
  onCheckpoint?: (model: LanguageModel, training: TrainingCheckpoint) => void | Promise<void>;
  onWarning?: (message: string) => void;
}

export interface Progress {
  kind: 'step' | 'eval';
  step: number;
  totalSteps: number | undefined;
  epoch: number;
  /** Mean training loss (nats/char) over the updates since the last report. */
  loss: number;
  learningRate: number;
  gradNorm: number;
  charsPerSecond: number;
  elapsedSeconds: number;
  secondsLeft: number | undefined;
  validation?: Evaluation;
}

export interface FitResult {
  steps: number;
  stoppedBy: 'steps' | 'time' | 'abort';
  trainLoss: number;
  validation: Evaluation | undefined;
  seconds: number;
  /** Where training stands: write it with the model (encodeModel(model, { training })) or resume from it. */
  training: TrainingCheckpoint;
}

/** The recipe of fit's options, every field checked (a checkpoint's stored recipe is held to the same ranges). */
export function resolveRecipe(opts: FitOptions): TrainingRecipe {
  const where = 'fit';
  return {
    seqLength: checkInteger(where, 'seqLength', opts.seqLength ?? 50, 1, 100000),
    batchSize: checkInteger(where, 'batchSize', opts.batchSize ?? 50, 1, 100000),
    learningRate: checkNumber(where, 'learningRate', opts.learningRate ?? 2e-3, 0, 10, true),
    optimizer: resolveOptimizerConfig(opts.optimizer ?? { name: 'adam' }),
    schedule: checkSchedule(opts.schedule ?? { kind: 'constant' }),
    clip: checkNumber(where, 'clip', opts.clip ?? 5, 0, Number.MAX_VALUE),
    validationFraction: checkNumber(where, 'validationFraction', opts.validationFraction ?? 0.1, 0, 0.9),
    seed: checkInteger(where, 'seed', opts.seed ?? 1, 0, 4294967295),
  };
}

/** The training state of a run plus its live arrays, created fresh or taken from a checkpoint. */
interface Session {
  state: TrainingState;
  updater: Updater;
  rng: Rng;
  /** The recurrent state carried from window to window. */
  h: Floats;
  c: Floats | null;
}

/**
 * The recurrent state carried between windows for batch B: h (L, B, R) and c (L, B, H), c null
 * for cells without one. The widths are asked of the model in this one place: a network whose
 * layers report other widths (a projection R ≠ H, a GRU without c) changes only this function.
 */
function carriedState(model: LanguageModel, B: number): { h: Floats; c: Floats | null } {
  const sizes = model.network.stateSizes(B);
  return { h: model.kernels.alloc(sizes.h), c: sizes.c === 0 ? null : model.kernels.alloc(sizes.c) };
}

function startSession(
  model: LanguageModel,
  recipe: TrainingRecipe,
  train: string,
  opts: FitOptions,
  saved: TrainingCheckpoint | undefined,
  validationChars: number,
): Session {
  const { h, c } = carriedState(model, recipe.batchSize);
  const corpus = {
    characters: train.length,
    hash: hashText(train),
    ...(opts.corpusName === undefined ? {} : { name: opts.corpusName }),
  };
  const updater = new Updater(
    model.kernels,
    model.arena,
    {
      learningRate: recipe.learningRate,
      schedule: recipe.schedule,
      optimizer: recipe.optimizer,
      clip: recipe.clip,
      divergenceHint: 'lower the learning rate or the clip value; the last checkpoint is unchanged.',
      // one training window, and the validation pass's chunk (evaluate's 1000 steps at batch 1)
      workspace: {
        shapes: [
          { T: recipe.seqLength, B: recipe.batchSize },
          ...(validationChars >= 2 ? [{ T: Math.min(1000, validationChars), B: 1, forwardOnly: true }] : []),
        ],
      },
    },
    saved?.state.step ?? 0,
  );
  if (saved !== undefined) {
    const { state, tensors } = saved;
    if (state.corpus.hash !== corpus.hash) {
      opts.onWarning?.(
        `resuming on a different training text than the run started with (${state.corpus.characters} vs ${corpus.characters} characters); the data position carries over.`,
      );
    }
    const optimizer = updater.optimizer;
    optimizer.stepCount = state.optimizerSteps;
    for (const [name, arr] of Object.entries(optimizer.state())) {
      const savedArr = tensors.optimizer[name];
      if (savedArr === undefined || savedArr.length !== arr.length) {
        throw new ConfigError(
          'fit',
          `the saved optimizer state lacks '${name}' of ${arr.length} values.`,
          'the file may come from another optimizer; train without --resume.',
        );
      }
      arr.set(savedArr);
    }
    if (tensors.h.length !== h.length || (tensors.c?.length ?? 0) !== (c?.length ?? 0)) {
      throw new ConfigError(
        'fit',
        `the saved carried state holds ${tensors.h.length} (h) and ${tensors.c?.length ?? 0} (c) values; this network carries ${h.length} and ${c?.length ?? 0}.`,
        'the checkpoint belongs to a network of another shape; train without --resume.',
      );
    }
    h.set(tensors.h);
    if (c !== null && tensors.c !== null) c.set(tensors.c);
    const rng = new Rng(1);
    rng.setState(state.rng);
    return { state: { ...state, corpus, history: [...state.history] }, updater, rng, h, c };
  }
  const rng = new Rng(recipe.seed);
  const state: TrainingState = {
    recipe,
    step: 0,
    optimizerSteps: 0,
    rng: rng.getState(),
    elapsedSeconds: 0,
    corpus,
    history: [],
  };
  return { state, updater, rng, h, c };
}

/**
 * Train `model` on `text` (its last validationFraction held out), on the shared engine
 * (src/train/loop.ts). With `resume`, the recipe stored in the checkpoint wins over the options,
 * except the budgets and callbacks. The training state comes back beside the model (result.training).
 */
export async function fit(model: LanguageModel, text: string, opts: FitOptions = {}): Promise<FitResult> {
  const saved = opts.resume;
  const recipe = saved === undefined ? resolveRecipe(opts) : saved.state.recipe;
  const maxSteps = opts.maxSteps === undefined ? undefined : checkInteger('fit', 'maxSteps', opts.maxSteps, 0);
  const maxSeconds =
    opts.maxSeconds === undefined ? undefined : checkNumber('fit', 'maxSeconds', opts.maxSeconds, 0, Number.MAX_VALUE);
  if (maxSteps === undefined && maxSeconds === undefined) {
    throw new ConfigError('fit', 'needs a budget: maxSteps, maxSeconds or both.');
  }
  const evalEvery = checkInteger('fit', 'evalEvery', opts.evalEvery ?? 0, 0);
  if (text.length < 2) throw new DataError('fit', 'the training text has fewer than 2 characters.');
  const { train, validation } = splitText(text, recipe.validationFraction);
  const T = recipe.seqLength;
  const B = recipe.batchSize;
  const tokens = model.vocab.encode(train);
  const stream = new TextStream(tokens, B, T);
  const valText = validation.length >= 2 ? validation : undefined;
  const session = startSession(model, recipe, train, opts, saved, validation.length);
  const { state, updater, h, c } = session;
  const net = model.network;
  // dropout (when the model has any) draws its masks from the run's generator, which checkpoints
  // store, so a resumed run draws the masks the uninterrupted run would have drawn
  net.training = true;
  net.setDropoutRng(session.rng);
  const started = performance.now();
  const elapsedBefore = state.elapsedSeconds;
  const seconds = (): number => (performance.now() - started) / 1000;
  let lossSum = 0;
  let lossCount = 0;
  let lastLoss = Number.NaN;
  let lastValidation: Evaluation | undefined;
  let lastGradNorm = 0;
  let lastReport = performance.now();
  let stepsAtReport = state.step;

  const checkpoint = (): TrainingCheckpoint => {
    state.elapsedSeconds = elapsedBefore + seconds();
    state.optimizerSteps = updater.optimizer.stepCount;
    state.rng = session.rng.getState();
    return { state, tensors: { optimizer: updater.optimizer.state(), h, c } };
  };

  const report = (kind: Progress['kind']): void => {
    if (opts.onProgress === undefined) return;
    const now = performance.now();
    const stepsDone = state.step - stepsAtReport;
    const rate = stepsDone > 0 ? (stepsDone * T * B) / ((now - lastReport) / 1000) : 0;
    const left = secondsLeft(state.step, maxSteps, maxSeconds, seconds(), rate / (T * B));
    opts.onProgress({
      kind,
      step: state.step,
      totalSteps: maxSteps,
      epoch: Math.floor(state.step / stream.windowsPerEpoch),
      loss: lossCount > 0 ? lossSum / lossCount : lastLoss,
      learningRate: updater.learningRate,
      gradNorm: lastGradNorm,
      charsPerSecond: rate,
      elapsedSeconds: elapsedBefore + seconds(),
      secondsLeft: left,
      ...(kind === 'eval' && lastValidation !== undefined ? { validation: lastValidation } : {}),
    });
    if (kind === 'step') {
      lastReport = now;
      stepsAtReport = state.step;
      lossSum = 0;
      lossCount = 0;
    }
  };

  // the final state of a window (detached: no gradient crosses windows) starts the next one
  let carried: { hN: Floats; cN: Floats | null } | undefined;
  const task: TrainingTask<Window> = {
    // the window of every update follows from the update count, so a resumed run continues in place
    *batches() {
      for (;;) yield stream.window(updater.updates);
    },
    forwardLoss: (window) => {
      if (window.index === 0) {
        // a new epoch starts every stream at its beginning: forget the carried state
        h.fill(0);
        c?.fill(0);
      }
      const { logits, hN, cN } = net.forward(window.inputs, T, B, h, c);
      carried = { hN, cN };
      return net.loss(window.targets, logits);
    },
    backward: () => {
      net.backward();
    },
    afterUpdate: () => {
      const { hN, cN } = carried as { hN: Floats; cN: Floats | null };
      h.set(hN);
      if (c !== null && cN !== null) c.set(cN);
    },
    validate: (final) => {
      if (valText === undefined) return undefined;
      lastValidation = model.evaluate(
        valText,
        final || opts.evalChars === undefined ? {} : { maxChars: opts.evalChars },
      );
      return lastValidation.nats;
    },
  };

  const loopOptions: LoopOptions = {
    maxUpdates: maxSteps,
    maxSeconds,
    signal: opts.signal,
    evalEvery,
    // the final evaluation reads the whole validation text, unless this step was just evaluated so
    evalAtEnd: () => {
      const lastRecord = state.history[state.history.length - 1];
      const periodicReadsAll =
        opts.evalChars === undefined || valText === undefined || valText.length <= opts.evalChars;
      return !(lastRecord !== undefined && lastRecord.step === state.step && periodicReadsAll);
    },
    onUpdate: (e) => {
      state.step = e.update;
      lastLoss = e.loss;
      lastGradNorm = e.gradNorm;
      lossSum += e.loss;
      lossCount++;
      if (performance.now() - lastReport > 250) report('step');
    },
    onEvaluation: async () => {
      state.history.push({
        step: state.step,
        trainLoss: lastLoss,
        ...(lastValidation === undefined ? {} : { validationNats: lastValidation.nats }),
        seconds: elapsedBefore + seconds(),
      });
      const training = checkpoint();
      report('eval');
      await opts.onCheckpoint?.(model, training);
      // the next speed report measures training only, not this pass
      lastReport = performance.now();
      stepsAtReport = state.step;
    },
  };
  let run: LoopResult;
  try {
    run = await runTrainingAsync(updater, task, loopOptions);
  } finally {
    net.training = false; // no dropout outside training, even when the run failed
  }
  const stoppedBy: FitResult['stoppedBy'] = run.stoppedBy === 'updates' ? 'steps' : (run.stoppedBy as 'time' | 'abort');
  const training = checkpoint();
  // stopped by the user: save where we are at once, without a slow validation pass
  if (stoppedBy === 'abort') await opts.onCheckpoint?.(model, training);
  return {
    steps: state.step,
    stoppedBy,
    trainLoss: lastLoss,
    validation: lastValidation,
    seconds: seconds(),
    training,
  };
}

function secondsLeft(
  step: number,
  maxSteps: number | undefined,
  maxSeconds: number | undefined,
  elapsed: number,
  stepsPerSecond: number,
): number | undefined {
  const byTime = maxSeconds === undefined ? undefined : Math.max(0, maxSeconds - elapsed);
  const bySteps =
    maxSteps === undefined || stepsPerSecond <= 0 ? undefined : Math.max(0, (maxSteps - step) / stepsPerSecond);
  if (byTime === undefined) return bySteps;
  if (bySteps === undefined) return byTime;
  return Math.min(byTime, bySteps);
}
