/**
 * The Free Spoken Digit Dataset (../shared/data/fsdd/recordings: 3,000 recordings
 * DIGIT_SPEAKER_TAKE.wav, 6 speakers × 10 digits × 50 takes, 8 kHz mono) and the sets the speech
 * benchmark builds from it:
 *   official split      takes 0–4 test, 5–49 train (the dataset's README)
 *   leave one speaker   every recording of one speaker test, the other five train
 *   connected digits    3–7 clips of one speaker joined with 50–300 ms of silence, white noise
 *                       (σ = 0.003) over the whole utterance; text the digits in order
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/index.node.js';
import { readWavFile } from '../src/node/index.js';

export const FSDD_RATE = 8000;

export interface Clip {
  digit: string;
  speaker: string;
  take: number;
  samples: Float32Array;
}

export function loadFsdd(dir = '../shared/data/fsdd/recordings'): Clip[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => {
      const [digit, speaker, take] = f.replace(/\.wav$/, '').split('_') as [string, string, string];
      return {
        digit,
        speaker,
        take: Number(take),
        samples: readWavFile(join(dir, f), { sampleRate: FSDD_RATE }).samples,
      };
    });
}

export interface SpeechSet {
  audio: Float32Array[];
  texts: string[];
}

export const setOf = (clips: readonly Clip[]): SpeechSet => ({
  audio: clips.map((c) => c.samples),
  texts: clips.map((c) => c.digit),
});

export const officialSplit = (clips: readonly Clip[]): { train: Clip[]; test: Clip[] } => ({
  train: clips.filter((c) => c.take >= 5),
  test: clips.filter((c) => c.take < 5),
});

/** Connected-digit utterances from `clips` (each of one speaker), seeded. */
export function connectedDigits(
  clips: readonly Clip[],
  count: number,
  seed: number,
): SpeechSet & { spans: number[][][] } {
  const rng = new Rng(seed);
  const bySpeaker = new Map<string, Clip[]>();
  for (const c of clips) bySpeaker.set(c.speaker, [...(bySpeaker.get(c.speaker) ?? []), c]);
  const speakers = [...bySpeaker.keys()].sort();
  const out: SpeechSet & { spans: number[][][] } = { audio: [], texts: [], spans: [] };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.next() * list.length)] as T;
  for (let u = 0; u < count; u++) {
    const own = bySpeaker.get(pick(speakers)) as Clip[];
    const n = 3 + Math.floor(rng.next() * 5);
    const parts = Array.from({ length: n }, () => pick(own));
    const gaps = Array.from({ length: n + 1 }, () => Math.round(FSDD_RATE * rng.uniform(0.05, 0.3)));
    const total = parts.reduce((s, c) => s + c.samples.length, 0) + gaps.reduce((s, g) => s + g, 0);
    const samples = new Float32Array(total);
    const spans: number[][] = [];
    let at = gaps[0] as number;
    parts.forEach((c, i) => {
      samples.set(c.samples, at);
      spans.push([at / FSDD_RATE, (at + c.samples.length) / FSDD_RATE]);
      at += c.samples.length + (gaps[i + 1] as number);
    });
    for (let i = 0; i < total; i++) samples[i] = (samples[i] as number) + 0.003 * gaussian(rng);
    out.audio.push(samples);
    out.texts.push(parts.map((c) => c.digit).join(''));
    out.spans.push(spans);
  }
  return out;
}

function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
