/**
 * CTC decoding: greedy merges repeats and drops blanks with each label's first frame; prefix beam
 * search, wide enough, finds the most probable labelling of a tiny case (checked against every
 * labelling's probability from ctcLoss) and gives its log-probability summed over alignments; the
 * language-model hook reorders hypotheses; bad options are refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ctcLoss } from '../../src/loss/ctc.js';
import { ctcBeamSearch, ctcGreedy } from '../../src/models/ctc-decode.js';
import { Rng } from '../../src/rng.js';
import { randomArray } from '../helpers/gradcheck.js';

/** Logits (T, C) with `big` on the given class of each frame, 0 elsewhere. */
function peaked(path: number[], C: number, big = 5): Float64Array {
  const z = new Float64Array(path.length * C);
  path.forEach((c, t) => (z[t * C + c] = big));
  return z;
}

describe('ctcGreedy', () => {
  it('merges repeats, drops blanks, keeps a repeat split by a blank, and times each label', () => {
    const r = ctcGreedy(peaked([0, 1, 1, 0, 1, 2, 2, 0, 3], 4), 9, 4);
    assert.deepEqual(r.labels, [1, 1, 2, 3]);
    assert.deepEqual(r.frames, [1, 4, 5, 8]);
    assert.deepEqual(r.lastFrames, [2, 4, 6, 8], 'each label ends where its run ends');
    assert.deepEqual(ctcGreedy(peaked([0, 1, 1, 0], 4), 2, 4).labels, [1], 'only the first frames count');
    assert.deepEqual(ctcGreedy(peaked([3, 3, 1], 4), 3, 4, 3).labels, [1], 'another blank');
  });
});

describe('ctcBeamSearch', () => {
  it('finds the most probable labelling, with its probability summed over alignments', () => {
    const [T, C] = [5, 3];
    for (const seed of [1, 2, 3]) {
      const z = randomArray(T * C, new Rng(seed)).map((v) => 2 * v);
      // every labelling of up to T labels from {1, 2}: its −log p from ctcLoss
      let best = { labels: [] as number[], logProb: -Infinity };
      for (let n = 0; n <= T; n++) {
        for (let code = 0; code < 2 ** n; code++) {
          const labels = Array.from({ length: n }, (_, i) => 1 + (Math.floor(code / 2 ** i) % 2));
          const loss = ctcLoss(z, T, 1, C, [T], labels.length === 0 ? [1] : labels, Math.max(1, n), [n], {
            reduction: 'sum',
          }).loss;
          if (-loss > best.logProb) best = { labels, logProb: -loss };
        }
      }
      const [found] = ctcBeamSearch(z, T, C, { beam: 64 });
      assert.deepEqual(found?.labels, best.labels, `seed ${seed}`);
      assert.ok(Math.abs((found?.logProb ?? 0) - best.logProb) < 1e-12, `seed ${seed}`);
    }
  });

  it('returns n-best lists best first, and a language model can change the winner', () => {
    // frame 1 is torn between labels 1 and 2
    const z = new Float64Array([5, 0, 0, 0, 2.1, 2]);
    const [a, b] = ctcBeamSearch(z, 2, 3, { beam: 4, nbest: 2 });
    assert.deepEqual(a?.labels, [1]);
    assert.deepEqual(b?.labels, [2]);
    assert.ok((a?.logProb ?? 0) > (b?.logProb ?? 0));
    const prefersTwo = { weight: 1, score: (_: readonly number[], label: number) => (label === 2 ? 0 : -5) };
    assert.deepEqual(ctcBeamSearch(z, 2, 3, { beam: 4, languageModel: prefersTwo })[0]?.labels, [2]);
  });

  it('refuses a beam, n-best or blank out of range', () => {
    const z = new Float64Array(6);
    assert.throws(() => ctcBeamSearch(z, 2, 3, { beam: 0 }), /beam must be/);
    assert.throws(() => ctcBeamSearch(z, 2, 3, { beam: 2, nbest: 3 }), /nbest must be/);
    assert.throws(() => ctcBeamSearch(z, 2, 3, { blank: 3 }), /blank must be/);
    assert.throws(() => ctcGreedy(z, 3, 3), /need 9/);
  });
});
