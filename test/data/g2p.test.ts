/**
 * The G2P data rule (src/data/g2p.ts) on a small dictionary and on the real CMUdict package:
 * alternatives grouped, stress removed, duplicates after that kept once, words outside letters
 * and apostrophes dropped, and a seeded 90 / 5 / 5 split with no word in two splits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { g2pWords, splitG2P } from '../../src/data/g2p.js';
import { loadCmuDict } from '../../src/node/datasets.js';

describe('G2P data', () => {
  it('groups alternatives, removes stress, keeps letters and apostrophes only', () => {
    const words = g2pWords({
      TOMATO: 'T AH0 M EY1 T OW2',
      'TOMATO(1)': 'T AH0 M AA1 T OW2',
      'TOMATO(2)': 'T AH1 M EY0 T OW0', // the first without stress
      "O'NEIL": 'OW0 N IY1 L',
      'A.': 'EY1',
      'AD-HOC': 'AE1 D HH AA1 K',
      A42128: 'EY1',
    });
    assert.deepEqual(words, [
      { word: "o'neil", pronunciations: [['OW', 'N', 'IY', 'L']] },
      {
        word: 'tomato',
        pronunciations: [
          ['T', 'AH', 'M', 'EY', 'T', 'OW'],
          ['T', 'AH', 'M', 'AA', 'T', 'OW'],
        ],
      },
    ]);
  });

  it('splits the real CMUdict 90 / 5 / 5 by word, the same way for the same seed', () => {
    const words = g2pWords(loadCmuDict());
    assert.equal(words.length, 123874);
    const split = splitG2P(words, 1);
    assert.deepEqual([split.train.length, split.valid.length, split.test.length], [111486, 6194, 6194]);
    const seen = new Set<string>();
    for (const w of [...split.train, ...split.valid, ...split.test]) {
      assert.ok(!seen.has(w.word), w.word);
      seen.add(w.word);
    }
    assert.deepEqual(splitG2P(words, 1).test.slice(0, 5), split.test.slice(0, 5));
    assert.notDeepEqual(splitG2P(words, 2).test.slice(0, 5), split.test.slice(0, 5));
    assert.ok(words.every((w) => w.pronunciations.every((p) => p.every((ph) => /^[A-Z]+$/.test(ph)))));
  });
});
