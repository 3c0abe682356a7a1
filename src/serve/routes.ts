/**
 * The model routes: each picks its model (the `model` field, or the only one that serves the
 * route), hands the request to the model's worker with a deadline, and maps the outcome to HTTP:
 *   200 the output · 400 bad input (named) · 404 unknown model · 429 + Retry-After: the model's
 *   queue is full · 499 the client left · 503 shutting down · 504 past the deadline
 * POST /v1/generate with "stream": true answers with server-sent events: `data: {"token": "c"}`
 * per character, then `event: done` with the whole result (or `event: error`). A client that
 * disconnects cancels its request in the worker at once, freeing its place in the batch.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueueFull, RequestFailed, type ModelHost } from './model-host.js';
import type { Route } from './protocol.js';
import { schemas } from './schemas.js';
import type { ServerContext } from './options.js';

class Deadline extends Error {}
class ClientGone extends Error {}

type Body = Record<string, unknown> & { model?: string };

/** The model a request names, or the only one that serves `route`; an HTTP error otherwise. */
function pick(server: ServerContext, route: Route, named: string | undefined): [string, ModelHost] {
  if (named !== undefined) {
    const host = server.hosts.get(named);
    if (host === undefined)
      throw new RequestFailed(
        404,
        `there is no model named '${named}'; there are ${[...server.hosts.keys()].join(', ')}.`,
      );
    return [named, host];
  }
  const serving = [...server.hosts].filter(([, h]) => h.summary.routes.includes(route));
  if (serving.length === 1) return serving[0] as [string, ModelHost];
  throw new RequestFailed(
    400,
    serving.length === 0
      ? `no model here serves /v1/${route}; the models are ${[...server.hosts.values()].map((h) => `${h.summary.name} (${h.summary.kind})`).join(', ')}.`
      : `several models serve /v1/${route} (${serving.map(([n]) => n).join(', ')}): name one with "model".`,
  );
}

/** A signal that fires at the deadline or when the client goes away. */
function requestSignal(server: ServerContext, reply: FastifyReply): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(new Deadline(`the request took longer than its deadline of ${server.limits.deadlineMs} ms.`)),
    server.limits.deadlineMs,
  );
  const gone = (): void => {
    if (!reply.raw.writableFinished) controller.abort(new ClientGone('the client closed the connection.'));
  };
  reply.raw.on('close', gone);
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      reply.raw.off('close', gone);
    },
  };
}

function httpError(e: unknown): { status: number; message: string; headers: Record<string, string> } {
  if (e instanceof QueueFull) return { status: 429, message: e.message, headers: { 'Retry-After': '1' } };
  if (e instanceof RequestFailed) return { status: e.status, message: e.message, headers: {} };
  if (e instanceof Deadline) return { status: 504, message: e.message, headers: {} };
  if (e instanceof ClientGone) return { status: 499, message: e.message, headers: {} };
  return { status: 500, message: (e as Error).message, headers: {} };
}

