/**
 * WAV input (src/io/wav.ts): a real recording of the FSDD set, every supported sample format made
 * with the wavefile package (values back to within the format's resolution), stereo mixed down,
 * resampling, and a clear error for each bad file the issue lists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import wavefile from 'wavefile';
import { decodeWav } from '../../src/io/wav.js';

const tone = (n: number, rate: number): number[] =>
  Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));

/** A WAV file of `values` in [−1, 1] at `bits` ('8', '16', '24', '32', '32f', '64'). */
function wavBytes(channels: number[][], rate: number, bits: string): Uint8Array {
  const w = new wavefile.WaveFile();
  const float = bits === '32f' || bits === '64';
  const scale = float ? 1 : 2 ** (Number(bits) - 1);
  const toInt = (v: number): number => (bits === '8' ? Math.round(v * 128 + 128) : Math.round(v * (scale - 1)));
  const data = channels.map((c) => c.map((v) => (float ? v : toInt(v))));
  w.fromScratch(channels.length, rate, bits, channels.length === 1 ? (data[0] as number[]) : data);
  return w.toBuffer();
}

describe('decodeWav', () => {
  it('reads an FSDD recording (16-bit mono, 8 kHz)', () => {
    const a = decodeWav(readFileSync('../shared/data/fsdd/recordings/0_george_0.wav'));
    assert.equal(a.sampleRate, 8000);
    assert.equal(a.channels, 1);
    assert.equal(a.samples.length, 2384);
    assert.ok(Math.abs((a.samples[100] as number) - -1590 / 32768) < 1e-7);
  });

  for (const bits of ['8', '16', '24', '32', '32f', '64']) {
    it(`reads ${bits}-bit samples to within their resolution`, () => {
      const values = tone(400, 16000);
      const a = decodeWav(wavBytes([values], 16000, bits));
      // the format's step, or float32's rounding of the decoded value
      const step = bits === '32f' || bits === '64' ? 1e-7 : Math.max(2 / 2 ** Number(bits), 1e-7);
      assert.equal(a.samples.length, 400);
      values.forEach((v, i) => assert.ok(Math.abs((a.samples[i] as number) - v) <= step, `${bits} sample ${i}`));
    });
  }

  it('mixes stereo down to the mean and resamples on request', () => {
    const left = tone(800, 8000);
    const a = decodeWav(wavBytes([left, left.map(() => 0)], 8000, '16'));
    assert.equal(a.channels, 2);
    left.forEach((v, i) => assert.ok(Math.abs((a.samples[i] as number) - v / 2) < 1e-4));
    const up = decodeWav(wavBytes([left], 8000, '16'), { sampleRate: 16000 });
    assert.equal(up.sampleRate, 16000);
    assert.ok(Math.abs(up.samples.length - 1600) <= 2, `${up.samples.length} samples`);
  });

  it('says what is wrong with a bad file', () => {
    const good = wavBytes([tone(100, 8000)], 8000, '16');
    const alaw = new wavefile.WaveFile(good);
    alaw.toALaw();
    const empty = wavBytes([[]], 8000, '16');
    const cases: [Uint8Array, RegExp][] = [
      [
        new TextEncoder().encode('ID3 this is an mp3, not a wave'),
        /not a RIFF\/WAVE file: it starts with "ID3 this is "/,
      ],
      [alaw.toBuffer(), /audio format 6 at 8 bits; PCM of 8, 16, 24 or 32 bits or float .* must be converted/],
      [
        good.subarray(0, good.length - 50),
        /the data chunk declares 200 bytes but only 150 follow: the file is truncated/,
      ],
      [empty, /no samples \(zero length\)/],
      [good.subarray(0, 12), /no fmt chunk/],
    ];
    for (const [bytes, message] of cases) assert.throws(() => decodeWav(bytes), message);
  });
});
