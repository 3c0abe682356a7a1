/** Classification metrics on a hand-checked confusion matrix, and the two baselines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BagOfWordsClassifier, majorityClass, words } from '../../src/classify/baselines.js';
import { classificationReport, confusionMatrix } from '../../src/loss/classification-metrics.js';
import { Rng } from '../../src/rng.js';

describe('classification metrics', () => {
  it('confusion matrix, accuracy, per-class precision / recall / F1, macro F1', () => {
    const actual = [0, 0, 0, 1, 1, 2];
    const predicted = [0, 0, 1, 1, 2, 2];
    const r = classificationReport(actual, predicted, 3);
    assert.deepEqual(r.confusion, [
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    assert.equal(r.accuracy, 4 / 6);
    assert.deepEqual(r.perClass[0], { precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    assert.equal(r.perClass[1]?.precision, 0.5);
    assert.equal(r.perClass[2]?.recall, 1);
    assert.ok(Math.abs(r.macroF1 - (0.8 + 0.5 + 2 / 3) / 3) < 1e-12);
  });

  it('a class never predicted scores 0 precision, not NaN; bad ids are named', () => {
    assert.equal(classificationReport([0, 1], [0, 0], 2).perClass[1]?.precision, 0);
    assert.throws(
      () => confusionMatrix([0, 3], [0, 1], 2),
      /pair 1 is \(3, 1\); class ids must be integers in \[0, 2\)/,
    );
  });
});

describe('baselines', () => {
  it('words: lower case, letters, digits and apostrophes', () => {
    assert.deepEqual(words("Don't WIN $1,000 now!"), ["don't", 'win', '1', '000', 'now']);
  });

  it('majority class, and a bag of words that learns which words mark a class', () => {
    assert.equal(majorityClass([1, 0, 1, 1, 2], 3), 1);
    const rng = new Rng(3);
    const filler = ['the', 'a', 'meeting', 'today', 'report', 'please', 'see'];
    const pick = (list: string[]): string => list[rng.int(list.length)] as string;
    const make = (spam: boolean): string =>
      Array.from({ length: 8 }, () => pick(filler)).join(' ') +
      ' ' +
      (spam ? pick(['free', 'winner', 'cash']) : pick(['agenda', 'minutes', 'lunch']));
    const labels = Array.from({ length: 200 }, (_, i) => i % 2);
    const model = BagOfWordsClassifier.fit(
      labels.map((l) => make(l === 1)),
      labels,
      2,
      { iterations: 100 },
    );
    let correct = 0;
    for (let i = 0; i < 100; i++) if (model.predict(make(i % 2 === 1)) === i % 2) correct++;
    assert.equal(correct, 100);
    const p = model.probabilities('free cash winner');
    assert.ok((p[1] as number) > 0.9, `P(spam) ${p[1]}`);
  });
});

describe('SpamAssassin corpus', () => {
  it('loads 6,046 messages, 1,896 of them spam, from the npm package', async () => {
    const { loadSpamAssassin } = await import('../../src/node/datasets.js');
    const all = loadSpamAssassin();
    assert.equal(all.length, 6046);
    assert.equal(all.filter((m) => m.spam).length, 1896);
    assert.ok(all.every((m) => m.text.length > 0));
  });
});
