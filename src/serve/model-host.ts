/**
 * The server's side of one model: its worker thread (model-worker.ts), the requests in flight and
 * the bound on them. A request beyond capacity (maxBatch running + maxQueue waiting) is refused at
 * once (QueueFull: the route answers 429 with Retry-After), never queued without end. Each
 * request resolves exactly once: with its output, its error, or a cancellation (deadline, client
 * gone, the worker lost), and a cancelled request frees its place at once.
 */
import { Worker } from 'node:worker_threads';
import type { FromWorker, ModelSummary, Route, ToWorker, WorkerConfig } from './protocol.js';

export class QueueFull extends Error {
  override readonly name = 'QueueFull';
}

/** A request that failed in the worker, with the HTTP status it deserves. */
export class RequestFailed extends Error {
  override readonly name = 'RequestFailed';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  /** Called with each generated piece of text as it comes (streaming generation). */
  onToken?: (text: string) => void;
  /** Aborting cancels the request in the worker (a deadline, a client that left). */
  signal?: AbortSignal;
}

interface InFlight {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  onToken: ((text: string) => void) | undefined;
}

export interface HostOptions {
  maxBatch: number;
  maxWaitMs: number;
  maxQueue: number;
  /** Every batch the worker ran (for the metrics). */
  onBatch?: (route: Route, size: number, tokens: number) => void;
}

export class ModelHost {
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 1;
  private drained: (() => void) | null = null;

  private constructor(
    readonly summary: ModelSummary,
    readonly file: string,
    private readonly worker: Worker,
    private readonly options: HostOptions,
  ) {
    worker.on('message', (m: FromWorker) => this.receive(m));
    worker.on('error', (e) => this.failAll(new RequestFailed(500, `the model's worker failed: ${e.message}`)));
    worker.on('exit', () => this.failAll(new RequestFailed(503, `model '${summary.name}' is no longer loaded.`)));
  }

  /** Start a worker for `file` and wait until the model has loaded (rejects with the reason it could not). */
  static start(name: string, file: string, options: HostOptions): Promise<ModelHost> {
    const config: WorkerConfig = { name, file, maxBatch: options.maxBatch, maxWaitMs: options.maxWaitMs };
    const worker = new Worker(new URL('./model-worker.js', import.meta.url), { workerData: config });
    return new Promise((resolve, reject) => {
      const first = (m: FromWorker): void => {
        worker.off('message', first);
        worker.off('error', failed);
        if (m.type === 'ready') resolve(new ModelHost(m.summary, file, worker, options));
        else {
          void worker.terminate();
          reject(new Error(`model '${name}': ${m.type === 'failed' ? m.message : 'the worker did not start'}`));
        }
      };
      const failed = (e: Error): void => reject(new Error(`model '${name}' (${file}): ${e.message}`));
      worker.on('message', first);
      worker.once('error', failed);
    });
  }

  /** Requests running or waiting. */
  get load(): number {
    return this.inFlight.size;
  }

  get capacity(): number {
    return this.options.maxBatch + this.options.maxQueue;
  }

  /** Run `route` on `input`; rejects with QueueFull at once when the model is at capacity. */
  request(route: Route, input: unknown, opts: RequestOptions = {}): Promise<unknown> {
    if (this.inFlight.size >= this.capacity)
      return Promise.reject(
        new QueueFull(
          `model '${this.summary.name}' has ${this.inFlight.size} requests in hand, its limit; retry shortly.`,
        ),
      );
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.inFlight.set(id, { resolve, reject, onToken: opts.onToken });
      const stream = opts.onToken !== undefined;
      this.post({ type: 'request', id, route, input, stream });
      opts.signal?.addEventListener(
        'abort',
        () => {
          if (!this.inFlight.has(id)) return;
          this.post({ type: 'cancel', id });
          this.settle(id);
          reject(opts.signal?.reason instanceof Error ? opts.signal.reason : new RequestFailed(499, 'cancelled'));
        },
        { once: true },
      );
    });
  }

  /** Wait for the requests in hand (at most `ms`), then stop the worker. */
  async close(ms: number): Promise<void> {
    if (this.inFlight.size > 0)
      await Promise.race([
        new Promise<void>((resolve) => (this.drained = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, ms).unref()),
      ]);
    this.failAll(new RequestFailed(503, `model '${this.summary.name}' was unloaded.`));
    await this.worker.terminate();
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private settle(id: number): void {
    this.inFlight.delete(id);
    if (this.inFlight.size === 0) this.drained?.();
  }

  private receive(m: FromWorker): void {
    if (m.type === 'batch') {
      this.options.onBatch?.(m.route, m.size, m.tokens);
      return;
    }
    if (m.type !== 'token' && m.type !== 'done' && m.type !== 'error') return;
    const waiting = this.inFlight.get(m.id);
    if (waiting === undefined) return; // cancelled meanwhile
    if (m.type === 'token') waiting.onToken?.(m.text);
    else {
      this.settle(m.id);
      if (m.type === 'done') waiting.resolve(m.output);
      else waiting.reject(new RequestFailed(m.status, m.message));
    }
  }

  private failAll(error: Error): void {
    for (const [id, waiting] of this.inFlight) {
      this.settle(id);
      waiting.reject(error);
    }
  }
}
