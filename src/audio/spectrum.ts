/**
 * The power spectrogram of a clip: pre-emphasis, framing, a periodic window, a real FFT, |X|².
 *
 * Shapes: samples (n) in, values (frames, fftSize/2 + 1) row-major out, one row per frame.
 *
 * It follows librosa.stft so that the features can be checked against librosa to 1e-4:
 * - the window (hann, hamming or rectangular) is periodic, as scipy's get_window(fftbins=True)
 *   makes it, frameLength long, and sits in the middle of the fftSize-sample frame (left offset
 *   ⌊(fftSize − frameLength)/2⌋), the rest of the frame weighted zero;
 * - with center, fftSize/2 zeros are added at each end (pad_mode 'constant'), so frame f is centred
 *   on sample f·hop and there are 1 + ⌊n/hop⌋ frames, at least one however short the clip;
 *   without it, frame f starts at sample f·hop and 1 + ⌊(n − fftSize)/hop⌋ frames fit, so the clip
 *   needs fftSize samples at least.
 * Pre-emphasis is y[t] = x[t] − a·x[t−1] with y[0] = x[0] (librosa.effects.preemphasis, zi=0).
 *
 * The window, the FFT object and its buffers are made once per setting and reused, frame after
 * frame and clip after clip: a frame allocates nothing.
 */
import FFT from 'fft.js';
import { DataError } from '../errors.js';

export type WindowKind = 'hann' | 'hamming' | 'rectangular';

/** The fields of a feature configuration (features.ts FeatureConfig) the spectrogram reads. */
export interface SpectrumSettings {
  /** y[t] = x[t] − a·x[t−1], y[0] = x[0]; 0 = off. Default 0.97. */
  preemphasis: number;
  /** Window length in samples; default round(0.025·sampleRate). */
  frameLength: number;
  /** Default round(0.010·sampleRate). */
  hopLength: number;
  /** A power of two ≥ frameLength; default the next power of two ≥ frameLength. */
  fftSize: number;
  /** Periodic (scipy get_window fftbins=True); default 'hann'. */
  window: WindowKind;
  /** fftSize/2 zeros at each end (librosa center=True, pad_mode='constant'); default true. */
  center: boolean;
}

export interface PowerSpectrogram {
  frames: number;
  /** fftSize/2 + 1 frequency bins, 0 to the Nyquist frequency. */
  bins: number;
  /** (frames, bins) row-major. */
  values: Float64Array;
}

/** A periodic window of `length` samples (the DFT-even form: the period is `length`, not length − 1). */
export function periodicWindow(kind: WindowKind, length: number): Float64Array {
  const window = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const phase = (2 * Math.PI * i) / length;
    window[i] = kind === 'hann' ? 0.5 - 0.5 * Math.cos(phase) : kind === 'hamming' ? 0.54 - 0.46 * Math.cos(phase) : 1;
  }
  return window;
}

/** What one setting needs, made once: the window, the FFT and its input and output buffers. */
interface SpectrumPlan {
  window: Float64Array;
  /** Where the window starts inside the fftSize-sample frame. */
  windowOffset: number;
  fft: FFT;
  frameBuffer: Float64Array;
  /** Interleaved complex output (re, im), fftSize pairs; realTransform fills bins 0 … fftSize/2. */
  spectrumBuffer: Float64Array;
}

const plans = new Map<string, SpectrumPlan>();
const PLAN_CACHE_SIZE = 16;

function planFor(settings: SpectrumSettings): SpectrumPlan {
  const key = `${settings.window}/${settings.frameLength}/${settings.fftSize}`;
  let plan = plans.get(key);
  if (plan === undefined) {
    if (plans.size >= PLAN_CACHE_SIZE) plans.clear();
    plan = {
      window: periodicWindow(settings.window, settings.frameLength),
      windowOffset: Math.floor((settings.fftSize - settings.frameLength) / 2),
      fft: new FFT(settings.fftSize),
      frameBuffer: new Float64Array(settings.fftSize),
      spectrumBuffer: new Float64Array(2 * settings.fftSize),
    };
    plans.set(key, plan);
  }
  return plan;
}

/**
 * The samples as float64 after pre-emphasis, each checked: none at all, or one that is not a
 * finite number, is a DataError.
 */
export function emphasise(samples: ArrayLike<number>, coefficient: number, where: string): Float64Array {
  const n = samples.length;
  if (n === 0) throw new DataError(where, 'no samples arrived; a clip needs at least one.');
  const out = new Float64Array(n);
  let previous = 0;
  for (let t = 0; t < n; t++) {
    const x = samples[t] as number;
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new DataError(where, `sample ${t} is ${x}; every sample must be a finite number.`);
    out[t] = x - coefficient * previous;
    previous = x;
  }
  return out;
}

/** How many frames a clip of n samples gives (a DataError where not even one fits). */
export function frameCount(n: number, settings: SpectrumSettings, where: string): number {
  if (settings.center) return 1 + Math.floor(n / settings.hopLength);
  if (n < settings.fftSize)
    throw new DataError(
      where,
      `${n} samples arrived, but without center a frame needs fftSize = ${settings.fftSize} samples.`,
      'pass center: true (the clip is padded at both ends) or a smaller fftSize.',
    );
  return 1 + Math.floor((n - settings.fftSize) / settings.hopLength);
}

/** |STFT|² of an already emphasised signal (see emphasise), (frames, fftSize/2 + 1). */
export function powerOfEmphasised(signal: Float64Array, settings: SpectrumSettings, where: string): PowerSpectrogram {
  const { hopLength, fftSize, frameLength } = settings;
  const frames = frameCount(signal.length, settings, where);
  const bins = fftSize / 2 + 1;
  const values = new Float64Array(frames * bins);
  const { window, windowOffset, fft, frameBuffer, spectrumBuffer } = planFor(settings);
  const padding = settings.center ? fftSize / 2 : 0;
  const n = signal.length;
  // only the window's span of the frame buffer is ever written; the rest stays zero
  for (let f = 0; f < frames; f++) {
    const start = f * hopLength - padding + windowOffset;
    for (let i = 0; i < frameLength; i++) {
      const t = start + i;
      frameBuffer[windowOffset + i] = t >= 0 && t < n ? (signal[t] as number) * (window[i] as number) : 0;
    }
    fft.realTransform(spectrumBuffer, frameBuffer);
    const row = f * bins;
    for (let k = 0; k < bins; k++) {
      const re = spectrumBuffer[2 * k] as number;
      const im = spectrumBuffer[2 * k + 1] as number;
      values[row + k] = re * re + im * im;
    }
  }
  return { frames, bins, values };
}

/** |STFT|² after pre-emphasis: (frames, fftSize/2 + 1), as librosa.stft(…, pad_mode='constant'). */
export function powerSpectrogram(
  samples: ArrayLike<number>,
  settings: SpectrumSettings,
  where = 'powerSpectrogram',
): PowerSpectrogram {
  return powerOfEmphasised(emphasise(samples, settings.preemphasis, where), settings, where);
}
