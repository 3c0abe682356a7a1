/**
 * Validation of an epoch-wise checkpoint (src/models/sequence-training.ts: Seq2Seq today): the
 * `training` JSON (the recipe in the ranges fit accepts, whole counts that agree with each other and
 * with the history, the generator's four words) and the tensors beside the weights (Adam's two
 * moments and the early-stopping copy, one value per parameter each, finite). A damaged field is a
 * ModelFileError naming it.
 */
import { LstmError, ModelFileError } from '../errors.js';
import {
  resolveSequenceRecipe,
  type SequenceCheckpoint,
  type SequenceTrainingState,
} from '../models/sequence-training.js';
import type { Schedule } from '../optim/schedule.js';
import { countField, fieldError, isObject, numberField, objectField, rngStateField } from './header-fields.js';
import type { TensorRecord } from './safetensors.js';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;
export const SEQUENCE_TRAINING_TENSORS = ['training.optimizer.m', 'training.optimizer.v', 'training.best'];

function checkRecipe(where: string, raw: unknown): void {
  const recipe = objectField(where, 'training.recipe', raw);
  const f = (key: string): string => `training.recipe.${key}`;
  for (const key of ['batchSize', 'patience']) countField(where, f(key), recipe[key], 1, 1e6);
  countField(where, f('seed'), recipe.seed, 0, 2 ** 32 - 1);
  for (const key of ['learningRate', 'clip', 'weightDecay']) numberField(where, f(key), recipe[key], { min: 0 });
  objectField(where, f('schedule'), recipe.schedule);
  if (recipe.task !== undefined) {
    const task = objectField(where, f('task'), recipe.task);
    for (const [key, value] of Object.entries(task)) numberField(where, f(`task.${key}`), value, { min: 0, max: 1 });
  }
  // the ranges fit holds its options to, by fit's own rule
  try {
    resolveSequenceRecipe(where, { ...recipe, schedule: recipe.schedule as unknown as Schedule });
  } catch (e) {
    if (!(e instanceof LstmError)) throw e;
    throw new ModelFileError(where, `training.recipe is invalid: ${e.message}`, 'the checkpoint is damaged.');
  }
}

function checkHistory(where: string, raw: unknown, epochsDone: number): void {
  const history = objectField(where, 'training.history', raw);
  const epochs = history.epochs;
  if (!Array.isArray(epochs)) throw fieldError(where, 'training.history.epochs', 'a list', epochs);
  epochs.forEach((record: unknown, i) => {
    const field = `training.history.epochs[${i}]`;
    if (!isObject(record)) throw fieldError(where, field, 'an object', record);
    countField(where, `${field}.epoch`, record.epoch, 1, epochsDone);
    for (const key of ['trainLoss', 'validLoss', 'seconds'])
      numberField(where, `${field}.${key}`, record[key], { min: 0 });
  });
  countField(where, 'training.history.bestEpoch', history.bestEpoch, 0, epochsDone);
}

/** The `training` entry of an epoch-wise checkpoint, every field checked. */
export function checkSequenceState(where: string, raw: unknown): SequenceTrainingState {
  const s = objectField(where, 'training', raw);
  checkRecipe(where, s.recipe);
  const epochsDone = countField(where, 'training.epochsDone', s.epochsDone, 1, MAX_COUNT);
  const updates = countField(where, 'training.updates', s.updates, 0, MAX_COUNT);
  // every update steps the optimizer once
  const optimizerSteps = countField(where, 'training.optimizerSteps', s.optimizerSteps, 0, MAX_COUNT);
  if (optimizerSteps !== updates)
    throw fieldError(where, 'training.optimizerSteps', `training.updates (${updates})`, optimizerSteps);
  rngStateField(where, 'training.rng', s.rng);
  numberField(where, 'training.elapsedSeconds', s.elapsedSeconds, { min: 0 });
  checkHistory(where, s.history, epochsDone);
  if (s.bestLoss !== null) numberField(where, 'training.bestLoss', s.bestLoss, { min: 0 });
  countField(where, 'training.sinceBest', s.sinceBest, 0, epochsDone);
  countField(where, 'training.trainSequences', s.trainSequences, 1, MAX_COUNT);
  return s as unknown as SequenceTrainingState;
}

/** The training tensors of a checkpoint whose model has `parameters` values. */
export function checkSequenceTensors(
  where: string,
  tensors: Map<string, TensorRecord>,
  parameters: number,
): SequenceCheckpoint['tensors'] {
  const read = (name: string): Float32Array | Float64Array => {
    const t = tensors.get(name);
    if (t === undefined)
      throw new ModelFileError(where, `the checkpoint lacks tensor '${name}'.`, 'the checkpoint is damaged.');
    if (t.shape.length !== 1 || t.shape[0] !== parameters)
      throw new ModelFileError(
        where,
        `tensor '${name}' has shape [${t.shape.join(', ')}]; this model needs [${parameters}].`,
        'the checkpoint is damaged.',
      );
    if (!t.data.every(Number.isFinite))
      throw new ModelFileError(where, `tensor '${name}' holds NaN or infinite values.`, 'the checkpoint is damaged.');
    return t.data;
  };
  const [m, v, best] = SEQUENCE_TRAINING_TENSORS.map(read) as [Float32Array, Float32Array, Float32Array];
  if (v.some((x) => x < 0))
    throw new ModelFileError(
      where,
      "tensor 'training.optimizer.v' holds negative values (a mean of squares).",
      'the checkpoint is damaged.',
    );
  return { optimizer: { m, v }, best };
}
