/**
 * Speech features for a recurrent network: log-mel energies or MFCCs per 10 ms frame, with their
 * deltas, normalised per utterance, and SpecAugment's masks for training.
 *
 * Shapes: samples (n) in; Features.values (frames, width) row-major out, width =
 * (mfccCount or melBands) · (1 + deltas), columns [base | Δ | ΔΔ].
 *
 * The pipeline, each stage exported for tests and reuse:
 *   samples ─► pre-emphasis ─► frames · periodic window ─► |FFT|²     powerSpectrogram (spectrum.ts)
 *   ─► · mel filterbankᵀ ─► log(max(·, logFloor))                       melFilterbank (mel.ts)
 *   ─► [kind 'mfcc'] orthonormal DCT-II, first mfccCount, lifter        mfccOfLogMel
 *   ─► [deltas] Δ, ΔΔ over 2N+1 frames, edges replicated                appendDeltas
 *   ─► [cmvn] every column to mean 0 (and variance 1) over the clip     normalise
 * Every stage matches librosa (stft with pad_mode='constant', filters.mel, feature.mfcc on our
 * natural-log mel, feature.delta with mode='nearest') in float64 to 1e-4: see
 * test/fixtures/make_features_reference.py. Δ is the least-squares slope over the 2N+1 frames
 * around each frame, Σ n·x[t+n] / Σ n². ΔΔ is librosa's order-2 delta: the second derivative of
 * the least-squares parabola over the same 2N+1 frames (Savitzky–Golay), Σ w_n·x[t+n] with
 * w_n = 2(n² − N(N+1)/3) / Σ(n² − N(N+1)/3)²; this is not Δ applied twice (which reaches 4N+1
 * frames and smooths more).
 *
 * The window, FFT, filterbank and DCT matrix are made once per configuration and cached, so
 * featurising thousands of clips with one configuration allocates only the per-clip arrays.
 */
import { ConfigError, ShapeError, checkInteger, checkNumber, show } from '../errors.js';
import type { Rng } from '../rng.js';
import {
  applyCepstrum,
  buildFilterbank,
  cepstrumMatrix,
  logMelOfPower,
  type CepstrumSettings,
  type Filterbank,
  type MelSettings,
} from './mel.js';
import { emphasise, powerOfEmphasised, type SpectrumSettings } from './spectrum.js';

export { powerSpectrogram, periodicWindow, type PowerSpectrogram, type WindowKind } from './spectrum.js';
export { hzToMel, melToHz, type MelNorm, type MelScale } from './mel.js';

/** Every feature setting: the spectrum's, the filterbank's and the cepstrum's (their docs there), and these. */
export interface FeatureConfig extends SpectrumSettings, MelSettings, CepstrumSettings {
  /** Default 'mfcc'. */
  kind: 'logmel' | 'mfcc';
  /** Append Δ (and ΔΔ) of the base features; default 2. */
  deltas: 0 | 1 | 2;
  /** N: the regression window is 2N+1 frames, edges replicated; default 2. */
  deltaWidth: number;
  /** Per-utterance normalisation over time of every column; default 'meanvar'. */
  cmvn: 'none' | 'mean' | 'meanvar';
  /** log(max(mel power, logFloor)), natural log; default 1e-10. */
  logFloor: number;
}

export type FeatureOptions = Partial<FeatureConfig> & { sampleRate: number };

/** (frames, width) row-major. */
export interface Features {
  frames: number;
  width: number;
  values: Float64Array;
}

const FIELDS: readonly string[] = [
  'sampleRate', 'preemphasis', 'frameLength', 'hopLength', 'fftSize', 'window', 'center', 'melBands', 'fMin',
  'fMax', 'melScale', 'melNorm', 'kind', 'mfccCount', 'lifter', 'deltas', 'deltaWidth', 'cmvn', 'logFloor',
]; // prettier-ignore

/** Names from librosa and elsewhere that mean one of ours. */
const ALIASES: Record<string, string> = {
  sr: 'sampleRate', nfft: 'fftSize', hoplength: 'hopLength', winlength: 'frameLength', nmels: 'melBands',
  nmfcc: 'mfccCount', htk: 'melScale', norm: 'melNorm', numcep: 'mfccCount', nfilt: 'melBands',
}; // prettier-ignore

function unknownKeyHint(key: string): string | undefined {
  const folded = key.toLowerCase().replace(/[_-]/g, '');
  const match = FIELDS.find((f) => f.toLowerCase() === folded) ?? ALIASES[folded];
  return match === undefined ? undefined : `did you mean ${match}?`;
}

