/**
 * The playground's long-time-lag view in headless Chromium: a tanh RNN and an LSTM train side by
 * side on the adding problem in the view's worker, started from the keyboard; once both charts
 * have data and a few reports have come, Stop ends the run. The numbers shown must be finite, and
 * the RNN's gradient ratio norm(T−1)/norm(0) must be below the LSTM's. At T = 30, through the
 * first 1,000 updates, every report of the same job run in Node on seeds 1–5 had the LSTM's ratio
 * 20 to 1e9 times the RNN's; on seed 1 (the view's default, used here) at least 1e4 times. Later
 * the RNN starts to learn the short task and the order can flip (seed 5 at update 1,160), so the
 * run's budget is capped below that. No request leaves the page.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Playground, SCREENSHOTS, skipWithoutChromium, startPlayground } from './playground-harness.js';

const T = 30;
const REPORT_EVERY = 20;
/** Stop once this many updates of each cell have been reported. */
const STOP_AFTER = 60;

describe('playground: long time lags', { skip: skipWithoutChromium, timeout: 180_000 }, () => {
  let playground: Playground;
  before(async () => {
    playground = await startPlayground();
  });
  after(async () => {
    await playground?.close();
  });

  it('trains both cells live, draws both charts, and shows the RNN gradient vanishing', async () => {
    const { page, errors } = await playground.open('long-lag');
    await page.getByRole('heading', { name: 'Long time lags', level: 2 }).waitFor();
    await page.getByLabel('Sequence length T', { exact: true }).fill(String(T));
    // a ceiling the run should not reach before Stop (which comes after about 100 updates): the
    // ratios' order is checked up to here (see the top of the file)
    await page.getByLabel('Updates', { exact: true }).fill('1000');
    await page.getByLabel('Report every (updates)', { exact: true }).fill(String(REPORT_EVERY));

    // start from the keyboard: focus the button, press Enter
    await page.locator('#long-lag-start').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (least) => {
        const points = (id: string): number => Number(document.getElementById(id)?.dataset['points'] ?? 0);
        return (
          points('long-lag-learning-chart') >= 2 &&
          points('long-lag-flow-chart') > 0 &&
          Number(document.getElementById('long-lag-updates')?.textContent) >= least &&
          document.getElementById('long-lag-rnn-train')?.textContent !== '—' &&
          document.getElementById('long-lag-lstm-train')?.textContent !== '—'
        );
      },
      STOP_AFTER,
      { timeout: 90_000, polling: 200 },
    );
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.waitForFunction(
      () => /^Stopped after/.test(document.getElementById('long-lag-status')?.textContent ?? ''),
      null,
      {
        timeout: 30_000,
      },
    );

    const shown = await page.evaluate(() => {
      const text = (id: string): string => document.getElementById(id)?.textContent ?? '';
      const cell = (c: string) => ({
        train: text(`long-lag-${c}-train`),
        test: text(`long-lag-${c}-test`),
        correct: text(`long-lag-${c}-correct`),
        ratio: text(`long-lag-${c}-ratio`),
        ratio0: text(`long-lag-${c}-ratio0`),
      });
      return {
        rnn: cell('rnn'),
        lstm: cell('lstm'),
        updates: text('long-lag-updates'),
        status: text('long-lag-status'),
        flowRows: document.querySelectorAll('#long-lag-flow-table tbody tr').length,
        flowPoints: Number(document.getElementById('long-lag-flow-chart')?.dataset['points']),
      };
    });
    for (const cell of ['rnn', 'lstm'] as const)
      for (const [what, value] of Object.entries(shown[cell]))
        assert.ok(Number.isFinite(Number.parseFloat(value)), `${cell} ${what}: '${value}' is not a finite number`);
    const updates = Number(shown.updates);
    assert.ok(updates >= STOP_AFTER, `updates shown: ${shown.updates}`);
    assert.match(shown.status, new RegExp(`^Stopped after ${updates} updates`));
    assert.equal(shown.flowPoints, T, 'the gradient-flow chart has one point per distance d = 0 … T − 1');
    assert.ok(shown.flowRows >= 5, `the gradient table has ${shown.flowRows} rows`);
    const rnn = Number.parseFloat(shown.rnn.ratio);
    const lstm = Number.parseFloat(shown.lstm.ratio);
    assert.ok(rnn < lstm, `RNN norm(T−1)/norm(0) ${rnn} should be below the LSTM's ${lstm}`);
    assert.ok(Number.parseFloat(shown.rnn.ratio0) < Number.parseFloat(shown.lstm.ratio0), 'and before training too');

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'long-lag.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('with its defaults (T = 50, 2,000 updates) the LSTM solves the task and the RNN does not', async () => {
    // the view's own claim, as the same job run in Node gives it on seed 1: LSTM held-out MSE
    // 0.001 (criterion 0.01), RNN 0.16 (always predicting 1: 0.167), ratios 1.1 against 3e-8
    const { page, errors } = await playground.open('long-lag');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForFunction(
      () => /^Done:/.test(document.getElementById('long-lag-status')?.textContent ?? ''),
      null,
      {
        timeout: 120_000,
        polling: 500,
      },
    );
    const value = (id: string): Promise<number> =>
      page.evaluate((i) => Number.parseFloat(document.getElementById(i)?.textContent ?? ''), id);
    assert.equal(await value('long-lag-updates'), 2000);
    const lstm = await value('long-lag-lstm-test');
    const rnn = await value('long-lag-rnn-test');
    assert.ok(lstm < 0.01, `LSTM held-out MSE ${lstm}`);
    assert.ok(rnn > 0.1, `RNN held-out MSE ${rnn}`);
    assert.ok((await value('long-lag-rnn-ratio')) < (await value('long-lag-lstm-ratio')));
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'long-lag-defaults.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('fits a 390-pixel-wide phone screen, every control labelled', async () => {
    const { page, errors } = await playground.open('long-lag', { width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Long time lags', level: 2 }).waitFor();
    for (const label of ['Sequence length T', 'Hidden units (each cell)', 'Learning rate (Adam)', 'Updates', 'Seed'])
      assert.ok(await page.getByLabel(label, { exact: true }).isVisible(), `${label} is visible`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await page.screenshot({ path: join(SCREENSHOTS, 'long-lag-phone.png'), fullPage: true });
    // a setting out of range: the job's check refuses it, and its message is the status line
    await page.getByLabel('Sequence length T', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Start' }).click();
    const status = page.locator('#long-lag-status.error');
    await status.waitFor({ timeout: 30_000 });
    assert.match((await status.textContent()) ?? '', /sequence length must be an integer in \[4, 1000\], got 2/);
    assert.equal(await status.getAttribute('role'), 'alert');
    assert.deepEqual(errors, []);
    await page.close();
    assert.deepEqual(playground.foreignRequests, []);
  });
});
