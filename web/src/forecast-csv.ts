/**
 * CSV text → the library's Table, in the worker, read as `lstm forecast --csv` and `lstm classify
 * --csv` read files (src/node/csv.ts): csv-parse's browser build with a BOM allowed, blank lines
 * skipped, and a row of the wrong width left for tableFromRecords to name. A name ending in .tsv
 * is read tab-separated. Also the columns a view preselects: the first time-like and the first
 * numeric column.
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { cutText, DataError, parseIsoTime, readDecimal, type Table, tableFromRecords } from 'lstm';

/** The table of CSV `text`; `source` (the file's name) starts every error message about it. */
export function parseCsvTable(text: string, source: string): Table {
  const delimiter = source.toLowerCase().endsWith('.tsv') ? '\t' : ',';
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, delimiter }) as string[][];
  } catch (e) {
    // the parser's message can quote a whole field: cut it to a line
    throw new DataError(source, `the CSV cannot be read: ${cutText((e as Error).message, 240)}`);
  }
  return tableFromRecords(records, source);
}

/** The first non-missing cell of a column, trimmed ('' when there is none). */
function firstCell(table: Table, name: string): string {
  const cells = table.columns[name] ?? [];
  return (cells.find((c) => c.trim() !== '') ?? '').trim();
}

const isNumber = (cell: string): boolean => readDecimal(cell).ok;
const isTime = (cell: string): boolean => !Number.isNaN(parseIsoTime(cell)) || /^-?\d+$/.test(cell);

/** A guess at the time column (ISO dates or integers) and the target (the first other numeric column). */
export function guessSeriesColumns(table: Table): { time: string; target: string } {
  const time = table.names.find((n) => isTime(firstCell(table, n))) ?? table.names[0] ?? '';
  const target = table.names.find((n) => n !== time && isNumber(firstCell(table, n))) ?? table.names[1] ?? time;
  return { time, target };
}
