/**
 * Raw samples → the bytes of a WAV file (mono, 32-bit IEEE float, format 3), so that a microphone
 * recording goes through the library's decodeWav like any file: the same mixing, checks and
 * resampling (wavefile's windowed-sinc resampler) to the model's rate. The library has no resampler
 * for raw samples, and this keeps one path for every recording.
 *   bytes: RIFF header (12) + fmt chunk (8 + 16) + data chunk (8 + 4·n)
 */
export function floatWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 4);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 4, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // the fmt chunk's size
  view.setUint16(20, 3, true); // IEEE float
  view.setUint16(22, 1, true); // one channel
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 4, true); // bytes a second
  view.setUint16(32, 4, true); // bytes a frame
  view.setUint16(34, 32, true); // bits a sample
  ascii(36, 'data');
  view.setUint32(40, samples.length * 4, true);
  for (let i = 0; i < samples.length; i++) view.setFloat32(44 + 4 * i, samples[i] as number, true);
  return bytes;
}
