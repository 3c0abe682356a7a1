/** Validation of the `training` JSON of a model file: every field present and of the right kind. */
import { ModelFileError } from '../errors.js';
import type { TrainingState } from '../train/state.js';

type Check = (v: unknown) => boolean;
const isInt: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNum: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isStr: Check = (v) => typeof v === 'string';
const isBool: Check = (v) => typeof v === 'boolean';

function need(where: string, obj: unknown, path: string, fields: Record<string, Check>): Record<string, unknown> {
  if (typeof obj !== 'object' || obj === null) throw new ModelFileError(where, `training${path} is not an object.`);
  const o = obj as Record<string, unknown>;
  for (const [key, check] of Object.entries(fields)) {
    if (!check(o[key])) {
      throw new ModelFileError(
        where,
        `training${path}.${key} is missing or invalid (${JSON.stringify(o[key])}).`,
        'the checkpoint is damaged; train without --resume or use an earlier file.',
      );
    }
  }
  return o;
}

export function checkTrainingState(where: string, raw: unknown): TrainingState {
  const s = need(where, raw, '', { step: isInt, optimizerSteps: isInt, elapsedSeconds: isNum });
  const recipe = need(where, s.recipe, '.recipe', {
    seqLength: isInt,
    batchSize: isInt,
    learningRate: isNum,
    clip: isNum,
    validationFraction: isNum,
    seed: isInt,
  });
  need(where, recipe.optimizer, '.recipe.optimizer', {
    name: (v) => v === 'adam' || v === 'adamw' || v === 'sgd',
    beta1: isNum,
    beta2: isNum,
    eps: isNum,
    weightDecay: isNum,
    momentum: isNum,
    nesterov: isBool,
  });
  need(where, recipe.schedule, '.recipe.schedule', { kind: (v) => v === 'constant' || v === 'step' || v === 'cosine' });
  if (!Array.isArray(s.rng) || s.rng.length !== 4 || !s.rng.every(isInt)) {
    throw new ModelFileError(where, 'training.rng must be four 32-bit words.');
  }
  need(where, s.corpus, '.corpus', { characters: isInt, hash: isStr });
  if (!Array.isArray(s.history)) throw new ModelFileError(where, 'training.history must be a list.');
  return s as unknown as TrainingState;
}
