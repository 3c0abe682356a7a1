/**
 * The playground (web/) end to end in headless Chromium, as its production build: the language
 * model trains in its worker (loss falls, samples arrive) while the page's main thread keeps
 * answering within 100 ms; the inside view draws heat maps and finds a unit for a pattern; a model
 * file downloads, loads back with identical greedy samples and is the CLI's format (Node reads it
 * and generates the same text); a reload restores the session from IndexedDB and training goes on
 * from its step; the page fits a 390×844 phone screen with every control labelled; and nothing is
 * requested from anywhere but the page's own server.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { decodeModelFile } from '../../src/io/model-file.js';
import { type Playground, SCREENSHOTS, skipWithoutChromium, startPlayground } from './playground-harness.js';

/** A short text with quotes and brackets, typed into the page as the user's own text. */
const TEXT = Array.from(
  { length: 60 },
  (_, i) => `"line ${i % 7}," she said (softly). The ${['cat', 'dog', 'bird'][i % 3]} sat on the mat.\n`,
).join('');

/** The settings of a quick run: a small LSTM that learns this text in seconds. */
async function quickSettings(page: Page, steps: number): Promise<void> {
  await page.selectOption('#lm-text-source', 'own');
  await page.fill('#lm-own-text', TEXT);
  for (const [id, value] of [
    ['hidden', 48],
    ['layers', 1],
    ['embedding', 16],
    ['seqLength', 40],
    ['batch', 16],
    ['lr', 0.01],
    ['steps', steps],
    ['evalEvery', 50],
    ['sampleEvery', 50],
  ] as const)
    await page.fill(`#lm-${id}`, String(value));
}

const stepOf = async (page: Page): Promise<number> => Number(await page.textContent('#lm-step'));