const NAMES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  429: 'Too Many Requests',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Run `route` for a request and answer it (the output beside the model's name, or the error). */
async function answer(
  server: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  route: Route,
  named: string | undefined,
  input: unknown,
  shape: (output: unknown) => Record<string, unknown> = (o) => o as Record<string, unknown>,
): Promise<unknown> {
  const { signal, done } = requestSignal(server, reply);
  try {
    const [name, host] = pick(server, route, named);
    (request as FastifyRequest & { modelName?: string }).modelName = name;
    const output = await host.request(route, input, { signal });
    return { model: name, ...shape(output) };
  } catch (e) {
    const { status, message, headers } = httpError(e);
    return reply
      .code(status)
      .headers(headers)
      .send({ statusCode: status, error: NAMES[status] ?? 'Error', message });
  } finally {
    done();
  }
}

/** POST /v1/generate with "stream": true: server-sent events, one per character. */
async function stream(server: ServerContext, request: FastifyRequest, reply: FastifyReply, body: Body): Promise<void> {
  const started = performance.now();
  let name = body.model ?? '';
  let status = 200;
  try {
    const [picked, host] = pick(server, 'generate', body.model);
    name = picked;
    if (host.load >= host.capacity)
      throw new QueueFull(`model '${name}' has ${host.load} requests in hand, its limit; retry shortly.`);
    const { signal, done } = requestSignal(server, reply);
    (request as FastifyRequest & { streamed?: boolean }).streamed = true;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const send = (event: string | null, data: unknown): void => {
      if (!res.writableEnded)
        res.write(`${event === null ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`);
    };
    try {
      const output = await host.request('generate', generationInput(body), {
        signal,
        onToken: (token) => send(null, { token }),
      });
      send('done', { model: name, ...(output as object) });
    } catch (e) {
      const err = httpError(e);
      status = err.status;
      send('error', { statusCode: err.status, message: err.message });
    } finally {
      done();
      if (!res.writableEnded) res.end();
    }
  } catch (e) {
    const { status: code, message, headers } = httpError(e);
    status = code;
    await reply
      .code(code)
      .headers(headers)
      .send({ statusCode: code, error: NAMES[code] ?? 'Error', message });
  } finally {
    server.metrics.requests.inc({ route: '/v1/generate', model: name, status });
    server.metrics.latency.observe({ route: '/v1/generate', model: name }, (performance.now() - started) / 1000);
  }
}

/** A generation request's body without the fields the server itself reads (model, stream). */
function generationInput(body: Body): Record<string, unknown> {
  const input: Record<string, unknown> = { ...body };
  delete input.model;
  delete input.stream;
  return input;
}

export function registerRoutes(server: ServerContext): void {
  const { app } = server;
  const s = schemas(server.limits);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    // a stream (hijacked) counts itself when it ends
    if (
      !route.startsWith('/v1/') ||
      (reply.sent === true && (request as FastifyRequest & { streamed?: boolean }).streamed === true)
    )
      return;
    const model = (request as FastifyRequest & { modelName?: string }).modelName ?? '';
    server.metrics.requests.inc({ route, model, status: reply.statusCode });
    server.metrics.latency.observe({ route, model }, reply.elapsedTime / 1000);
  });
  app.post('/v1/generate', { schema: s.generate }, async (request, reply) => {
    const body = request.body as Body;
    if (body.stream === true) return stream(server, request, reply, body);
    return answer(server, request, reply, 'generate', body.model, generationInput(body));
  });
  app.post('/v1/score', { schema: s.score }, async (request, reply) => {
    const { model, ...input } = request.body as Body;
    return answer(server, request, reply, 'score', model, input);
  });
  app.post('/v1/classify', { schema: s.classify }, async (request, reply) => {
    const { model, text, texts } = request.body as Body & { text?: string; texts?: string[] };
    const one = texts === undefined;
    return answer(server, request, reply, 'classify', model, { texts: one ? [text] : texts }, (out) => {
      const predictions = out as Array<Record<string, unknown>>;
      return one ? (predictions[0] as Record<string, unknown>) : { predictions };
    });
  });
  app.post('/v1/tag', { schema: s.tag }, async (request, reply) => {
    const { model, ...input } = request.body as Body;
    return answer(server, request, reply, 'tag', model, input);
  });
  app.post('/v1/forecast', { schema: s.forecast }, async (request, reply) => {
    const { model, ...input } = request.body as Body;
    return answer(server, request, reply, 'forecast', model, input);
  });
  app.post('/v1/translate', { schema: s.translate }, async (request, reply) => {
    const { model, ...input } = request.body as Body;
    return answer(server, request, reply, 'translate', model, input);
  });
  app.addContentTypeParser(
    ['audio/wav', 'audio/x-wav', 'audio/wave', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: server.limits.audioLimit },
    (_request, body, done) => done(null, body),
  );
  app.post('/v1/transcribe', { schema: s.transcribe, bodyLimit: server.limits.audioLimit }, async (request, reply) => {
    const query = request.query as { model?: string; beam?: number };
    const wav = request.body;
    if (!(wav instanceof Buffer) || wav.length === 0)
      return reply.code(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: 'send the WAV file as the body, with Content-Type: audio/wav.',
      });
    return answer(server, request, reply, 'transcribe', query.model, { wav: new Uint8Array(wav), beam: query.beam });
  });
  app.post('/admin/reload', { schema: s.reload }, async (request, reply) => {
    const name = (request.body as Body | null)?.model;
    const results = await server.reload(name);
    return reply.code(results.every((r) => r.ok) ? 200 : 500).send({ results });
  });
}
