/** TokenTagBaseline (src/classify/tag-baseline.ts): each token's most frequent training tag, the majority for unseen ones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenTagBaseline } from '../../src/classify/tag-baseline.js';
import { ShapeError } from '../../src/errors.js';

describe('TokenTagBaseline', () => {
  it("predicts each token's most frequent tag and the majority tag for unseen tokens", () => {
    const tokens = [
      ['the', 'dog', 'runs'],
      ['the', 'cat', 'runs'],
      ['runs', 'the', 'dog'],
    ];
    const tags = [Int32Array.of(0, 1, 2), Int32Array.of(0, 1, 2), Int32Array.of(1, 0, 1)];
    const baseline = TokenTagBaseline.fit(tokens, tags, 3);
    assert.equal(baseline.majority, 1); // tag 1 on 4 of the 9 steps
    assert.deepEqual(baseline.predict(['the', 'dog', 'runs', 'bird']), [0, 1, 2, 1]);
  });

  it('refuses a sequence whose tags do not match its tokens', () => {
    assert.throws(() => TokenTagBaseline.fit([['a', 'b']], [Int32Array.of(0)], 2), ShapeError);
  });
});
