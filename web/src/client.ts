/**
 * The page's side of a worker (rpc.ts): `call` runs a job and resolves with its output (or rejects
 * with its error's message); `on` listens to the worker's events. Each view owns one worker, made
 * when the view is first opened, so a long training run in one view never delays another.
 */
import type { RpcAnswer, RpcEvent, RpcRequest } from './rpc.ts';

type Pending = { resolve: (output: unknown) => void; reject: (error: Error) => void };

export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Array<(data: unknown) => void>>();
  private nextId = 1;

  constructor(name: string) {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
    this.worker.onmessage = (e: MessageEvent<RpcAnswer | RpcEvent>) => {
      const message = e.data;
      if ('event' in message) {
        for (const listen of this.listeners.get(message.event) ?? []) listen(message.data);
        return;
      }
      const waiting = this.pending.get(message.id);
      if (waiting === undefined) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.output);
      else waiting.reject(new Error(message.error));
    };
    this.worker.onerror = (e) => {
      const error = new Error(`the ${name} worker failed: ${e.message}`);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
  }

  /** Run `job` in the worker with `input`; resolves with its output. */
  call<T>(job: string, input: unknown = null, transfer: Transferable[] = []): Promise<T> {
    const id = this.nextId++;
    const request: RpcRequest = { id, job, input };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (output: unknown) => void, reject });
      this.worker.postMessage(request, transfer);
    });
  }

  /** Call `listen` with the data of every `event` the worker sends. */
  on<T>(event: string, listen: (data: T) => void): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listen as (data: unknown) => void);
    this.listeners.set(event, list);
  }
}
