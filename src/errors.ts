/**
 * Error classes for bad input. Every message says who complained, what was expected, what arrived
 * and, where a common mistake explains it, a hint.
 */

function compose(where: string, problem: string, hint?: string): string {
  return `${where}: ${problem}${hint === undefined ? '' : ` Hint: ${hint}`}`;
}

/** The base of every error this library throws for bad input: "where: problem Hint: hint". */
export class LstmError extends Error {
  constructor(where: string, problem: string, hint?: string) {
    super(compose(where, problem, hint));
  }
}

/** An array of the wrong length or shape. */
export class ShapeError extends LstmError {
  override name = 'ShapeError' as const;
}

/** An option out of range or of the wrong kind. */
export class ConfigError extends LstmError {
  override name = 'ConfigError' as const;
}

/** Training or evaluation data that cannot be used (empty, binary, too short …). */
export class DataError extends LstmError {
  override name = 'DataError' as const;
}

/** A file path that cannot be used: a missing folder, a folder where a file should be, no permission. */
export class PathError extends LstmError {
  override name = 'PathError' as const;
}

/** A model file that is truncated, damaged, or not one of ours. */
export class ModelFileError extends LstmError {
  override name = 'ModelFileError' as const;
}

/** Training stopped because the loss stopped being a finite number. */
export class DivergenceError extends Error {
  override name = 'DivergenceError' as const;
  readonly step: number;
  constructor(step: number, loss: number, lastGoodLoss: number | undefined, hint?: string) {
    const last = lastGoodLoss === undefined ? 'none yet' : lastGoodLoss.toFixed(4);
    super(
      compose('train', `the loss became ${loss} at step ${step} (last finite loss: ${last}); training stopped.`, hint),
    );
    this.step = step;
  }
}

/** A value as it should appear in a message: strings quoted, missing values named. */
export function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

/** Require an integer in [min, max]. */
export function checkInteger(
  where: string,
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ConfigError(where, `${name} must be an integer ${range}, got ${show(value)}.`);
  }
  return value;
}

/** Require a finite number in [min, max] (or (min, max] when minExclusive). */
export function checkNumber(
  where: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  minExclusive = false,
): number {
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (minExclusive ? value > min : value >= min) && value <= max;
  if (!ok) {
    const range = `${minExclusive ? '(' : '['}${min}, ${max}]`;
    throw new ConfigError(where, `${name} must be a number in ${range}, got ${show(value)}.`);
  }
  return value as number;
}
