/**
 * A synthetic speech task for CTC: each symbol is a tone of its own pitch; an utterance is 1 to
 * `maxSymbols` of them (repeats included) of 60–120 ms each, with 20–80 ms of quiet between and a
 * little noise throughout, at 8 kHz. The recogniser must learn which tone is which and find where
 * each one is on its own: the transcript holds no timing.
 */
import { Rng } from '../../src/rng.js';

export const TONE_RATE = 8000;
const PITCH: Record<string, number> = { a: 440, b: 1000, c: 1900 };

export interface ToneUtterance {
  samples: Float32Array;
  text: string;
  /** Each symbol's [start, end) in seconds. */
  spans: [number, number][];
}

export function toneUtterances(n: number, seed: number, maxSymbols = 4): ToneUtterance[] {
  const rng = new Rng(seed);
  const symbols = Object.keys(PITCH);
  return Array.from({ length: n }, () => {
    const count = 1 + Math.floor(rng.next() * maxSymbols);
    const text = Array.from({ length: count }, () => symbols[Math.floor(rng.next() * symbols.length)] as string).join(
      '',
    );
    const pieces: number[] = [];
    const spans: [number, number][] = [];
    const quiet = (): void => {
      const gap = Math.round(TONE_RATE * rng.uniform(0.02, 0.08));
      for (let i = 0; i < gap; i++) pieces.push(0);
    };
    quiet();
    for (const ch of text) {
      const length = Math.round(TONE_RATE * rng.uniform(0.06, 0.12));
      const f = (PITCH[ch] as number) * rng.uniform(0.97, 1.03);
      const start = pieces.length;
      for (let i = 0; i < length; i++) pieces.push(0.5 * Math.sin((2 * Math.PI * f * i) / TONE_RATE));
      spans.push([start / TONE_RATE, pieces.length / TONE_RATE]);
      quiet();
    }
    const samples = Float32Array.from(pieces, (v) => v + 0.01 * (rng.next() * 2 - 1));
    return { samples, text, spans };
  });
}
