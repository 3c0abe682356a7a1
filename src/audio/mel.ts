/**
 * The mel side of the features: the two mel scales, the triangular filterbank that turns a power
 * spectrum into mel-band powers, and the cepstrum (DCT) that turns log-mel powers into MFCCs.
 *
 * Shapes: filterbank (melBands, fftSize/2 + 1) row-major; MFCC matrix (mfccCount, melBands).
 *
 * The filterbank is librosa.filters.mel's (sr, n_fft, n_mels, fmin, fmax, htk, norm): melBands + 2
 * points evenly spaced in mel from fMin to fMax, converted back to Hz; band m is the triangle that
 * rises from point m to point m+1 and falls to point m+2, evaluated at the FFT bins' centre
 * frequencies k·sampleRate/fftSize. With norm 'slaney' each triangle is scaled by 2 / (its width
 * in Hz), so every band has the same area and a flat spectrum gives the same power in every band.
 * The mel scale is HTK's (2595·log10(1 + f/700)) or Slaney's (linear below 1 kHz at 3 mel per
 * 200 Hz, logarithmic above, as the Auditory Toolbox and librosa's default).
 */
import { ConfigError } from '../errors.js';

export type MelScale = 'slaney' | 'htk';
export type MelNorm = 'slaney' | 'none';

/** The fields of a feature configuration (features.ts FeatureConfig) the filterbank reads. */
export interface MelSettings {
  /** Hz the samples are at. */
  sampleRate: number;
  fftSize: number;
  /** Default 40. */
  melBands: number;
  /** Default 0. */
  fMin: number;
  /** Default sampleRate/2. */
  fMax: number;
  /** Default 'slaney'. */
  melScale: MelScale;
  /** 'slaney': every band scaled to the same area (librosa norm='slaney'); default 'slaney'. */
  melNorm: MelNorm;
}

/** The fields of a feature configuration the cepstrum reads. */
export interface CepstrumSettings {
  melBands: number;
  /** Kind 'mfcc' only; default 13 (or melBands where that is fewer). */
  mfccCount: number;
  /** librosa's lifter (0 = none); default 0. */
  lifter: number;
}

// Slaney's scale: linear (200/3 Hz per mel) up to 1 kHz, then log-spaced, 27 mel per factor 6.4
const SLANEY_HZ_PER_MEL = 200 / 3;
const SLANEY_BREAK_HZ = 1000;
const SLANEY_BREAK_MEL = SLANEY_BREAK_HZ / SLANEY_HZ_PER_MEL;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(hz: number, scale: MelScale): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  if (hz < SLANEY_BREAK_HZ) return hz / SLANEY_HZ_PER_MEL;
  return SLANEY_BREAK_MEL + Math.log(hz / SLANEY_BREAK_HZ) / SLANEY_LOG_STEP;
}

export function melToHz(mel: number, scale: MelScale): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  if (mel < SLANEY_BREAK_MEL) return mel * SLANEY_HZ_PER_MEL;
  return SLANEY_BREAK_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_BREAK_MEL));
}

/** A filterbank and, per band, the bins [first, end) where its weights are non-zero. */
export interface Filterbank {
  weights: Float64Array;
  bins: number;
  firstBin: Int32Array;
  endBin: Int32Array;
}

/**
 * The (melBands, fftSize/2 + 1) triangular filterbank. A band that covers no FFT bin (too many
 * bands for the FFT's resolution) would give a feature that never changes: a ConfigError.
 */
