/**
 * CSV files as tables (src/data/table.ts), parsed by csv-parse (RFC 4180: quotes, embedded commas
 * and newlines); a file whose name ends in .tsv is read with tabs between the fields.
 */
import { parse } from 'csv-parse/sync';
import { cutText, LISTED_NAMES } from '../data/cell-text.js';
import { checkHeaderWidth, type Table, tableFromRecords } from '../data/table.js';
import { DataError } from '../errors.js';
import { readTextFile } from './files.js';

/**
 * The fields of the first non-empty line, counted outside quotes, and the first few of them (raw):
 * one linear pass, so that a header too wide is refused before the parser spends seconds on it.
 */
function firstRecordWidth(text: string, delimiter: string): { count: number; first: string[] } {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (text[i] === '\n' || text[i] === '\r') i++;
  const first: string[] = [];
  let count = 1;
  let fieldStart = i;
  let quoted = false;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"')
      quoted = !quoted; // an escaped quote ("") toggles twice
    else if (!quoted && (ch === delimiter || ch === '\n' || ch === '\r')) {
      if (first.length < LISTED_NAMES) first.push(text.slice(fieldStart, i).replace(/^"|"$/g, ''));
      if (ch !== delimiter) return { count, first };
      count++;
      fieldStart = i + 1;
    }
  }
  if (first.length < LISTED_NAMES) first.push(text.slice(fieldStart).replace(/^"|"$/g, ''));
  return { count, first };
}

/** A table from CSV text (fields separated by `delimiter`, a comma by default). */
export function parseCsv(text: string, source = 'CSV', delimiter = ','): Table {
  const header = firstRecordWidth(text, delimiter);
  checkHeaderWidth(header.count, header.first, source);
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, delimiter }) as string[][];
  } catch (e) {
    // the parser's message can quote a whole field: cut it to a line
    throw new DataError(source, `the CSV cannot be read: ${cutText((e as Error).message, 240)}`);
  }
  return tableFromRecords(records, source);
}

/** A CSV file as a table; a name ending in .tsv is read tab-separated. */
export function readCsvFile(path: string): Table {
  return parseCsv(readTextFile(path, 'readCsvFile'), path, path.toLowerCase().endsWith('.tsv') ? '\t' : ',');
}
