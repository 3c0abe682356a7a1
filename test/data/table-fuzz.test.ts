/**
 * A seeded property run over hostile CSV text (issue 17): headers with Object.prototype's names,
 * cells that are dates real and impossible, integers, decimals, hex, padded and empty values, stray
 * quotes. Reading the table, its numeric columns and its series must end in a result or one of
 * the project's errors, never a TypeError or RangeError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { prepareSeries } from '../../src/data/series.js';
import { column, numericColumn } from '../../src/data/table.js';
import { LstmError } from '../../src/errors.js';
import { parseCsv } from '../../src/node/csv.js';

const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'date', 'y', 'y ', ''];
const CELLS = fc.oneof(
  fc.constantFrom('', 'NA', '0x10', ' 8', '1e309', '-1e309', 'Infinity', '"', '""', 'a,b', '2000-02-30', '2000-02-29'),
  fc.constantFrom('2020-01', '2020-13', '2020-01-01T24:00', '1', '12', '1958', '99999999999999999999'),
  fc.integer({ min: -5, max: 3000 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom(...NAMES),
  fc.string({ maxLength: 6 }),
);

/** The outcome of one step: a value, or one of the project's errors (anything else fails the run). */
function attempt(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof LstmError, `a non-project error: ${String(e)}`);
  }
}

describe('tables: seeded fuzz', () => {
  it('hostile CSV text ends in a table, a series or a project error', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 }),
        fc.array(fc.array(CELLS, { minLength: 1, maxLength: 4 }), { maxLength: 30 }),
        fc.boolean(),
        (header, rows, sorted) => {
          const records = sorted ? [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0]))) : rows;
          const text = [header, ...records].map((r) => r.join(',')).join('\n');
          let table;
          try {
            table = parseCsv(text, 'fuzz.csv');
          } catch (e) {
            assert.ok(e instanceof LstmError, `a non-project error: ${String(e)}`);
            return;
          }
          for (const name of [...table.names, 'constructor', '__proto__']) {
            attempt(() => column(table, name));
            attempt(() => numericColumn(table, name));
          }
          const [time, target] = table.names;
          if (time !== undefined && target !== undefined && time !== target)
            for (const missing of ['interpolate', 'skip'] as const)
              attempt(() =>
                prepareSeries(table, { timeColumn: time, targets: [target], features: [], calendar: [], missing }),
              );
        },
      ),
      { seed: 17, numRuns: 400 },
    );
  });
});