describe('the playground in Chromium', { skip: skipWithoutChromium, timeout: 600_000 }, () => {
  let playground: Playground;
  before(async () => {
    playground = await startPlayground();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    assert.deepEqual(playground.foreignRequests, [], 'no request may leave the page');
    await playground.close();
  });

  it('trains the language model in a worker: the loss falls, samples appear, the page stays responsive', async () => {
    const { page, errors } = await playground.open('lm');
    await page.waitForSelector('#backend:has-text("Kernels:")');
    assert.match((await page.textContent('#backend')) ?? '', /Kernels: wasm, \d+ thread/);
    await quickSettings(page, 100);
    await page.click('#lm-start');
    const loss = (): Promise<number> => page.evaluate(() => Number(document.querySelector('#lm-loss')?.textContent));
    await page.waitForFunction(() => Number.isFinite(Number(document.querySelector('#lm-loss')?.textContent)));
    const first = await loss();
    await page.waitForSelector('#lm-status:has-text("Finished 100 updates")', { timeout: 120_000 });
    const last = await loss();
    assert.ok(last < first - 0.5, `training bits/char fell from ${first} to ${last}`);
    assert.ok((await page.locator('#lm-samples .sample').count()) >= 1, 'a sample after update 50');
    // responsiveness: train on, and measure how late 0-ms timers fire on the main thread for 2 s
    await page.fill('#lm-steps', '100000');
    await page.click('#lm-resume');
    await page.waitForFunction(() => Number(document.querySelector('#lm-step')?.textContent) > 110);
    const worst = await page.evaluate(
      () =>
        new Promise<number>((done) => {
          let worstLag = 0;
          const end = performance.now() + 2000;
          const tick = (at: number): void => {
            const now = performance.now();
            worstLag = Math.max(worstLag, now - at);
            if (now < end) setTimeout(() => tick(performance.now()), 0);
            else done(worstLag);
          };
          tick(performance.now());
        }),
    );
    assert.ok(worst < 100, `the main thread was blocked for ${worst.toFixed(0)} ms while training`);
    const clicked = await page.evaluate(async () => {
      const t0 = performance.now();
      (document.querySelector('#lm-sample-now') as HTMLButtonElement).click();
      await new Promise((r) => setTimeout(r, 0));
      return performance.now() - t0;
    });
    assert.ok(clicked < 100, `a click took ${clicked.toFixed(0)} ms to handle`);
    await page.click('#lm-pause');
    await page.waitForSelector('#lm-status:has-text("Paused at update")', { timeout: 60_000 });
    const paused = await stepOf(page);
    await page.click('#lm-resume');
    await page.waitForFunction((n) => Number(document.querySelector('#lm-step')?.textContent) > n, paused);
    await page.click('#lm-stop');
    await page.waitForSelector('#lm-status:has-text("Stopped at update")', { timeout: 60_000 });
    assert.ok(await page.isDisabled('#lm-resume'), 'a stopped run is over: Resume is not offered');
    assert.ok(await page.isEnabled('#lm-start'));
    await page.screenshot({ path: join(SCREENSHOTS, 'language-model.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('inside: heat maps render for a text, and a search ranks the units by a pattern', async () => {
    const { page, errors } = await playground.open('inside');
    await page.waitForSelector('#view-inside');
    // the language model of the previous test lives in another page's worker: train a small one here
    await page.goto(`${playground.url}#lm`);
    await quickSettings(page, 60);
    await page.click('#lm-start');
    await page.waitForSelector('#lm-status:has-text("Finished 60 updates")', { timeout: 120_000 });
    await page.click('#tab-inside');
    await page.click('#inside-show');
    await page.waitForSelector('#inside-maps .heat-row');
    assert.equal(await page.locator('#inside-maps .heat-row').count(), 8, 'units 0-7');
    const spans = await page.locator('#inside-maps .heat-row').first().locator('span').count();
    assert.equal(spans, [...((await page.inputValue('#inside-text')) ?? '')].length, 'one span per character');
    await page.click('#inside-search');
    await page.waitForSelector('#inside-found table tr:nth-child(3)');
    const r = Number(await page.locator('#inside-found td').nth(1).textContent());
    assert.ok(Math.abs(r) > 0 && Math.abs(r) <= 1, `the best correlation ${r}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'inside.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('downloads a model file the CLI reads, and loads it back to identical greedy samples', async () => {
    const { page, errors } = await playground.open('lm');
    await quickSettings(page, 40);
    await page.click('#lm-start');
    await page.waitForSelector('#lm-status:has-text("Finished 40 updates")', { timeout: 120_000 });
    await page.fill('#lm-temperature', '0');
    await page.fill('#lm-prime', '"line');
    const sample = async (): Promise<string> => {
      const before = await page.locator('#lm-samples .sample').count();
      await page.click('#lm-sample-now');
      await page.waitForFunction((n) => document.querySelectorAll('#lm-samples .sample').length > n, before);
      return (await page.locator('#lm-samples .sample').first().textContent())?.replace(/^sample/, '') ?? '';
    };
    const greedy = await sample();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#lm-download')]);
    const path = await download.path();
    const bytes = new Uint8Array(readFileSync(path));
    const { model, training } = decodeModelFile(bytes);
    assert.equal(training?.state.step, 40, 'the file carries the training state (lstm train --resume)');
    assert.equal(model.config.hiddenSize, 48);
    // the page's greedy text, from the Node model of the same file (float32 kernels differ only in rounding)
    const inNode = model.generate({ prime: '"line', temperature: 0, length: 300 }).text;
    assert.equal(inNode.slice(0, 40), greedy.slice(0, 40));
    await page.setInputFiles('#lm-upload', path);
    await page.waitForSelector('#lm-status:has-text("Loaded")');
    assert.equal(await sample(), greedy, 'the uploaded file samples exactly as the model it was saved from');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a reload restores the session from IndexedDB and training continues from its update', async () => {
    const { page, errors } = await playground.open('lm');
    await quickSettings(page, 80);
    await page.click('#lm-start');
    await page.waitForSelector('#lm-status:has-text("Finished 80 updates")', { timeout: 120_000 });
    await page.reload();
    await page.waitForSelector('#lm-saved:has-text("saved in this browser at update 80")');
    await page.click('#lm-restore');
    await page.waitForSelector('#lm-status:has-text("Restored update 80")');
    assert.equal(await stepOf(page), 80);
    await page.fill('#lm-steps', '120');
    await page.click('#lm-resume');
    await page.waitForSelector('#lm-status:has-text("Finished 120 updates")', { timeout: 120_000 });
    assert.equal(await stepOf(page), 120);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('works offline once loaded: a reload and every view without the network', async () => {
    const { page, errors } = await playground.open('lm');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await playground.context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('#backend:has-text("Kernels:")');
      for (const view of ['inside', 'long-lag', 'forecast', 'classify', 'translate', 'speech', 'lm'])
        await page.click(`#tab-${view}`);
      // the built-in text is a chunk of its own: it too comes from the cache
      await page.selectOption('#lm-text-source', 'moby-dick');
      for (const [id, value] of [
        ['hidden', 16],
        ['layers', 1],
        ['steps', 5],
      ] as const)
        await page.fill(`#lm-${id}`, String(value));
      await page.click('#lm-start');
      await page.waitForSelector('#lm-status:has-text("Finished 5 updates")', { timeout: 120_000 });
    } finally {
      await playground.context.setOffline(false);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('fits a 390×844 phone screen, every control labelled', async () => {
    for (const view of ['lm', 'inside', 'long-lag', 'forecast', 'classify', 'translate', 'speech']) {
      const { page, errors } = await playground.open(view, { width: 390, height: 844 });
      await page.waitForSelector(`#view-${view}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `#${view} is ${overflow} px wider than the phone's screen`);
      const unlabelled = await page.evaluate(() =>
        Array.from(document.querySelectorAll('input, select, textarea, button'))
          .filter((el) => !(el as HTMLElement).closest('[hidden]'))
          .filter((el) => {
            const labelled = (el as HTMLInputElement).labels?.length ?? 0;
            return labelled === 0 && !el.getAttribute('aria-label') && (el.textContent ?? '').trim() === '';
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      assert.deepEqual(unlabelled, [], `unlabelled controls in #${view}`);
      if (view === 'lm') await page.screenshot({ path: join(SCREENSHOTS, 'phone.png') });
      assert.deepEqual(errors, []);
      await page.close();
    }
  });
});
