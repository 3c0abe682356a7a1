/**
 * The server's Prometheus metrics (prom-client), one registry per server: requests by route,
 * model and status; request latency; queue depth per model (read when scraped); batch sizes; the
 * characters generated (tokens per second is their rate); and prom-client's process metrics
 * (resident memory, event-loop lag, heap).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'route' | 'model' | 'status'>;
  latency: Histogram<'route' | 'model'>;
  batchSize: Histogram<'route' | 'model'>;
  tokens: Counter<'model'>;
}

export function createMetrics(queueDepth: () => Array<{ model: string; depth: number }>): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lstm_serve_' });
  const requests = new Counter({
    name: 'lstm_serve_requests_total',
    help: 'Requests answered, by route, model and HTTP status.',
    labelNames: ['route', 'model', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'lstm_serve_request_duration_seconds',
    help: 'Time from a request to its last byte, by route and model.',
    labelNames: ['route', 'model'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'lstm_serve_batch_size',
    help: 'Requests stepped or run together per batch, by route and model.',
    labelNames: ['route', 'model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'lstm_serve_generated_tokens_total',
    help: 'Characters generated, by model (their rate is tokens per second).',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'lstm_serve_queue_depth',
    help: 'Requests in hand per model (running and waiting).',
    labelNames: ['model'] as const,
    registers: [registry],
    collect() {
      for (const { model, depth } of queueDepth()) this.set({ model }, depth);
    },
  });
  return { registry, requests, latency, batchSize, tokens };
}
