/**
 * `lstm train --resume`: the options a resumed run cannot change. The network (its shape, dropout)
 * and the training recipe (T, B, optimizer, schedule, clip, split, seed) are stored in the
 * checkpoint and the resumed run continues with them; giving one of those options with another
 * value is refused (as Keras and PyTorch Lightning users would expect a restored run to refuse it),
 * naming the option and the value the checkpoint holds. The budgets (--steps, --time), evaluation
 * and output options, and the training text keep working.
 */
import { type LanguageModel, parseSchedule, type Schedule, type TrainingCheckpoint } from '../index.js';
import { UsageError } from './args.js';

/** `lstm train`'s option values by flag name (readCommandLine's values for the TRAIN table). */
type Values = Readonly<Record<string, unknown>>;

/** The CLI form of a schedule, as --schedule takes it. */
function scheduleText(s: Schedule): string {
  if (s.kind === 'step') return `step:${s.every}:${s.gamma}`;
  if (s.kind === 'cosine') return `cosine:${s.warmup}:${s.total}:${s.minLr}`;
  return 'constant';
}

function sameSchedule(a: Schedule, b: Schedule): boolean {
  return scheduleText(a) === scheduleText(b);
}

/**
 * Each fixed option as [flag, the checkpoint's value, whether a given value matches it]; `init`
 * only shapes a new run's first weights, so any value given is refused.
 */
function fixedOptions(
  model: LanguageModel,
  training: TrainingCheckpoint,
  values: Values,
): Array<[flag: string, held: string, matches: () => boolean]> {
  const c = model.config;
  const r = training.state.recipe;
  const same = (given: unknown, held: unknown) => () => given === held;
  return [
    ['cell', c.cell ?? 'lstm', same(values.cell, c.cell ?? 'lstm')],
    ['layers', String(c.numLayers), same(values.layers, c.numLayers)],
    ['hidden', String(c.hiddenSize), same(values.hidden, c.hiddenSize)],
    ['proj-size', String(c.projSize ?? 0), same(values['proj-size'], c.projSize ?? 0)],
    ['dropout', String(c.dropout ?? 0), same(values.dropout, c.dropout ?? 0)],
    ['recurrent-dropout', String(c.recurrentDropout ?? 0), same(values['recurrent-dropout'], c.recurrentDropout ?? 0)],
    ['embedding', String(c.embeddingSize), same(values.embedding, c.embeddingSize)],
    ['init', 'already initialised weights', () => false],
    ['seq-len', String(r.seqLength), same(values['seq-len'], r.seqLength)],
    ['batch', String(r.batchSize), same(values.batch, r.batchSize)],
    ['lr', String(r.learningRate), same(values.lr, r.learningRate)],
    ['optimizer', r.optimizer.name, same(values.optimizer, r.optimizer.name)],
    ['weight-decay', String(r.optimizer.weightDecay), same(values['weight-decay'], r.optimizer.weightDecay)],
    ['momentum', String(r.optimizer.momentum), same(values.momentum, r.optimizer.momentum)],
    [
      'schedule',
      scheduleText(r.schedule),
      () => typeof values['schedule'] === 'string' && sameSchedule(parseSchedule(values['schedule']), r.schedule),
    ],
    ['clip', String(r.clip), same(values.clip, r.clip)],
    ['val-split', String(r.validationFraction), same(values['val-split'], r.validationFraction)],
    ['seed', String(r.seed), same(values.seed, r.seed)],
  ];
}

/**
 * Refuse options given beside --resume that would change what the checkpoint fixes; a value equal
 * to the stored one is accepted (it changes nothing).
 */
export function checkResumeOptions(
  path: string,
  model: LanguageModel,
  training: TrainingCheckpoint,
  values: Values,
  given: ReadonlySet<string>,
): void {
  const conflicts = fixedOptions(model, training, values).filter(([flag, , matches]) => given.has(flag) && !matches());
  if (conflicts.length === 0) return;
  const listed = conflicts
    .slice(0, 4)
    .map(([flag, held]) => `--${flag} ${String(values[flag]).slice(0, 40)} (the checkpoint holds ${held})`);
  const more = conflicts.length > 4 ? ` and ${conflicts.length - 4} more` : '';
  throw new UsageError(
    `lstm train: --resume continues the run saved in ${path} with its own network and recipe; ` +
      `it cannot change ${listed.join(', ')}${more}.\n` +
      'Leave those options out to continue the run, or start a new run without --resume to use other values.',
  );
}
