/**
 * The README's two playground pictures (docs/playground/language-model.png and inside.png), made
 * the way a user would: the production build in headless Chromium, the language model trained on
 * the library's own source (LSTM 2 × 128, T 100, B 32) for SECONDS, then the inside view asked for
 * the unit that tracks single-quoted strings in a few lines of code. Prints what it found.
 *
 *   node dist/bench/playground-showcase.js [SECONDS (default 150)]
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENSHOTS, startPlayground } from '../test/browser/playground-harness.js';

const seconds = Number(process.argv[2] ?? 150);
const CODE = `const where = 'SequenceClassifier.fit';
if (x.length !== 4) throw new DataError(where, \`expected 4 values, got \${x.length}\`, 'pass (B, T) ids');
const names = ['embedding.weight', 'head.bias'].map((n) => prefix + n);
for (let i = 0; i < names.length; i++) total += sizes[i] * (scale(i) + 1);`;

mkdirSync(SCREENSHOTS, { recursive: true });
const playground = await startPlayground();
const { page } = await playground.open('lm');
await page.waitForSelector('#backend:has-text("Kernels:")');
await page.selectOption('#lm-text-source', 'lstm-source');
const settings = { hidden: 128, layers: 2, embedding: 32, seqLength: 100, batch: 32, lr: 0.003, steps: 100_000 };
for (const [id, value] of Object.entries({ ...settings, evalEvery: 300, sampleEvery: 300 }))
  await page.fill(`#lm-${id}`, String(value));
await page.click('#lm-start');
await page.waitForTimeout(seconds * 1000);
await page.fill('#lm-prime', 'export function ');
await page.fill('#lm-temperature', '0.5');
await page.click('#lm-sample-now');
await page.waitForTimeout(1500);
await page.click('#lm-pause');
await page.waitForSelector('#lm-status:has-text("Paused")', { timeout: 120_000 });
const lm = join(SCREENSHOTS, 'showcase-lm.png');
await page.screenshot({ path: lm, fullPage: true });
const stat = async (id: string): Promise<string> => (await page.textContent(`#lm-${id}`)) ?? '';
console.log(
  `after ${await stat('step')} updates: training ${await stat('loss')}, validation ${await stat('validation')} bits/char`,
);
await page.click('#tab-inside');
await page.fill('#inside-text', CODE);
await page.fill('#inside-pattern', "'[^']*'");
await page.click('#inside-search');
await page.waitForSelector('#inside-found table');
const inside = join(SCREENSHOTS, 'showcase-inside.png');
await page.screenshot({ path: inside, fullPage: true });
const rows = await page.locator('#inside-found tr').allTextContents();
console.log(rows.slice(1, 6).join('\n'));
await playground.close();
copyFileSync(lm, 'docs/playground/language-model.png');
copyFileSync(inside, 'docs/playground/inside.png');
