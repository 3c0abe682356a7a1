/**
 * The speech view's jobs, run in its worker. The recogniser and the recording to transcribe live
 * in this module, one of each per worker:
 *   speech-load        read a model file written by `lstm speech train --save`
 *   speech-wav         take a WAV file's bytes (checked by decoding them now)
 *   speech-samples     take a microphone recording (Float32 samples at the audio context's rate),
 *                      kept as the bytes of a float WAV (speech-wav.ts) so it is resampled as files are
 *   speech-transcribe  resample the recording to the model's rate (decodeWav), transcribe it (greedy
 *                      or beam), time each character, and draw the CTC alignment (rasterizeAlignment)
 * The recording is kept as bytes, not samples: a model loaded after it still gets it at its own rate.
 */
import {
  decodeSpeechRecognizer,
  decodeWav,
  rasterizeAlignment,
  type SpeechRecognizer,
  type TimedCharacter,
} from 'lstm';
import type { Job } from '../rpc.ts';
import { floatWav } from '../speech-wav.ts';

export interface RecognizerInfo {
  sampleRate: number;
  alphabet: string;
  features: string;
  network: string;
  parameters: number;
  /** Seconds of audio one recurrent step covers. */
  secondsPerStep: number;
}

export interface RecordingInfo {
  /** As recorded (before resampling). */
  seconds: number;
  sampleRate: number;
  channels: number;
}

export interface SpeechResult {
  text: string;
  logProb: number;
  characters: TimedCharacter[];
  alternatives: { text: string; logProb: number }[];
  /** The recording at the model's rate. */
  seconds: number;
  steps: number;
  /** The library's alignment chart (spectrogram, per-step class posteriors, timed characters) as RGBA pixels; null past CHART_SECONDS. */
  chart: { width: number; height: number; rgba: Uint8ClampedArray } | null;
}

/** The chart is 240 px a second: past a minute it would be too wide to be of use (and megabytes). */
const CHART_SECONDS = 60;

let model: SpeechRecognizer | null = null;
let recording: Uint8Array | null = null;

function describe(m: SpeechRecognizer): RecognizerInfo {
  const c = m.config;
  const f = c.features;
  return {
    sampleRate: m.sampleRate,
    alphabet: c.alphabet.join(''),
    features:
      f.kind === 'mfcc'
        ? `MFCC ${f.mfccCount} of ${f.melBands} mel bands`
        : `log-mel ${f.melBands} bands` + (f.deltas > 0 ? ` + ${f.deltas === 1 ? 'Δ' : 'Δ, ΔΔ'}` : ''),
    network: `${c.bidirectional ? 'bi' : ''}${c.cell.toUpperCase()} ${c.numLayers}×${c.hiddenSize}, ${c.stack} frame${c.stack === 1 ? '' : 's'} a step`,
    parameters: m.arena.size,
    secondsPerStep: (c.stack * f.hopLength) / f.sampleRate,
  };
}

/** Keep `bytes` as the recording once they decode (a damaged or non-PCM file is refused here). */
function take(bytes: Uint8Array): RecordingInfo {
  const audio = decodeWav(bytes);
  recording = bytes;
  return { seconds: audio.samples.length / audio.sampleRate, sampleRate: audio.sampleRate, channels: audio.channels };
}

function transcribe(input: { beam: number }): SpeechResult {
  if (model === null) throw new Error('no model yet: load a speech model file first.');
  if (recording === null) throw new Error('no recording yet: load a WAV file or record from the microphone.');
  const { samples } = decodeWav(recording, { sampleRate: model.sampleRate });
  const beam = Math.max(1, Math.floor(input.beam));
  const t = model.transcribe([samples], { beam, nbest: Math.min(beam, 3) })[0];
  if (t === undefined) throw new Error('the recogniser gave no transcript.');
  const seconds = samples.length / model.sampleRate;
  // the greedy path's per-step posteriors (one more pass of the network) for the chart
  const alignment = model.alignment(samples);
  const chart = seconds <= CHART_SECONDS ? rasterizeAlignment(alignment) : null;
  return {
    text: t.text,
    logProb: t.logProb,
    characters: t.characters,
    alternatives: t.alternatives,
    seconds,
    steps: alignment.steps,
    chart: chart === null ? null : { width: chart.width, height: chart.height, rgba: chart.rgba },
  };
}

export const SPEECH_JOBS: Record<string, Job> = {
  'speech-load': (input: { bytes: Uint8Array }) => {
    model = decodeSpeechRecognizer(input.bytes);
    return describe(model);
  },
  'speech-wav': (input: { bytes: Uint8Array }) => take(input.bytes),
  'speech-samples': (input: { samples: Float32Array; sampleRate: number }) =>
    take(floatWav(input.samples, input.sampleRate)),
  'speech-transcribe': (input: { beam: number }) => transcribe(input),
};
