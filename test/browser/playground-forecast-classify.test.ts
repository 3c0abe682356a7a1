/**
 * The playground's forecast and classify views in headless Chromium (the harness builds the
 * playground with Vite and serves it): the CO2 example trains briefly, backtests and forecasts,
 * with finite MASE for the LSTM and ETS rows; a CSV with a non-numeric cell gets the library's
 * message naming the row and column; the built-in classification example trains, is scored beside
 * the majority class and the bag of words, and gives class probabilities that sum to 1 for a typed
 * text; its model file downloads and loads back. No page error, no request off the page's server.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type Playground, SCREENSHOTS, skipWithoutChromium, startPlayground } from './playground-harness.js';

const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

/** Months from 2000-01, one value each; `bad` replaces the value of data row `badRow` (0-based). */
function monthlyCsv(rows: number, badRow?: number, bad = 'abc'): string {
  const lines = ['date,value'];
  for (let i = 0; i < rows; i++) {
    const month = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    lines.push(`${month},${i === badRow ? bad : (10 + Math.sin(i / 2)).toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Wait until the status line `selector` shows an error, and return its text. */
async function errorIn(page: Page, selector: string): Promise<string> {
  await page.waitForSelector(`${selector}.error`, { timeout: 60_000 });
  return (await page.textContent(selector)) ?? '';
}

/** The page is no wider than a 390-pixel phone screen (nothing forces sideways scrolling); its screenshot. */
async function fitsPhone(page: Page, screenshot: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300); // the charts follow their container's width
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide at a 390 px viewport`);
  await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('playground: forecast and classify views', { skip: skipWithoutChromium, timeout: 180_000 }, () => {
  let playground: Playground;
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    playground = await startPlayground();
  });
  after(async () => {
    await playground?.close();
  });

  it('forecast: the CO2 example trains, backtests beside the baselines and forecasts; bad CSVs are named', async () => {
    const { page, errors } = await playground.open('forecast');
    await page.waitForFunction(
      () => document.querySelector('#forecast-data-status')?.textContent?.includes('co2-concentration.csv'),
      null,
      { timeout: 60_000 },
    );
    await page.click('#forecast-example');
    await page.waitForFunction(() => document.querySelector('#forecast-time option') !== null);
    assert.equal(await page.inputValue('#forecast-time'), 'Date');
    assert.equal(await page.inputValue('#forecast-target'), 'CO2');
    // a small budget: a few seconds of training on two shared cores
    await page.fill('#forecast-epochs', '15');
    await page.fill('#forecast-hidden', '16');
    await page.click('#forecast-train');
    await page.waitForSelector('#forecast-metrics', { timeout: 150_000 });
    await page.waitForSelector('#forecast-chart canvas');
    const mase = async (method: string): Promise<number> =>
      Number(await page.textContent(`#forecast-metrics tr[data-method="${method}"] td.mase`));
    const first = await page.getAttribute('#forecast-metrics tbody tr', 'data-method');
    assert.equal(first, 'lstm', 'the LSTM row comes first');
    const [lstm, ets] = [await mase('lstm'), await mase('ets')];
    assert.ok(Number.isFinite(lstm) && lstm > 0, `LSTM MASE ${lstm}`);
    assert.ok(Number.isFinite(ets) && ets > 0, `ETS MASE ${ets}`);
    assert.equal(await page.locator('#forecast-table tbody tr').count(), 12, '12 months after the data');
    assert.match((await page.textContent('#forecast-status')) ?? '', /^Done: LSTM MASE/);
    assert.match((await page.textContent('.stats')) ?? '', /15 \/ 15|\d+ \/ 15/);
    await page.screenshot({ path: join(SCREENSHOTS, 'forecast.png'), fullPage: true });
    await fitsPhone(page, 'forecast-390.png');

    // a non-numeric target cell: the library's message names its row (the header is row 1) and column
    await page.setInputFiles('#forecast-file', csvFile('bad.csv', monthlyCsv(60, 7)));
    await page.waitForFunction(() => document.querySelector('#forecast-data-status')?.textContent?.includes('bad.csv'));
    assert.equal(await page.inputValue('#forecast-target'), 'value');
    await page.click('#forecast-train');
    const message = await errorIn(page, '#forecast-status');
    assert.match(message, /bad\.csv: row 9, column 'value': 'abc' is not/);

    // too few rows for the lookback and horizon
    await page.setInputFiles('#forecast-file', csvFile('short.csv', monthlyCsv(6)));
    await page.waitForFunction(() =>
      document.querySelector('#forecast-data-status')?.textContent?.includes('short.csv'),
    );
    await page.click('#forecast-train');
    await page.waitForFunction(() => !document.querySelector('#forecast-status')?.textContent?.includes('abc'));
    assert.match(await errorIn(page, '#forecast-status'), /Forecaster\.fit: .*need at least 37 training rows/);

    // a CSV of one's own, dropped in: it trains and draws
    await page.setInputFiles('#forecast-file', csvFile('good.csv', monthlyCsv(96)));
    await page.waitForFunction(() =>
      document.querySelector('#forecast-data-status')?.textContent?.includes('good.csv'),
    );
    await page.click('#forecast-train');
    await page.waitForFunction(
      () => document.querySelector('#forecast-status')?.textContent?.startsWith('Done: LSTM MASE'),
      null,
      {
        timeout: 120_000,
      },
    );
    await page.waitForSelector('#forecast-chart canvas');
    assert.ok(Number.isFinite(Number(await page.textContent('#forecast-metrics tr[data-method="lstm"] td.mase'))));

    assert.deepEqual(errors, []);
    await page.close();
  });

  it('classify: the example trains beside the baselines, probabilities follow the text, the model file round-trips', async () => {
    const { page, errors } = await playground.open('classify');
    await page.click('#classify-train');
    await page.waitForSelector('#classify-results', { timeout: 120_000 });
    const models = await page.locator('#classify-results tbody th').allTextContents();
    assert.equal(models.length, 3);
    assert.match(models[0] ?? '', /^majority class/);
    assert.match(models[1] ?? '', /^bag of words/);
    assert.match(models[2] ?? '', /^LSTM/);
    for (const cell of await page.locator('#classify-results td.accuracy').allTextContents())
      assert.match(cell, /^\d+\.\d %$/);
    assert.match((await page.textContent('#classify-status')) ?? '', /LSTM test accuracy \d+\.\d %/);
    assert.equal(await page.locator('#classify-confusion tbody tr').count(), 3);

    const probabilities = (): Promise<number[]> =>
      page.locator('#classify-probabilities .probability').evaluateAll((els) => els.map((e) => Number(e.textContent)));
    await page.waitForFunction(() => document.querySelectorAll('#classify-probabilities .probability').length === 3);
    const before = await probabilities();
    await page.fill('#classify-text', 'Terrible, it broke after one day and the refund never came');
    await page.waitForFunction(
      (old) =>
        Array.from(document.querySelectorAll('#classify-probabilities .probability'), (e) => e.textContent).join() !==
        old,
      before.map((p) => p.toFixed(3)).join(),
      { timeout: 30_000 },
    );
    const after = await probabilities();
    assert.equal(after.length, 3);
    assert.ok(after.every((p) => p >= 0 && p <= 1));
    const sum = after.reduce((s, p) => s + p, 0);
    assert.ok(Math.abs(sum - 1) < 0.005, `the probabilities sum to ${sum}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'classify.png'), fullPage: true });

    // the model file: downloaded as classifier.lstm, then loaded back
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#classify-save')]);
    assert.equal(download.suggestedFilename(), 'classifier.lstm');
    const path = await download.path();
    assert.ok(readFileSync(path).length > 1000);
    await page.setInputFiles('#classify-model-file', path);
    await page.waitForFunction(() => document.querySelector('#classify-file-status')?.textContent?.includes('Loaded'));
    assert.match((await page.textContent('#classify-file-status')) ?? '', /classes negative, neutral, positive/);
    await fitsPhone(page, 'classify-390.png');

    // a CSV's columns: a class with a single example is refused, its row named
    const rows = [
      'id,review,label',
      ...Array.from({ length: 12 }, (_, i) => `${i},text number ${i},${i % 2 ? 'up' : 'down'}`),
    ];
    rows.push('12,only one of these,meh');
    await page.setInputFiles('#classify-csv-file', csvFile('reviews.csv', `${rows.join('\n')}\n`));
    await page.waitForFunction(() => document.querySelector('#classify-status')?.textContent?.includes('reviews.csv'));
    assert.equal(await page.inputValue('#classify-source'), 'csv');
    assert.equal(await page.inputValue('#classify-label-column'), 'label');
    assert.equal(await page.inputValue('#classify-text-column'), 'review');
    await page.click('#classify-train');
    assert.match(await errorIn(page, '#classify-status'), /reviews\.csv: .*'meh'.*row 14/);

    assert.deepEqual(errors, []);
    assert.deepEqual(playground.foreignRequests, []);
    await page.close();
  });
});
