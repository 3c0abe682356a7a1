/** TokenVocab: character and word tokens, frequency order, minCount / maxSize, unknowns, JSON. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenVocab } from '../../src/data/token-vocab.js';
import { DataError, ModelFileError } from '../../src/errors.js';

describe('TokenVocab', () => {
  const texts = ['the cat sat', 'The dog sat down', 'a cat! a dog?'];

  it('words: <pad> 0, <unk> 1, then by frequency (ties in code-unit order); minCount and maxSize', () => {
    const v = TokenVocab.build(texts, { tokens: 'word' });
    assert.deepEqual(v.tokens.slice(0, 7), ['<pad>', '<unk>', 'a', 'cat', 'dog', 'sat', 'the']);
    assert.deepEqual(TokenVocab.build(texts, { minCount: 2 }).tokens, [
      '<pad>',
      '<unk>',
      'a',
      'cat',
      'dog',
      'sat',
      'the',
    ]);
    assert.deepEqual(TokenVocab.build(texts, { maxSize: 2 }).tokens, ['<pad>', '<unk>', 'a', 'cat']);
    assert.equal(v.size, 8); // + 'down'
  });

  it('encodes the first maxLength tokens; unseen tokens are <unk>; punctuation only is one <unk>', () => {
    const v = TokenVocab.build(texts, { minCount: 2 });
    assert.deepEqual([...v.encode('The CAT sat on the mat')], [6, 3, 5, 1, 6, 1]);
    assert.deepEqual([...v.encode('The CAT sat on the mat', 2)], [6, 3]);
    assert.deepEqual([...v.encode('?!')], [TokenVocab.UNKNOWN_ID]);
    assert.throws(
      () => v.encode('  \n'),
      (e: Error) => e instanceof DataError && /non-empty text/.test(e.message),
    );
  });

  it('characters: every code point a token, case kept', () => {
    const v = TokenVocab.build(['abba', 'Ab😀'], { tokens: 'char' });
    assert.deepEqual(v.tokens, ['<pad>', '<unk>', 'b', 'a', 'A', '😀']);
    assert.deepEqual([...v.encode('ab😀z')], [3, 2, 5, 1]);
  });

  it('round-trips through JSON, and refuses a damaged one', () => {
    const v = TokenVocab.build(texts);
    const back = TokenVocab.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    assert.deepEqual(back.tokens, v.tokens);
    assert.equal(back.kind, 'word');
    assert.throws(() => TokenVocab.fromJSON({ tokens: 'word', known: ['cat', 'cat'] }), /appears twice/);
    assert.throws(() => TokenVocab.fromJSON({ tokens: 'word', known: ['Two words'] }), /one lower-case word/);
    assert.throws(() => TokenVocab.fromJSON({ tokens: 'byte', known: [] }), ModelFileError);
    assert.throws(() => TokenVocab.build([], {}), /no texts/);
    assert.throws(() => TokenVocab.build(['a b'], { minCount: 2 }), /lower minCount/);
  });
});
