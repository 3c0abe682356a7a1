/** Command-line parsing helpers: strict options, numbers checked with messages that name the flag. */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

/** A usage error: the command line itself is wrong (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: false }>;

export function parseCommand(
  command: string,
  argv: string[],
  options: OptionSpec,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    throw new UsageError(`lstm ${command}: ${(e as Error).message}\nSee 'lstm ${command} --help'.`);
  }
}

function flagValue(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** An integer flag in [min, max], or the fallback when absent. */
export function intFlag(
  command: string,
  values: Record<string, unknown>,
  name: string,
  fallback: number | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = flagValue(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new UsageError(`lstm ${command}: --${name} must be an integer ${range}, got ${JSON.stringify(raw)}.`);
  }
  return n;
}

/** A number flag in (or [) min, max]. */
export function numberFlag(
  command: string,
  values: Record<string, unknown>,
  name: string,
  fallback: number | undefined,
  min: number,
  max: number,
  minExclusive = false,
): number | undefined {
  const raw = flagValue(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  const ok = raw.trim() !== '' && Number.isFinite(n) && (minExclusive ? n > min : n >= min) && n <= max;
  if (!ok) {
    throw new UsageError(
      `lstm ${command}: --${name} must be a number in ${minExclusive ? '(' : '['}${min}, ${max}], got ${JSON.stringify(raw)}.`,
    );
  }
  return n;
}

export function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  return flagValue(values, name);
}

/** "1:02:03" / "2:05" for a number of seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** 12345.6 → "12,346". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * How the user can run this command again: `lstm` when installed as a bin, else the node
 * invocation that was used (in a checkout, `node dist/src/cli/main.js`).
 */
export function commandName(): string {
  const script = process.argv[1] ?? '';
  if (/(^|[/\\])lstm$/.test(script) || script.includes(`node_modules`)) return 'lstm';
  const relativePath = relative(process.cwd(), script);
  return `node ${relativePath.startsWith('..') || relativePath === '' ? script : relativePath}`;
}