function checkChoice<T extends string>(where: string, name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T))
    throw new ConfigError(
      where,
      `${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${show(value)}.`,
    );
  return value as T;
}

/** Every option checked and every default filled in; an unknown option is refused by name. */
export function resolveFeatureConfig(where: string, opts: FeatureOptions): FeatureConfig {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new ConfigError(where, `the feature options must be an object with at least sampleRate, got ${show(opts)}.`);
  for (const key of Object.keys(opts))
    if (!FIELDS.includes(key))
      throw new ConfigError(
        where,
        `unknown feature option ${JSON.stringify(key)}; the options are ${FIELDS.join(', ')}.`,
        unknownKeyHint(key),
      );
  const sampleRate = checkNumber(where, 'sampleRate', opts.sampleRate, 0, 1e6, true);
  const frameLength = checkInteger(where, 'frameLength', opts.frameLength ?? Math.round(0.025 * sampleRate), 1);
  const hopLength = checkInteger(where, 'hopLength', opts.hopLength ?? Math.round(0.01 * sampleRate), 1);
  const fftSize = checkInteger(
    where,
    'fftSize',
    opts.fftSize ?? 2 ** Math.ceil(Math.log2(Math.max(2, frameLength))),
    2,
  );
  if ((fftSize & (fftSize - 1)) !== 0)
    throw new ConfigError(where, `fftSize must be a power of two (the FFT needs one), got ${fftSize}.`);
  if (frameLength > fftSize)
    throw new ConfigError(
      where,
      `frameLength (${frameLength} samples) must be at most fftSize (${fftSize}).`,
      'leave fftSize out (it defaults to the next power of two ≥ frameLength) or shorten frameLength.',
    );
  if (opts.center !== undefined && typeof opts.center !== 'boolean')
    throw new ConfigError(where, `center must be true or false, got ${show(opts.center)}.`);
  const fMax = checkNumber(where, 'fMax', opts.fMax ?? sampleRate / 2, 0, sampleRate / 2, true);
  const fMin = checkNumber(where, 'fMin', opts.fMin ?? 0, 0, fMax);
  if (fMin >= fMax) throw new ConfigError(where, `fMin (${fMin} Hz) must be below fMax (${fMax} Hz).`);
  const melBands = checkInteger(where, 'melBands', opts.melBands ?? 40, 1, fftSize / 2 + 1);
  const kind = checkChoice(where, 'kind', opts.kind ?? 'mfcc', ['logmel', 'mfcc'] as const);
  const mfccMax = kind === 'mfcc' ? melBands : Number.MAX_SAFE_INTEGER;
  return {
    sampleRate,
    preemphasis: checkNumber(where, 'preemphasis', opts.preemphasis ?? 0.97, 0, 1),
    frameLength,
    hopLength,
    fftSize,
    window: checkChoice(where, 'window', opts.window ?? 'hann', ['hann', 'hamming', 'rectangular'] as const),
    center: opts.center ?? true,
    melBands,
    fMin,
    fMax,
    melScale: checkChoice(where, 'melScale', opts.melScale ?? 'slaney', ['slaney', 'htk'] as const),
    melNorm: checkChoice(where, 'melNorm', opts.melNorm ?? 'slaney', ['slaney', 'none'] as const),
    kind,
    mfccCount: checkInteger(where, 'mfccCount', opts.mfccCount ?? Math.min(13, melBands), 1, mfccMax),
    lifter: checkNumber(where, 'lifter', opts.lifter ?? 0, 0, 10000),
    deltas: checkInteger(where, 'deltas', opts.deltas ?? 2, 0, 2) as 0 | 1 | 2,
    deltaWidth: checkInteger(where, 'deltaWidth', opts.deltaWidth ?? 2, 1, 100),
    cmvn: checkChoice(where, 'cmvn', opts.cmvn ?? 'meanvar', ['none', 'mean', 'meanvar'] as const),
    logFloor: checkNumber(where, 'logFloor', opts.logFloor ?? 1e-10, 0, 1, true),
  };
}

/** Columns per frame: (mfccCount or melBands) · (1 + deltas). */
export function featureWidth(config: FeatureConfig): number {
  return (config.kind === 'mfcc' ? config.mfccCount : config.melBands) * (1 + config.deltas);
}

/** What one configuration needs, made once: the checked config, filterbank and DCT matrix. */
interface FeaturePlan {
  config: FeatureConfig;
  filterbank: Filterbank;
  cepstrum: Float64Array | undefined;
}

