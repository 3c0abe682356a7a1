/**
 * The messages between the server (main thread) and a model's worker thread. The server sends
 * requests and cancellations; the worker answers each request once (done or error), sends a
 * generation's characters as they come when the request streams, and reports every batch it runs
 * (for the metrics).
 */

/** What a server route asks of a model. */
export type Route = 'generate' | 'score' | 'classify' | 'tag' | 'forecast' | 'translate' | 'transcribe';

/** The worker's start-up data. */
export interface WorkerConfig {
  name: string;
  file: string;
  /** Most requests stepped or run together (1: no batching). */
  maxBatch: number;
  /** How long a classify/score/tag/translate request may wait for others to batch with, in ms. */
  maxWaitMs: number;
}

export type ToWorker =
  { type: 'request'; id: number; route: Route; input: unknown; stream: boolean } | { type: 'cancel'; id: number };

/** What a loaded model is and which routes it serves. */
export interface ModelSummary {
  name: string;
  kind: string;
  routes: Route[];
  parameters: number;
  description: string;
}

export type FromWorker =
  | { type: 'ready'; summary: ModelSummary }
  | { type: 'failed'; message: string }
  | { type: 'token'; id: number; text: string }
  | { type: 'done'; id: number; output: unknown }
  | { type: 'error'; id: number; status: number; message: string }
  | { type: 'batch'; route: Route; size: number; tokens: number };

/** A request the model cannot serve as asked: the client's mistake (400), with a message for it. */
export class BadInput extends Error {
  override readonly name = 'BadInput';
}
