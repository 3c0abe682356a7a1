/**
 * One declaration per command-line flag: name, short alias, type, range, default, value name, help
 * line and help group, in one table per command. Node's util.parseArgs reads the command line from
 * the table, src/errors.ts's checkers check the numbers, and the help text is laid out from the same
 * entries, so adding a flag is adding one entry.
 */
import { parseArgs } from 'node:util';
import { checkInteger, checkNumber, ConfigError, cutText, explainDecimalProblem, readDecimal } from '../index.js';
import { UsageError } from './args.js';

interface FlagCommon {
  /** Opens a group of the help under this heading; the flags declared after it stay in it until the next `group`. */
  readonly group?: string;
  /** A one-letter alias: `-h`. */
  readonly short?: string;
  /** The value's name in the help, as N in `--layers N` (default N for integers, X for numbers, the choices). */
  readonly value?: string;
  /** What the flag does, one sentence; the help wraps it. */
  readonly help: string;
  /**
   * The default as the help states it, where `default` is absent (the library or another flag
   * decides it) or says too little: '0 = all' reads (default 0 = all), ': random' (default: random).
   */
  readonly shown?: string;
}

export interface BooleanFlag extends FlagCommon {
  readonly type: 'boolean';
}
export interface StringFlag extends FlagCommon {
  readonly type: 'string';
  readonly default?: string;
}
export interface ChoiceFlag extends FlagCommon {
  readonly type: 'choice';
  readonly choices: readonly string[];
  readonly default?: string;
  /** How a refusal lists the choices, where "a, b, c" is not how the command says it. */
  readonly choicesText?: string;
}
/** An integer in [min, max], checked by checkInteger. */
export interface IntegerFlag extends FlagCommon {
  readonly type: 'integer';
  readonly min: number;
  readonly max?: number;
  readonly default?: number;
}
/** A finite number in [min, max] ((min, max] with minExclusive), checked by checkNumber. */
export interface NumberFlag extends FlagCommon {
  readonly type: 'number';
  readonly min: number;
  readonly max: number;
  readonly minExclusive?: boolean;
  readonly default?: number;
}
export type Flag = BooleanFlag | StringFlag | ChoiceFlag | IntegerFlag | NumberFlag;
export type FlagTable = Readonly<Record<string, Flag>>;

/** What a flag reads as: booleans are false when absent; the others are undefined when absent and without a default. */
type FlagValue<F> = F extends { type: 'boolean' }
  ? boolean
  : F extends { type: 'integer' | 'number' }
    ? F extends { default: number }
      ? number
      : number | undefined
    : F extends { type: 'choice'; choices: readonly (infer C)[] }
      ? F extends { default: string }
        ? C
        : C | undefined
      : F extends { default: string }
        ? string
        : string | undefined;

export type FlagValues<T extends FlagTable> = { [K in keyof T]: FlagValue<T[K]> };

/** The -h, --help flag every command has. */
export const HELP_FLAG = { type: 'boolean', short: 'h', help: 'this help' } as const;

/** The learning-rate schedule of the epoch-wise commands (seq2seq, speech), read by parseSchedule. */
export const EPOCH_SCHEDULE_FLAG = {
  type: 'string',
  value: 'S',
  help: 'constant | step:EVERY:GAMMA | cosine:WARMUP:TOTAL[:MINLR] (in updates)',
  shown: 'constant',
} as const;

/** The prose around the flags in a command's help. */
export interface HelpProse {
  /** The usage line(s). */
  readonly usage: string;
  /** The paragraphs between the usage and the flags. */
  readonly intro?: string;
  /** Rows listed before the flags of a group (positional arguments), as [label, help], by group heading. */
  readonly rows?: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>>;
  /** Text printed right after the flags of a group, by group heading. */
  readonly notes?: Readonly<Record<string, string>>;
  /** Notes and examples after the flags. */
  readonly closing?: string;
  /** Columns given to the flag labels (`--layers N`) before the help starts (default: the longest label + 2). */
  readonly labelWidth?: number;
  /** Where, from the help's start, the defaults line up; 0 writes each right after its help (default 45). */
  readonly defaultsAt?: number;
}

