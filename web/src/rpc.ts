/**
 * The messages between the page and its workers. The page calls a job by name with an input and
 * gets one answer back (its output, or the error's message); while a job runs, the worker may also
 * send events (training progress, samples, checkpoints). Everything crosses by structured clone.
 */

/** Page → worker: run `job` with `input`; the answer carries the same id. */
export interface RpcRequest {
  id: number;
  job: string;
  input: unknown;
}

/** Worker → page: the outcome of request `id`. */
export type RpcAnswer = { id: number; ok: true; output: unknown } | { id: number; ok: false; error: string };

/** Worker → page, at any time: something happened (progress, a sample, a saved checkpoint). */
export interface RpcEvent {
  event: string;
  data: unknown;
}

/** What a job may do besides answering: send events to the page. */
export interface JobContext {
  emit(event: string, data: unknown): void;
}

/** A job: the worker runs it on a request's input; its (awaited) value is the answer. */
export type Job = (input: never, ctx: JobContext) => unknown;
