/**
 * `lstm serve`'s routes on every model kind, in process on 127.0.0.1: generation whole and
 * streamed (a real client reassembles the event stream, equal to the whole text for the same
 * seed), score, classify (concurrent requests batched), tag, forecast, translate and transcribe
 * (each equal to the library's own answer), the OpenAPI document, metrics, the bearer token, and
 * every bad request the issue lists answered with its status and a message that names the fault.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeClassifier } from '../../src/index.js';
import {
  classifierFile,
  forecasterFile,
  globalForecasterFile,
  languageModelFile,
  post,
  readStream,
  type Running,
  seq2seqFile,
  speechFile,
  startServer,
  taggerFile,
  wavBytes,
} from './fixtures.js';

describe('lstm serve: routes', () => {
  let run: Running;
  let forecast: ReturnType<typeof forecasterFile>;
  let stores: ReturnType<typeof globalForecasterFile>;
  let speech: ReturnType<typeof speechFile>;
  let translator: ReturnType<typeof seq2seqFile>;
  let spamFile: string;
  before(async () => {
    forecast = forecasterFile();
    stores = globalForecasterFile();
    speech = speechFile();
    translator = seq2seqFile();
    spamFile = classifierFile();
    run = await startServer({
      models: [
        { name: 'lm', file: languageModelFile() },
        { name: 'spam', file: spamFile },
        { name: 'tagger', file: taggerFile() },
        { name: 'sales', file: forecast.file },
        { name: 'stores', file: stores.file },
        { name: 'reverse', file: translator.file },
        { name: 'speech', file: speech.file },
      ],
      maxWaitMs: 20,
      limits: { bodyLimit: 8192, maxLength: 500 },
    });
  });
  after(async () => run.close());

  it('generates: the streamed text, reassembled by a real client, equals the whole text for the same seed', async () => {
    const body = { model: 'lm', prime: 'the ', length: 60, temperature: 0.9, seed: 7 };
    const whole = await post(`${run.url}/v1/generate`, body);
    assert.equal(whole.status, 200);
    assert.equal((whole.json.text as string).length, 60);
    assert.equal(whole.json.finishReason, 'length');
    const r = await fetch(`${run.url}/v1/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    assert.equal(r.headers.get('content-type'), 'text/event-stream');
    const { tokens, final } = await readStream(r);
    assert.equal(tokens.length, 60);
    assert.equal(tokens.join(''), whole.json.text);
    assert.deepEqual(final, { event: 'done', data: whole.json });
    // a stop string ends it, and is kept
    const stop = (whole.json.text as string).slice(20, 22);
    const stopped = await post(`${run.url}/v1/generate`, { ...body, stop: [stop] });
    assert.equal(stopped.json.finishReason, 'stop');
    assert.ok((stopped.json.text as string).endsWith(stop));
  });

  it('scores, classifies (concurrent requests in one batch), tags, forecasts, translates and transcribes', async () => {
    const score = await post(`${run.url}/v1/score`, { model: 'lm', text: 'the cat sat' });
    assert.ok((score.json.bitsPerChar as number) > 0);
    const texts = ['good great', 'awful poor bad', 'fine'];
    const answers = await Promise.all(texts.map((text) => post(`${run.url}/v1/classify`, { text })));
    const library = decodeClassifier(new Uint8Array(await (await import('node:fs')).promises.readFile(spamFile)));
    answers.forEach((a, i) => {
      assert.equal(a.status, 200);
      const p = library.predictProba([texts[i] as string])[0] as Float64Array;
      const spam = (a.json.probabilities as Record<string, number>)['spam'] as number;
      assert.ok(Math.abs(spam - (p[1] as number)) < 1e-6);
    });
    const many = await post(`${run.url}/v1/classify`, { texts });
    assert.equal((many.json.predictions as unknown[]).length, 3);
    const metrics = await (await fetch(`${run.url}/metrics`)).text();
    const batches = Number(/lstm_serve_batch_size_count\{route="classify",model="spam"\} (\d+)/.exec(metrics)?.[1]);
    assert.ok(batches <= 3, `4 classify requests ran in ${batches} batches: the 3 concurrent ones together`);
    const tag = await post(`${run.url}/v1/tag`, { text: 'not good but fine' });
    assert.deepEqual(
      (tag.json.tokens as Array<{ token: string }>).map((t) => t.token),
      ['not', 'good', 'but', 'fine'],
    );
    const f = await post(`${run.url}/v1/forecast`, { model: 'sales', rows: forecast.rows });
    assert.equal(f.status, 200, JSON.stringify(f.json));
    assert.deepEqual(f.json.times, ['2005-01-01', '2005-02-01', '2005-03-01']);
    // a global model: every series of a long table forecast by its own member
    const g = await post(`${run.url}/v1/forecast`, { model: 'stores', rows: stores.rows });
    assert.equal(g.status, 200, JSON.stringify(g.json));
    const each = g.json.series as Array<{ id: string; times: string[]; targets: Array<{ median: number[] }> }>;
    assert.deepEqual(
      each.map((e) => [e.id, e.times]),
      [
        ['north', ['2004-01-01', '2004-02-01']],
        ['south', ['2004-01-01', '2004-02-01']],
      ],
    );
    assert.ok(
      (each[1]?.targets[0]?.median[0] ?? 0) > (each[0]?.targets[0]?.median[0] ?? 0),
      'each series on its own scale',
    );
    const stranger = await post(`${run.url}/v1/forecast`, {
      model: 'stores',
      rows: stores.rows.map((r) => ({ ...r, store: r.store === 'south' ? 'east' : r.store })),
    });
    assert.equal(stranger.status, 400);
    assert.match(
      stranger.json.message as string,
      /series 'east' is not one the model was trained on; it knows north, south/,
    );
    const t = await post(`${run.url}/v1/translate`, { text: 'abc', beam: 2, nbest: 2 });
    const expected = translator.model.translate([['a', 'b', 'c']], { beam: 2, nbest: 2 })[0];
    assert.deepEqual(
      (t.json.translations as Array<{ tokens: string[] }>).map((x) => x.tokens),
      expected?.map((x) => x.tokens),
    );
    const samples = Float32Array.from({ length: 4000 }, (_, i) => 0.3 * Math.sin(i / 3));
    const wav = await fetch(`${run.url}/v1/transcribe?model=speech`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: wavBytes(samples, 8000) as Uint8Array<ArrayBuffer>,
    });
    const transcript = (await wav.json()) as { text: string };
    assert.equal(wav.status, 200);
    assert.equal(transcript.text, speech.model.transcribe([samples])[0]?.text);
  });

  it('answers bad requests with their status and a message that names the fault', async () => {
    const cases: Array<[unknown, number, RegExp, string?]> = [
      ['{"prime": "the', 400, /not valid JSON/],
      [{ model: 'lm', length: 'ten' }, 400, /body\/length must be integer/],
      [{ model: 'lm', temperature: -1 }, 400, /body\/temperature must be >= 0/],
      [{ model: 'lm', length: 501 }, 400, /body\/length must be <= 500/],
      [{ model: 'lm', colour: 'red' }, 400, /must NOT have additional properties/],
      [{ model: 'nope' }, 404, /no model named 'nope'; there are lm, spam/],
      [{ model: 'lm', prime: 'the Ω cat' }, 400, /the prime has 1 character\(s\) the model never saw: "Ω"/],
      [{ model: 'spam' }, 400, /model 'spam' is a sequence-classifier; it serves \/v1\/classify, not \/v1\/generate/],
      [{ model: 'lm', prime: 'x'.repeat(9000) }, 413, /Request body is too large/],
    ];
    for (const [body, status, message] of cases) {
      const r = await post(`${run.url}/v1/generate`, body);
      assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 60)}: ${JSON.stringify(r.json)}`);
      assert.match(r.json.message as string, message);
    }
    const noWav = await fetch(`${run.url}/v1/transcribe`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: new Uint8Array([1, 2, 3, 4]) as Uint8Array<ArrayBuffer>,
    });
    assert.equal(noWav.status, 400);
    assert.match(((await noWav.json()) as { message: string }).message, /RIFF|WAV/);
    const several = await post(`${run.url}/v1/score`, { text: 'the cat' });
    assert.equal(several.status, 200, 'one LM: the model may be left out');
    const badRows = await post(`${run.url}/v1/forecast`, {
      model: 'sales',
      rows: [...forecast.rows.slice(0, 30), { month: '2002-07-01', sales: 'lots' }],
    });
    assert.equal(badRows.status, 400);
    assert.match(badRows.json.message as string, /sales/);
  });

  it('serves its OpenAPI document, health, readiness and Prometheus metrics', async () => {
    const doc = (await (await fetch(`${run.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.match(doc.openapi, /^3\./);
    for (const path of [
      '/v1/generate',
      '/v1/score',
      '/v1/classify',
      '/v1/tag',
      '/v1/forecast',
      '/v1/translate',
      '/v1/transcribe',
    ])
      assert.ok(path in doc.paths, path);
    assert.deepEqual(await (await fetch(`${run.url}/healthz`)).json(), { status: 'ok' });
    assert.equal((await fetch(`${run.url}/readyz`)).status, 200);
    const metrics = await (await fetch(`${run.url}/metrics`)).text();
    for (const name of [
      'lstm_serve_requests_total',
      'lstm_serve_request_duration_seconds_bucket',
      'lstm_serve_queue_depth',
      'lstm_serve_batch_size_bucket',
      'lstm_serve_generated_tokens_total',
      'lstm_serve_process_resident_memory_bytes',
    ])
      assert.match(metrics, new RegExp(`^${name}`, 'm'), name);
  });
});

describe('lstm serve: a bearer token', () => {
  it('guards every route but /healthz and /readyz', async () => {
    const run = await startServer({
      models: [{ name: 'lm', file: languageModelFile('lm-token.lstm') }],
      token: 's3cret',
    });
    try {
      assert.equal((await fetch(`${run.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${run.url}/readyz`)).status, 200);
      const refused = await post(`${run.url}/v1/generate`, { length: 5 });
      assert.equal(refused.status, 401);
      assert.match(refused.json.message as string, /Authorization: Bearer/);
      assert.equal((await fetch(`${run.url}/metrics`)).status, 401);
      const ok = await post(`${run.url}/v1/generate`, { length: 5 }, { authorization: 'Bearer s3cret' });
      assert.equal(ok.status, 200);
    } finally {
      await run.close();
    }
  });
});
