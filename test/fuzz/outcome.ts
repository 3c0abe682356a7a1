/**
 * What one fuzz input did, as the child process reports it (ok, a project error, an uncaught
 * non-project error, a project error whose message is too long to read, an accepted file whose results changed) and as the parent adds it (a hang, a
 * run over the memory bound, a child that died: a segfault, an abort, an out-of-memory kill).
 */
export type OutcomeKind =
  'ok' | 'project' | 'uncaught' | 'verbose' | 'silent' | 'altered' | 'hang' | 'memory' | 'crash';

export interface Outcome {
  kind: OutcomeKind;
  /** The error's class name (TypeError, ModelFileError …), or the signal / exit code of a crash. */
  name?: string;
  /** The first 200 characters of the error message, or what was measured (seconds, MB). */
  message?: string;
  /** The first stack frame inside src/ (file:line), where the error was thrown. */
  frame?: string;
}

/** The outcomes that break the property: never an uncaught error, a hang, a memory blow-up, a crash or a silently changed result. */
export const FAILING_KINDS: readonly OutcomeKind[] = ['uncaught', 'verbose', 'silent', 'hang', 'memory', 'crash'];

/** A project error's message longer than this quotes too much of the input (every column name, a whole cell). */
export const MAX_MESSAGE_LENGTH = 1000;

/** One fuzz input: the family that runs it and its plan (plain JSON, so a failure prints as its reproduction). */
export interface FuzzCase {
  family: string;
  plan: unknown;
}
