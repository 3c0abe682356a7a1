/**
 * The playground's translate and speech views end to end in headless Chromium (production build):
 *   translate  the built-in dates task trains in the view's worker in seconds, translates, and draws
 *              an attention grid of (output tokens + </s>) rows by source-token columns; the trained
 *              model downloads as a file Node reads and translates the same way; a Seq2Seq trained
 *              in Node and uploaded gives the page the same n best and the same attention weights
 *              as Node; a file of another model kind is refused with the library's message
 *   speech     a tiny recogniser trained in Node on tones (a second) and a 16-bit WAV at 16 kHz are
 *              uploaded; the page (resampling to the model's 8 kHz in its worker) writes the text and
 *              the character times Node does, and draws the alignment; a damaged model, a file that
 *              is not a WAV, a compressed WAV and a truncated one each get a clear error; a refused or
 *              missing microphone is said so
 * Both views fit a 390×844 screen with every control labelled, the page throws nothing, and no
 * request leaves it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  decodeSeq2Seq,
  decodeWav,
  encodeSeq2Seq,
  encodeSpeechRecognizer,
  rasterizeAlignment,
  Rng,
  Seq2Seq,
  type Seq2SeqPair,
  SpeechRecognizer,
  useBackend,
} from '../../src/index.js';
import { TONE_RATE, toneUtterances } from '../helpers/tone-speech.js';
import { type Playground, SCREENSHOTS, skipWithoutChromium, startPlayground } from './playground-harness.js';
import { wavBytes } from '../helpers/wav-bytes.js';

/** Tones for "abca" (440, 1000, 1900 Hz as the tone task's a, b, c) at `rate`, 100 ms each with 60 ms between. */
function toneWords(rate: number): Float32Array {
  const pitch: Record<string, number> = { a: 440, b: 1000, c: 1900 };
  const out: number[] = [];
  const quiet = (): void => void out.push(...new Array<number>(Math.round(0.06 * rate)).fill(0));
  quiet();
  for (const ch of 'abca') {
    const f = pitch[ch] as number;
    for (let i = 0; i < Math.round(0.1 * rate); i++) out.push(0.5 * Math.sin((2 * Math.PI * f * i) / rate));
    quiet();
  }
  return Float32Array.from(out);
}

/** Every input, select and textarea of a view has a visible label, and nothing is wider than the screen. */
async function checkPhoneLayout(page: Page, view: string): Promise<void> {
  const report = await page.evaluate((id) => {
    const section = document.getElementById(`view-${id}`) as HTMLElement;
    const unlabelled = Array.from(section.querySelectorAll('input, select, textarea'))
      .filter((c) => {
        const label = document.querySelector(`label[for="${c.id}"]`) as HTMLElement | null;
        return c.id === '' || label === null || label.offsetWidth === 0;
      })
      .map((c) => c.outerHTML.slice(0, 80));
    return { unlabelled, width: document.documentElement.scrollWidth };
  }, view);
  assert.deepEqual(report.unlabelled, [], `${view}: controls without a visible label`);
  assert.ok(report.width <= 390, `${view}: the page is ${report.width} px wide on a 390 px screen`);
}

/** Wait until `#id` (a status line) no longer says it is busy (ends in …), and give its text. */
async function settled(page: Page, id: string, timeout = 60_000): Promise<string> {
  await page.waitForFunction(
    (sel) => {
      const text = document.getElementById(sel)?.textContent ?? '';
      return text !== '' && !text.endsWith('…');
    },
    id,
    { timeout },
  );
  return (await page.textContent(`#${id}`)) ?? '';
}

