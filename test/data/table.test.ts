/**
 * Tables from CSV and JSON: quoted cells, missing values, and errors that name the row or column;
 * the built-in CO2 series from vega-datasets reads as expected (with its missing months).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { column, numericColumn, tableFromJsonRows } from '../../src/data/table.js';
import { parseCsv } from '../../src/node/csv.js';
import { vegaDatasetPath } from '../../src/node/datasets.js';

describe('tables', () => {
  it('CSV: quoted cells with commas, a BOM, empty and NA cells as missing values', () => {
    const t = parseCsv(
      '\ufeffdate,sales,"note, free text"\n2020-01,3,"a, b"\n2020-02,,x\n2020-03,NA,"say ""hi"""\n',
      'shop.csv',
    );
    assert.deepEqual(t.names, ['date', 'sales', 'note, free text']);
    assert.equal(t.rows, 3);
    assert.deepEqual(column(t, 'note, free text'), ['a, b', 'x', 'say "hi"']);
    const sales = numericColumn(t, 'sales');
    assert.equal(sales[0], 3);
    assert.ok(Number.isNaN(sales[1] as number) && Number.isNaN(sales[2] as number));
  });

  it('TSV: tabs between the fields, commas inside them kept', () => {
    const t = parseCsv('word\tphones\nread, past\tR EH D\n"tab\tin"\tT AE B\n', 'words.tsv', '\t');
    assert.deepEqual(t.names, ['word', 'phones']);
    assert.deepEqual(column(t, 'word'), ['read, past', 'tab\tin']);
    assert.deepEqual(column(t, 'phones'), ['R EH D', 'T AE B']);
  });

  it('names the missing column, the non-numeric cell (row and column) and a short row', () => {
    const t = parseCsv('date,sales\n2020-01,3\n2020-02,three\n', 'shop.csv');
    assert.throws(() => column(t, 'price'), /shop.csv: no column 'price'. The columns are: date, sales./);
    assert.throws(() => numericColumn(t, 'sales'), /row 3, column 'sales': 'three' is not a number/);
    assert.throws(() => parseCsv('a,b\n1,2\n3\n', 'short.csv'), /row 3 has 1 cells; the header has 2/);
    assert.throws(() => parseCsv('a,a\n1,2\n', 'dup.csv'), /column 'a' appears twice/);
  });

  it('JSON rows become the same table; the wrong shape is refused', () => {
    const t = tableFromJsonRows(
      [
        { t: '2020-01', y: 1.5 },
        { t: '2020-02', y: null },
      ],
      'rows.json',
    );
    assert.deepEqual([...numericColumn(t, 'y')].map(String), ['1.5', 'NaN']);
    assert.throws(() => tableFromJsonRows({ t: 1 }, 'rows.json'), /expected a JSON array of row objects/);
  });

  it('the CO2 series of vega-datasets: monthly from 1958-03, with months missing', () => {
    const path = vegaDatasetPath('co2-concentration.csv');
    const t = parseCsv(readFileSync(path, 'utf8'), path);
    assert.deepEqual(t.names, ['Date', 'CO2', 'adjusted CO2']);
    const dates = column(t, 'Date');
    assert.equal(dates[0], '1958-03-01');
    assert.ok(!dates.includes('1958-06-01'), 'June 1958 is absent from the file');
    const co2 = numericColumn(t, 'CO2');
    assert.ok(co2.every((v) => v > 300 && v < 450));
    assert.ok(t.rows > 700);
  });
});
