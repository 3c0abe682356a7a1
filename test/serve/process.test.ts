/**
 * `lstm serve` as a process, as operations would run it: SIGTERM under load lets the requests in
 * hand finish, refuses new ones and exits 0; SIGHUP reloads the models under load without a failed
 * request; and after 10,000 mixed requests its resident memory is within 50 MB of where it was
 * after the first 1,000 (read from its own /metrics), the process never having crashed.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { CLI } from '../helpers/cli.js';
import { classifierFile, languageModelFile } from './fixtures.js';

interface Served {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stderr: () => string;
  /** The JSON log lines so far. */
  stdout: () => string;
}

/** Start `lstm serve` on a free port; resolves once it listens. */
function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const url = / at (http:\/\/[^\s]+)/.exec(err)?.[1];
      if (url !== undefined) resolve({ child, url, exited, stderr: () => err, stdout: () => out });
    });
    void exited.then((code) => reject(new Error(`lstm serve exited (${code}) before listening: ${err}`)));
  });
}

const generate = (url: string, length: number): Promise<Response> =>
  fetch(`${url}/v1/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ length }),
  });

async function residentMemory(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^lstm_serve_process_resident_memory_bytes (\d+)/m.exec(text)?.[1]);
}

describe('lstm serve as a process', { timeout: 180_000 }, () => {
  it('SIGTERM under load: requests in hand finish, new ones are refused, exit 0', async () => {
    const s = await serve(['--model', `lm=${languageModelFile('term.lstm', 128)}`]);
    const inHand = Array.from({ length: 12 }, () =>
      generate(s.url, 1200).then(async (r) => [r.status, (await r.json()) as { text?: string }] as const),
    );
    await new Promise((r) => setTimeout(r, 150));
    s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    const late = await generate(s.url, 5).then(
      (r) => r.status,
      () => 'refused',
    );
    assert.ok(late === 'refused' || late === 503, `a request after SIGTERM got ${late}`);
    for (const [status, body] of await Promise.all(inHand)) {
      assert.equal(status, 200);
      assert.equal(body.text?.length, 1200);
    }
    assert.equal(await s.exited, 0, s.stderr());
  });

  it('SIGHUP reloads the models under load without a failed request', async () => {
    const s = await serve(['--model', `lm=${languageModelFile('hup.lstm')}`, '--log-level', 'info']);
    const reloads = (): number => s.stdout().split('reloaded on SIGHUP').length - 1;
    try {
      let stop = false;
      const statuses: number[] = [];
      const client = async (): Promise<void> => {
        while (!stop) {
          const r = await generate(s.url, 20);
          statuses.push(r.status);
          await r.arrayBuffer();
        }
      };
      const clients = Array.from({ length: 6 }, client);
      // each reload must finish while the clients keep asking
      for (const n of [1, 2]) {
        await new Promise((r) => setTimeout(r, 200));
        s.child.kill('SIGHUP');
        while (reloads() < n) await new Promise((r) => setTimeout(r, 20));
      }
      const during = statuses.length;
      await new Promise((r) => setTimeout(r, 200));
      stop = true;
      await Promise.all(clients);
      assert.ok(
        statuses.length > during && during > 30,
        `${statuses.length} requests, ${during} before the last reload ended`,
      );
      assert.match(s.stdout(), /"results":\[\{"model":"lm","ok":true/);
      assert.deepEqual([...new Set(statuses)], [200]);
      assert.equal(s.child.exitCode, null, 'still running');
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  it('resident memory after 10,000 mixed requests is within 50 MB of that after the first 1,000', async (t) => {
    const s = await serve(['--model', `lm=${languageModelFile('rss.lstm')}`, '--model', `spam=${classifierFile()}`]);
    try {
      let sent = 0;
      const statuses = new Map<number, number>();
      const one = async (i: number): Promise<void> => {
        const [path, body] =
          i % 3 === 0
            ? ['/v1/generate', { model: 'lm', length: 30, seed: i }]
            : i % 3 === 1
              ? ['/v1/score', { model: 'lm', text: 'the cat sat on the mat' }]
              : ['/v1/classify', { model: 'spam', texts: ['good great', 'bad awful'] }];
        const r = await fetch(`${s.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      };
      const runTo = async (n: number): Promise<void> => {
        await Promise.all(
          Array.from({ length: 32 }, async () => {
            while (sent < n) await one(sent++);
          }),
        );
      };
      await runTo(1000);
      const after1000 = await residentMemory(s.url);
      await runTo(10_000);
      const after10000 = await residentMemory(s.url);
      assert.deepEqual([...statuses.keys()], [200], JSON.stringify([...statuses]));
      const grew = (after10000 - after1000) / 2 ** 20;
      t.diagnostic(
        `resident memory ${(after1000 / 2 ** 20).toFixed(1)} MB after 1,000, ${(after10000 / 2 ** 20).toFixed(1)} MB after 10,000`,
      );
      assert.ok(grew < 50, `resident memory grew ${grew.toFixed(1)} MB from request 1,000 to 10,000`);
      assert.equal(s.child.exitCode, null, 'never crashed');
    } finally {
      s.child.kill('SIGTERM');
      assert.equal(await s.exited, 0);
    }
  });
});
