/**
 * Tables against hostile files (issue 17): column names that are Object.prototype's own names,
 * strict numeric cells, and a header or a cell too large, each refused with a message that quotes
 * at most 80 characters of a cell and a few names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/errors.js';
import {
  column,
  MAX_CELL_CHARACTERS,
  MAX_COLUMNS,
  numericColumn,
  tableFromJsonRows,
  tableFromRecords,
} from '../../src/data/table.js';
import { parseCsv } from '../../src/node/csv.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', '__defineGetter__'];

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a DataError');
}

describe('tables: column names', () => {
  it("Object.prototype's names are ordinary columns, in CSV and in JSON rows", () => {
    const t = parseCsv(`${PROTOTYPE_NAMES.join(',')}\n1,2,3,4,5,6\n7,8,9,10,11,12\n`, 'proto.csv');
    assert.deepEqual(t.names, PROTOTYPE_NAMES);
    PROTOTYPE_NAMES.forEach((name, j) => assert.deepEqual([...numericColumn(t, name)], [j + 1, j + 7], name));
    const rows = JSON.parse('[{"__proto__": 1, "constructor": "a"}, {"__proto__": 2, "constructor": "b"}]') as unknown;
    const j = tableFromJsonRows(rows, 'proto.json');
    assert.deepEqual(j.names, ['__proto__', 'constructor']);
    assert.deepEqual([...numericColumn(j, '__proto__')], [1, 2]);
    assert.deepEqual(column(j, 'constructor'), ['a', 'b']);
  });

  it('a prototype name that is not a column is a missing column, not a crash', () => {
    const t = parseCsv('date,sales\n2020-01,3\n', 'shop.csv');
    for (const name of PROTOTYPE_NAMES)
      assert.equal(
        refusal(() => column(t, name)),
        `shop.csv: no column '${name}'. The columns are: date, sales.`,
      );
    // a JSON row without the first row's key reads as missing, not as Object.prototype's member
    const j = tableFromJsonRows(JSON.parse('[{"toString": 1}, {}]') as unknown, 'rows.json');
    assert.deepEqual(column(j, 'toString'), ['1', '']);
  });

  it('a duplicate name is found in linear time and quoted cut', () => {
    const long = 'n'.repeat(500);
    assert.match(
      refusal(() => tableFromRecords([['a', long, 'b', long]], 'dup.csv')),
      /^dup\.csv: column 'n{80}…' \(500 characters\) appears twice in the header\.$/,
    );
    const wide = Array.from({ length: MAX_COLUMNS }, (_, i) => `c${i}`);
    const started = performance.now();
    assert.equal(tableFromRecords([wide, wide], 'wide.csv').names.length, MAX_COLUMNS);
    assert.ok(performance.now() - started < 2000, 'the header check is linear');
  });
});

describe('tables: size caps', () => {
  it('a 1.45-million-column header is refused at once, naming a few columns only (issue 17)', () => {
    const header = Array.from({ length: 1_450_000 }, (_, i) => `c${i}`).join(',');
    const started = performance.now();
    const message = refusal(() => parseCsv(`${header}\n`, 'wide.csv'));
    assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
    assert.equal(
      message,
      'wide.csv: the header has 1,450,000 columns (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, …); at most 100,000 are read. Hint: check the delimiter and the first line of the file.',
    );
    // quoted commas are not separators
    assert.deepEqual(parseCsv('"a,b",c\n1,2\n', 'q.csv').names, ['a,b', 'c']);
  });

  it('a cell over the cap is refused, quoting its first 80 characters', () => {
    const cell = 'x'.repeat(MAX_CELL_CHARACTERS + 1);
    const message = refusal(() => parseCsv(`text,label\n"${cell}",a\n`, 'long.csv'));
    assert.match(
      message,
      /^long\.csv: row 2, column 'text': the cell 'x{80}…' \(1,000,001 characters\) is longer than 1,000,000 characters\./,
    );
    assert.ok(message.length < 400);
    assert.match(
      refusal(() => parseCsv(`${cell},b\n1,2\n`, 'h.csv')),
      /^h\.csv: header name 1: the cell 'x{80}…'/,
    );
  });

  it('a parser error quoting a long field is cut to a line', () => {
    const message = refusal(() => parseCsv(`a,b\n1,"${'y'.repeat(1000)}\n`, 'open.csv'));
    assert.match(message, /^open\.csv: the CSV cannot be read: /);
    assert.ok(message.length < 400, message);
  });
});

describe('tables: numeric cells are strict decimals', () => {
  it('hex, binary and Infinity are not numbers; 1e309 is out of range, not "not a number" (issue 17)', () => {
    const t = parseCsv('y\n0x10\n0b11\nInfinity\n1e309\n', 'n.csv');
    const cell = (row: string): string => refusal(() => numericColumn(parseCsv(`y\n${row}\n`, 'n.csv'), 'y'));
    assert.match(
      cell('0x10'),
      /row 2, column 'y': '0x10' is not a decimal number \(hex, binary and octal literals are not read\)/,
    );
    assert.match(cell('0b11'), /'0b11' is not a decimal number/);
    assert.match(cell('Infinity'), /'Infinity' is not a number/);
    assert.match(cell('1e309'), /row 2, column 'y': '1e309' is out of the range of a double/);
    assert.doesNotMatch(cell('1e309'), /not a number/);
    assert.equal(t.rows, 4);
  });

  it('an empty cell (or NA) is a missing value, spaces around a number are not part of it', () => {
    const y = numericColumn(parseCsv('y,z\n,1\n NA ,2\n 8 ,3\n-2.5e1,4\n', 's.csv'), 'y');
    assert.ok(Number.isNaN(y[0] as number) && Number.isNaN(y[1] as number));
    assert.deepEqual([...y.subarray(2)], [8, -25]);
  });

  it('a long bad cell is quoted cut to 80 characters', () => {
    const message = refusal(() => numericColumn(parseCsv(`y\n${'z'.repeat(5000)}\n`, 'n.csv'), 'y'));
    assert.match(message, /^n\.csv: row 2, column 'y': 'z{80}…' \(5,000 characters\) is not a number\./);
  });
});
