/**
 * Validation of a checkpoint's training state: the `training` JSON (every field present, of the
 * right kind and in range: a learning rate > 0, a clip ≥ 0, whole step counts that agree with each
 * other and with the history …) and the training tensors beside the weights (the optimizer's
 * moments, the ones its kind keeps and one per parameter; the carried state, (L, B, width) of the
 * recipe's batch size and the network's widths). A damaged field is a ModelFileError naming it,
 * never a divergence or an empty text later on.
 */
import { LstmError, ModelFileError } from '../errors.js';
import { type FitOptions, resolveRecipe } from '../models/fit-language-model.js';
import { resolveOptimizerConfig } from '../optim/optimizers.js';
import { checkSchedule, type Schedule } from '../optim/schedule.js';
import type { TrainingState, TrainingTensors } from '../train/state.js';
import {
  booleanField,
  choiceField,
  countField,
  fieldError,
  isObject,
  numberField,
  objectField,
  rngStateField,
} from './header-fields.js';
import type { TensorRecord } from './safetensors.js';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;
const OPTIMIZER_NAMES = ['adam', 'adamw', 'sgd'] as const;

/** A check that may throw a ConfigError (the optimizer's, the schedule's) as a ModelFileError naming `field`. */
function asFileField<T>(where: string, field: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof LstmError)) throw e;
    throw new ModelFileError(where, `${field} is invalid: ${e.message}`, 'the checkpoint is damaged.');
  }
}

function checkRecipe(where: string, raw: unknown): void {
  const recipe = objectField(where, 'training.recipe', raw);
  const f = (key: string): string => `training.recipe.${key}`;
  countField(where, f('seqLength'), recipe.seqLength, 1, 1 << 24);
  countField(where, f('batchSize'), recipe.batchSize, 1, 1 << 24);
  numberField(where, f('learningRate'), recipe.learningRate, { min: 0, minExclusive: true });
  numberField(where, f('clip'), recipe.clip, { min: 0 });
  numberField(where, f('validationFraction'), recipe.validationFraction, { min: 0, max: 1, maxExclusive: true });
  countField(where, f('seed'), recipe.seed, 0, 2 ** 32 - 1);
  const optimizer = objectField(where, f('optimizer'), recipe.optimizer);
  choiceField(where, f('optimizer.name'), optimizer.name, OPTIMIZER_NAMES);
  for (const key of ['beta1', 'beta2', 'eps', 'weightDecay', 'momentum'])
    numberField(where, f(`optimizer.${key}`), optimizer[key]);
  booleanField(where, f('optimizer.nesterov'), optimizer.nesterov);
  // the ranges the optimizer itself requires, checked by the optimizer's own rule
  asFileField(where, f('optimizer'), () => resolveOptimizerConfig(optimizer as never));
  const schedule = objectField(where, f('schedule'), recipe.schedule);
  asFileField(where, f('schedule'), () => checkSchedule(schedule as unknown as Schedule));
  // the ranges fit holds its options to (a sequence length, batch, rate or split fit would refuse)
  asFileField(where, 'training.recipe', () => resolveRecipe(recipe as FitOptions));
}

function checkHistory(where: string, raw: unknown, step: number): void {
  if (!Array.isArray(raw)) throw fieldError(where, 'training.history', 'a list', raw);
  let previous = 0;
  raw.forEach((record: unknown, i) => {
    const field = `training.history[${i}]`;
    if (!isObject(record)) throw fieldError(where, field, 'an object', record);
    const at = countField(where, `${field}.step`, record.step, 1, MAX_COUNT);
    // two records may share a step: a periodic evaluation on part of the validation text, then
    // the final one on all of it
    if (at < previous || at > step)
      throw fieldError(
        where,
        `${field}.step`,
        `at or after the record before (${previous}) and at most training.step (${step})`,
        at,
      );
    previous = at;
    numberField(where, `${field}.trainLoss`, record.trainLoss, { min: 0 });
    if (record.validationNats !== undefined)
      numberField(where, `${field}.validationNats`, record.validationNats, { min: 0 });
    numberField(where, `${field}.seconds`, record.seconds, { min: 0 });
  });
}

