/**
 * Sequence scores: edit distance, the sequence and token error rates against several references
 * (the closest counts), and corpus BLEU against sacrebleu 2.6 on frozen vectors
 * (test/fixtures/bleu_reference.json, made by make_bleu_reference.py).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusBleu, editDistance, sequenceErrorRates } from '../../src/loss/sequence-metrics.js';

const words = (s: string): string[] => (s === '' ? [] : s.split(' '));

describe('sequence metrics', () => {
  it('edit distance counts insertions, deletions and substitutions', () => {
    assert.equal(editDistance(words('k ae t'), words('k ae t')), 0);
    assert.equal(editDistance(words('k ae t'), words('k aa t')), 1);
    assert.equal(editDistance(words('k ae t s'), words('k ae t')), 1);
    assert.equal(editDistance([], words('a b c')), 3);
    assert.equal(editDistance(words('s i t t i n g'), words('k i t t e n')), 3);
  });

  it('scores each prediction against its closest reference (alternative pronunciations)', () => {
    const predictions = [words('t ah m ey t ow'), words('k ae t'), words('d ao g z')];
    const references = [
      [words('t ah m aa t ow'), words('t ah m ey t ow')], // the second matches
      [words('k ae t s')], // one deletion
      [words('d ao g')], // one insertion
    ];
    const r = sequenceErrorRates(predictions, references);
    assert.equal(r.sequenceErrorRate, 2 / 3);
    assert.equal(r.tokenErrorRate, 2 / (6 + 4 + 3));
    assert.throws(() => sequenceErrorRates([words('a')], [[]]), /no reference/);
    assert.throws(() => sequenceErrorRates([words('a')], []), /1 predictions but 0/);
  });

  const fixture = JSON.parse(readFileSync('test/fixtures/bleu_reference.json', 'utf8')) as {
    cases: {
      name: string;
      predictions: string[];
      references: string[][];
      bleu: number;
      precisions: number[];
      brevityPenalty: number;
      predictionLength: number;
      referenceLength: number;
    }[];
  };
  for (const c of fixture.cases) {
    it(`corpus BLEU equals sacrebleu's: ${c.name}`, () => {
      const b = corpusBleu(
        c.predictions.map(words),
        c.references.map((refs) => refs.map(words)),
      );
      assert.ok(Math.abs(b.bleu - c.bleu) < 1e-12, `${b.bleu} against ${c.bleu}`);
      b.precisions.forEach((p, i) => assert.ok(Math.abs(p - (c.precisions[i] as number)) < 1e-12));
      assert.ok(Math.abs(b.brevityPenalty - c.brevityPenalty) < 1e-12);
      assert.equal(b.predictionLength, c.predictionLength);
      assert.equal(b.referenceLength, c.referenceLength);
    });
  }

  it('BLEU is 0 without a matching 4-gram, 1 for identical corpora', () => {
    assert.equal(corpusBleu([words('a b c')], [[words('a b c')]]).bleu, 0); // no 4-gram at all
    assert.equal(corpusBleu([words('a b c d e')], [[words('a b c d e')]]).bleu, 1);
  });
});
