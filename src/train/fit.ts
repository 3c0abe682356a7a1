/**
 * The training loop of a language model: for every update
 *   window (T, B) → zero grads → forward (state carried) → loss → backward → clip → step
 * and every `evalEvery` updates a validation pass and a checkpoint. Runs until a step or time
 * budget is spent or the AbortSignal fires; yields to the event loop between updates so a
 * program stays responsive (Ctrl-C, progress output) while it trains.
 */

import { splitText, TextStream } from '../data/text-stream.js';
import { ConfigError, checkInteger, checkNumber, DataError, DivergenceError } from '../errors.js';
import type { Floats } from '../kernels/index.js';
import type { Evaluation, LanguageModel } from '../models/language-model.js';
import { clipGradNorm } from '../optim/clip.js';
import { createOptimizer, type Optimizer, type OptimizerConfig, resolveOptimizerConfig } from '../optim/optimizers.js';
import { checkSchedule, learningRateAt, type Schedule } from '../optim/schedule.js';
import { Rng } from '../rng.js';
import { hashText, type TrainingRecipe, type TrainingState, type TrainingTensors } from './state.js';

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
  /** Continue from the model's saved training state (model.training). */
  resume?: boolean;
  corpusName?: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Called with the model (its `training` state current) at every evaluation and at the end. */
  onCheckpoint?: (model: LanguageModel) => void | Promise<void>;
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
}

