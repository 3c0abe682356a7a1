/**
 * Checks of a model file's header fields, each a ModelFileError naming the field (`config.hiddenSize`,
 * `encoding.targetScale[0]` …), what it must be and what arrived (at most 80 characters of it). A
 * loader checks every field with these before it computes a shape or allocates anything.
 */
import { ModelFileError } from '../errors.js';

/** The value as a message quotes it: JSON, cut to 80 characters. */
function quoted(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** A ModelFileError: `${field} must be ${expected}; got ${value}.` */
export function fieldError(where: string, field: string, expected: string, value: unknown): ModelFileError {
  return new ModelFileError(
    where,
    `${field} must be ${expected}; got ${quoted(value)}.`,
    'the file is damaged, or was not written by lstm.',
  );
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object field (the whole entry when `field` names it). */
export function objectField(where: string, field: string, value: unknown): Record<string, unknown> {
  if (!isObject(value)) throw fieldError(where, field, 'an object', value);
  return value;
}

/** A whole number in [min, max]. */
export function countField(where: string, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw fieldError(where, field, `a whole number in [${min}, ${max}]`, value);
  return value;
}

/** A finite number in [min, max] ((min, max] with minExclusive, [min, max) with maxExclusive). */
export function numberField(
  where: string,
  field: string,
  value: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) &&
    (maxExclusive ? value < max : value <= max);
  if (!ok) {
    const lower = `${minExclusive ? '>' : '≥'} ${min}`;
    const upper = `${maxExclusive ? '<' : '≤'} ${max}`;
    const bounds =
      max === Infinity
        ? min === -Infinity
          ? ''
          : ` ${lower}`
        : min === -Infinity
          ? ` ${upper}`
          : ` in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
    throw fieldError(where, field, `a finite number${bounds}`, value);
  }
  return value as number;
}

export function booleanField(where: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw fieldError(where, field, 'true or false', value);
  return value;
}

/** One of the given strings. */
export function choiceField<T extends string>(where: string, field: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw fieldError(where, field, `one of ${choices.join(', ')}`, value);
  return value as T;
}

/** A list of non-empty strings, each named once, of length in [min, max]. */
export function nameListField(where: string, field: string, value: unknown, min: number, max: number): string[] {
  if (!Array.isArray(value) || value.length < min || value.length > max)
    throw fieldError(where, field, `a list of ${min} to ${max} names`, value);
  const seen = new Set<string>();
  value.forEach((name, i) => {
    if (typeof name !== 'string' || name === '') throw fieldError(where, `${field}[${i}]`, 'a non-empty string', name);
    if (seen.has(name)) throw fieldError(where, field, 'names that differ', name);
    seen.add(name);
  });
  return value as string[];
}

/** A list of `length` finite numbers, each checked by `range` (numberField's). */
export function numberListField(
  where: string,
  field: string,
  value: unknown,
  length: number,
  range: Parameters<typeof numberField>[3] = {},
): number[] {
  if (!Array.isArray(value) || value.length !== length)
    throw fieldError(where, field, `a list of ${length} number(s)`, value);
  value.forEach((x, i) => numberField(where, `${field}[${i}]`, x, range));
  return value as number[];
}

/** A generator's state (src/rng.ts): four 32-bit words, not all zero. */
export function rngStateField(where: string, field: string, value: unknown): number[] {
  if (
    !Array.isArray(value) ||
    value.length !== 4 ||
    !value.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) ||
    value.every((w) => w === 0)
  )
    throw fieldError(where, field, 'four 32-bit words, not all zero', value);
  return value as number[];
}
