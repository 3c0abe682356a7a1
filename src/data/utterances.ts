/**
 * Spoken utterances as a recogniser reads them: raw samples → features (frames, W), computed once
 * and kept; transcripts → class ids (1 … A; 0 is CTC's blank). Per batch the features are
 * (optionally masked, SpecAugment) and stacked: s consecutive frames side by side make one
 * recurrent step, steps = ⌈frames / s⌉, the last one zero-padded (0 is the mean after CMVN).
 */
import { computeFeatures, type FeatureConfig } from '../audio/features.js';
import { DataError } from '../errors.js';

/** Recordings (samples at the model's rate, in [−1, 1]) and what was said in each. */
export interface Utterances {
  audio: readonly ArrayLike<number>[];
  texts: readonly string[];
  /** Names utterance i in messages (a file name); default "utterance i". */
  describe?: ((i: number) => string) | undefined;
}

export interface FeatureFrames {
  frames: number;
  /** (frames, W) row-major. */
  values: Float64Array;
}

/** Every recording's features, each error naming its utterance. */
export function featuresOf(
  where: string,
  audio: readonly ArrayLike<number>[],
  config: FeatureConfig,
  describe: (i: number) => string = (i) => `utterance ${i}`,
): FeatureFrames[] {
  if (!Array.isArray(audio)) throw new DataError(where, `expected an array of recordings; got ${typeof audio}.`);
  return audio.map((samples, i) => {
    const f = computeFeatures(samples, config, `${where}: ${describe(i)}`);
    return { frames: f.frames, values: f.values };
  });
}

/** Steps of one utterance after stacking s frames per step. */
export function stackedSteps(frames: number, s: number): number {
  return Math.ceil(frames / s);
}

/** (frames, W) → (⌈frames/s⌉, W·s) written into `out` at row stride `rowStride` (values per step). */
export function stackInto(
  f: FeatureFrames,
  W: number,
  s: number,
  out: Float64Array | Float32Array,
  offset: number,
  rowStride: number,
): void {
  for (let t = 0; t < f.frames; t++) {
    const step = Math.floor(t / s);
    out.set(f.values.subarray(t * W, (t + 1) * W), offset + step * rowStride + (t % s) * W);
  }
}

/** Transcripts → class ids (alphabet[k] is class k + 1), each unknown character named. */
export function encodeTranscripts(
  where: string,
  texts: readonly string[],
  alphabet: readonly string[],
  describe: (i: number) => string = (i) => `utterance ${i}`,
): Int32Array[] {
  if (!Array.isArray(texts)) throw new DataError(where, `expected an array of transcripts; got ${typeof texts}.`);
  const ids = new Map(alphabet.map((c, k) => [c, k + 1]));
  return texts.map((text, i) => {
    if (typeof text !== 'string')
      throw new DataError(where, `the transcript of ${describe(i)} is ${typeof text}; expected a string.`);
    const chars = [...text];
    return Int32Array.from(chars, (c, at) => {
      const id = ids.get(c);
      if (id === undefined)
        throw new DataError(
          where,
          `the transcript of ${describe(i)} has ${JSON.stringify(c)} at character ${at}, ` +
            `which is not in the model's alphabet ${JSON.stringify(alphabet.join(''))}.`,
        );
      return id;
    });
  });
}

/** The fewest steps CTC needs for these labels: one per label, plus a blank between repeats. */
export function ctcMinimumSteps(labels: ArrayLike<number>): number {
  let n = labels.length;
  for (let i = 1; i < labels.length; i++) if (labels[i] === labels[i - 1]) n++;
  return n;
}

/** Class ids → text. */
export function decodeLabels(labels: readonly number[], alphabet: readonly string[]): string {
  return labels.map((k) => alphabet[k - 1] ?? '').join('');
}