export interface Command<T extends FlagTable> {
  readonly name: string;
  readonly flags: T;
  /** The help text, made from the flags and the prose. */
  readonly help: string;
}

export interface CommandLine<T extends FlagTable> {
  values: FlagValues<T>;
  positionals: string[];
  /** The flags typed on the command line (a flag at its default was not, unless typed). */
  given: ReadonlySet<keyof T & string>;
}

/** A help line stays within this many columns. */
const HELP_WIDTH = 97;

export function defineCommand<const T extends FlagTable>(name: string, flags: T, prose: HelpProse): Command<T> {
  return { name, flags, help: helpText(flags, prose) };
}

/**
 * The command line read against the command's table: flags checked and converted, defaults filled
 * in. Undefined when it asked for --help, which is printed here.
 */
export function readCommandLine<T extends FlagTable>(command: Command<T>, argv: string[]): CommandLine<T> | undefined {
  const options = Object.fromEntries(
    Object.entries(command.flags).map(([name, flag]) => [
      name,
      {
        type: flag.type === 'boolean' ? ('boolean' as const) : ('string' as const),
        ...(flag.short === undefined ? {} : { short: flag.short }),
      },
    ]),
  );
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    throw new UsageError(`lstm ${command.name}: ${(e as Error).message}\nSee 'lstm ${command.name} --help'.`);
  }
  if (parsed.values['help'] === true) {
    console.log(command.help);
    return undefined;
  }
  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(command.flags))
    values[name] = flagValue(command.name, name, flag, parsed.values[name]);
  const given = new Set(Object.keys(parsed.values).filter((name) => parsed.values[name] !== undefined));
  return {
    values: values as FlagValues<T>,
    positionals: parsed.positionals,
    given: given as ReadonlySet<keyof T & string>,
  };
}

/** One flag's value from the text typed (undefined when absent): checked, converted, or its default. */
export function flagValue(command: string, name: string, flag: Flag, typed: string | boolean | undefined): unknown {
  if (flag.type === 'boolean') return typed === true;
  if (typeof typed !== 'string') return flag.default;
  const where = `lstm ${command}`;
  switch (flag.type) {
    case 'string':
      return typed;
    case 'choice':
      if (!flag.choices.includes(typed))
        throw new UsageError(
          `${where}: --${name} takes ${flag.choicesText ?? flag.choices.join(', ')}; got '${typed}'.`,
        );
      return typed;
    case 'integer':
      return checkedNumber(typed, (v) => checkInteger(where, `--${name}`, v, flag.min, flag.max));
    case 'number':
      return checkedNumber(typed, (v) => checkNumber(where, `--${name}`, v, flag.min, flag.max, flag.minExclusive));
  }
}

/**
 * An integer flag whose range is known only after reading the input (a model's layer count, a
 * table's rows), checked by checkInteger; a value outside it is a usage error.
 */
export function checkFlagRange(command: string, name: string, value: number, min: number, max: number): number {
  return asUsageError(() => checkInteger(`lstm ${command}`, `--${name}`, value, min, max));
}

/**
 * A number typed on the command line through one of src/errors.ts's checkers. Only a plain decimal
 * is a number (readDecimal): '0x10', ' 8', '' and '1e309' are refused, each with its reason.
 */
function checkedNumber(typed: string, check: (value: unknown) => number): number {
  const reading = readDecimal(typed);
  if (reading.ok) {
    try {
      return check(reading.value);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
    }
  }
  // Refused: a reason where the text looks like a number but is not read as one
  const explained = !reading.ok && reading.problem !== 'not a number' && reading.problem !== 'empty';
  const ending = explained ? `: ${explainDecimalProblem(reading.problem)}.` : '.';
  try {
    return check(cutText(typed)); // a text always fails: the message quotes it as it was typed
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new UsageError(e.message.replace(/\.$/, ending));
  }
}

