/**
 * WAV audio in: RIFF/WAVE files of PCM (8-bit unsigned, 16, 24 or 32-bit signed) or IEEE float
 * (32 or 64-bit) samples, also in the WAVE_FORMAT_EXTENSIBLE wrapper, any channel count (mixed
 * down to mono by the mean) and any sample rate (resampled on request). The chunk layout is checked
 * here first, so a bad file gets an error that says what is wrong (not RIFF/WAVE, a compressed
 * format, a data chunk cut short, no samples); the samples are decoded and resampled by the
 * wavefile package.
 */
import * as wavefileModule from 'wavefile';
import { DataError } from '../errors.js';

// Node loads the package's CommonJS build (the class under `default`); bundlers (Vite, webpack)
// its ES module (a named export): the class is found either way.
type WaveFileClass = typeof wavefileModule.WaveFile;
// (Reflect.get: a bundler would warn that the ES module has no `default`, which is why it is read so)
const WaveFile: WaveFileClass =
  (wavefileModule as { WaveFile?: WaveFileClass }).WaveFile ??
  (Reflect.get(wavefileModule, 'default') as { WaveFile: WaveFileClass }).WaveFile;

export interface Audio {
  sampleRate: number;
  /** Mono samples in [−1, 1]. */
  samples: Float32Array;
  /** Channels in the file (mixed down). */
  channels: number;
}

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

interface Layout {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  dataBytes: number;
}

const text = (bytes: Uint8Array, at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));

/** The fmt and data chunks' facts, every declared size checked against the bytes present. */
function readLayout(bytes: Uint8Array, where: string): Layout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || text(bytes, 0) !== 'RIFF' || text(bytes, 8) !== 'WAVE') {
    const start = JSON.stringify(String.fromCharCode(...bytes.subarray(0, 12)).replace(/[^\x20-\x7e]/g, '.'));
    throw new DataError(where, `not a RIFF/WAVE file: it starts with ${start}, where 'RIFF….WAVE' was expected.`);
  }
  let fmt: Omit<Layout, 'dataBytes'> | undefined;
  let dataBytes: number | undefined;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = text(bytes, at);
    const size = view.getUint32(at + 4, true);
    const available = bytes.length - at - 8;
    if (id === 'data') {
      if (size > available)
        throw new DataError(
          where,
          `the data chunk declares ${size} bytes but only ${available} follow: the file is truncated.`,
        );
      dataBytes = size;
    } else if (id === 'fmt ') {
      if (size < 16 || size > available)
        throw new DataError(where, `the fmt chunk has ${Math.min(size, available)} bytes; at least 16 are needed.`);
      let format = view.getUint16(at + 8, true);
      // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID
      if (format === EXTENSIBLE && size >= 26) format = view.getUint16(at + 8 + 24, true);
      fmt = {
        format,
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        bits: view.getUint16(at + 22, true),
      };
    }
    at += 8 + size + (size % 2);
  }
  if (fmt === undefined) throw new DataError(where, 'the file has no fmt chunk: its sample format is unknown.');
  if (dataBytes === undefined) throw new DataError(where, 'the file has no data chunk: it holds no samples.');
  const { format, bits, channels, sampleRate } = fmt;
  const supported = (format === PCM && [8, 16, 24, 32].includes(bits)) || (format === FLOAT && [32, 64].includes(bits));
  if (!supported)
    throw new DataError(
      where,
      `its samples are in audio format ${format} at ${bits} bits; PCM of 8, 16, 24 or 32 bits or float of 32 or 64 bits was expected (a compressed file must be converted first, e.g. ffmpeg -i in.wav -c:a pcm_s16le out.wav).`,
    );
  if (channels < 1 || sampleRate < 1)
    throw new DataError(where, `the fmt chunk declares ${channels} channels at ${sampleRate} Hz.`);
  if (dataBytes < (channels * bits) / 8) throw new DataError(where, 'the data chunk holds no samples (zero length).');
  return { ...fmt, dataBytes };
}

/**
 * The audio of a WAV file's bytes, mixed down to mono; resampled to `sampleRate` when given and
 * different from the file's.
 */
export function decodeWav(bytes: Uint8Array, opts: { sampleRate?: number; where?: string } = {}): Audio {
  const where = opts.where ?? 'decodeWav';
  const layout = readLayout(bytes, where);
  let wav: InstanceType<WaveFileClass>;
  try {
    wav = new WaveFile(bytes);
    if (opts.sampleRate !== undefined && opts.sampleRate !== layout.sampleRate)
      wav.toSampleRate(opts.sampleRate, { method: 'sinc' });
  } catch (e) {
    throw new DataError(where, `the WAV data cannot be decoded: ${(e as Error).message}`);
  }
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const channels = Array.isArray(raw) ? raw : [raw];
  // integer PCM to [−1, 1): 8-bit is unsigned around 128, the others signed
  const [offset, scale] =
    layout.format === FLOAT ? [0, 1] : layout.bits === 8 ? [128, 128] : [0, 2 ** (layout.bits - 1)];
  const n = channels[0]?.length ?? 0;
  const samples = new Float32Array(n);
  for (const channel of channels)
    for (let i = 0; i < n; i++) samples[i] = (samples[i] as number) + ((channel[i] as number) - offset) / scale;
  if (channels.length > 1) for (let i = 0; i < n; i++) samples[i] = (samples[i] as number) / channels.length;
  return { sampleRate: opts.sampleRate ?? layout.sampleRate, samples, channels: layout.channels };
}
