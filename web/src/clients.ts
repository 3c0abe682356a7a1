/**
 * One worker per family of views: the language model and its inside view share one (the model
 * being trained is the one inspected); every other view has its own, made on first use.
 */
import { WorkerClient } from './client.ts';

const SHARED: Record<string, string> = { inside: 'lm' };
const clients = new Map<string, WorkerClient>();

export function clientFor(view: string): WorkerClient {
  const name = SHARED[view] ?? view;
  let client = clients.get(name);
  if (client === undefined) {
    client = new WorkerClient(name);
    clients.set(name, client);
  }
  return client;
}
