/**
 * Learning-rate schedules: the rate for update number `step` (0-based), a pure function of the
 * step so a resumed run follows the same curve.
 *   constant:  lr
 *   step:      lr · γ^⌊step / every⌋
 *   cosine:    linear warm-up from lr/warmup to lr over `warmup` steps, then
 *              minLr + (lr − minLr) · (1 + cos(π · progress)) / 2 until `total` steps
 */
import { ConfigError, checkInteger, checkNumber } from '../errors.js';

export type Schedule =
  | { kind: 'constant' }
  | { kind: 'step'; every: number; gamma: number }
  | { kind: 'cosine'; warmup: number; total: number; minLr: number };

export function checkSchedule(s: Schedule): Schedule {
  const where = 'schedule';
  switch (s.kind) {
    case 'constant':
      return s;
    case 'step':
      checkInteger(where, 'every', s.every, 1);
      checkNumber(where, 'gamma', s.gamma, 0, 1, true);
      return s;
    case 'cosine':
      checkInteger(where, 'warmup', s.warmup, 0);
      checkInteger(where, 'total', s.total, 1);
      checkNumber(where, 'minLr', s.minLr, 0, Number.MAX_VALUE);
      if (s.warmup >= s.total) {
        throw new ConfigError(where, `warmup (${s.warmup}) must be smaller than total (${s.total}).`);
      }
      return s;
    default:
      throw new ConfigError(
        where,
        `kind must be 'constant', 'step' or 'cosine', got ${JSON.stringify((s as { kind: unknown }).kind)}.`,
      );
  }
}

export function learningRateAt(schedule: Schedule, lr: number, step: number): number {
  switch (schedule.kind) {
    case 'constant':
      return lr;
    case 'step':
      return lr * schedule.gamma ** Math.floor(step / schedule.every);
    case 'cosine': {
      const { warmup, total, minLr } = schedule;
      if (step < warmup) return (lr * (step + 1)) / warmup;
      const progress = Math.min(1, (step - warmup) / (total - warmup));
      return minLr + ((lr - minLr) * (1 + Math.cos(Math.PI * progress))) / 2;
    }
  }
}

const SCHEDULE_FORMS =
  "use 'constant', 'step:EVERY:GAMMA' (e.g. step:1000:0.5) or 'cosine:WARMUP:TOTAL[:MINLR]' (e.g. cosine:100:5000).";

/** Parse the CLI form: 'constant', 'step:EVERY:GAMMA', 'cosine:WARMUP:TOTAL[:MINLR]'. */
export function parseSchedule(text: string): Schedule {
  const [kind, ...rest] = text.split(':');
  const nums = rest.map(Number);
  if (nums.some((n) => !Number.isFinite(n))) {
    throw new ConfigError(
      'schedule',
      `cannot read ${JSON.stringify(text)}: every part after the kind must be a number.`,
      SCHEDULE_FORMS,
    );
  }
  if (kind === 'constant' && rest.length === 0) return { kind: 'constant' };
  if (kind === 'step' && rest.length === 2) {
    return checkSchedule({ kind: 'step', every: nums[0] as number, gamma: nums[1] as number });
  }
  if (kind === 'cosine' && (rest.length === 2 || rest.length === 3)) {
    return checkSchedule({ kind: 'cosine', warmup: nums[0] as number, total: nums[1] as number, minLr: nums[2] ?? 0 });
  }
  throw new ConfigError('schedule', `cannot read ${JSON.stringify(text)}.`, SCHEDULE_FORMS);
}
