/**
 * Strict decimal numbers (src/data/decimal.ts), the reader of CSV cells and numeric options:
 * the forms of issue 17 refused with their reason, and a seeded property test: every finite double
 * written by JavaScript reads back exactly; hex, binary, octal, padded, empty and out-of-range
 * texts never read as a number.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { explainDecimalProblem, readDecimal } from '../../src/data/decimal.js';

const SEED = 17;

describe('readDecimal', () => {
  it('reads what a person writes as a number', () => {
    for (const [text, value] of [
      ['42', 42],
      ['-3.5', -3.5],
      ['+7', 7],
      ['.5', 0.5],
      ['1.', 1],
      ['1e-3', 0.001],
      ['6.02E23', 6.02e23],
      ['007', 7],
      ['1e-400', 0],
    ] as const)
      assert.deepEqual(readDecimal(text), { ok: true, value }, text);
  });

  it('refuses the forms Number() accepts beside them, each with its reason (issue 17)', () => {
    for (const [text, problem] of [
      ['0x10', 'prefixed literal'],
      ['0b101', 'prefixed literal'],
      ['0o17', 'prefixed literal'],
      ['-0X1F', 'prefixed literal'],
      [' 8', 'padded'],
      ['8 ', 'padded'],
      ['\t8\n', 'padded'],
      ['', 'empty'],
      ['   ', 'empty'],
      ['1e309', 'out of range'],
      ['-1e309', 'out of range'],
      ['Infinity', 'not a number'],
      ['NaN', 'not a number'],
      ['1_000', 'not a number'],
      ['1,5', 'not a number'],
      ['.', 'not a number'],
      ['e5', 'not a number'],
    ] as const)
      assert.deepEqual(readDecimal(text), { ok: false, problem }, JSON.stringify(text));
    assert.match(explainDecimalProblem('out of range'), /^out of the range of a double/);
  });

  it('property: every finite double, as String() and toExponential() write it, reads back exactly', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        for (const text of [String(x), x.toExponential(), x.toExponential(20)]) {
          const r = readDecimal(text);
          assert.ok(r.ok, text);
          assert.ok(Object.is(r.value, x) || (x === 0 && r.value === 0), text);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('property: integers read back; hex, binary, octal, padded, empty and too large never read', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom('0x', '0b', '0o', '0X'),
        fc.stringMatching(/^[ \t]{1,3}$/),
        (n, prefix, pad) => {
          assert.deepEqual(readDecimal(String(n)), { ok: true, value: n });
          const digits = Math.abs(n).toString(prefix.toLowerCase() === '0x' ? 16 : prefix === '0b' ? 2 : 8);
          assert.equal(readDecimal(`${prefix}${digits}`).ok, false);
          assert.equal(readDecimal(`${pad}${n}`).ok, false);
          assert.equal(readDecimal(`${n}${pad}`).ok, false);
          assert.equal(readDecimal(pad).ok, false);
          assert.equal(readDecimal(`${Math.abs(n) + 1}e308`).ok, n === 0);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
