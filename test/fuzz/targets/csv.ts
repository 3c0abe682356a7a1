/**
 * CSV files: random headers (prototype names such as constructor and __proto__ among them), cells
 * hex, padded, empty, huge, non-numeric, impossible or odd dates, time columns of bare integers,
 * regular dates, one tiny step, a tiny step then a twenty-year gap; parsed by parseCsv, then read
 * by the forecast and classify (and tag) commands with tiny models and one epoch.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyCommand } from '../../../src/cli/classify.js';
import { forecastCommand } from '../../../src/cli/forecast.js';
import { column, numericColumn } from '../../../src/data/table.js';
import { parseTimes } from '../../../src/data/time-index.js';
import { LstmError } from '../../../src/errors.js';
import { parseCsv } from '../../../src/node/csv.js';
import { MAX_MESSAGE_LENGTH, type Outcome } from '../outcome.js';
import type { CsvPlan } from '../plans.js';
import { removeScratchFolder, scratchFolder } from './scratch.js';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('.000Z', '');

/** The time column's cell in row r, by the plan's kind of time column (undefined: the generated cell stays). */
function timeCell(kind: CsvPlan['times'], r: number, rows: number): string | undefined {
  const start = Date.UTC(2000, 0, 1);
  switch (kind) {
    case 'cells':
      return undefined;
    case 'integers':
      return String(r + 1);
    case 'monthly':
      return new Date(Date.UTC(2000, r, 1)).toISOString().slice(0, 10);
    case 'daily':
      return new Date(start + r * DAY).toISOString().slice(0, 10);
    case 'tiny-step':
      return iso(r === 0 ? start : start + 1000 + (r - 1) * DAY);
    case 'huge-gap':
      return iso(r === rows - 1 ? Date.UTC(2020, 0, 1) : start + r * 1000);
  }
}

const quote = (cell: string): string => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

export function csvText(plan: CsvPlan): string {
  const width = plan.header.length;
  const time = plan.first % width;
  const timed = plan.pipeline === 'parse' || plan.pipeline === 'forecast';
  const rows = plan.rows.map((row, r) =>
    row.map((cell, c) => (timed && c === time ? (timeCell(plan.times, r, plan.rows.length) ?? cell) : cell)),
  );
  let header = plan.header.map(quote).join(',');
  if (plan.extreme === 'wide-header') header += Array.from({ length: 300_000 }, (_, i) => `,c${i}`).join('');
  if (plan.extreme === 'many-columns') header += Array.from({ length: 3_000 }, (_, i) => `,column${i}`).join('');
  if (plan.extreme === 'huge-cell') header += `,${'h'.repeat(4_000_000)}`;
  // the rows get the added columns too (empty cells), so the table is read past its shape check
  const added = { none: 0, 'wide-header': 300_000, 'many-columns': 3_000, 'huge-cell': 1 }[plan.extreme];
  const tail = ','.repeat(added);
  return [header, ...rows.map((row) => row.map(quote).join(',') + tail)].join('\n') + '\n';
}

/** Names an object's prototype answers to: a lookup by them must not find a column that is not there. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
const STRICT_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MISSING_CELLS = new Set(['', 'na', 'nan', 'null', 'n/a', '-']);

/** A cell a strict date reader must refuse: a calendar date that does not exist (2000-02-30). */
function impossibleDate(cell: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(cell.trim());
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // not Date.UTC, which reads the years 0–99 as 1900–1999
  return date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d;
}

/**
 * Parse the table and read the named columns (and names only a prototype has) as text, numbers
 * and times; a project error from one reading is an answer, and the next is still tried. What a
 * reading accepts is checked too: no hex or otherwise lenient number (spaces around a cell are
 * trimmed, as header names are), no impossible
 * calendar date, no bare integer read as a date of 2001.
 */
function readTable(text: string, names: string[]): Outcome {
  const table = parseCsv(text, 'fuzz.csv');
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (e) {
      // a project error is an answer, unless its message quotes too much (then it is the finding)
      if (e instanceof LstmError && e.message.length <= MAX_MESSAGE_LENGTH) return undefined;
      throw e;
    }
  };
  // the header's own names first, so a finding about their cells is not hidden by a phantom column
  const absent = ['no-such-column', ...PROTOTYPE_NAMES].filter((n) => !table.names.includes(n));
  for (const name of [...names, ...absent]) {
    const cells = attempt(() => column(table, name));
    if (cells !== undefined && !table.names.includes(name))
      return {
        kind: 'silent',
        name: 'phantom-column',
        message: `column(table, '${name}') answered though the header has no such column`,
      };
    if (cells === undefined) continue;
    const values = attempt(() => numericColumn(table, name));
    if (values !== undefined) {
      const lenient = cells.find(
        // spaces around a cell are the CSV's own padding ("a, b"), trimmed as header names are (as
        // pandas reads numbers); inside the cell the number must be strict
        (c) =>
          !MISSING_CELLS.has(c.trim().toLowerCase()) && !(STRICT_NUMBER.test(c.trim()) && Number.isFinite(Number(c))),
      );
      if (lenient !== undefined)
        return {
          kind: 'silent',
          name: 'lenient-number',
          message: `numericColumn read '${lenient.slice(0, 40)}' as ${values[cells.indexOf(lenient)]}`,
        };
    }
    const times = attempt(() => parseTimes(cells, 'fuzz.csv', name));
    if (times !== undefined) {
      const impossible = cells.find(impossibleDate);
      if (impossible !== undefined)
        return {
          kind: 'silent',
          name: 'impossible-date',
          message: `parseTimes read '${impossible}' as ${new Date(times[cells.indexOf(impossible)] as number).toISOString()}`,
        };
      const bare = cells.findIndex((c) => /^\d{1,3}$/.test(c.trim()));
      if (bare >= 0 && times[bare] === Date.parse(cells[bare] as string))
        return {
          kind: 'silent',
          name: 'integer-as-date',
          message: `parseTimes read the bare integer '${cells[bare]}' as ${new Date(times[bare] as number).toISOString()}`,
        };
    }
  }
  return { kind: 'ok' };
}

export function runCsv(plan: CsvPlan): Outcome {
  const text = csvText(plan);
  const width = plan.header.length;
  const first = plan.header[plan.first % width] as string;
  const second = plan.header[plan.second % width] as string;
  if (plan.pipeline === 'parse') return readTable(text, [first, second]);
  try {
    runPipeline(plan, text, first, second);
  } finally {
    removeScratchFolder();
  }
  return { kind: 'ok' };
}

/** The table through a command (tiny model, one epoch); a nonzero exit code without an exception is the command's own refusal. */
function runPipeline(plan: CsvPlan, text: string, first: string, second: string): void {
  const dir = scratchFolder();
  const path = join(dir, 'fuzz.csv');
  writeFileSync(path, text);
  const tiny = ['--epochs', '1', '--hidden', '2'];
  if (plan.pipeline === 'forecast') {
    const window = ['--lookback', '2', '--horizon', '1', '--test', '2'];
    const out = ['--no-chart', '--out', join(dir, 'forecast-out')];
    forecastCommand(['--csv', path, `--time=${first}`, `--target=${second}`, ...window, ...tiny, ...out]);
  } else {
    const tag = plan.pipeline === 'tag' ? ['--tag'] : [];
    const columns = [`--text-column=${first}`, `--label-column=${second}`];
    classifyCommand([
      ...tag,
      '--csv',
      path,
      ...columns,
      ...tiny,
      '--embedding',
      '2',
      '--min-count',
      '1',
      '--batch',
      '4',
    ]);
  }
}
