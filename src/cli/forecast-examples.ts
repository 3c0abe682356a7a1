/**
 * The built-in examples of `lstm forecast` (all from the vega-datasets package): their files, the
 * options that suit them and their held-out rows, and how each table is read.
 */
import { type ForecasterOptions, type Table, tableFromRecords } from '../index.js';
import { readCsvFile, readTextFile, vegaDatasetPath } from '../node/index.js';

/** The built-in examples: their data and the options that suit them. */
export interface Example {
  file: string;
  options: ForecasterOptions;
  test: number;
  stride?: number;
  seriesColumn?: string;
}

export const EXAMPLES: Record<string, Example> = {
  co2: {
    file: 'co2-concentration.csv',
    options: { timeColumn: 'Date', targets: ['CO2'], calendar: ['month'], missing: 'interpolate' },
    test: 60, // the last five years
  },
  seattle: {
    file: 'seattle-weather.csv',
    options: { timeColumn: 'date', targets: ['temp_max'], calendar: ['month'], horizon: 14 },
    test: 365, // the last year, two weeks ahead from every seventh day
    stride: 7,
  },
  unemployment: {
    file: 'unemployment-across-industries.json',
    // the 'trend' reference and a lookback of a year: mean MASE 2.40–2.47 over seeds 1–5, 'ets' 3.3
    options: {
      timeColumn: 'date',
      targets: ['count'],
      calendar: ['month'],
      lookback: 12,
      horizon: 12,
      reference: 'trend',
    },
    test: 24, // the last two years of every series
    seriesColumn: 'series',
  },
};

/**
 * An example's table. The unemployment JSON times its months at 08:00 UTC (not a regular grid of
 * month starts), so its rows are rebuilt from their year and month fields.
 */
export function readExampleTable(file: string): Table {
  const path = vegaDatasetPath(file);
  if (!file.endsWith('.json')) return readCsvFile(path);
  const rows = JSON.parse(readTextFile(path, 'lstm forecast')) as Array<Record<string, unknown>>;
  const month = (r: Record<string, unknown>): string => `${String(r.year)}-${String(r.month).padStart(2, '0')}-01`;
  return tableFromRecords(
    [['series', 'date', 'count'], ...rows.map((r) => [String(r.series), month(r), String(r.count)])],
    file,
  );
}