const plans = new Map<string, FeaturePlan>();
const PLAN_CACHE_SIZE = 16;

function planFor(config: FeatureConfig, where: string): FeaturePlan {
  const key = JSON.stringify(config);
  let plan = plans.get(key);
  if (plan === undefined) {
    const checked = resolveFeatureConfig(where, config);
    plan = {
      config: checked,
      filterbank: buildFilterbank(checked, where),
      cepstrum: checked.kind === 'mfcc' ? cepstrumMatrix(checked) : undefined,
    };
    if (plans.size >= PLAN_CACHE_SIZE) plans.clear();
    plans.set(key, plan);
  }
  return plan;
}

/** (melBands, fftSize/2 + 1), as librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm). */
export function melFilterbank(config: FeatureConfig): Float64Array {
  return planFor(config, 'melFilterbank').filterbank.weights.slice();
}

function checkLength(where: string, name: string, values: ArrayLike<number>, rows: number, columns: number): void {
  if (values.length !== rows * columns)
    throw new ShapeError(
      where,
      `${name} must hold ${rows}·${columns} = ${rows * columns} values, got ${values.length}.`,
    );
}

/** (frames, mfccCount): the orthonormal DCT-II of each frame's log-mel powers, first mfccCount, liftered. */
export function mfccOfLogMel(logMel: Float64Array, frames: number, config: FeatureConfig): Float64Array {
  const { melBands, mfccCount } = config;
  checkLength('mfccOfLogMel', 'logMel', logMel, frames, melBands);
  return applyCepstrum(logMel, frames, planFor(config, 'mfccOfLogMel').cepstrum ?? cepstrumMatrix(config), mfccCount);
}

/** The regression weights over n = −N … N for Δ (order 1) or ΔΔ (order 2); see the header. */
function deltaWeights(order: 1 | 2, N: number): Float64Array {
  const weights = new Float64Array(2 * N + 1);
  const meanSquare = (N * (N + 1)) / 3;
  let norm = 0;
  for (let n = -N; n <= N; n++) {
    const basis = order === 1 ? n : n * n - meanSquare;
    weights[n + N] = basis;
    norm += basis * basis;
  }
  for (let i = 0; i < weights.length; i++) weights[i] = ((order === 1 ? 1 : 2) * (weights[i] as number)) / norm;
  return weights;
}

/** (frames, width·(1 + order)): [x | Δx] or [x | Δx | ΔΔx], each over 2N+1 frames, edges replicated. */
export function appendDeltas(
  values: Float64Array,
  frames: number,
  width: number,
  order: 1 | 2,
  N: number,
): Float64Array {
  const where = 'appendDeltas';
  checkInteger(where, 'order', order, 1, 2);
  checkInteger(where, 'N', N, 1);
  checkLength(where, 'values', values, frames, width);
  const outWidth = width * (1 + order);
  const out = new Float64Array(frames * outWidth);
  for (let t = 0; t < frames; t++) out.set(values.subarray(t * width, (t + 1) * width), t * outWidth);
  for (let d = 1; d <= order; d++) {
    const weights = deltaWeights(d as 1 | 2, N);
    for (let t = 0; t < frames; t++) {
      const row = t * outWidth + d * width;
      for (let n = -N; n <= N; n++) {
        const w = weights[n + N] as number;
        if (w === 0) continue;
        const source = Math.min(frames - 1, Math.max(0, t + n)) * width;
        for (let j = 0; j < width; j++) out[row + j] = (out[row + j] as number) + w * (values[source + j] as number);
      }
    }
  }
  return out;
}

/** Below this a column's variance is taken as this, so a nearly constant column is not blown up. */
const VARIANCE_FLOOR = 1e-10;

/**
 * In place, every column over the frames: minus its mean ('mean'), and divided by its standard
 * deviation too ('meanvar', population variance floored at 1e-10). A constant column becomes 0.
 */
export function normalise(values: Float64Array, frames: number, width: number, mode: 'mean' | 'meanvar'): void {
  checkLength('normalise', 'values', values, frames, width);
  checkChoice('normalise', 'mode', mode, ['mean', 'meanvar'] as const);
  for (let j = 0; j < width; j++) {
    let sum = 0;
    let lowest = Infinity;
    let highest = -Infinity;
    for (let t = 0; t < frames; t++) {
      const v = values[t * width + j] as number;
      sum += v;
      if (v < lowest) lowest = v;
      if (v > highest) highest = v;
    }
    if (lowest === highest) {
      for (let t = 0; t < frames; t++) values[t * width + j] = 0;
      continue;
    }
    const mean = sum / frames;
    let squares = 0;
    for (let t = 0; t < frames; t++) squares += ((values[t * width + j] as number) - mean) ** 2;
    const scale = mode === 'meanvar' ? 1 / Math.sqrt(Math.max(squares / frames, VARIANCE_FLOOR)) : 1;
    for (let t = 0; t < frames; t++) values[t * width + j] = ((values[t * width + j] as number) - mean) * scale;
  }
}

