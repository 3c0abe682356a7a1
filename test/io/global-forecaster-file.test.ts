/**
 * Global forecaster model files (src/io/global-forecaster-file.ts): the members of one
 * Forecaster.fitGlobal saved together load to the same forecasts for every series, one network
 * shared again; damaged entries are refused naming the
 * field (a series' negated scale, a repeated id, an unknown field, a missing series column), and
 * the single-series loader names the right one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelFileError } from '../../src/errors.js';
import { decodeForecaster } from '../../src/io/forecaster-file.js';
import { decodeGlobalForecaster, encodeGlobalForecaster } from '../../src/io/global-forecaster-file.js';
import { encodeContainer } from '../../src/io/model-container.js';
import { prepareSeries, tableFromRecords } from '../../src/index.js';
import { Forecaster } from '../../src/models/forecaster.js';
import { Rng } from '../../src/rng.js';

const month = (r: number): string => new Date(Date.UTC(2000, r, 1)).toISOString().slice(0, 10);

/** Three monthly series of different levels and amplitudes, 72 rows each. */
const tables = [5, 50, 500].map((level, s) => {
  const rng = new Rng(10 + s);
  const rows = Array.from({ length: 72 }, (_, r) => [
    month(r),
    (level * (1 + 0.2 * Math.sin((2 * Math.PI * r) / 12)) + 0.01 * level * rng.normal()).toFixed(4),
  ]);
  return tableFromRecords([['date', 'y'], ...rows], `series ${s}`);
});
const spec = { timeColumn: 'date', targets: ['y'], features: [], calendar: [], missing: 'error' as const };
const series = tables.map((t) => prepareSeries(t, spec));
const options = { timeColumn: 'date', targets: ['y'], lookback: 12, horizon: 3 };
const members = Forecaster.fitGlobal(
  series,
  options,
  series.map((s) => s.N),
  { epochs: 3, seed: 2 },
);
const ids = ['small', 'medium', 'large'];
const model = { seriesColumn: 'industry', series: new Map(ids.map((id, i) => [id, members[i] as Forecaster])) };

/** The model's file with its metadata entries changed. */
function edited(entries: Record<string, unknown>): Uint8Array {
  const first = members[0] as Forecaster;
  // no lags: the config is written without them, as encodeGlobalForecaster does
  return encodeContainer(first.network.arena, {
    config: { type: 'global-forecaster', ...first.config, lags: undefined, seriesColumn: 'industry' },
    series: ids.map((id, i) => ({
      id,
      encoding: (members[i] as Forecaster).encoding,
      calibration: (members[i] as Forecaster).calibrator?.state ?? null,
    })),
    ...entries,
  });
}

describe('global forecaster model files', () => {
  it('load to the same forecasts for every series, one network shared', () => {
    const bytes = encodeGlobalForecaster(model);
    const loaded = decodeGlobalForecaster(bytes);
    assert.equal(loaded.seriesColumn, 'industry');
    assert.deepEqual([...loaded.series.keys()], ids);
    ids.forEach((id, i) => {
      const f = loaded.series.get(id) as Forecaster;
      assert.equal(f.network, (loaded.series.get('small') as Forecaster).network);
      assert.deepEqual(
        f.forecast(f.prepare(tables[i] as never)),
        (members[i] as Forecaster).forecast(series[i] as never),
      );
    });
    // the series' own scales are what tell them apart: the large one forecasts near 500
    const large = loaded.series.get('large') as Forecaster;
    assert.ok(Math.abs((large.forecast(series[2] as never).targets[0]?.median[0] ?? 0) - 500) < 150);
  });

  it('refuse damaged entries, naming the field, and point the single-series loader here', () => {
    const one = (members[1] as Forecaster).encoding;
    const series = (changes: (entry: Record<string, unknown>, i: number) => Record<string, unknown>): unknown[] =>
      ids.map((id, i) =>
        changes(
          {
            id,
            encoding: (members[i] as Forecaster).encoding,
            calibration: (members[i] as Forecaster).calibrator?.state ?? null,
          },
          i,
        ),
      );
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { series: series((e, i) => (i === 1 ? { ...e, encoding: { ...one, targetScale: [-1] } } : e)) },
        /series\[1\]\.encoding\.targetScale/,
      ],
      [{ series: series((e, i) => (i === 2 ? { ...e, id: 'small' } : e)) }, /series\[2\]\.id.*small/],
      [{ series: series((e, i) => (i === 0 ? { ...e, weights: 1 } : e)) }, /series\[0\].*free of unknown fields/],
      [{ series: [] }, /series/],
      [
        { config: { type: 'global-forecaster', ...(members[0] as Forecaster).config, lags: undefined } },
        /seriesColumn/,
      ],
    ];
    for (const [entries, message] of cases)
      assert.throws(
        () => decodeGlobalForecaster(edited(entries)),
        (e: unknown) => e instanceof ModelFileError && message.test((e as Error).message),
        JSON.stringify(entries).slice(0, 120),
      );
    assert.throws(
      () => decodeForecaster(encodeGlobalForecaster(model)),
      (e: unknown) => e instanceof ModelFileError && /loadGlobalForecaster/.test((e as Error).message),
    );
  });
});
