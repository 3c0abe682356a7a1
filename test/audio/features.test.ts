/**
 * Speech features (src/audio/): every stage against librosa on frozen values
 * (test/fixtures/features_reference.json, made by make_features_reference.py) — the power
 * spectrogram and the filterbank to 1e-4 of the array's largest magnitude, the log-mel, MFCC, Δ, ΔΔ
 * and normalised features to 1e-4 absolute (they are logarithms or linear in them) — on a synthetic
 * 8 kHz clip with the defaults, a real recording with hamming, HTK mel, no band normalisation and no
 * centering, a 16 kHz log-mel clip, and a clip shorter than one frame; then the configuration's
 * defaults and errors, the deltas of a parabola, CMVN of a constant column, SpecAugment, and the
 * errors for unusable input.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  appendDeltas,
  computeFeatures,
  featureWidth,
  melFilterbank,
  mfccOfLogMel,
  normalise,
  powerSpectrogram,
  resolveFeatureConfig,
  specAugment,
  type FeatureConfig,
  type FeatureOptions,
  type SpecAugmentOptions,
} from '../../src/audio/features.js';
import { decodeWav } from '../../src/io/wav.js';
import { Rng } from '../../src/rng.js';

interface Case {
  name: string;
  config: FeatureConfig;
  pcm16?: number[];
  wav?: string;
  frames: number;
  width: number;
  power: number[];
  filterbank: number[];
  logMel: number[];
  mfcc?: number[];
  delta1?: number[];
  delta2?: number[];
  features: number[];
}

const TOLERANCE = 1e-4;

/** The largest |actual − expected|, and that over the expected's largest magnitude. */
function deviation(actual: ArrayLike<number>, expected: readonly number[]): { absolute: number; relative: number } {
  assert.equal(actual.length, expected.length, 'length');
  let absolute = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    absolute = Math.max(absolute, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return { absolute, relative: absolute / scale };
}

/** Columns [from, from + count) of a (rows, width) array. */
function columns(values: Float64Array, rows: number, width: number, from: number, count: number): Float64Array {
  const out = new Float64Array(rows * count);
  for (let t = 0; t < rows; t++) out.set(values.subarray(t * width + from, t * width + from + count), t * count);
  return out;
}

function samplesOf(c: Case): Float32Array | Float64Array {
  if (c.wav !== undefined) return decodeWav(readFileSync(c.wav)).samples;
  return Float64Array.from(c.pcm16 ?? [], (v) => v / 32768);
}

describe('speech features against librosa', () => {
  const fixture = JSON.parse(readFileSync('test/fixtures/features_reference.json', 'utf8')) as { cases: Case[] };
  for (const c of fixture.cases) {
    it(`${c.name}: every stage within ${TOLERANCE}`, (t) => {
      const config = resolveFeatureConfig('test', c.config);
      const samples = samplesOf(c);
      const report: string[] = [];
      const check = (stage: string, actual: ArrayLike<number>, expected: number[] | undefined, relative: boolean) => {
        assert.ok(expected !== undefined, `${stage} is in the fixture`);
        const d = deviation(actual, expected);
        const measured = relative ? d.relative : d.absolute;
        report.push(`${stage} ${measured.toExponential(1)}${relative ? ' (relative)' : ''}`);
        assert.ok(measured <= TOLERANCE, `${c.name} ${stage}: deviation ${measured} > ${TOLERANCE}`);
      };

      const power = powerSpectrogram(samples, config);
      assert.equal(power.frames, c.frames);
      assert.equal(power.bins, config.fftSize / 2 + 1);
      check('power', power.values, c.power, true);
      check('filterbank', melFilterbank(config), c.filterbank, true);

      const logMel = computeFeatures(samples, { ...config, kind: 'logmel', deltas: 0, cmvn: 'none' });
      assert.deepEqual([logMel.frames, logMel.width], [c.frames, config.melBands]);
      check('logMel', logMel.values, c.logMel, false);

      let base = logMel.values;
      let baseWidth = config.melBands;
      if (config.kind === 'mfcc') {
        base = mfccOfLogMel(logMel.values, c.frames, config);
        baseWidth = config.mfccCount;
        check('mfcc', base, c.mfcc, false);
      }
      if (config.deltas !== 0) {
        const stacked = appendDeltas(base, c.frames, baseWidth, config.deltas, config.deltaWidth);
        const width = baseWidth * (1 + config.deltas);
        check('delta1', columns(stacked, c.frames, width, baseWidth, baseWidth), c.delta1, false);
        if (config.deltas === 2)
          check('delta2', columns(stacked, c.frames, width, 2 * baseWidth, baseWidth), c.delta2, false);
      }

      const features = computeFeatures(samples, config);
      assert.deepEqual([features.frames, features.width], [c.frames, c.width]);
      assert.equal(features.width, featureWidth(config));
      check('features', features.values, c.features, false);
      t.diagnostic(`${c.name}: max deviation ${report.join(', ')}`);
    });
  }
});

describe('resolveFeatureConfig', () => {
  it('fills in the defaults', () => {
    assert.deepEqual(resolveFeatureConfig('test', { sampleRate: 8000 }), {
      sampleRate: 8000,
      preemphasis: 0.97,
      frameLength: 200,
      hopLength: 80,
      fftSize: 256,
      window: 'hann',
      center: true,
      melBands: 40,
      fMin: 0,
      fMax: 4000,
      melScale: 'slaney',
      melNorm: 'slaney',
      kind: 'mfcc',
      mfccCount: 13,
      lifter: 0,
      deltas: 2,
      deltaWidth: 2,
      cmvn: 'meanvar',
      logFloor: 1e-10,
    });
    const wide = resolveFeatureConfig('test', { sampleRate: 16000 });
    assert.deepEqual([wide.frameLength, wide.hopLength, wide.fftSize, wide.fMax], [400, 160, 512, 8000]);
    assert.equal(resolveFeatureConfig('test', { sampleRate: 8000, frameLength: 256 }).fftSize, 256);
    assert.equal(resolveFeatureConfig('test', { sampleRate: 8000, melBands: 10 }).mfccCount, 10);
    const full = resolveFeatureConfig('test', { sampleRate: 22050, kind: 'logmel', deltas: 0 });
    assert.deepEqual(resolveFeatureConfig('test', full), full);
  });

  const refused: [string, unknown, RegExp][] = [
    [
      'an unknown option',
      { sampleRate: 8000, n_mels: 40 },
      /unknown feature option "n_mels".*Hint: did you mean melBands\?/,
    ],
    ['a misspelt option', { sampleRate: 8000, fmax: 3000 }, /unknown feature option "fmax".*did you mean fMax\?/],
    ['no sample rate', {}, /sampleRate must be a number in \(0, 1000000\], got nothing/],
    ['fftSize not a power of two', { sampleRate: 8000, fftSize: 300 }, /fftSize must be a power of two .*got 300/],
    [
      'frameLength above fftSize',
      { sampleRate: 8000, frameLength: 300, fftSize: 256 },
      /frameLength \(300 samples\) must be at most fftSize \(256\)/,
    ],
    [
      'fMax above the Nyquist frequency',
      { sampleRate: 8000, fMax: 5000 },
      /fMax must be a number in \(0, 4000\], got 5000/,
    ],
    ['fMin at fMax', { sampleRate: 8000, fMin: 3000, fMax: 3000 }, /fMin \(3000 Hz\) must be below fMax \(3000 Hz\)/],
    [
      'a bad kind',
      { sampleRate: 8000, kind: 'spectrogram' },
      /kind must be one of 'logmel', 'mfcc', got "spectrogram"/,
    ],
    [
      'a bad window',
      { sampleRate: 8000, window: 'blackman' },
      /window must be one of 'hann', 'hamming', 'rectangular'/,
    ],
    [
      'more MFCCs than bands',
      { sampleRate: 8000, melBands: 20, mfccCount: 21 },
      /mfccCount must be an integer in \[1, 20\]/,
    ],
    ['deltas 3', { sampleRate: 8000, deltas: 3 }, /deltas must be an integer in \[0, 2\], got 3/],
    ['center not a boolean', { sampleRate: 8000, center: 'yes' }, /center must be true or false, got "yes"/],
    ['a zero log floor', { sampleRate: 8000, logFloor: 0 }, /logFloor must be a number in \(0, 1\], got 0/],
    ['not an object', 8000, /the feature options must be an object with at least sampleRate, got 8000/],
  ];
  for (const [what, opts, message] of refused)
    it(`refuses ${what}`, () => {
      assert.throws(() => resolveFeatureConfig('features', opts as FeatureOptions), {
        name: 'ConfigError',
        message: new RegExp(`^features: ${message.source}`),
      });
    });

  it('refuses, when first used, a band that covers no FFT bin', () => {
    const config = resolveFeatureConfig('test', { sampleRate: 8000, melBands: 129, fMax: 1000 });
    assert.throws(() => melFilterbank(config), { name: 'ConfigError', message: /mel band 0 .* covers no FFT bin/ });
  });
});

describe('featureWidth and the pipeline', () => {
  it('is the base width times 1 + deltas', () => {
    const width = (opts: Partial<FeatureConfig>) =>
      featureWidth(resolveFeatureConfig('test', { sampleRate: 8000, ...opts }));
    assert.equal(width({}), 39);
    assert.equal(width({ kind: 'logmel', deltas: 0 }), 40);
    assert.equal(width({ mfccCount: 20, deltas: 1 }), 40);
    assert.equal(width({ kind: 'logmel', melBands: 23, deltas: 2 }), 69);
  });

  it('gives 1 + ⌊n/hop⌋ frames with center, one however short the clip', () => {
    const config = resolveFeatureConfig('test', { sampleRate: 8000 });
    const rng = new Rng(3);
    const clip = Float64Array.from({ length: 4000 }, () => rng.uniform(-0.5, 0.5));
    const features = computeFeatures(clip, config);
    assert.deepEqual([features.frames, features.width, features.values.length], [51, 39, 51 * 39]);
    assert.ok(features.values.every(Number.isFinite));
    assert.equal(computeFeatures(clip.subarray(0, 10), config).frames, 1);
    assert.equal(computeFeatures([0.25], config).frames, 1);
    // silence: every mel band at the floor, every column constant, so all zero after CMVN
    assert.ok(computeFeatures(new Float64Array(800), config).values.every((v) => v === 0));
  });

  it('refuses no samples, a non-finite sample, and too few samples without center', () => {
    const config = resolveFeatureConfig('test', { sampleRate: 8000 });
    assert.throws(() => computeFeatures([], config, 'clip 3'), {
      name: 'DataError',
      message: /^clip 3: no samples arrived/,
    });
    const clip = new Float64Array(1000);
    clip[5] = NaN;
    assert.throws(() => computeFeatures(clip, config), { name: 'DataError', message: /sample 5 is NaN; every sample/ });
    clip[5] = 0;
    clip[999] = Infinity;
    assert.throws(() => powerSpectrogram(clip, config), { name: 'DataError', message: /sample 999 is Infinity/ });
    assert.throws(() => computeFeatures(new Float64Array(100), { ...config, center: false }), {
      name: 'DataError',
      message: /100 samples arrived, but without center a frame needs fftSize = 256 samples/,
    });
    assert.equal(computeFeatures(new Float64Array(256), { ...config, center: false }).frames, 1);
  });
});

describe('appendDeltas', () => {
  it('gives the slope and the curvature of a parabola away from the edges', () => {
    const frames = 12;
    const parabola = Float64Array.from({ length: frames }, (_, t) => 3 * t * t - t + 2); // x' = 6t − 1, x'' = 6
    for (const N of [1, 2, 3]) {
      const out = appendDeltas(parabola, frames, 1, 2, N);
      for (let t = N; t < frames - N; t++) {
        assert.ok(Math.abs((out[3 * t + 1] as number) - (6 * t - 1)) < 1e-9, `Δ at ${t}, N ${N}`);
        assert.ok(Math.abs((out[3 * t + 2] as number) - 6) < 1e-9, `ΔΔ at ${t}, N ${N}`);
      }
    }
  });

  it('replicates the edge frames and refuses a bad shape', () => {
    // a step replicated at the edges: Δ at frame 0 over [x0, x0, x0, x1, x2] with N = 2
    const out = appendDeltas(Float64Array.of(0, 1, 1, 1), 4, 1, 1, 2);
    assert.ok(Math.abs((out[1] as number) - (1 * 1 + 2 * 1) / 10) < 1e-12);
    assert.throws(() => appendDeltas(new Float64Array(5), 2, 3, 1, 2), {
      name: 'ShapeError',
      message: /2·3 = 6 values, got 5/,
    });
    assert.throws(() => appendDeltas(new Float64Array(6), 2, 3, 1, 0), { name: 'ConfigError', message: /N must be/ });
  });
});

describe('mfccOfLogMel', () => {
  it('puts a flat log-mel frame into c0 alone (√M · value: the DCT is orthonormal)', () => {
    const config = resolveFeatureConfig('test', { sampleRate: 8000, melBands: 16 });
    const mfcc = mfccOfLogMel(new Float64Array(2 * 16).fill(-3), 2, config);
    assert.ok(Math.abs((mfcc[0] as number) + 3 * 4) < 1e-12);
    for (let k = 1; k < 13; k++) assert.ok(Math.abs(mfcc[k] as number) < 1e-12);
  });
});

describe('normalise', () => {
  const frames = 7;
  const make = () => Float64Array.from({ length: frames * 2 }, (_, i) => (i % 2 === 0 ? 0.1 : Math.sin(i)));
  it('makes a constant column 0 and the others mean 0, variance 1', () => {
    const values = make();
    normalise(values, frames, 2, 'meanvar');
    let mean = 0;
    let square = 0;
    for (let t = 0; t < frames; t++) {
      assert.equal(values[2 * t], 0);
      mean += (values[2 * t + 1] as number) / frames;
      square += (values[2 * t + 1] as number) ** 2 / frames;
    }
    assert.ok(Math.abs(mean) < 1e-12 && Math.abs(square - 1) < 1e-12);
  });

  it("'mean' subtracts the mean only", () => {
    const values = make();
    const before = values.slice();
    normalise(values, frames, 2, 'mean');
    let mean = 0;
    for (let t = 0; t < frames; t++) mean += (before[2 * t + 1] as number) / frames;
    for (let t = 0; t < frames; t++) {
      assert.equal(values[2 * t], 0);
      assert.ok(Math.abs((values[2 * t + 1] as number) - ((before[2 * t + 1] as number) - mean)) < 1e-12);
    }
  });
});

describe('specAugment', () => {
  const frames = 50;
  const base = 13;
  const blocks = 3;
  const width = base * blocks;
  const opts = { frequencyMasks: 2, frequencyWidth: 4, timeMasks: 2, timeWidth: 10, maxTimeFraction: 0.1, blocks };
  const augmented = (seed: number, o: SpecAugmentOptions = opts) => {
    const values = new Float64Array(frames * width).fill(1);
    specAugment(values, frames, width, o, new Rng(seed), -7);
    return values;
  };

  it('is deterministic for a seed', () => {
    assert.deepEqual(augmented(5), augmented(5));
    const differing = [6, 7, 8, 9].filter((seed) => augmented(seed).some((v, i) => v !== augmented(5)[i]));
    assert.ok(differing.length > 0);
  });

  it('masks bands repeated in every delta block and runs of frames, within their bounds', () => {
    let maskedSomething = false;
    for (let seed = 1; seed <= 60; seed++) {
      const values = augmented(seed);
      assert.ok(values.every((v) => v === 1 || v === -7));
      const rowMasked = (t: number) => values.subarray(t * width, (t + 1) * width).every((v) => v === -7);
      const maskedRows = Array.from({ length: frames }, (_, t) => t).filter(rowMasked);
      assert.ok(
        maskedRows.length <= 2 * Math.min(10, Math.floor(0.1 * frames)),
        `seed ${seed}: ${maskedRows.length} rows`,
      );
      const open = Array.from({ length: frames }, (_, t) => t).filter((t) => !rowMasked(t));
      const first = open[0] as number;
      const pattern = Array.from({ length: width }, (_, j) => values[first * width + j] === -7);
      for (const t of open)
        for (let j = 0; j < width; j++) assert.equal(values[t * width + j] === -7, pattern[j], `seed ${seed}`);
      for (let j = 0; j < base; j++)
        for (let b = 1; b < blocks; b++) assert.equal(pattern[b * base + j], pattern[j], `seed ${seed}: column ${j}`);
      assert.ok(pattern.slice(0, base).filter(Boolean).length <= 2 * 4);
      if (maskedRows.length > 0 && pattern.some(Boolean)) maskedSomething = true;
    }
    assert.ok(maskedSomething, 'some seed masked both frames and bands');
  });

  it('changes nothing with no masks or zero widths', () => {
    const untouched = new Float64Array(frames * width).fill(1);
    for (const o of [
      { frequencyMasks: 0, frequencyWidth: 4, timeMasks: 0, timeWidth: 10 },
      { frequencyMasks: 3, frequencyWidth: 0, timeMasks: 3, timeWidth: 0 },
      { frequencyMasks: 0, frequencyWidth: 0, timeMasks: 3, timeWidth: 10, maxTimeFraction: 0 },
    ])
      assert.deepEqual(augmented(4, { ...o, blocks }), untouched);
  });

  it('refuses blocks that do not divide the width and negative counts', () => {
    const values = new Float64Array(frames * width);
    assert.throws(() => specAugment(values, frames, width, { ...opts, blocks: 2 }, new Rng(1)), {
      name: 'ConfigError',
      message: /blocks \(2\) must divide the width \(39\)/,
    });
    assert.throws(() => specAugment(values, frames, width, { ...opts, timeMasks: -1 }, new Rng(1)), {
      name: 'ConfigError',
      message: /timeMasks must be an integer >= 0, got -1/,
    });
  });
});