/** The `training` entry of a checkpoint, every field checked. */
export function checkTrainingState(where: string, raw: unknown): TrainingState {
  const s = objectField(where, 'training', raw);
  checkRecipe(where, s.recipe);
  const step = countField(where, 'training.step', s.step, 0, MAX_COUNT);
  // every update steps the optimizer once, so the two counts agree
  const optimizerSteps = countField(where, 'training.optimizerSteps', s.optimizerSteps, 0, MAX_COUNT);
  if (optimizerSteps !== step)
    throw fieldError(
      where,
      'training.optimizerSteps',
      `training.step (${step}): one optimizer step per update`,
      optimizerSteps,
    );
  numberField(where, 'training.elapsedSeconds', s.elapsedSeconds, { min: 0 });
  rngStateField(where, 'training.rng', s.rng);
  const corpus = objectField(where, 'training.corpus', s.corpus);
  countField(where, 'training.corpus.characters', corpus.characters, 0, MAX_COUNT);
  if (typeof corpus.hash !== 'string' || !/^[0-9a-f]{8}$/.test(corpus.hash))
    throw fieldError(where, 'training.corpus.hash', '8 hex digits', corpus.hash);
  if (corpus.name !== undefined && typeof corpus.name !== 'string')
    throw fieldError(where, 'training.corpus.name', 'a string', corpus.name);
  checkHistory(where, s.history, step);
  return s as unknown as TrainingState;
}

/** What the training tensors must match: the network they belong to. */
export interface TrainingTensorShape {
  parameters: number; // P, the arena's size
  numLayers: number; // L
  /** The carried h's width (R: the projection size, or H). */
  hWidth: number;
  /** The carried c's width (H), or null for a cell without c. */
  cWidth: number | null;
}

/** The optimizer state each optimizer keeps (Optimizer.state()'s names). */
const MOMENTS: Record<(typeof OPTIMIZER_NAMES)[number], string[]> = {
  adam: ['m', 'v'],
  adamw: ['m', 'v'],
  sgd: ['momentum'],
};

export const TRAINING_TENSOR_PREFIX = 'training.';

/** The training tensors of a checkpoint whose state is `state`, checked against the network. */
export function checkTrainingTensors(
  where: string,
  state: TrainingState,
  tensors: Map<string, TensorRecord>,
  net: TrainingTensorShape,
): TrainingTensors {
  const moments = MOMENTS[state.recipe.optimizer.name];
  const expected = new Map<string, number[]>();
  for (const name of moments) expected.set(`training.optimizer.${name}`, [net.parameters]);
  const B = state.recipe.batchSize;
  expected.set('training.h', [net.numLayers, B, net.hWidth]);
  if (net.cWidth !== null) expected.set('training.c', [net.numLayers, B, net.cWidth]);
  for (const name of tensors.keys()) {
    if (name.startsWith(TRAINING_TENSOR_PREFIX) && !expected.has(name))
      throw new ModelFileError(
        where,
        `tensor '${name.slice(0, 80)}' does not belong to a ${state.recipe.optimizer.name} checkpoint of this network (it keeps ${[...expected.keys()].join(', ')}).`,
        'the checkpoint is damaged.',
      );
  }
  const read = (name: string): Float32Array | Float64Array => {
    const shape = expected.get(name) as number[];
    const t = tensors.get(name);
    if (t === undefined)
      throw new ModelFileError(where, `the checkpoint lacks tensor '${name}'.`, 'the checkpoint is damaged.');
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      throw new ModelFileError(
        where,
        `tensor '${name}' has shape [${t.shape.join(', ')}]; this network with batch size ${B} needs [${shape.join(', ')}].`,
        'the checkpoint is damaged.',
      );
    if (!t.data.every(Number.isFinite))
      throw new ModelFileError(where, `tensor '${name}' holds NaN or infinite values.`, 'the checkpoint is damaged.');
    return t.data;
  };
  const optimizer: Record<string, Float32Array | Float64Array> = {};
  for (const name of moments) optimizer[name] = read(`training.optimizer.${name}`);
  // Adam's second moment is a running mean of squares
  if (optimizer.v !== undefined && optimizer.v.some((x) => x < 0))
    throw new ModelFileError(
      where,
      "tensor 'training.optimizer.v' holds negative values (a mean of squares).",
      'the checkpoint is damaged.',
    );
  return { optimizer, h: read('training.h'), c: net.cWidth === null ? null : read('training.c') };
}
