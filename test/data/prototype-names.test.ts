/**
 * Names from a file are ordinary text everywhere they become keys (issue 17): Object.prototype's
 * own names as class labels, tags, words and characters, and as target and exogenous column names
 * through the forecaster's encoding and scaler.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenTagBaseline } from '../../src/classify/tag-baseline.js';
import { labelTexts } from '../../src/data/labelled-texts.js';
import { fitEncoding, WindowEncoder } from '../../src/data/series-encoding.js';
import { prepareSeries } from '../../src/data/series.js';
import { tableFromRecords } from '../../src/data/table.js';
import { TokenVocab } from '../../src/data/token-vocab.js';
import { words } from '../../src/data/words.js';

const NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'];

describe('prototype names as data', () => {
  it('as class labels: each its own class, two examples each', () => {
    const labels = [...NAMES, ...NAMES];
    const { classes, labels: ids } = labelTexts(
      'f.csv',
      labels.map((l) => `text ${l}`),
      labels,
      (n) => `row ${n + 2}`,
    );
    assert.deepEqual(classes, [...NAMES].sort());
    assert.deepEqual(
      [...ids].map((k) => classes[k]),
      labels,
    );
  });

  it('as words of a vocabulary', () => {
    const text = 'constructor tostring hasownproperty __proto__ valueof constructor';
    // words are letters, digits and apostrophes: '__proto__' reads as the word 'proto'
    assert.deepEqual(words(text), text.replace('__proto__', 'proto').split(' '));
    const vocab = TokenVocab.build([text], { tokens: 'word' });
    assert.equal(vocab.size, 2 + 5);
    for (const w of words(text)) assert.ok(vocab.idOf(w) >= 2, w);
    assert.equal(vocab.idOf('prototype'), TokenVocab.UNKNOWN_ID);
    assert.deepEqual(TokenVocab.fromJSON(vocab.toJSON()).tokens, vocab.tokens);
    const chars = TokenVocab.build(['__proto__'], { tokens: 'char' });
    assert.deepEqual(
      [...chars.encode('__proto__')].map((id) => chars.tokens[id]),
      [...'__proto__'],
    );
  });

  it('as tokens and tags of the per-token baseline', () => {
    const tokens = [['constructor', '__proto__', 'x']];
    const baseline = TokenTagBaseline.fit(tokens, [Int32Array.of(1, 2, 0)], 3);
    assert.deepEqual(baseline.predict(['constructor', '__proto__', 'toString']), [1, 2, baseline.majority]);
  });

  it('as the time, target and exogenous columns of a series, through the encoding and its scaler', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [
      `2020-${String((i % 12) + 1).padStart(2, '0')}-01`.replace(/^2020/, String(2020 + Math.floor(i / 12))),
      String(10 + Math.sin(i)),
      String(i % 5),
      String(i % 3),
    ]);
    const table = tableFromRecords([['toString', '__proto__', 'constructor', 'hasOwnProperty'], ...rows], 'p.csv');
    const series = prepareSeries(table, {
      timeColumn: 'toString',
      targets: ['__proto__'],
      features: ['constructor', 'hasOwnProperty'],
      calendar: [],
      missing: 'error',
    });
    assert.equal(series.N, 30);
    const state = fitEncoding(series, 24, 'last', 12);
    assert.deepEqual(state.features.columns, ['constructor', 'hasOwnProperty']);
    assert.ok(state.features.mean.every(Number.isFinite));
    const encoder = new WindowEncoder(state, series, 4);
    assert.ok(encoder.window(20, 1)?.x.every(Number.isFinite));
  });
});
