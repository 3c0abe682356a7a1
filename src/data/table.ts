/**
 * A table of named columns read from CSV or JSON, as text cells, and the numeric views a model
 * needs, with the errors a person can act on: the missing column named beside the ones there are,
 * a non-numeric cell named by its row (counting the header as row 1, as a spreadsheet does) and
 * column. Empty cells and NA / NaN / null are missing values (NaN), for the missing-value policy.
 */
import { DataError } from '../errors.js';

export interface Table {
  /** Column names in file order. */
  names: string[];
  /** Cells by column, one per data row. */
  columns: Record<string, string[]>;
  rows: number;
  /** Where it came from, for messages. */
  source: string;
}

const MISSING = new Set(['', 'na', 'nan', 'null', 'n/a']);

/** A table from header + data records (as a CSV parser returns them). */
export function tableFromRecords(records: string[][], source: string): Table {
  const [header, ...data] = records;
  if (header === undefined || header.length === 0) throw new DataError(source, 'the file has no header row.');
  const names = header.map((h) => h.trim());
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new DataError(source, `column '${duplicate}' appears twice in the header.`);
  const columns: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  data.forEach((record, i) => {
    if (record.length !== names.length)
      throw new DataError(source, `row ${i + 2} has ${record.length} cells; the header has ${names.length}.`);
    names.forEach((n, j) => (columns[n] as string[]).push(record[j] as string));
  });
  return { names, columns, rows: data.length, source };
}

/** A table from JSON rows (an array of objects, as vega-datasets ships them). */
export function tableFromJsonRows(rows: unknown, source: string): Table {
  if (!Array.isArray(rows) || rows.length === 0 || typeof rows[0] !== 'object' || rows[0] === null)
    throw new DataError(source, 'expected a JSON array of row objects, e.g. [{"date": "2020-01", "sales": 3}, …].');
  const names = Object.keys(rows[0] as object);
  const records = rows.map((r, i) => {
    if (typeof r !== 'object' || r === null) throw new DataError(source, `row ${i + 1} is not an object.`);
    return names.map((n) => {
      const v = (r as Record<string, unknown>)[n];
      return v === null || v === undefined ? '' : String(v);
    });
  });
  return tableFromRecords([names, ...records], source);
}

export function column(table: Table, name: string): string[] {
  const cells = table.columns[name];
  if (cells === undefined)
    throw new DataError(table.source, `no column '${name}'. The columns are: ${table.names.join(', ')}.`);
  return cells;
}

/** A column as numbers; missing cells become NaN, anything else non-numeric is an error. */
export function numericColumn(table: Table, name: string): Float64Array {
  return Float64Array.from(column(table, name), (cell, i) => {
    const text = cell.trim();
    if (MISSING.has(text.toLowerCase())) return Number.NaN;
    const v = Number(text);
    if (!Number.isFinite(v))
      throw new DataError(
        table.source,
        `row ${i + 2}, column '${name}': '${cell}' is not a number.`,
        'leave the cell empty (or NA) if the value is missing.',
      );
    return v;
  });
}
