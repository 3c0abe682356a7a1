/**
 * A table of named columns read from CSV or JSON, as text cells, and the numeric views a model
 * needs, with the errors a person can act on: the missing column named beside the ones there are,
 * a non-numeric cell named by its row (counting the header as row 1, as a spreadsheet does) and
 * column. Empty cells and NA / NaN / null are missing values (NaN), for the missing-value policy.
 * Column names are ordinary text: `columns` has no prototype, so names like 'constructor' or
 * '__proto__' are columns like any other. Numbers are strict decimals (./decimal.ts); the spaces
 * around a cell are not part of it (as in "1, 2"), like the spaces around a header name.
 */
import { DataError } from '../errors.js';
import { LISTED_NAMES, listNames, quoteCell } from './cell-text.js';
import { explainDecimalProblem, readDecimal } from './decimal.js';

export interface Table {
  /** Column names in file order. */
  names: string[];
  /** Cells by column, one per data row (an object without prototype: only the columns are keys). */
  columns: Record<string, string[]>;
  rows: number;
  /** Where it came from, for messages. */
  source: string;
}

/** A header wider than this is refused (a 1.45-million-column header is a broken file, not a table). */
export const MAX_COLUMNS = 100_000;
/** A cell (or header name) longer than this is refused; a whole document per cell still fits. */
export const MAX_CELL_CHARACTERS = 1_000_000;

const MISSING = new Set(['', 'na', 'nan', 'null', 'n/a']);

/** Refuse a header of more than MAX_COLUMNS columns (`count` of them, `first` the first few names). */
export function checkHeaderWidth(count: number, first: readonly string[], source: string): void {
  if (count > MAX_COLUMNS)
    throw new DataError(
      source,
      `the header has ${count.toLocaleString('en-US')} columns (${listNames(first)}${first.length < count ? ', …' : ''}); at most ${MAX_COLUMNS.toLocaleString('en-US')} are read.`,
      'check the delimiter and the first line of the file.',
    );
}

function checkHeader(header: readonly string[], source: string): string[] {
  checkHeaderWidth(header.length, header.slice(0, LISTED_NAMES), source);
  const names = header.map((h) => h.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new DataError(source, `column ${quoteCell(name)} appears twice in the header.`);
    seen.add(name);
  }
  return names;
}

/** The refusal of a cell over MAX_CELL_CHARACTERS; `where` names it: "row 5, column 'text'", "header name 3". */
function cellTooLong(cell: string, source: string, where: string): DataError {
  return new DataError(
    source,
    `${where}: the cell ${quoteCell(cell)} is longer than ${MAX_CELL_CHARACTERS.toLocaleString('en-US')} characters.`,
    'check the quotes: an unclosed quote swallows the rest of the file into one cell.',
  );
}

/** A table from header + data records (as a CSV parser returns them). */
export function tableFromRecords(records: string[][], source: string): Table {
  const [header, ...data] = records;
  if (header === undefined || header.length === 0) throw new DataError(source, 'the file has no header row.');
  header.forEach((name, j) => {
    if (name.length > MAX_CELL_CHARACTERS) throw cellTooLong(name, source, `header name ${j + 1}`);
  });
  const names = checkHeader(header, source);
  const cells = names.map((): string[] => []);
  data.forEach((record, i) => {
    if (record.length !== names.length)
      throw new DataError(source, `row ${i + 2} has ${record.length} cells; the header has ${names.length}.`);
    record.forEach((cell, j) => {
      if (cell.length > MAX_CELL_CHARACTERS)
        throw cellTooLong(cell, source, `row ${i + 2}, column ${quoteCell(names[j] as string)}`);
      (cells[j] as string[]).push(cell);
    });
  });
  const columns = Object.create(null) as Record<string, string[]>;
  names.forEach((name, j) => (columns[name] = cells[j] as string[]));
  return { names, columns, rows: data.length, source };
}

/** A table from JSON rows (an array of objects, as vega-datasets ships them). */
export function tableFromJsonRows(rows: unknown, source: string): Table {
  if (!Array.isArray(rows) || rows.length === 0 || typeof rows[0] !== 'object' || rows[0] === null)
    throw new DataError(source, 'expected a JSON array of row objects, e.g. [{"date": "2020-01", "sales": 3}, …].');
  const names = Object.keys(rows[0] as object);
  const records = rows.map((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw new DataError(source, `row ${i + 1} is not an object.`);
    return names.map((n) => {
      const v = Object.hasOwn(r, n) ? (r as Record<string, unknown>)[n] : undefined;
      if (v === null || v === undefined) return '';
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  });
  return tableFromRecords([names, ...records], source);
}

export function column(table: Table, name: string): string[] {
  const cells = Object.hasOwn(table.columns, name) ? table.columns[name] : undefined;
  if (cells === undefined)
    throw new DataError(table.source, `no column ${quoteCell(name)}. The columns are: ${listNames(table.names)}.`);
  return cells;
}

/** A column as numbers; missing cells become NaN, anything else not a decimal number is an error. */
export function numericColumn(table: Table, name: string): Float64Array {
  return Float64Array.from(column(table, name), (cell, i) => {
    const text = cell.trim();
    if (MISSING.has(text.toLowerCase())) return Number.NaN;
    const reading = readDecimal(text);
    if (!reading.ok)
      throw new DataError(
        table.source,
        `row ${i + 2}, column ${quoteCell(name)}: ${quoteCell(cell)} is ${explainDecimalProblem(reading.problem)}.`,
        reading.problem === 'out of range' ? undefined : 'leave the cell empty (or NA) if the value is missing.',
      );
    return reading.value;
  });
}
