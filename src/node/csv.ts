/** CSV files as tables (src/data/table.ts), parsed by csv-parse (RFC 4180: quotes, embedded commas and newlines). */
import { parse } from 'csv-parse/sync';
import { cutText } from '../data/cell-text.js';
import { type Table, tableFromRecords } from '../data/table.js';
import { DataError } from '../errors.js';
import { readTextFile } from './files.js';

export function parseCsv(text: string, source = 'CSV'): Table {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (e) {
    // the parser's message can quote a whole field: cut it to a line
    throw new DataError(source, `the CSV cannot be read: ${cutText((e as Error).message, 240)}`);
  }
  return tableFromRecords(records, source);
}

export function readCsvFile(path: string): Table {
  return parseCsv(readTextFile(path, 'readCsvFile'), path);
}
