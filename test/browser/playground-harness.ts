/**
 * What every playground test needs: the playground built by Vite (web/, over the library in dist/)
 * into a folder of this process's own, served on 127.0.0.1 with the cross-origin isolation headers
 * (as the dev and preview servers send them), and headless Chromium (Debian's package, driven by
 * playwright-core; scripts/ensure-chromium.mjs installs it in CI). Each test file gets its own
 * build, server and browser, so test files can run side by side.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env['LSTM_CHROMIUM'] ?? '/usr/bin/chromium';

const missing = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}`;
/** A test's `skip`: in CI a missing browser is a failure (the set-up installs it), elsewhere a skip that says why. */
export const skipWithoutChromium: string | false =
  missing !== undefined && process.env['CI'] !== 'true'
    ? `${missing}: run as root (scripts/ensure-chromium.mjs installs Debian's chromium), or set LSTM_CHROMIUM`
    : false;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cache-Control': 'no-store',
};

export interface Playground {
  /** The page's address. */
  url: string;
  browser: Browser;
  /** The browser context every page opens in (one storage, one service worker, one network switch). */
  context: BrowserContext;
  /** Every request the pages made that went anywhere but the playground's own server. */
  foreignRequests: string[];
  /** A new page at `viewport` (default 1280×900), its errors collected into `errors`. */
  open(hash?: string, viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Build the playground with Vite into a fresh folder (production build, as `npm run playground:build`). */
async function build(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'lstm-playground-'));
  const vite = (await import('vite')) as typeof import('vite');
  await vite.build({
    configFile: resolve('web/vite.config.ts'),
    logLevel: 'error',
    build: { outDir: out, emptyOutDir: true },
  });
  return out;
}

function serve(root: string): Promise<Server> {
  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400, ISOLATION).end();
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(200, { ...ISOLATION, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

export async function startPlayground(): Promise<Playground> {
  assert.equal(missing, undefined, `${missing}: scripts/ensure-chromium.mjs installs it when it runs as root`);
  const root = await build();
  const server = await serve(root);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-extensions', '--no-first-run'],
  });
  const foreignRequests: string[] = [];
  const context = await browser.newContext({ acceptDownloads: true });
  return {
    url,
    browser,
    context,
    foreignRequests,
    async open(hash = '', viewport = { width: 1280, height: 900 }) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.stack ?? e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
      });
      page.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(url) && !u.startsWith('data:') && !u.startsWith('blob:')) foreignRequests.push(u);
      });
      page.on('crash', () => errors.push('the page crashed'));
      await page.goto(`${url}${hash === '' ? '' : `#${hash}`}`, { timeout: 30_000 });
      return { page, errors };
    },
    async close() {
      await browser.close();
      server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Where the tests put their screenshots (the best are copied into docs/ by hand). */
export const SCREENSHOTS = resolve('dist/playground-screenshots');
