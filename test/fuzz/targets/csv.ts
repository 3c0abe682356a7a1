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
import { LstmError } from '../../../src/errors.js';
import { parseCsv } from '../../../src/node/csv.js';
import type { Outcome } from '../outcome.js';
import type { CsvPlan } from '../plans.js';
import { scratchFolder } from './scratch.js';

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
  const rows = plan.rows.map((row, r) => row.map((cell, c) => (c === time ? (timeCell(plan.times, r, plan.rows.length) ?? cell) : cell)));
  return [plan.header, ...rows].map((row) => row.map(quote).join(',')).join('\n') + '\n';
}

/** Run a command's pipeline; a nonzero exit code without an exception is the command's own refusal. */
async function command(run: () => number | Promise<number>): Promise<void> {
  await run();
}

export async function runCsv(plan: CsvPlan): Promise<Outcome> {
  const text = csvText(plan);
  const width = plan.header.length;
  const first = plan.header[plan.first % width] as string;
  const second = plan.header[plan.second % width] as string;
  if (plan.pipeline === 'parse') {
    const table = parseCsv(text, 'fuzz.csv');
    for (const name of [first, second]) {
      // a project error from one column (missing, not numeric) is an answer; the other column is still read
      for (const read of [() => column(table, name), () => numericColumn(table, name)]) {
        try {
          read();
        } catch (e) {
          if (!(e instanceof LstmError)) throw e;
        }
      }
    }
    return { kind: 'ok' };
  }
  const dir = scratchFolder();
  const path = join(dir, 'fuzz.csv');
  writeFileSync(path, text);
  const tiny = ['--epochs', '1', '--hidden', '2'];
  if (plan.pipeline === 'forecast') {
    const out = join(dir, 'forecast-out');
    await command(() =>
      forecastCommand(['--csv', path, `--time=${first}`, `--target=${second}`, '--lookback', '2', '--horizon', '1', '--test', '2', ...tiny, '--no-chart', '--out', out]),
    );
  } else {
    const tag = plan.pipeline === 'tag' ? ['--tag'] : [];
    await command(() =>
      classifyCommand([...tag, '--csv', path, `--text-column=${first}`, `--label-column=${second}`, ...tiny, '--embedding', '2', '--min-count', '1', '--batch', '4']),
    );
  }
  return { kind: 'ok' };
}
