/** WAV files on disk: read with errors that name the file (decoding: src/io/wav.ts). */
import { decodeWav, type Audio } from '../io/wav.js';
import { readBinaryFile } from './files.js';

export function readWavFile(path: string, opts: { sampleRate?: number } = {}): Audio {
  const where = `readWavFile(${path})`;
  return decodeWav(readBinaryFile(path, where), { ...opts, where });
}