function resolveRecipe(opts: FitOptions): TrainingRecipe {
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

/** The training state of `model` plus its arrays, created fresh or taken from model.training. */
interface Session {
  state: TrainingState;
  optimizer: Optimizer;
  rng: Rng;
  h: Floats;
  c: Floats;
}

function startSession(model: LanguageModel, recipe: TrainingRecipe, train: string, opts: FitOptions): Session {
  const k = model.kernels;
  const { numLayers: L, hiddenSize: H } = model.config;
  const size = L * recipe.batchSize * H;
  const optimizer = createOptimizer(k, model.arena, recipe.optimizer);
  const corpus = {
    characters: train.length,
    hash: hashText(train),
    ...(opts.corpusName === undefined ? {} : { name: opts.corpusName }),
  };
  const saved = model.training;
  if (opts.resume === true && saved !== undefined) {
    const { state, tensors } = saved;
    if (state.corpus.hash !== corpus.hash) {
      opts.onWarning?.(
        `resuming on a different training text than the run started with (${state.corpus.characters} vs ${corpus.characters} characters); the data position carries over.`,
      );
    }
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
    const h = k.alloc(size);
    const c = k.alloc(size);
    if (tensors.h.length === size) {
      h.set(tensors.h);
      c.set(tensors.c);
    }
    const rng = new Rng(1);
    rng.setState(state.rng);
    return { state: { ...state, corpus }, optimizer, rng, h, c };
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
  return { state, optimizer, rng, h: k.alloc(size), c: k.alloc(size) };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Train `model` on `text` (its last validationFraction held out). With `resume`, the recipe
 * stored in model.training wins over the options, except the budgets and callbacks.
 */
export async function fit(model: LanguageModel, text: string, opts: FitOptions = {}): Promise<FitResult> {
  const resuming = opts.resume === true && model.training !== undefined;
  if (opts.resume === true && model.training === undefined) {
    throw new ConfigError(
      'fit',
      'resume was asked for, but the model holds no training state.',
      'the file was saved without training state; start a new run instead.',
    );
  }
  const recipe = resuming ? (model.training as { state: TrainingState }).state.recipe : resolveRecipe(opts);
  const maxSteps = opts.maxSteps === undefined ? undefined : checkInteger('fit', 'maxSteps', opts.maxSteps, 0);
  const maxSeconds =
    opts.maxSeconds === undefined ? undefined : checkNumber('fit', 'maxSeconds', opts.maxSeconds, 0, Number.MAX_VALUE);
  if (maxSteps === undefined && maxSeconds === undefined) {
    throw new ConfigError('fit', 'needs a budget: maxSteps, maxSeconds or both.');
  }
  const evalEvery = checkInteger('fit', 'evalEvery', opts.evalEvery ?? 0, 0);
  if (text.length < 2) throw new DataError('fit', 'the training text has fewer than 2 characters.');
  const { train, validation } = splitText(text, recipe.validationFraction);
  const k = model.kernels;
  const T = recipe.seqLength;
  const B = recipe.batchSize;
  const tokens = model.vocab.encode(train);
  const stream = new TextStream(tokens, B, T);
  const valText = validation.length >= 2 ? validation : undefined;
  const session = startSession(model, recipe, train, opts);
  const { state, optimizer } = session;
  const net = model.network;
  const started = performance.now();
  const elapsedBefore = state.elapsedSeconds;
  const seconds = (): number => (performance.now() - started) / 1000;
  let lossSum = 0;
  let lossCount = 0;
  let lastLoss = Number.NaN;
  let lastGoodLoss: number | undefined;
  let lastValidation: Evaluation | undefined;
  let lastGradNorm = 0;
  let stoppedBy: FitResult['stoppedBy'] = 'steps';
  let lastReport = performance.now();
  let stepsAtReport = state.step;

  const saveState = (): void => {
    state.elapsedSeconds = elapsedBefore + seconds();
    state.optimizerSteps = optimizer.stepCount;
    state.rng = session.rng.getState();
    const tensors: TrainingTensors = { optimizer: optimizer.state(), h: session.h, c: session.c };
    model.training = { state, tensors };
  };

  const evaluate = async (final: boolean): Promise<void> => {
    if (valText !== undefined) {
      lastValidation = model.evaluate(
        valText,
        final || opts.evalChars === undefined ? {} : { maxChars: opts.evalChars },
      );
    }
    state.history.push({
      step: state.step,
      trainLoss: lastLoss,
      ...(lastValidation === undefined ? {} : { validationNats: lastValidation.nats }),
      seconds: elapsedBefore + seconds(),
    });
    saveState();
    report('eval');
    await opts.onCheckpoint?.(model);
    // the next speed report measures training only, not this pass
    lastReport = performance.now();
    stepsAtReport = state.step;
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
      learningRate: learningRateAt(recipe.schedule, recipe.learningRate, state.step),
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

  for (;;) {
    if (maxSteps !== undefined && state.step >= maxSteps) break;
    if (maxSeconds !== undefined && seconds() >= maxSeconds) {
      stoppedBy = 'time';
      break;
    }
    if (opts.signal?.aborted === true) {
      stoppedBy = 'abort';
      break;
    }
    const window = stream.window(state.step);
    if (window.index === 0) {
      // a new epoch starts every stream at its beginning: forget the carried state
      session.h.fill(0);
      session.c.fill(0);
    }
    model.arena.zeroGrads();
    const { logits, hN, cN } = net.forward(window.inputs, T, B, session.h, session.c);
    const loss = net.loss(window.targets, logits);
    if (!Number.isFinite(loss))
      throw new DivergenceError(
        state.step + 1,
        loss,
        lastGoodLoss,
        'lower the learning rate or the clip value; the last checkpoint is unchanged.',
      );
    net.backward();
    lastGradNorm = clipGradNorm(k, model.arena, recipe.clip);
    if (!Number.isFinite(lastGradNorm))
      throw new DivergenceError(
        state.step + 1,
        lastGradNorm,
        lastGoodLoss,
        'the gradient norm is not finite; lower the learning rate.',
      );
    optimizer.step(learningRateAt(recipe.schedule, recipe.learningRate, state.step));
    // carry the final state (detached: no gradient crosses windows) into the next window
    session.h.set(hN);
    if (cN !== null) session.c.set(cN);
    state.step++;
    lastLoss = loss;
    lastGoodLoss = loss;
    lossSum += loss;
    lossCount++;
    if (performance.now() - lastReport > 250) report('step');
    if (evalEvery > 0 && state.step % evalEvery === 0) await evaluate(false);
    await yieldToEventLoop();
  }
  if (stoppedBy === 'abort') {
    // stopped by the user: save where we are at once, without a slow validation pass
    saveState();
    await opts.onCheckpoint?.(model);
    return { steps: state.step, stoppedBy, trainLoss: lastLoss, validation: lastValidation, seconds: seconds() };
  }
  // the final evaluation reads the whole validation text, unless this step was just evaluated so
  const lastRecord = state.history[state.history.length - 1];
  const periodicReadsAll = opts.evalChars === undefined || valText === undefined || valText.length <= opts.evalChars;
  const evaluatedFully = lastRecord !== undefined && lastRecord.step === state.step && periodicReadsAll;
  if (!evaluatedFully) await evaluate(true);
  return { steps: state.step, stoppedBy, trainLoss: lastLoss, validation: lastValidation, seconds: seconds() };
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