export function buildFilterbank(settings: MelSettings, where = 'melFilterbank'): Filterbank {
  const { sampleRate, fftSize, melBands, fMin, fMax, melScale } = settings;
  const bins = fftSize / 2 + 1;
  const lowMel = hzToMel(fMin, melScale);
  const highMel = hzToMel(fMax, melScale);
  const edgesHz = new Float64Array(melBands + 2);
  for (let i = 0; i < melBands + 2; i++)
    edgesHz[i] = melToHz(lowMel + ((highMel - lowMel) * i) / (melBands + 1), melScale);
  const weights = new Float64Array(melBands * bins);
  const firstBin = new Int32Array(melBands).fill(bins);
  const endBin = new Int32Array(melBands);
  for (let m = 0; m < melBands; m++) {
    const left = edgesHz[m] as number;
    const centre = edgesHz[m + 1] as number;
    const right = edgesHz[m + 2] as number;
    const scale = settings.melNorm === 'slaney' ? 2 / (right - left) : 1;
    for (let k = 0; k < bins; k++) {
      const hz = (k * sampleRate) / fftSize;
      const rising = (hz - left) / (centre - left);
      const falling = (right - hz) / (right - centre);
      const weight = Math.max(0, Math.min(rising, falling));
      if (weight > 0) {
        weights[m * bins + k] = weight * scale;
        if (k < (firstBin[m] as number)) firstBin[m] = k;
        endBin[m] = k + 1;
      }
    }
    if ((endBin[m] as number) === 0)
      throw new ConfigError(
        where,
        `mel band ${m} (${left.toFixed(1)} to ${right.toFixed(1)} Hz) covers no FFT bin (bins are ` +
          `${(sampleRate / fftSize).toFixed(1)} Hz apart), so it would always be zero.`,
        'use fewer melBands, a larger fftSize, or a wider fMin … fMax.',
      );
  }
  return { weights, bins, firstBin, endBin };
}

/** (frames, melBands): log(max(mel power, floor)) of a (frames, bins) power spectrogram. */
export function logMelOfPower(
  power: Float64Array,
  frames: number,
  filterbank: Filterbank,
  floor: number,
): Float64Array {
  const { weights, bins, firstBin, endBin } = filterbank;
  const bands = firstBin.length;
  const logMel = new Float64Array(frames * bands);
  for (let t = 0; t < frames; t++)
    for (let m = 0; m < bands; m++) {
      let sum = 0;
      const end = endBin[m] as number;
      for (let k = firstBin[m] as number; k < end; k++)
        sum += (weights[m * bins + k] as number) * (power[t * bins + k] as number);
      logMel[t * bands + m] = Math.log(Math.max(sum, floor));
    }
  return logMel;
}

/**
 * The (mfccCount, melBands) matrix that maps log-mel powers to MFCCs: the orthonormal DCT-II over
 * the mel axis (row k: √(1/M) for k = 0, else √(2/M)·cos(πk(2m+1)/(2M))), its first mfccCount rows,
 * each scaled by librosa's lifter 1 + (L/2)·sin(π(k+1)/L) when lifter L > 0.
 */
export function cepstrumMatrix(settings: CepstrumSettings): Float64Array {
  const { melBands, mfccCount, lifter } = settings;
  const matrix = new Float64Array(mfccCount * melBands);
  for (let k = 0; k < mfccCount; k++) {
    const norm = Math.sqrt((k === 0 ? 1 : 2) / melBands);
    const lift = lifter > 0 ? 1 + (lifter / 2) * Math.sin((Math.PI * (k + 1)) / lifter) : 1;
    for (let m = 0; m < melBands; m++)
      matrix[k * melBands + m] = lift * norm * Math.cos((Math.PI * k * (2 * m + 1)) / (2 * melBands));
  }
  return matrix;
}

/** (frames, mfccCount): each frame's log-mel powers (frames, melBands) times the cepstrum matrix's first rows. */
export function applyCepstrum(
  logMel: Float64Array,
  frames: number,
  matrix: Float64Array,
  mfccCount: number,
): Float64Array {
  const melBands = logMel.length / frames;
  const out = new Float64Array(frames * mfccCount);
  for (let t = 0; t < frames; t++)
    for (let k = 0; k < mfccCount; k++) {
      let sum = 0;
      for (let m = 0; m < melBands; m++)
        sum += (matrix[k * melBands + m] as number) * (logMel[t * melBands + m] as number);
      out[t * mfccCount + k] = sum;
    }
  return out;
}
