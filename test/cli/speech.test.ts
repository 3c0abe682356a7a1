/**
 * `lstm speech` end to end on the synthetic tone task written as WAV files: train from a folder
 * with transcripts.csv (8 kHz, 16-bit), test on a folder of LABEL_*.wav files at 16 kHz stereo
 * (resampled to the model's rate); transcribe prints text with per-character timing, JSON, n-best
 * lists and an alignment chart; eval scores the saved model; info describes it; bad input is named.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import wavefile from 'wavefile';
import { runCli } from '../helpers/cli.js';
import { TONE_RATE, toneUtterances } from '../helpers/tone-speech.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-speech-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeWav(path: string, samples: Float32Array, rate: number, stereo: boolean): void {
  const w = new wavefile.WaveFile();
  const ints = Array.from(samples, (v) => Math.round(Math.max(-1, Math.min(1, v)) * 32767));
  w.fromScratch(stereo ? 2 : 1, TONE_RATE, '16', stereo ? [ints, ints] : ints);
  if (rate !== TONE_RATE) w.toSampleRate(rate);
  writeFileSync(path, w.toBuffer());
}

const trainDir = join(dir, 'train');
const testDir = join(dir, 'test');
mkdirSync(trainDir);
mkdirSync(testDir);
const rows = ['file,text'];
toneUtterances(200, 1).forEach((u, i) => {
  writeWav(join(trainDir, `u${i}.wav`), u.samples, TONE_RATE, false);
  rows.push(`u${i}.wav,${u.text}`);
});
writeFileSync(join(trainDir, 'transcripts.csv'), rows.join('\n'));
const test = toneUtterances(30, 2);
test.forEach((u, i) => writeWav(join(testDir, `${u.text}_${i}.wav`), u.samples, 16000, true));
const model = join(dir, 'tones.lstm');
const firstTest = join(testDir, `${test[0]?.text}_0.wav`);

describe('lstm speech', () => {
  it('trains from transcripts.csv, saves, and scores a LABEL_*.wav test folder at another rate', () => {
    const r = runCli([
      'speech',
      'train',
      '--data',
      trainDir,
      '--test',
      testDir,
      '--features',
      'logmel',
      '--mels',
      '20',
      '--deltas',
      '0',
      '--hidden',
      '24',
      '--layers',
      '1',
      '--epochs',
      '30',
      '--patience',
      '30',
      '--batch',
      '16',
      '--lr',
      '1e-2',
      '--dropout',
      '0',
      '--save',
      model,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /180 training, 20 validation recordings at 8000 Hz; alphabet "abc"/);
    const score = /test: 30 utterances, character error ([\d.]+) %.*exact ([\d.]+) %/.exec(r.stdout);
    assert.ok(score !== null, r.stdout);
    assert.ok(Number(score[1]) <= 5, `character error ${score[1]} %`);
    assert.ok(existsSync(model));
  });

  it('transcribes with timing, JSON, n-best and an alignment chart; eval and info read the model', () => {
    const png = join(dir, 'alignment.png');
    const r = runCli(['speech', 'transcribe', '--model', model, firstTest, '--timing', '--alignment', png]);
    assert.equal(r.code, 0, r.stderr);
    const [head, ...timing] = r.stdout.trim().split('\n');
    assert.equal(head?.split('\t')[1], test[0]?.text);
    assert.equal(timing.length, test[0]?.text.length);
    assert.match(timing[0] ?? '', /^ {2}"[abc]"\t\d\.\d{3}–\d\.\d{3} s$/);
    assert.deepEqual([...readFileSync(png).subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG');

    const json = runCli(['speech', 'transcribe', '--model', model, firstTest, '--json', '--beam', '4', '--nbest', '2']);
    assert.equal(json.code, 0, json.stderr);
    const [out] = JSON.parse(json.stdout) as {
      text: string;
      characters: { start: number }[];
      alternatives: unknown[];
    }[];
    assert.equal(out?.text, test[0]?.text);
    assert.equal(out?.characters.length, test[0]?.text.length);
    assert.equal(out?.alternatives.length, 1);

    const ev = runCli(['speech', 'eval', '--model', model, '--data', testDir]);
    assert.equal(ev.code, 0, ev.stderr);
    assert.match(ev.stdout, /30 utterances, character error [\d.]+ %/);
    const info = runCli(['info', model]);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /CTC speech recogniser, bidirectional LSTM 1 × 24/);
    assert.match(info.stdout, /log-mel 20 bands, 8000 Hz, 25\.0 ms hann frames every 10\.0 ms/);
  });

  it('names bad input: no data, a folder without labels, a transcript with characters the model lacks', () => {
    const none = runCli(['speech', 'train']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--data DIR is needed/);
    const bare = join(dir, 'bare');
    mkdirSync(bare);
    writeWav(join(bare, 'noname.wav'), test[0]?.samples as Float32Array, TONE_RATE, false);
    const unlabelled = runCli(['speech', 'eval', '--model', model, '--data', bare]);
    assert.notEqual(unlabelled.code, 0);
    assert.match(unlabelled.stderr, /noname\.wav is not named LABEL_anything\.wav and there is no transcripts\.csv/);
    writeFileSync(join(bare, 'transcripts.csv'), 'file,text\nnoname.wav,abd\n');
    const unknown = runCli(['speech', 'eval', '--model', model, '--data', bare]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /has "d" at character 2, which is not in the model's alphabet "abc"/);
    const missing = runCli(['speech', 'transcribe', '--model', model, join(dir, 'nope.wav')]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /nope\.wav/);
  });
});
