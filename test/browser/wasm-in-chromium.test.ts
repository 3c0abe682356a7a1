/**
 * The WebAssembly backend in a real browser: headless Chromium (Debian's package, driven by
 * playwright-core; scripts/ensure-chromium.mjs installs it in CI) loads the compiled core from a
 * local server that sends the cross-origin isolation headers shared memory needs, runs
 * shared-computation.ts on 2 threads (module Web Workers there, worker_threads here), and must get
 * the same bits as Node.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { it } from 'node:test';
import { chromium } from 'playwright-core';
import '../../src/node/threads.js';
import { type ComputationResult, runComputation } from './shared-computation.js';

const CHROMIUM = process.env['LSTM_CHROMIUM'] ?? '/usr/bin/chromium';
const ROOT = resolve('dist');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };
const PAGE = '<!doctype html><meta charset="utf-8"><title>lstm browser test</title>';

/** Serves dist/ (and a blank page at /) with COOP/COEP, so the page is cross-origin isolated. */
function serveDist(): Promise<Server> {
  const server = createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    };
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204, headers).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(PAGE);
      return;
    }
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(ROOT + sep) || !existsSync(file)) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type }).end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

const missing = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}`;
// In CI a missing browser is a failure (the set-up must install it); elsewhere, a skip that says why.
const skip = missing !== undefined && process.env['CI'] !== 'true' ? `${missing} (apt-get install chromium)` : false;

it(
  'the WebAssembly backend gives the same bits in headless Chromium as in Node, on 2 threads',
  { skip, timeout: 120_000 },
  async () => {
    assert.equal(missing, undefined, `${missing}: scripts/ensure-chromium.mjs should have installed it`);
    const inNode = await runComputation(2);
    const server = await serveDist();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    const pageErrors: string[] = [];
    try {
      const page = await browser.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
      const { port } = server.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/`);
      const isolated = await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
      assert.equal(isolated, true, 'the page must be cross-origin isolated for shared memory');
      const inChromium = await page.evaluate(async () => {
        const m = (await import('/test/browser/shared-computation.js' as string)) as {
          runComputation(threads: number): Promise<ComputationResult>;
        };
        return m.runComputation(2);
      });
      assert.equal(inChromium.backend, 'wasm');
      assert.equal(inChromium.threads, 2, 'both threads (a Web Worker) must have started in the page');
      assert.ok(inChromium.parallelGemmCalls > 4, 'the products must have been split over the Web Worker');
      assert.equal(inNode.threads, 2);
      assert.deepEqual(
        inChromium.checksums,
        inNode.checksums,
        `samples: Chromium ${JSON.stringify(inChromium.samples)}, Node ${JSON.stringify(inNode.samples)}`,
      );
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
      server.close();
    }
  },
);
