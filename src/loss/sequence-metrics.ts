/**
 * Scores of predicted token sequences against references (one or more correct answers each):
 *   sequence error rate  the fraction of predictions that match none of their references exactly
 *                        (a G2P "word error rate": a word is right if any pronunciation matches)
 *   token error rate     Σ edit distance to the closest reference / Σ that reference's length
 *                        (phoneme error rate for G2P, word error rate for speech)
 *   BLEU                 corpus BLEU (Papineni et al. 2002): the geometric mean of the clipped
 *                        1…4-gram precisions over the whole corpus times the brevity penalty
 *                        exp(min(0, 1 − r / c)), r the summed lengths of the references closest in
 *                        length to each prediction (the shorter on a tie), c the predictions'; no
 *                        smoothing (sacrebleu's smooth_method='none'), so a corpus without any
 *                        4-gram match scores 0
 * Edit distance is Levenshtein's over tokens (insertions, deletions, substitutions, each 1).
 */
import { DataError } from '../errors.js';

type Tokens = readonly string[];

/** Levenshtein distance between two token sequences. */
export function editDistance(a: Tokens, b: Tokens): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(substitute, (previous[j] as number) + 1, (row[j - 1] as number) + 1));
    }
    previous = row;
  }
  return previous[b.length] as number;
}

export interface SequenceErrorRates {
  /** Predictions matching none of their references, as a fraction. */
  sequenceErrorRate: number;
  /** Σ edit distance to the closest reference / Σ its length. */
  tokenErrorRate: number;
  sequences: number;
  referenceTokens: number;
}

/** predictions[i] against references[i] (at least one each). */
export function sequenceErrorRates(
  predictions: readonly Tokens[],
  references: readonly (readonly Tokens[])[],
): SequenceErrorRates {
  checkPairs('sequenceErrorRates', predictions, references);
  let [wrong, edits, tokens] = [0, 0, 0];
  predictions.forEach((p, i) => {
    const refs = references[i] as readonly Tokens[];
    let best = { distance: Infinity, length: 0 };
    for (const r of refs) {
      const distance = editDistance(p, r);
      if (distance < best.distance || (distance === best.distance && r.length > best.length))
        best = { distance, length: r.length };
    }
    if (best.distance > 0) wrong++;
    edits += best.distance;
    tokens += best.length;
  });
  return {
    sequenceErrorRate: wrong / predictions.length,
    tokenErrorRate: tokens === 0 ? 0 : edits / tokens,
    sequences: predictions.length,
    referenceTokens: tokens,
  };
}

export interface Bleu {
  /** In [0, 1] (sacrebleu prints 100 ×). */
  bleu: number;
  /** Clipped n-gram precisions, n = 1 … maxOrder. */
  precisions: number[];
  brevityPenalty: number;
  predictionLength: number;
  referenceLength: number;
}

/** Corpus BLEU of predictions[i] against references[i] (at least one each). */
export function corpusBleu(
  predictions: readonly Tokens[],
  references: readonly (readonly Tokens[])[],
  maxOrder = 4,
): Bleu {
  checkPairs('corpusBleu', predictions, references);
  const matches = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let [c, r] = [0, 0];
  predictions.forEach((p, i) => {
    const refs = references[i] as readonly Tokens[];
    c += p.length;
    // the closest reference length, the shorter on a tie
    r += refs
      .map((x) => x.length)
      .reduce((best, len) => {
        const [d, dBest] = [Math.abs(len - p.length), Math.abs(best - p.length)];
        return d < dBest || (d === dBest && len < best) ? len : best;
      });
    for (let n = 1; n <= maxOrder; n++) {
      const counts = ngrams(p, n);
      const most = new Map<string, number>(); // the most each n-gram occurs in any one reference
      for (const ref of refs) for (const [g, k] of ngrams(ref, n)) most.set(g, Math.max(most.get(g) ?? 0, k));
      for (const [g, k] of counts) matches[n - 1] = (matches[n - 1] as number) + Math.min(k, most.get(g) ?? 0);
      totals[n - 1] = (totals[n - 1] as number) + Math.max(0, p.length - n + 1);
    }
  });
  const precisions = matches.map((m, n) => ((totals[n] as number) === 0 ? 0 : m / (totals[n] as number)));
  const brevityPenalty = c === 0 ? 0 : c >= r ? 1 : Math.exp(1 - r / c);
  const logMean = precisions.every((q) => q > 0)
    ? precisions.reduce((s, q) => s + Math.log(q), 0) / maxOrder
    : -Infinity;
  return {
    bleu: brevityPenalty * Math.exp(logMean),
    precisions,
    brevityPenalty,
    predictionLength: c,
    referenceLength: r,
  };
}

function ngrams(tokens: Tokens, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join('\u0000');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

function checkPairs(where: string, predictions: readonly Tokens[], references: readonly (readonly Tokens[])[]): void {
  if (predictions.length !== references.length)
    throw new DataError(where, `${predictions.length} predictions but ${references.length} reference lists.`);
  if (predictions.length === 0) throw new DataError(where, 'nothing to score.');
  references.forEach((refs, i) => {
    if (refs.length === 0) throw new DataError(where, `prediction ${i + 1} has no reference.`);
  });
}