/** The features of one clip: (frames, featureWidth(config)). */
export function computeFeatures(
  samples: ArrayLike<number>,
  config: FeatureConfig,
  where = 'computeFeatures',
): Features {
  const { config: c, filterbank, cepstrum } = planFor(config, where);
  const power = powerOfEmphasised(emphasise(samples, c.preemphasis, where), c, where);
  const frames = power.frames;
  const logMel = logMelOfPower(power.values, frames, filterbank, c.logFloor);
  const base = cepstrum === undefined ? logMel : applyCepstrum(logMel, frames, cepstrum, c.mfccCount);
  const baseWidth = cepstrum === undefined ? c.melBands : c.mfccCount;
  const values = c.deltas === 0 ? base : appendDeltas(base, frames, baseWidth, c.deltas, c.deltaWidth);
  const width = featureWidth(c);
  if (c.cmvn !== 'none') normalise(values, frames, width, c.cmvn);
  return { frames, width, values };
}

export interface SpecAugmentOptions {
  /** How many frequency bands to mask. */
  frequencyMasks: number;
  /** A band's width is uniform in [0, frequencyWidth] columns (of the base width). */
  frequencyWidth: number;
  /** How many runs of frames to mask. */
  timeMasks: number;
  /** A run's length is uniform in [0, min(timeWidth, ⌊maxTimeFraction·frames⌋)] frames. */
  timeWidth: number;
  /** The most of the clip one time mask may cover; default 1. */
  maxTimeFraction?: number;
  /**
   * How many equal blocks the width holds, 1 + deltas: a frequency band is drawn over the first
   * block's columns (the base features) and masked at the same place in every block, so the base
   * columns and their Δ and ΔΔ columns are masked alike. Default 1.
   */
  blocks?: number;
}

/**
 * SpecAugment (Park et al. 2019) without time warping, in place: frequencyMasks bands of columns and
 * timeMasks runs of frames set to `value` (default 0, the mean after CMVN). Seeded by `rng`: the
 * same state gives the same masks. Draws, in order, per band its width then its first column, per
 * run its length then its first frame; a band or run may overlap another.
 */
export function specAugment(
  values: Float64Array,
  frames: number,
  width: number,
  opts: SpecAugmentOptions,
  rng: Rng,
  value = 0,
): void {
  const where = 'specAugment';
  checkLength(where, 'values', values, frames, width);
  const frequencyMasks = checkInteger(where, 'frequencyMasks', opts.frequencyMasks, 0);
  const frequencyWidth = checkInteger(where, 'frequencyWidth', opts.frequencyWidth, 0);
  const timeMasks = checkInteger(where, 'timeMasks', opts.timeMasks, 0);
  const timeWidth = checkInteger(where, 'timeWidth', opts.timeWidth, 0);
  const maxTimeFraction = checkNumber(where, 'maxTimeFraction', opts.maxTimeFraction ?? 1, 0, 1);
  const blocks = checkInteger(where, 'blocks', opts.blocks ?? 1, 1, Math.max(1, width));
  if (width % blocks !== 0)
    throw new ConfigError(
      where,
      `blocks (${blocks}) must divide the width (${width}): 1 + deltas blocks of equal width.`,
    );
  if (!Number.isFinite(value)) throw new ConfigError(where, `value must be a finite number, got ${show(value)}.`);
  const baseWidth = width / blocks;
  const widest = Math.min(frequencyWidth, baseWidth);
  for (let i = 0; i < frequencyMasks; i++) {
    const bandWidth = rng.int(widest + 1);
    const first = rng.int(baseWidth - bandWidth + 1);
    for (let t = 0; t < frames; t++)
      for (let b = 0; b < blocks; b++) {
        const start = t * width + b * baseWidth + first;
        values.fill(value, start, start + bandWidth);
      }
  }
  const longest = Math.min(timeWidth, Math.floor(maxTimeFraction * frames));
  for (let i = 0; i < timeMasks; i++) {
    const runLength = rng.int(longest + 1);
    const first = rng.int(frames - runLength + 1);
    values.fill(value, first * width, (first + runLength) * width);
  }
}
