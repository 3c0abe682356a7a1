/** WAV bytes for tests, written by the wavefile package (the library reads them with decodeWav). */
import wavefile from 'wavefile';

/** A mono WAV of `samples` (in [−1, 1]) at `rate`: 16-bit PCM, or A-law (audio format 6, 8 bits). */
export function wavBytes(samples: ArrayLike<number>, rate: number, encoding: 'pcm16' | 'alaw' = 'pcm16'): Buffer {
  const w = new wavefile.WaveFile();
  w.fromScratch(
    1,
    rate,
    '16',
    Array.from(samples, (v) => Math.round(Math.max(-1, Math.min(1, v)) * 32767)),
  );
  if (encoding === 'alaw') w.toALaw();
  return Buffer.from(w.toBuffer());
}
