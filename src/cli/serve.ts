/**
 * `lstm serve`: the inference server (src/serve/) from the command line. Models are named
 * `--model NAME=FILE` (repeat the flag, or list more NAME=FILE after it; a bare FILE is named by
 * its file name). SIGTERM and SIGINT shut down gracefully (no new requests, those in hand
 * finished within --shutdown-timeout, exit 0); SIGHUP reloads every model file.
 */
import { basename, extname } from 'node:path';
import { LstmServer, type ServeOptions } from '../serve/index.js';
import { UsageError } from './args.js';
import { defineCommand, HELP_FLAG, readCommandLine } from './flags.js';

export const SERVE = defineCommand(
  'serve',
  {
    model: {
      type: 'string',
      value: 'NAME=FILE',
      help: 'a model file to serve under NAME (repeatable; any saved model: language model, classifier, tagger, forecaster, seq2seq, speech)',
    },
    host: {
      type: 'string',
      value: 'HOST',
      default: '127.0.0.1',
      help: 'the address to listen on (0.0.0.0: every interface)',
    },
    port: { type: 'integer', min: 0, max: 65535, default: 8080, help: 'the port (0: any free one, printed)' },
    'max-batch': {
      group: 'Batching and limits:',
      type: 'integer',
      min: 1,
      max: 4096,
      default: 32,
      help: 'requests stepped or run together per model (1: no batching)',
    },
    'max-wait': {
      type: 'integer',
      min: 0,
      max: 1000,
      default: 0,
      help: 'ms a classify/score request waits for batch-mates (0: only those that came while the model was busy)',
    },
    queue: { type: 'integer', min: 0, max: 1e6, default: 256, help: 'requests that may wait per model; more get 429' },
    deadline: {
      type: 'integer',
      min: 1,
      max: 3_600_000,
      default: 60_000,
      help: 'ms a request may take (504 after it)',
    },
    'max-length': { type: 'integer', min: 1, max: 1e7, default: 4000, help: 'characters one generation may ask for' },
    'max-prompt': { type: 'integer', min: 0, max: 1e7, default: 4096, help: 'characters of a prime' },
    'body-limit': { type: 'integer', min: 1024, max: 1 << 30, default: 1 << 20, help: 'bytes of a JSON body' },
    token: {
      group: 'Operations:',
      type: 'string',
      value: 'TOKEN',
      help: 'require Authorization: Bearer TOKEN on every route but /healthz and /readyz (or LSTM_SERVE_TOKEN)',
    },
    'log-level': {
      type: 'choice',
      choices: ['info', 'warn', 'error', 'silent'],
      default: 'info',
      help: 'JSON log lines on stdout from this level',
    },
    'shutdown-timeout': {
      type: 'integer',
      min: 0,
      max: 3_600_000,
      default: 30_000,
      help: 'ms to finish requests on SIGTERM',
    },
    help: HELP_FLAG,
  },
  {
    usage: 'Usage: lstm serve --model NAME=FILE [--model NAME=FILE …] [--port N] [--host HOST] [options]',
    intro: `Serve saved models over HTTP (Fastify): POST /v1/generate (whole text, or server-sent events with
"stream": true), /v1/score, /v1/classify, /v1/tag, /v1/forecast, /v1/translate, /v1/transcribe (a
WAV body); GET /v1/models, /healthz, /readyz, /metrics (Prometheus), /openapi.json; POST /admin/reload.
Concurrent requests for a model are batched; each model runs in a worker thread of its own.`,
    labelWidth: 22,
    closing: 'Example: lstm serve --model shakespeare=lm.lstm --model spam=spam.lstm --port 8080',
  },
);

/** `--model NAME=FILE` (or `FILE`, named by its file name) → the pair. */
function modelSpec(text: string): { name: string; file: string } {
  const at = text.indexOf('=');
  if (at === 0 || at === text.length - 1)
    throw new UsageError(`lstm serve: --model takes NAME=FILE (or FILE); got '${text}'.`);
  if (at < 0) return { name: basename(text, extname(text)), file: text };
  return { name: text.slice(0, at), file: text.slice(at + 1) };
}

export async function serveCommand(argv: string[]): Promise<number> {
  // every --model (parseArgs would keep only the last), and the NAME=FILE words after one
  const models: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--model') {
      const value = argv[++i];
      if (value === undefined) throw new UsageError('lstm serve: --model needs NAME=FILE.');
      models.push(value);
    } else if (arg.startsWith('--model=')) models.push(arg.slice('--model='.length));
    else rest.push(arg);
  }
  const line = readCommandLine(SERVE, rest);
  if (line === undefined) return 0;
  const { values, positionals } = line;
  models.push(...positionals.filter((p) => p.includes('=')));
  const stray = positionals.find((p) => !p.includes('='));
  if (stray !== undefined)
    throw new UsageError(`lstm serve: unexpected argument '${stray}'; models are --model NAME=FILE.`);
  if (models.length === 0) throw new UsageError('lstm serve: give at least one model: --model NAME=FILE.');
  const options: ServeOptions = {
    models: models.map(modelSpec),
    maxBatch: values['max-batch'],
    maxWaitMs: values['max-wait'],
    maxQueue: values.queue,
    limits: {
      deadlineMs: values.deadline,
      maxLength: values['max-length'],
      maxPrompt: values['max-prompt'],
      bodyLimit: values['body-limit'],
    },
    token: values.token ?? process.env['LSTM_SERVE_TOKEN'],
    logLevel: values['log-level'] as NonNullable<ServeOptions['logLevel']>,
  };
  let server: LstmServer;
  try {
    server = await LstmServer.create(options);
  } catch (e) {
    throw new UsageError(`lstm serve: ${(e as Error).message}`);
  }
  const address = await server.app.listen({ port: values.port, host: values.host });
  process.stderr.write(
    `lstm serve: ${[...server.hosts.values()].map((h) => `${h.summary.name} (${h.summary.description})`).join('; ')} at ${address}\n`,
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      server.app.log.info({ signal }, 'shutting down: finishing the requests in hand');
      void server.shutdown(values['shutdown-timeout']).then(() => resolve(0));
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      void server.reload().then((results) => server.app.log.info({ results }, 'reloaded on SIGHUP'));
    });
  });
}
