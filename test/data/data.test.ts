/**
 * The character vocabulary and the truncated-BPTT text stream. Expected windows are written out
 * by hand from the layout documented in src/data/text-stream.ts (B contiguous streams of
 * S = ⌊N / B⌋ tokens, window w of stream b starting at b·S + w·T), on counting data
 * tokens[i] = i, so every value names its own position in the corpus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitText, TextStream } from '../../src/data/text-stream.js';
import { Vocab } from '../../src/data/vocab.js';
import { DataError } from '../../src/errors.js';

describe('Vocab', () => {
  // U+FF01 (fullwidth !) is one UTF-16 unit above the surrogates that encode the banana emoji
  // (U+1F34C = D83C DF4C), so sorting by UTF-16 units would put the emoji first; by code point it
  // comes last.
  const text = 'banana\nBAND 🍌！ 🍌';

  it('is the set of characters sorted by code point, plus <unk> as the last id', () => {
    const v = Vocab.fromText(text);
    assert.deepEqual(v.chars, ['\n', ' ', 'A', 'B', 'D', 'N', 'a', 'b', 'n', '！', '🍌']);
    assert.equal(v.size, 12);
    assert.equal(v.unknownId, 11);
  });

  it('decodes what it encodes, counting an emoji as one character', () => {
    const v = Vocab.fromText(text);
    const ids = v.encode(text);
    assert.equal(ids.length, [...text].length);
    assert.equal(ids.length, 16);
    assert.equal(v.decode(ids), text);
    assert.deepEqual(Array.from(v.encode('🍌🍌')), [10, 10]);
    assert.equal(v.unknownChars(text).length, 0);
  });

  it('maps unknown characters to unknownId, lists each once in order, and decodes them as U+FFFD', () => {
    const v = Vocab.fromText(text);
    const s = 'bQz🙂Q';
    assert.deepEqual(Array.from(v.encode(s)), [7, 11, 11, 11, 11]);
    assert.deepEqual(v.unknownChars(s), ['Q', 'z', '🙂']);
    assert.equal(v.decode(v.encode(s)), 'b\uFFFD\uFFFD\uFFFD\uFFFD');
  });

  it('refuses an empty text with a DataError', () => {
    assert.throws(() => Vocab.fromText(''), DataError);
  });
});

describe('TextStream on counting data (tokens[i] = i)', () => {
  // N = 43, B = 3, T = 4: S = ⌊43 / 3⌋ = 14 (token 42 is left over), W = ⌊(14 − 1) / 4⌋ = 3
  const tokens = Int32Array.from({ length: 43 }, (_, i) => i);
  const B = 3;
  const T = 4;
  // inputs (T, B) time-major: row t holds streams 0, 1, 2 at step t (streams start at 0, 14, 28)
  const expectedInputs = [
    [0, 14, 28, 1, 15, 29, 2, 16, 30, 3, 17, 31],
    [4, 18, 32, 5, 19, 33, 6, 20, 34, 7, 21, 35],
    [8, 22, 36, 9, 23, 37, 10, 24, 38, 11, 25, 39],
  ];

  it('has stream length 14 and 3 windows per epoch', () => {
    const s = new TextStream(tokens, B, T);
    assert.equal(s.streamLength, 14);
    assert.equal(s.windowsPerEpoch, 3);
  });

  it('reads every window exactly, wrapping around to epoch 2 with the index-0 flag', () => {
    const s = new TextStream(tokens, B, T);
    for (let update = 0; update < 8; update++) {
      const w = s.window(update);
      const inputs = expectedInputs[update % 3] as number[];
      assert.deepEqual(Array.from(w.inputs), inputs, `inputs of update ${update}`);
      assert.deepEqual(
        Array.from(w.targets),
        inputs.map((i) => i + 1),
        `targets of update ${update}`,
      );
      assert.equal(w.index, update % 3, `index of update ${update}`);
      assert.equal(w.epoch, Math.floor(update / 3), `epoch of update ${update}`);
    }
  });

  it('continues each stream where the previous window stopped, so a carried state is meaningful', () => {
    const s = new TextStream(tokens, B, T);
    for (let update = 0; update < 2; update++) {
      const lastTargets = Array.from(s.window(update).targets.subarray((T - 1) * B));
      const firstInputs = Array.from(s.window(update + 1).inputs.subarray(0, B));
      assert.deepEqual(firstInputs, lastTargets);
    }
  });

  it('never reads across into the next stream: the last target of stream b is inside it', () => {
    const s = new TextStream(tokens, B, T);
    const last = s.window(2).targets.subarray((T - 1) * B);
    for (let b = 0; b < B; b++) assert.ok((last[b] as number) < (b + 1) * 14);
  });

  it('throws a DataError naming the needed length when the corpus is too short', () => {
    // B · (T + 1) = 15 tokens is the least that gives one window (S = 5, W = ⌊4 / 4⌋ = 1)
    assert.equal(new TextStream(tokens.subarray(0, 15), B, T).windowsPerEpoch, 1);
    assert.throws(
      () => new TextStream(tokens.subarray(0, 14), B, T),
      (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.match(e.message, /has 14 characters.*needs at least 15/);
        return true;
      },
    );
  });
});

describe('splitText', () => {
  it('keeps the first (1 − fraction) for training and the rest for validation', () => {
    const text = 'abcdefghij'.repeat(10); // 100 characters
    for (const [fraction, trainLength] of [
      [0.1, 90],
      [0.3, 70],
      [0, 100],
    ] as const) {
      const { train, validation } = splitText(text, fraction);
      assert.equal(train.length, trainLength, `fraction ${fraction}`);
      assert.equal(train + validation, text);
    }
  });

  it('counts characters, not UTF-16 units: an emoji is never cut in half', () => {
    const text = '😀a'.repeat(5); // 10 characters, 15 UTF-16 units
    const { train, validation } = splitText(text, 0.3);
    assert.equal([...train].length, 7);
    assert.equal([...validation].length, 3);
    assert.equal(train + validation, text);
  });
});
