/**
 * The one vocabulary rule (src/data/vocabulary.ts) in both layouts that model files hold: the
 * language model's characters then <unk>, and the classifier's <pad>, <unk>, then known tokens.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenVocab } from '../../src/data/token-vocab.js';
import { Vocab } from '../../src/data/vocab.js';
import { PAD_TOKEN, UNKNOWN_TOKEN, Vocabulary } from '../../src/data/vocabulary.js';
import { DataError } from '../../src/errors.js';

describe('one vocabulary rule', () => {
  it('ids are positions in the token list; unknown tokens encode as <unk>; specials decode as U+FFFD', () => {
    const v = new Vocabulary(['x', UNKNOWN_TOKEN, 'y', PAD_TOKEN]);
    assert.equal(v.size, 4);
    assert.equal(v.unknownId, 1);
    assert.equal(v.padId, 3);
    assert.deepEqual([...v.encodeTokens(['y', 'x', 'z', PAD_TOKEN])], [2, 0, 1, 1]);
    assert.deepEqual(
      [0, 1, 2, 3, 9].map((id) => v.tokenOf(id)),
      ['x', '\uFFFD', 'y', '\uFFFD', '\uFFFD'],
    );
    assert.equal(v.has(UNKNOWN_TOKEN), false);
  });

  it('the character layout (language model): characters by code point, then <unk>, no <pad>', () => {
    const v = Vocab.fromText('ba');
    assert.ok(v instanceof Vocabulary);
    assert.deepEqual(v.tokens, ['a', 'b', UNKNOWN_TOKEN]);
    assert.equal(v.unknownId, 2);
    assert.equal(v.padId, null);
  });

  it('the token layout (classifier, tagger): <pad> 0, <unk> 1, then the known tokens', () => {
    const v = TokenVocab.build(['a b b'], { tokens: 'word' });
    assert.ok(v instanceof Vocabulary);
    assert.deepEqual(v.tokens, [PAD_TOKEN, UNKNOWN_TOKEN, 'b', 'a']);
    assert.equal(v.padId, TokenVocab.PAD_ID);
    assert.equal(v.unknownId, TokenVocab.UNKNOWN_ID);
  });

  it('refuses a list without exactly one <unk>, with two <pad> or with a token twice', () => {
    assert.throws(() => new Vocabulary(['a']), DataError);
    assert.throws(() => new Vocabulary([UNKNOWN_TOKEN, PAD_TOKEN, PAD_TOKEN]), /at most once/);
    assert.throws(() => new Vocabulary(['a', UNKNOWN_TOKEN, 'a']), /"a" appears twice/);
  });
});
