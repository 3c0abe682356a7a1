/**
 * `lstm serve` under load, in process: a client that disconnects mid-stream frees its place at
 * once; 1,000 requests against a queue of 16 all get an answer (200 or 429 with Retry-After, none
 * lost or hung); a reload under load fails no request, and a damaged file leaves the old model
 * serving; a deadline answers 504; /healthz answers quickly while 64 streams generate.
 */
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { classifierFile, languageModelFile, post, type Running, startServer } from './fixtures.js';

const generate = (run: Running, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> =>
  fetch(`${run.url}/v1/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });

const load = (run: Running): number => run.server.hosts.get('lm')?.load ?? -1;

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('lstm serve under load', () => {
  it('a client that disconnects mid-stream frees its place at once', async () => {
    const run = await startServer({
      models: [{ name: 'lm', file: languageModelFile('big.lstm', 256) }],
      maxBatch: 1,
      maxQueue: 0,
    });
    try {
      const controller = new AbortController();
      const r = await generate(run, { length: 4000, stream: true }, controller.signal);
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      await reader.read(); // the first characters have arrived
      assert.equal(load(run), 1);
      const full = await post(`${run.url}/v1/generate`, { length: 5 });
      assert.equal(full.status, 429, 'one place, taken');
      assert.equal(full.headers.get('retry-after'), '1');
      const t0 = performance.now();
      controller.abort();
      await until('the place freed', () => load(run) === 0, 1000);
      const freedMs = performance.now() - t0;
      assert.ok(freedMs < 200, `freed after ${freedMs.toFixed(0)} ms`);
      assert.equal((await post(`${run.url}/v1/generate`, { length: 5 })).status, 200);
    } finally {
      await run.close();
    }
  });

  it('1,000 requests against a queue of 16: each answered, 200 or 429 with Retry-After, none lost or hung', async () => {
    const run = await startServer({ models: [{ name: 'lm', file: languageModelFile() }], maxBatch: 4, maxQueue: 16 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const r = await generate(run, { length: 40, seed: i });
          const body = (await r.json()) as { text?: string };
          return { status: r.status, retry: r.headers.get('retry-after'), text: body.text };
        }),
      );
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      assert.equal(
        ok.length + refused.length,
        1000,
        `other statuses: ${answers.filter((a) => a.status !== 200 && a.status !== 429).map((a) => a.status)}`,
      );
      assert.ok(ok.length >= 20 && refused.length > 0, `${ok.length} served, ${refused.length} refused`);
      assert.ok(refused.every((a) => a.retry === '1'));
      assert.ok(ok.every((a) => a.text?.length === 40));
      assert.equal(load(run), 0, 'nothing left in hand');
    } finally {
      await run.close();
    }
  });

  it('a reload under load fails no request; a damaged file leaves the old model serving', async () => {
    const file = languageModelFile('reloaded.lstm');
    const spam = classifierFile();
    const run = await startServer({
      models: [
        { name: 'lm', file },
        { name: 'spam', file: spam },
      ],
      maxBatch: 8,
    });
    try {
      let stop = false;
      const statuses: number[] = [];
      const client = async (): Promise<void> => {
        while (!stop) {
          const r = await generate(run, { model: 'lm', length: 30 });
          statuses.push(r.status);
          await r.arrayBuffer();
        }
      };
      const clients = Array.from({ length: 8 }, client);
      await until('requests flowing', () => statuses.length > 20, 10_000);
      const reloaded = await post(`${run.url}/admin/reload`, {});
      assert.equal(reloaded.status, 200, JSON.stringify(reloaded.json));
      const seen = statuses.length;
      await until('requests after the reload', () => statuses.length > seen + 20, 10_000);
      copyFileSync(file, `${file}.good`);
      writeFileSync(file, 'not a model');
      const failed = await post(`${run.url}/admin/reload`, { model: 'lm' });
      assert.equal(failed.status, 500);
      assert.match(JSON.stringify(failed.json), /reloaded\.lstm/);
      const after = statuses.length;
      await until('requests after the failed reload', () => statuses.length > after + 20, 10_000);
      stop = true;
      await Promise.all(clients);
      copyFileSync(`${file}.good`, file);
      assert.ok(statuses.length > 60);
      assert.deepEqual([...new Set(statuses)], [200], 'every request during the reloads succeeded');
    } finally {
      await run.close();
    }
  });

  it('answers 504 past the deadline, and /healthz within 100 ms while 64 streams generate', async () => {
    const run = await startServer({
      models: [{ name: 'lm', file: languageModelFile('slow.lstm', 256) }],
      maxBatch: 64,
      limits: { deadlineMs: 400 },
    });
    try {
      const streams = Array.from({ length: 64 }, () => generate(run, { length: 4000 }).then((r) => r.status));
      await until('64 in hand', () => load(run) === 64, 5000);
      let worst = 0;
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        assert.equal((await fetch(`${run.url}/healthz`)).status, 200);
        worst = Math.max(worst, performance.now() - t0);
      }
      assert.ok(worst < 100, `/healthz took ${worst.toFixed(0)} ms under load`);
      const statuses = await Promise.all(streams);
      assert.ok(statuses.includes(504), `statuses ${[...new Set(statuses)]}`);
      assert.equal(load(run), 0);
    } finally {
      await run.close();
    }
  });
});
