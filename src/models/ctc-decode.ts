/**
 * Decoding a CTC model's per-frame class scores into label sequences (Graves et al. 2006):
 *   greedy: the best class of every frame, repeats merged, blanks dropped; each label keeps the
 *           frame where it was first emitted (for timing);
 *   prefix beam search (Hannun et al. 2014): the `beam` most probable label prefixes, each with
 *           the probability of all its alignments ending in a blank and in its last label, so
 *           alignments that collapse to the same prefix are summed, not counted apart. An optional
 *           language-model hook adds weight · log p(label | prefix) whenever a prefix grows.
 * Scores are logits of one sequence, (T, C) row-major, read over its first `frames` rows.
 */
import { ShapeError } from '../errors.js';
import { logSoftmaxInto } from '../loss/softmax.js';

export interface CtcHypothesis {
  labels: number[];
  /** The frame where each label was first emitted (greedy), or where its prefix grew (beam). */
  frames: number[];
  /** Greedy only: the last frame of each label's run on the best path (its end, for timing). */
  lastFrames?: number[];
  /** log p of the labels (beam: summed over their alignments; greedy: the one best path's). */
  logProb: number;
}

/** A label-level language model for the beam: log p(label | prefix), added with `weight`. */
export interface CtcLanguageModel {
  score(prefix: readonly number[], label: number): number;
  weight: number;
}

export interface CtcBeamOptions {
  beam?: number;
  /** Hypotheses returned, best first (default 1). */
  nbest?: number;
  blank?: number;
  languageModel?: CtcLanguageModel;
}

const NEG = -Infinity;

function logAdd(a: number, b: number): number {
  if (a === NEG) return b;
  if (b === NEG) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

function logProbs(where: string, logits: ArrayLike<number>, frames: number, C: number): Float64Array {
  if (!(Number.isInteger(frames) && frames >= 0 && Number.isInteger(C) && C >= 1) || logits.length < frames * C)
    throw new ShapeError(
      where,
      `logits has ${logits.length} values; ${frames} frames of ${C} classes need ${frames * C}.`,
    );
  const out = new Float64Array(frames * C);
  for (let t = 0; t < frames; t++) logSoftmaxInto(logits, t * C, C, out, t * C);
  return out;
}

export function ctcGreedy(logits: ArrayLike<number>, frames: number, C: number, blank = 0): CtcHypothesis {
  const lp = logProbs('ctcGreedy', logits, frames, C);
  const labels: number[] = [];
  const at: number[] = [];
  const last: number[] = [];
  let logProb = 0;
  let previous = -1;
  for (let t = 0; t < frames; t++) {
    let best = 0;
    for (let c = 1; c < C; c++) if ((lp[t * C + c] as number) > (lp[t * C + best] as number)) best = c;
    logProb += lp[t * C + best] as number;
    if (best !== blank && best !== previous) {
      labels.push(best);
      at.push(t);
      last.push(t);
    } else if (best !== blank) last[last.length - 1] = t;
    previous = best;
  }
  return { labels, frames: at, lastFrames: last, logProb };
}

interface Prefix {
  labels: number[];
  frames: number[];
  blank: number; // log p of the alignments so far that end in a blank
  label: number; // … that end in the prefix's last label
  lm: number; // the language model's weighted log-probability of the labels
}

export function ctcBeamSearch(
  logits: ArrayLike<number>,
  frames: number,
  C: number,
  opts: CtcBeamOptions = {},
): CtcHypothesis[] {
  const where = 'ctcBeamSearch';
  const beam = opts.beam ?? 8;
  const nbest = opts.nbest ?? 1;
  const blank = opts.blank ?? 0;
  if (!(Number.isInteger(beam) && beam >= 1))
    throw new ShapeError(where, `beam must be a positive whole number; got ${beam}.`);
  if (!(Number.isInteger(nbest) && nbest >= 1 && nbest <= beam))
    throw new ShapeError(where, `nbest must be a whole number in [1, beam = ${beam}]; got ${nbest}.`);
  if (!(Number.isInteger(blank) && blank >= 0 && blank < C))
    throw new ShapeError(where, `blank must be a class in [0, ${C}); got ${blank}.`);
  const lp = logProbs(where, logits, frames, C);
  const lm = opts.languageModel;
  const total = (p: Prefix): number => logAdd(p.blank, p.label) + p.lm;
  let beams: Prefix[] = [{ labels: [], frames: [], blank: 0, label: NEG, lm: 0 }];
  for (let t = 0; t < frames; t++) {
    const next = new Map<string, Prefix>();
    const entry = (labels: number[], frames: number[], lmScore: number): Prefix => {
      const key = labels.join(',');
      let p = next.get(key);
      if (p === undefined) {
        p = { labels, frames, blank: NEG, label: NEG, lm: lmScore };
        next.set(key, p);
      }
      return p;
    };
    for (const p of beams) {
      const all = logAdd(p.blank, p.label);
      const row = t * C;
      // a blank: the same prefix, now ending in a blank
      const same = entry(p.labels, p.frames, p.lm);
      same.blank = logAdd(same.blank, all + (lp[row + blank] as number));
      const last = p.labels.length > 0 ? (p.labels[p.labels.length - 1] as number) : -1;
      if (last >= 0) {
        // the last label again without a blank between: the same prefix
        same.label = logAdd(same.label, p.label + (lp[row + last] as number));
      }
      for (let c = 0; c < C; c++) {
        if (c === blank) continue;
        const grown = entry(
          [...p.labels, c],
          [...p.frames, t],
          p.lm + (lm === undefined ? 0 : lm.weight * lm.score(p.labels, c)),
        );
        // a repeated label grows the prefix only after a blank
        const from = c === last ? p.blank : all;
        grown.label = logAdd(grown.label, from + (lp[row + c] as number));
      }
    }
    beams = [...next.values()].sort((a, b) => total(b) - total(a)).slice(0, beam);
  }
  return beams.slice(0, nbest).map((p) => ({ labels: p.labels, frames: p.frames, logProb: logAdd(p.blank, p.label) }));
}
