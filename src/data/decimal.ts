/**
 * Strict decimal numbers, for CSV cells and numeric command-line options: what a person writes as
 * a number (42, -3.5, .5, 1., 1e-3, 6.02E23) and none of what JavaScript's Number() accepts beside
 * it: hex, binary and octal literals (Number('0x10') is 16), surrounding spaces (Number(' 8') is 8),
 * empty text (Number('') is 0) and Infinity. A value beyond a double's range (1e309) is refused
 * as out of range, not as "not a number"; one below the smallest double (1e-400) reads as 0.
 */

/** Sign, digits with at most one point (at least one digit), an optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A prefixed integer literal as JavaScript writes one: 0x…, 0b…, 0o…. */
const PREFIXED_LITERAL = /^[+-]?0[xXbBoO][0-9a-fA-F]+$/;

/** Why a text is not a decimal number. */
export type DecimalProblem = 'empty' | 'padded' | 'prefixed literal' | 'out of range' | 'not a number';

export type DecimalReading = { ok: true; value: number } | { ok: false; problem: DecimalProblem };

/** The number a text writes, or the reason it writes none. */
export function readDecimal(text: string): DecimalReading {
  if (DECIMAL.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, problem: 'out of range' };
  }
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'empty' };
  if (trimmed !== text && DECIMAL.test(trimmed)) return { ok: false, problem: 'padded' };
  if (PREFIXED_LITERAL.test(trimmed)) return { ok: false, problem: 'prefixed literal' };
  return { ok: false, problem: 'not a number' };
}

/** The reason as a clause for a message ("'0x10' is …"). */
export function explainDecimalProblem(problem: DecimalProblem): string {
  switch (problem) {
    case 'empty':
      return 'empty';
    case 'padded':
      return 'a number with spaces around it';
    case 'prefixed literal':
      return 'not a decimal number (hex, binary and octal literals are not read)';
    case 'out of range':
      return 'out of the range of a double (magnitudes up to about 1.8e308)';
    case 'not a number':
      return 'not a number';
  }
}

/** True for a bare integer: an optional sign and decimal digits, nothing else. */
export function isBareInteger(text: string): boolean {
  return /^[+-]?\d+$/.test(text);
}
