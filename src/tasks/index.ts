/**
 * The long-time-lag tasks, by name, for `lstm experiment <task>` (issue 6; each file describes its
 * task and where it comes from).
 */
import { ConfigError } from '../errors.js';
import { addingTask, addingTask1997 } from './adding.js';
import { copyingTask } from './copying.js';
import { longLagTask } from './long-lag.js';
import { noisyLongLagTask } from './noisy-long-lag.js';
import { embeddedReberTask } from './reber.js';
import { temporalOrderTask } from './temporal-order.js';
import type { Task } from './types.js';

export { addingTask, addingTask1997 } from './adding.js';
export { COPY_SYMBOLS, copyingTask } from './copying.js';
export { longLagTask } from './long-lag.js';
export { noisyLongLagTask } from './noisy-long-lag.js';
export { embeddedReberString, embeddedReberTask, REBER_SYMBOLS } from './reber.js';
export { TEMPORAL_CLASSES, TEMPORAL_SYMBOLS, temporalOrderTask } from './temporal-order.js';
export type { Task, TaskBatch, TaskTarget } from './types.js';

export const TASK_NAMES = [
  'adding',
  'adding-1997',
  'copying',
  'reber',
  'temporal-order',
  'long-lag',
  'noisy-long-lag',
] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/**
 * A task by name; `length` is T (adding, copying), p (long-lag) or q = p (noisy-long-lag) and is
 * ignored by the others.
 */
export function makeTask(name: string, length = 100): Task {
  switch (name) {
    case 'adding':
      return addingTask(length);
    case 'adding-1997':
      return addingTask1997(length);
    case 'copying':
      return copyingTask(length);
    case 'reber':
      return embeddedReberTask();
    case 'temporal-order':
      return temporalOrderTask();
    case 'long-lag':
      return longLagTask(length);
    case 'noisy-long-lag':
      return noisyLongLagTask(length);
    default:
      throw new ConfigError('makeTask', `unknown task '${name}'. Known: ${TASK_NAMES.join(', ')}.`);
  }
}
