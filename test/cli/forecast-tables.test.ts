/**
 * `lstm forecast` on the hostile tables of issue 17, end to end: Object.prototype's names as
 * columns and as an example's name, an integer time column forecast as integer steps, an
 * impossible date and a grid too large refused with one line each, never a stack trace.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-forecast-tables-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function csvFile(name: string, header: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
  return path;
}

const QUICK = ['--lookback', '4', '--horizon', '2', '--test', '6', '--epochs', '1', '--no-chart'];
const months = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);

describe('lstm forecast: hostile tables', () => {
  it('columns named __proto__, constructor and toString forecast like any other', () => {
    const csv = csvFile(
      'proto.csv',
      '__proto__,constructor,toString',
      months(40).map((m, i) => `${m},${10 + (i % 7)},${i % 3}`),
    );
    const r = runCli([
      'forecast',
      '--csv',
      csv,
      '--time',
      '__proto__',
      '--target',
      'constructor',
      '--features',
      'toString',
      ...QUICK,
      '--out',
      join(dir, 'p'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /40 rows of 1 month from 2000-01-01 to 2003-04-01/);
    const missing = runCli(['forecast', '--csv', csv, '--time', '__proto__', '--target', 'hasOwnProperty', ...QUICK]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no column 'hasOwnProperty'\. The columns are: __proto__, constructor, toString\./);
    const example = runCli(['forecast', '--example', 'constructor']);
    assert.equal(example.code, 2);
    assert.match(example.stderr, /unknown example 'constructor'\. Known: co2, seattle, unemployment\./);
  });

  it('an integer time column is forecast as integer steps (issue 17: 1-12 are not months of 2001)', () => {
    const csv = csvFile(
      'steps.csv',
      't,y',
      Array.from({ length: 40 }, (_, i) => `${i + 1},${10 + (i % 5)}`),
    );
    const r = runCli(['forecast', '--csv', csv, '--time', 't', '--target', 'y', ...QUICK, '--out', join(dir, 's')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /40 rows of 1 integer step from 1 to 40/);
    assert.match(r.stdout, /\| 41 \| [\d.-]+ \|/);
    assert.match(r.stdout, /\| 42 \| [\d.-]+ \|/);
  });

  it('an impossible date, a grid too large and a hex cell: one clear line each', () => {
    const feb30 = csvFile('feb30.csv', 'd,y', ['2000-02-28,1', '2000-02-30,2', '2000-03-01,3']);
    const a = runCli(['forecast', '--csv', feb30, '--time', 'd', '--target', 'y', ...QUICK]);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /row 3, column 'd': '2000-02-30' is not a date/);
    const spike = csvFile('spike.csv', 't,y', [
      '2000-01-01T00:00:00Z,1',
      '2000-01-01T00:00:01Z,2',
      '2020-01-01T00:00:00Z,3',
    ]);
    const b = runCli(['forecast', '--csv', spike, '--time', 't', '--target', 'y', ...QUICK]);
    assert.equal(b.code, 1);
    assert.match(
      b.stderr,
      /the smallest step between rows is 1 second .* a regular grid of 631,152,001 steps for 3 rows/,
    );
    const hex = csvFile(
      'hex.csv',
      'd,y',
      months(30).map((m, i) => `${m},${i === 5 ? '0x10' : i}`),
    );
    const c = runCli(['forecast', '--csv', hex, '--time', 'd', '--target', 'y', ...QUICK]);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /row 7, column 'y': '0x10' is not a decimal number/);
    for (const run of [a, b, c]) assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });
});