function asUsageError<R>(run: () => R): R {
  try {
    return run();
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

function flagLabel(name: string, flag: Flag): string {
  const placeholder =
    flag.value ??
    (flag.type === 'integer'
      ? 'N'
      : flag.type === 'number'
        ? 'X'
        : flag.type === 'choice'
          ? flag.choices.join('|')
          : 'TEXT');
  const long = flag.type === 'boolean' ? `--${name}` : `--${name} ${placeholder}`;
  return flag.short === undefined ? long : `-${flag.short}, ${long}`;
}

function defaultNote(flag: Flag): string | undefined {
  if (flag.shown !== undefined) return `(default${flag.shown.startsWith(':') ? '' : ' '}${flag.shown})`;
  if (flag.type === 'boolean' || flag.default === undefined) return undefined;
  return `(default ${flag.default})`;
}

/** Words of text in lines of at most width columns (a longer word stands alone); '\n' breaks a line. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ').filter((w) => w !== '')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}

/** A label and its help, wrapped beside it; the default lined up at defaultsAt where there is room. */
function helpRow(
  label: string,
  help: string,
  note: string | undefined,
  labelWidth: number,
  defaultsAt: number,
): string {
  const helpColumn = 2 + labelWidth;
  const lines = wrapWords(help, HELP_WIDTH - helpColumn);
  if (note !== undefined) {
    // in the defaults column where it fits, else after the help, else on a line of its own
    const last = lines.length - 1;
    const text = lines[last] as string;
    const room = HELP_WIDTH - helpColumn;
    if (text.length < defaultsAt && defaultsAt + note.length <= room) lines[last] = `${text.padEnd(defaultsAt)}${note}`;
    else if (text.length + 1 + note.length <= room) lines[last] = text === '' ? note : `${text} ${note}`;
    else lines.push(`${' '.repeat(defaultsAt + note.length <= room ? defaultsAt : 0)}${note}`);
  }
  const indent = ' '.repeat(helpColumn);
  const head = `  ${label}`;
  const body = lines.map((l) => (l === '' ? '' : `${indent}${l}`));
  if (head.length >= helpColumn) return [head, ...body].join('\n').trimEnd();
  body[0] = `${head.padEnd(helpColumn)}${lines[0]}`.trimEnd();
  return body.join('\n');
}

/** The flags of a table by help group, in the order declared (a flag without `group` joins the one before it). */
export function flagGroups(flags: FlagTable): Array<{ heading: string; names: string[] }> {
  const groups: Array<{ heading: string; names: string[] }> = [];
  for (const [name, flag] of Object.entries(flags)) {
    const current = groups[groups.length - 1];
    if (current === undefined || (flag.group !== undefined && flag.group !== current.heading))
      groups.push({ heading: flag.group ?? '', names: [name] });
    else current.names.push(name);
  }
  return groups;
}

export function helpText(flags: FlagTable, prose: HelpProse): string {
  const labels = Object.entries(flags).map(([name, flag]) => flagLabel(name, flag));
  const rowLabels = Object.values(prose.rows ?? {}).flatMap((rows) => rows.map(([label]) => label));
  const labelWidth =
    prose.labelWidth ?? Math.max(...labels.map((l) => l.length), ...rowLabels.map((l) => l.length)) + 2;
  const defaultsAt = prose.defaultsAt ?? 45;
  const sections = flagGroups(flags).map(({ heading, names }) => {
    const lines = heading === '' ? [] : [heading];
    for (const [label, help] of prose.rows?.[heading] ?? []) lines.push(helpRow(label, help, undefined, labelWidth, 0));
    for (const name of names) {
      const flag = flags[name] as Flag;
      lines.push(helpRow(flagLabel(name, flag), flag.help, defaultNote(flag), labelWidth, defaultsAt));
    }
    const note = prose.notes?.[heading];
    if (note !== undefined) lines.push(note);
    return lines.join('\n');
  });
  return [prose.usage, prose.intro, ...sections, prose.closing].filter((part) => part !== undefined).join('\n\n');
}

/** --backend, taken out of every command's line by main.ts before the command reads it; listed in the help of `train`. */
export const BACKEND_FLAG = {
  type: 'string',
  value: 'NAME',
  help: 'kernels: native (C++ addon, the default where npm ci built it), wasm (WebAssembly SIMD, the default elsewhere) or js',
} as const;

/** --threads, taken out by main.ts as --backend is. */
export const THREADS_FLAG = {
  type: 'integer',
  min: 1,
  max: 256,
  help: 'threads for the large matrix products',
  shown: ': every core',
} as const;
