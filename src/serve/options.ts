/**
 * What `lstm serve` is configured with (models, batching, limits, the token), and what its routes
 * need of the server (routes.ts sees the server only through ServerContext).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from './metrics.js';
import type { ModelHost } from './model-host.js';

export interface ServeLimits {
  /** Characters of a generation's prime. */
  maxPrompt: number;
  /** Characters one generation may ask for. */
  maxLength: number;
  /** Characters of a text to score, classify, tag or translate. */
  maxText: number;
  /** Texts in one classify request. */
  maxTexts: number;
  /** Bytes of a JSON body. */
  bodyLimit: number;
  /** Bytes of a WAV body (/v1/transcribe). */
  audioLimit: number;
  /** A request's deadline in ms (504 after it; a stream ends with an error event). */
  deadlineMs: number;
}

export interface ServeOptions {
  models: ReadonlyArray<{ name: string; file: string }>;
  /** Requests stepped or run together (1: no batching). */
  maxBatch?: number;
  /** Longest wait of a classify/score/tag/translate request for batch-mates, in ms. */
  maxWaitMs?: number;
  /** Requests that may wait per model beyond those running; more get 429. */
  maxQueue?: number;
  limits?: Partial<ServeLimits>;
  /** Every route but /healthz and /readyz then needs `Authorization: Bearer TOKEN`. */
  token?: string | undefined;
  /** Structured JSON logs (Fastify's pino) at this level, or none. */
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}

export const DEFAULT_LIMITS: ServeLimits = {
  maxPrompt: 4096,
  maxLength: 4000,
  maxText: 100_000,
  maxTexts: 256,
  bodyLimit: 1 << 20,
  audioLimit: 32 << 20,
  deadlineMs: 60_000,
};

/** What the routes use of the server. */
export interface ServerContext {
  readonly app: FastifyInstance;
  readonly hosts: Map<string, ModelHost>;
  readonly limits: ServeLimits;
  readonly metrics: ServerMetrics;
  reload(name?: string): Promise<Array<{ model: string; ok: boolean; message: string }>>;
}
