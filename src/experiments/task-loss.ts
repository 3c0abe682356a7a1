/** TODO(issue 16): the task losses live in src/loss/task-loss.ts; kept here for the task training loop under rewrite. */
export { type TaskLoss, taskLoss } from '../loss/task-loss.js';
