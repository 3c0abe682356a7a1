/**
 * The WebAssembly backend in a real browser: headless Chromium (Debian's package, driven by
 * playwright-core; scripts/ensure-chromium.mjs installs it in CI) loads the compiled core from a
 * local server that sends the cross-origin isolation headers shared memory needs, runs
 * shared-computation.ts on 1 and on 2 threads (module Web Workers there, worker_threads here), and
 * must get the same bits as Node: it is the same WebAssembly binary, and every input comes from
 * the seeded Rng, so nothing may differ.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import '../../src/node/threads.js';
import { type ComputationResult, runComputation } from './shared-computation.js';

const CHROMIUM = process.env['LSTM_CHROMIUM'] ?? '/usr/bin/chromium';
const ROOT = resolve('dist');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.html': 'text/html; charset=utf-8',
};
// (an empty icon: no request for /favicon.ico, whose 404 would read as a page error)
const PAGE = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>lstm browser test</title>';
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cache-Control': 'no-store',
};

/** The file under dist/ that a request path names, or undefined (outside dist/, missing, a folder). */
function fileFor(url: string | undefined): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url ?? '/', 'http://localhost').pathname);
  } catch {
    return undefined; // malformed percent-encoding
  }
  const file = normalize(join(ROOT, path));
  if (!file.startsWith(ROOT + sep) || !existsSync(file) || !statSync(file).isFile()) return undefined;
  return file;
}

/** Serves dist/ (and a blank page at /) on 127.0.0.1 with COOP/COEP: the page is cross-origin isolated. */
function serveDist(): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, ISOLATION).end();
    } else if (req.url === '/') {
      res.writeHead(200, { ...ISOLATION, 'Content-Type': TYPES['.html'] }).end(PAGE);
    } else {
      const file = fileFor(req.url);
      if (file === undefined) res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
      else {
        const type = TYPES[extname(file)] ?? 'application/octet-stream';
        res.writeHead(200, { ...ISOLATION, 'Content-Type': type }).end(readFileSync(file));
      }
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

/** `promise`, or a rejection naming `what` after `ms`: a hung page fails the test, then closes. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs the shared computation in a fresh page; page and worker errors are pushed to `errors`. */
async function runInPage(browser: Browser, origin: string, threads: number, errors: string[]) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.stack ?? e.message}`)); // workers' too
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); // workers' too
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`); // the console line lacks the URL
  });
  page.on('crash', () => errors.push('the page crashed'));
  try {
    await page.goto(`${origin}/`, { timeout: 15_000 });
    const isolated = await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
    assert.equal(isolated, true, 'the page must be cross-origin isolated (COOP/COEP) for shared memory');
    return await within(
      60_000,
      `the computation on ${threads} thread(s) in Chromium`,
      page.evaluate(async (n) => {
        const path = '/test/browser/shared-computation.js'; // a variable: tsc leaves the import alone
        const m = (await import(path)) as { runComputation(threads: number): Promise<ComputationResult> };
        return m.runComputation(n);
      }, threads),
    );
  } finally {
    await page.close();
  }
}

const missing = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}`;
// In CI a missing browser is a failure (the set-up must install it); elsewhere, a skip that says why.
const skip =
  missing !== undefined && process.env['CI'] !== 'true'
    ? `${missing}: run as root (scripts/ensure-chromium.mjs installs Debian's chromium), or set LSTM_CHROMIUM`
    : false;

it(
  'the WebAssembly backend gives the same bits in headless Chromium as in Node, on 1 and 2 threads',
  { skip, timeout: 120_000 },
  async () => {
    assert.equal(
      missing,
      undefined,
      `${missing}: scripts/ensure-chromium.mjs (called by scripts/run-tests.mjs) installs it with apt-get when it runs as root`,
    );
    const server = await serveDist();
    const errors: string[] = [];
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        timeout: 30_000,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-extensions',
          '--no-first-run',
        ],
      });
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const threads of [1, 2]) {
        const inChromium = await runInPage(browser, origin, threads, errors);
        const inNode = await runComputation(threads);
        assert.equal(inChromium.backend, 'wasm');
        assert.equal(inNode.threads, threads);
        assert.equal(inChromium.threads, threads, 'every kernel thread (a module Web Worker) must start in the page');
        if (threads > 1) assert.ok(inChromium.parallelGemmCalls > 4, 'the products must be split over the Web Worker');
        assert.deepEqual(Object.keys(inChromium.checksums), Object.keys(inNode.checksums));
        const differ = Object.keys(inNode.checksums).filter((n) => inChromium.checksums[n] !== inNode.checksums[n]);
        const show = (n: string): string =>
          `  ${n}: Chromium ${JSON.stringify(inChromium.samples[n])}, Node ${JSON.stringify(inNode.samples[n])}`;
        assert.deepEqual(
          differ,
          [],
          `${threads} thread(s), not the same bits ([first, sum]):\n${differ.map(show).join('\n')}`,
        );
      }
      assert.deepEqual(errors, [], 'the page reported errors');
    } catch (e) {
      // a failure says what the page said (a module that failed to load, a worker that threw …)
      if (errors.length > 0 && e instanceof Error) e.message += `\npage errors:\n${errors.join('\n')}`;
      throw e;
    } finally {
      await browser?.close();
      server.close();
    }
  },
);
