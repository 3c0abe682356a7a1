/** An error thrown by a fuzz input, sorted: one of the project's error classes, or anything else. */
import { DivergenceError, LstmError } from '../../src/errors.js';
import { UsageError } from '../../src/cli/args.js';
import { MAX_MESSAGE_LENGTH, type Outcome } from './outcome.js';

/** The first stack frame in the project's sources (dist/src/… mapped back to src/… where source maps are on). */
export function sourceFrame(stack: string | undefined): string | undefined {
  const frames = (stack ?? '').split('\n').slice(1);
  const ours = frames.find((f) => /[/\\]src[/\\]/.test(f) && !f.includes('node_modules')) ?? frames[0];
  const m = ours?.match(/((?:dist[/\\])?src[/\\][^():]+:\d+)/) ?? ours?.match(/\(?([^()\s]+:\d+):\d+\)?$/);
  return m?.[1] ?? ours?.trim();
}

export function outcomeOf(error: unknown): Outcome {
  // DivergenceError is the project's too (a run whose loss stopped being finite), though not an LstmError
  const project = error instanceof LstmError || error instanceof UsageError || error instanceof DivergenceError;
  const e = error instanceof Error ? error : new Error(`a non-Error was thrown: ${String(error).slice(0, 80)}`);
  const frame = sourceFrame(e.stack);
  return {
    kind: !project ? 'uncaught' : e.message.length > MAX_MESSAGE_LENGTH ? 'verbose' : 'project',
    name: e.name || e.constructor.name,
    message:
      e.message.length > MAX_MESSAGE_LENGTH
        ? `(${e.message.length} characters) ${e.message.slice(0, 160)}`
        : e.message.slice(0, 200),
    ...(frame === undefined ? {} : { frame }),
  };
}
