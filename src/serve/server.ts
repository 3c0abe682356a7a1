/**
 * `lstm serve`'s server: Fastify over the models of --model NAME=FILE, each in its own worker
 * thread (model-host.ts). Routes and schemas are in routes.ts and schemas.ts; this file holds the
 * models, the bearer token, health and readiness, metrics, the OpenAPI document, reloading and the
 * graceful shutdown. Nothing is kept between requests, so any load balancer can run several.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { ModelHost } from './model-host.js';
import { DEFAULT_LIMITS, type ServeLimits, type ServeOptions, type ServerContext } from './options.js';
import { registerRoutes } from './routes.js';

export { DEFAULT_LIMITS, type ServeLimits, type ServeOptions } from './options.js';

export class LstmServer implements ServerContext {
  readonly hosts = new Map<string, ModelHost>();
  readonly limits: ServeLimits;
  readonly metrics: ServerMetrics;
  closing = false;
  /** Reloads under way, and replaced models still finishing their requests. */
  private readonly reloading = new Set<Promise<unknown>>();
  private readonly retiring = new Set<ModelHost>();
  private constructor(
    readonly app: FastifyInstance,
    readonly options: ServeOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.metrics = createMetrics(() => [...this.hosts].map(([model, h]) => ({ model, depth: h.load })));
  }

  /** Load every model (each must load, or the server does not start), then build the routes. */
  static async create(options: ServeOptions): Promise<LstmServer> {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const app = Fastify({
      logger: options.logLevel === undefined || options.logLevel === 'silent' ? false : { level: options.logLevel },
      bodyLimit: limits.bodyLimit,
      return503OnClosing: true,
      // a field the schema does not know is refused, not silently dropped
      ajv: { customOptions: { removeAdditional: false } },
      forceCloseConnections: 'idle',
    });
    const server = new LstmServer(app, options);
    if (options.models.length === 0) throw new Error('no models: give at least one --model NAME=FILE.');
    const names = options.models.map((m) => m.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new Error(`the model name '${twice}' is given twice.`);
    const hosts = await Promise.allSettled(options.models.map((m) => server.startHost(m.name, m.file)));
    const failed = hosts.filter((h): h is PromiseRejectedResult => h.status === 'rejected');
    if (failed.length > 0) {
      await Promise.all(hosts.map((h) => (h.status === 'fulfilled' ? h.value.close(0) : undefined)));
      throw new Error(failed.map((f) => (f.reason as Error).message).join('\n'));
    }
    hosts.forEach((h, i) => server.hosts.set(names[i] as string, (h as PromiseFulfilledResult<ModelHost>).value));
    await app.register(swagger, {
      openapi: {
        info: { title: 'lstm serve', version: '1', description: 'Inference for models trained with lstm.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        ...(options.token === undefined ? {} : { security: [{ bearer: [] }] }),
      },
    });
    server.routes();
    await app.ready();
    return server;
  }

  private startHost(name: string, file: string): Promise<ModelHost> {
    return ModelHost.start(name, file, {
      maxBatch: this.options.maxBatch ?? 32,
      maxWaitMs: this.options.maxWaitMs ?? 0,
      maxQueue: this.options.maxQueue ?? 256,
      onBatch: (route, size, tokens) => {
        this.metrics.batchSize.observe({ route, model: name }, size);
        if (tokens > 0) this.metrics.tokens.inc({ model: name }, tokens);
      },
    });
  }

  private routes(): void {
    const { app } = this;
    const token = this.options.token;
    if (token !== undefined)
      app.addHook('onRequest', async (request, reply) => {
        const path = request.url.split('?')[0];
        if (path === '/healthz' || path === '/readyz') return;
        if (request.headers.authorization !== `Bearer ${token}`)
          await reply.code(401).header('WWW-Authenticate', 'Bearer').send({
            statusCode: 401,
            error: 'Unauthorized',
            message: 'this server needs Authorization: Bearer TOKEN.',
          });
      });
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) =>
      this.closing
        ? reply.code(503).send({ status: 'shutting down' })
        : { status: 'ready', models: [...this.hosts.keys()] },
    );
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics()),
    );
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    app.get('/v1/models', async () => ({ models: [...this.hosts.values()].map((h) => h.summary) }));
    registerRoutes(this);
  }

  /**
   * Load the model files again (all, or `name`): each new worker must load before it replaces the
   * old one, which finishes what it has in hand; a file that fails to load leaves the old model
   * serving and is reported.
   */
  async reload(name?: string): Promise<Array<{ model: string; ok: boolean; message: string }>> {
    const names = name === undefined ? [...this.hosts.keys()] : [name];
    const done = Promise.all(
      names.map(async (model) => {
        const old = this.hosts.get(model);
        if (old === undefined) return { model, ok: false, message: `there is no model named '${model}'.` };
        try {
          const fresh = await this.startHost(model, old.file);
          if (this.closing) {
            // shutting down meanwhile: the new worker is not wanted
            await fresh.close(0);
            return { model, ok: false, message: 'the server is shutting down.' };
          }
          const current = this.hosts.get(model) as ModelHost;
          this.hosts.set(model, fresh);
          this.retire(current);
          return { model, ok: true, message: `reloaded ${old.file}` };
        } catch (e) {
          this.app.log.error({ model, err: (e as Error).message }, 'reload failed; the old model serves on');
          return { model, ok: false, message: (e as Error).message };
        }
      }),
    );
    this.reloading.add(done);
    try {
      return await done;
    } finally {
      this.reloading.delete(done);
    }
  }

  /** A replaced model finishes what it has in hand (within the deadline), then its worker stops. */
  private retire(host: ModelHost): void {
    this.retiring.add(host);
    void host.close(this.limits.deadlineMs).finally(() => this.retiring.delete(host));
  }

  /** Stop taking requests, finish those in hand (at most `ms`), stop the workers. */
  async shutdown(ms: number): Promise<void> {
    this.closing = true;
    const timer = new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    // a keep-alive connection whose last request has just been answered would hold the close for
    // the keep-alive timeout: close each as soon as it is idle
    const sweep = setInterval(() => this.app.server.closeIdleConnections(), 25);
    await Promise.race([this.app.close(), timer]);
    clearInterval(sweep);
    this.app.server.closeAllConnections();
    await Promise.allSettled([...this.reloading]); // a reload under way ends (its new worker closed)
    await Promise.all([...this.hosts.values(), ...this.retiring].map((h) => h.close(0)));
  }
}
