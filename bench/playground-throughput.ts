/**
 * Training throughput of the C1 configuration (character LM on tiny-shakespeare, V 65, embedding
 * 65, LSTM 2 × 128, T 50, B 50, Adam) in the browser playground's worker, beside the same `fit` in
 * Node on the same WebAssembly kernels (and the native ones), in the same run:
 *   page   the production build (Vite) served cross-origin isolated to headless Chromium; the
 *          language-model view is driven through its controls; characters per second are taken
 *          from the update counter between two moments after a warm-up (validation passes off)
 *   node   LanguageModel + fit on WasmKernels with the page's thread count, then NativeKernels
 * Writes bench/results/playground-throughput.json (or --out) and prints a table.
 *
 *   node dist/bench/playground-throughput.js [--seconds 20] [--warmup 5] [--out FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { fit, type Kernels, LanguageModel, WasmKernels } from '../src/index.node.js';
import { NativeKernels } from '../src/kernels/index.js';
import { startPlayground } from '../test/browser/playground-harness.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench/results/playground-throughput.json' },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const TEXT_PATH = '../shared/data/tinyshakespeare/input.txt';
const TEXT = readFileSync(TEXT_PATH, 'utf8');
const C1 = { embeddingSize: 65, hiddenSize: 128, numLayers: 2, seqLength: 50, batchSize: 50, learningRate: 2e-3 };
const CHARS_PER_UPDATE = C1.seqLength * C1.batchSize;

/** Updates per second in the page between WARMUP and WARMUP + SECONDS, read off the step counter. */
async function inPage(page: Page): Promise<{ charsPerSecond: number; backend: string }> {
  await page.waitForSelector('#backend:has-text("Kernels:")');
  // the text as the user would open it (filling a 1 MB textarea by typing would take minutes)
  await page.setInputFiles('#lm-text-file', TEXT_PATH);
  await page.waitForFunction(() => (document.querySelector('#lm-own-text') as HTMLTextAreaElement).value.length > 0);
  const settings: Record<string, number> = {
    hidden: C1.hiddenSize,
    layers: C1.numLayers,
    embedding: C1.embeddingSize,
    seqLength: C1.seqLength,
    batch: C1.batchSize,
    lr: C1.learningRate,
    steps: 1_000_000,
    evalEvery: 1_000_000,
    sampleEvery: 0,
  };
  for (const [id, v] of Object.entries(settings)) await page.fill(`#lm-${id}`, String(v));
  await page.click('#lm-start');
  await page.waitForFunction(() => Number(document.querySelector('#lm-step')?.textContent) > 0, null, {
    timeout: 60_000,
  });
  const read = async (): Promise<[number, number]> =>
    page.evaluate(
      () => [Number(document.querySelector('#lm-step')?.textContent), performance.now()] as [number, number],
    );
  await page.waitForTimeout(WARMUP * 1000);
  const [s0, t0] = await read();
  await page.waitForTimeout(SECONDS * 1000);
  const [s1, t1] = await read();
  await page.click('#lm-pause');
  await page.waitForSelector('#lm-status:has-text("Paused")', { timeout: 120_000 });
  return {
    charsPerSecond: ((s1 - s0) * CHARS_PER_UPDATE) / ((t1 - t0) / 1000),
    backend: (await page.textContent('#backend')) ?? '',
  };
}

/** The same training in Node on `kernels`: updates done in SECONDS after a WARMUP-second run. */
async function inNode(kernels: Kernels): Promise<number> {
  const model = LanguageModel.create({ text: TEXT, ...C1, seed: 1, kernels });
  const recipe = {
    seqLength: C1.seqLength,
    batchSize: C1.batchSize,
    learningRate: C1.learningRate,
    validationFraction: 0, // no validation pass: training alone is timed
  };
  const warm = await fit(model, TEXT, { ...recipe, maxSeconds: WARMUP, evalEvery: 0, evalChars: 1 });
  const run = await fit(model, TEXT, {
    ...recipe,
    maxSeconds: SECONDS,
    evalEvery: 0,
    evalChars: 1,
    resume: warm.training,
  });
  return ((run.steps - warm.steps) * CHARS_PER_UPDATE) / run.seconds;
}

const playground = await startPlayground();
const { page } = await playground.open('lm');
const browser = await inPage(page);
await playground.close();
const threads = Number(/(\d+) thread/.exec(browser.backend)?.[1] ?? 1);
const wasm = await inNode(new WasmKernels({ threads }));
const native = await inNode(new NativeKernels({ threads }));
const rows = [
  ['playground worker (Chromium, wasm)', threads, browser.charsPerSecond],
  ['Node, wasm', threads, wasm],
  ['Node, native', threads, native],
] as const;
console.log('| where | threads | chars/s | vs Node wasm |\n|---|---|---|---|');
for (const [where, n, rate] of rows)
  console.log(`| ${where} | ${n} | ${Math.round(rate).toLocaleString('en')} | ${(rate / wasm).toFixed(2)}× |`);
writeFileSync(
  values.out,
  `${JSON.stringify({ date: new Date().toISOString(), config: C1, seconds: SECONDS, warmup: WARMUP, browser, rows }, null, 2)}\n`,
);