describe('the translate and speech views in Chromium', { skip: skipWithoutChromium, timeout: 600_000 }, () => {
  let playground: Playground;
  let dir: string;
  let speechModel: SpeechRecognizer;
  let speechFile: string;
  before(async () => {
    useBackend('wasm'); // the page's kernels: the same WebAssembly, the same bits
    playground = await startPlayground();
    mkdirSync(SCREENSHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'lstm-translate-speech-'));
    const train = toneUtterances(120, 1);
    speechModel = new SpeechRecognizer({
      alphabet: 'abc',
      features: { sampleRate: TONE_RATE, kind: 'logmel', melBands: 20, deltas: 0 },
      stack: 2,
      hiddenSize: 16,
      numLayers: 1,
      seed: 1,
    });
    speechModel.fit({ audio: train.map((u) => u.samples), texts: train.map((u) => u.text) }, undefined, {
      epochs: 10,
      batchSize: 16,
      learningRate: 1e-2,
    });
    speechFile = join(dir, 'tones.lstm');
    writeFileSync(speechFile, encodeSpeechRecognizer(speechModel));
  });
  after(async () => {
    assert.deepEqual(playground.foreignRequests, [], 'no request may leave the page');
    await playground.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains the built-in dates task, translates, draws the attention grid, and downloads a model Node reads', async () => {
    const { page, errors } = await playground.open('translate');
    await page.fill('#translate-count', '1000');
    await page.fill('#translate-epochs', '3');
    await page.click('#translate-train');
    const trained = await settled(page, 'translate-model-status', 120_000);
    assert.match(trained, /^Trained on 950 pairs \(50 held out\) in \d+\.\d s; the weights of epoch [1-3] kept\.$/);
    // the worker's progress events reached the page: the figures and the loss chart of 3 epochs
    assert.equal(await page.textContent('#translate-stat-epoch'), '3');
    assert.ok(Number(await page.textContent('#translate-stat-update')) > 0);
    assert.equal(await page.locator('#view-translate figure.chart canvas').count(), 1);
    // the typical source was put in the box and translated
    await settled(page, 'translate-status');
    assert.equal(await page.inputValue('#translate-text'), '17 june 1994');
    await page.fill('#translate-text', '3 mar 2001');
    await page.press('#translate-text', 'Enter');
    const said = await settled(page, 'translate-status');
    const output = (await page.textContent('#translate-output')) ?? '';
    assert.ok(output.length > 0, `an output (status: ${said})`);
    const grid = await page.evaluate(() => {
      const el = document.getElementById('translate-attention') as HTMLElement;
      const rows = Array.from(el.querySelectorAll('.attention-row'));
      return {
        rows: rows.length,
        cols: rows.map((r) => r.querySelectorAll('.cell').length),
        labelled: Array.from(el.querySelectorAll('.cell')).every((c) =>
          /: \d\.\d{3}$/.test(c.getAttribute('aria-label') ?? ''),
        ),
        rowSums: rows.map((r) =>
          Array.from(r.querySelectorAll('.cell')).reduce((s, c) => s + Number(c.getAttribute('data-weight')), 0),
        ),
      };
    });
    assert.equal(grid.rows, [...output].length + 1, 'a row per output character and </s>');
    assert.deepEqual(grid.cols, new Array(grid.rows).fill('3 mar 2001'.length), 'a column per source character');
    assert.ok(grid.labelled, 'every cell says its weight');
    for (const sum of grid.rowSums) assert.ok(Math.abs(sum - 1) < 2e-3, `a row of weights sums to 1 (${sum})`);
    await page.screenshot({ path: join(SCREENSHOTS, 'translate.png'), fullPage: true });
    // the download is a model file Node reads and translates as the page did (beam 5)
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#translate-save')]);
    assert.equal(file.suggestedFilename(), 'translator.lstm');
    const model = decodeSeq2Seq(readFileSync((await file.path()) as string));
    assert.equal(model.translate([[...'3 mar 2001']], { beam: 5 })[0]?.[0]?.tokens.join(''), output);
    assert.deepEqual(errors, []);
  });

  it('translates with an uploaded Node model exactly as Node does, and refuses a speech model', async () => {
    const rng = new Rng(7);
    const reversals = (n: number): Seq2SeqPair[] =>
      Array.from({ length: n }, () => {
        const source = Array.from({ length: 3 + rng.int(5) }, () => 'abcdef'[rng.int(6)] as string);
        return { source, target: [...source].reverse() };
      });
    const { model } = Seq2Seq.fit(
      reversals(300),
      [],
      { embeddingSize: 8, encoderHidden: 16, dropout: 0, attention: 'general', seed: 3 },
      { epochs: 2, learningRate: 1e-2, labelSmoothing: 0 },
    );
    const modelFile = join(dir, 'reverse.lstm');
    writeFileSync(modelFile, encodeSeq2Seq(model));
    const source = [...'abcdef'];
    const expected = model.translate([source], { beam: 5, nbest: 3 })[0] ?? [];
    const expectedMap = model.attentionMap(source, expected[0]?.tokens ?? []) as number[][];

    const { page, errors } = await playground.open('translate');
    await page.setInputFiles('#translate-file input[type=file]', speechFile);
    await page.waitForSelector('#translate-model-status.error');
    assert.match(
      (await page.textContent('#translate-model-status')) ?? '',
      /decodeSeq2Seq: config\.type must be 'seq2seq'; got "speech-recognizer"/,
    );
    await page.setInputFiles('#translate-file input[type=file]', modelFile);
    assert.equal(await settled(page, 'translate-model-status'), 'Loaded reverse.lstm.');
    await page.fill('#translate-text', 'abcdef');
    await page.click('#translate-go');
    await settled(page, 'translate-status');
    assert.equal(await page.textContent('#translate-output'), expected[0]?.tokens.join(''));
    const listed = await page.$$eval('#translate-nbest li', (items) => items.map((li) => li.textContent ?? ''));
    assert.deepEqual(
      listed.map((t) => t.split('  (')[0]),
      expected.map((t) => t.tokens.join('')),
      'the same n best, in the same order',
    );
    const weights = await page.$$eval('#translate-attention .attention-row', (rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('.cell')).map((c) => Number(c.getAttribute('data-weight')))),
    );
    assert.equal(weights.length, expectedMap.length);
    weights.forEach((row, r) =>
      row.forEach((w, c) => assert.ok(Math.abs(w - (expectedMap[r]?.[c] ?? NaN)) < 1e-4, `weight [${r}][${c}]`)),
    );
    assert.deepEqual(errors, []);
  });

  it('transcribes an uploaded WAV with an uploaded model as Node does, and names every bad file', async () => {
    const samples16k = toneWords(16000);
    const wav = wavBytes(samples16k, 16000);
    const wavFile = join(dir, 'abca-16k.wav');
    writeFileSync(wavFile, wav);
    const at8k = decodeWav(wav, { sampleRate: TONE_RATE }).samples;
    const expected = speechModel.transcribe([at8k])[0];
    assert.ok(expected !== undefined);
    const chart = rasterizeAlignment(speechModel.alignment(at8k));

    const { page, errors } = await playground.open('speech');
    // no microphone in headless Chromium, and no permission: either is said plainly
    await page.click('#speech-record');
    await page.waitForSelector('#speech-status.error', { timeout: 30_000 });
    assert.match((await page.textContent('#speech-status')) ?? '', /microphone/i);
    assert.equal(await page.textContent('#speech-record'), 'Record from the microphone');

    const model = readFileSync(speechFile);
    const bad: Array<[string, string, Buffer, RegExp]> = [
      ['model', 'damaged.lstm', model.subarray(0, model.length - 100), /^decodeSpeechRecognizer: /],
      ['audio', 'notes.wav', Buffer.from('these are not the samples you are looking for'), /not a RIFF\/WAVE file/],
      ['audio', 'alaw.wav', wavBytes(new Float32Array(800), 8000, 'alaw'), /audio format 6 at 8 bits/],
      ['audio', 'cut.wav', wav.subarray(0, wav.length - 1000), /the file is truncated/],
    ];
    for (const [zone, name, bytes, message] of bad) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      // a clean status line first, so the error awaited is this file's
      await page.$eval('#speech-status', (el) => {
        el.textContent = '';
        el.classList.remove('error');
      });
      await page.setInputFiles(`#speech-${zone}-zone input[type=file]`, path);
      await page.waitForSelector('#speech-status.error');
      const text = (await page.textContent('#speech-status')) ?? '';
      assert.match(text, message, `${name}: ${text}`);
    }

    await page.setInputFiles('#speech-model-zone input[type=file]', speechFile);
    assert.equal(await settled(page, 'speech-status'), 'Loaded tones.lstm.');
    await page.setInputFiles('#speech-audio-zone input[type=file]', wavFile);
    assert.match(await settled(page, 'speech-status'), /^Transcribed 0\.70 s/);
    assert.match((await page.textContent('#speech-recording')) ?? '', /abca-16k\.wav: 0\.70 s at 16000 Hz/);
    assert.equal(await page.textContent('#speech-text'), expected.text, `Node wrote ${JSON.stringify(expected.text)}`);
    const times = await page.$$eval('#speech-timing tbody tr', (rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent ?? '')),
    );
    assert.deepEqual(
      times,
      expected.characters.map((c) => [c.char, c.start.toFixed(3), c.end.toFixed(3)]),
    );
    const drawn = await page.evaluate(() => {
      const canvas = document.getElementById('speech-chart') as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      return {
        width: canvas.width,
        height: canvas.height,
        dark: Array.from(pixels).filter((v, i) => i % 4 === 0 && v < 128).length,
      };
    });
    assert.equal(drawn.width, chart.width);
    assert.equal(drawn.height, chart.height);
    assert.ok(drawn.dark > 1000, 'the chart is drawn');
    await page.screenshot({ path: join(SCREENSHOTS, 'speech.png'), fullPage: true });
    assert.deepEqual(errors, []);
    console.log(`speech: Node and the page both wrote ${JSON.stringify(expected.text)} for "abca"`);
  });

  it('records from a microphone (a stream of the "abca" tones at the audio context\'s rate) and transcribes it', async () => {
    const { page, errors } = await playground.open('speech');
    await page.setInputFiles('#speech-model-zone input[type=file]', speechFile);
    assert.equal(await settled(page, 'speech-status'), 'Loaded tones.lstm.');
    // headless Chromium has no microphone: getUserMedia answers with a Web Audio stream that plays
    // the tones in real time, so the page's own capture (AudioWorklet, its context's rate) records them
    await page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = async () => {
        const context = new AudioContext();
        const rate = context.sampleRate;
        const samples: number[] = [];
        const quiet = (): void => void samples.push(...new Array<number>(Math.round(0.06 * rate)).fill(0));
        quiet();
        for (const f of [440, 1000, 1900, 440]) {
          for (let i = 0; i < Math.round(0.1 * rate); i++) samples.push(0.5 * Math.sin((2 * Math.PI * f * i) / rate));
          quiet();
        }
        const buffer = context.createBuffer(1, samples.length, rate);
        buffer.getChannelData(0).set(samples);
        const source = context.createBufferSource();
        source.buffer = buffer;
        const sink = context.createMediaStreamDestination();
        source.connect(sink);
        // the tones start when the test says the page is recording, however busy the machine is
        (window as unknown as { startTones: () => void }).startTones = () => source.start();
        return sink.stream;
      };
    });
    await page.click('#speech-record');
    await page.waitForSelector('#speech-record[aria-pressed="true"]');
    assert.equal(await page.textContent('#speech-record'), 'Stop recording');
    await page.evaluate(() => (window as unknown as { startTones: () => void }).startTones());
    await page.waitForTimeout(1200); // the tones last 0.7 s
    await page.click('#speech-record');
    assert.match(await settled(page, 'speech-status'), /^Transcribed \d+\.\d\d s/);
    assert.match(
      (await page.textContent('#speech-recording')) ?? '',
      /^Microphone recording: \d+\.\d\d s at \d+ Hz\.$/,
    );
    assert.equal(await page.textContent('#speech-record'), 'Record from the microphone');
    assert.equal(await page.textContent('#speech-text'), 'abca', 'the recorded tones read as the file did');
    assert.deepEqual(errors, []);
  });

  it('fits a 390×844 screen with every control labelled', async () => {
    for (const view of ['translate', 'speech']) {
      const { page, errors } = await playground.open(view, { width: 390, height: 844 });
      await page.waitForSelector(`#view-${view}`);
      await checkPhoneLayout(page, view);
      await page.screenshot({ path: join(SCREENSHOTS, `${view}-390.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await page.close();
    }
  });
});
