/**
 * The Theta method against statsmodels 0.13.5 (test/fixtures/theta_reference.json, made by
 * test/fixtures/make_theta_reference.py): CO2 and construction unemployment (multiplicative
 * deseasonalising), manufacturing unemployment and white noise (the test at lag 12 does not
 * reject) and a series crossing zero with period 7 (additive). Forecasts within 1e-4 relative,
 * α within 1e-3 of statsmodels' L-BFGS answer and 1e-6 of the exact minimiser, the slope, indices
 * and test statistic to rounding. Where the test does not reject, the fixture's forecast leaves
 * out the 1 that statsmodels 0.13.5 adds (its issue #8661). Also the seasonal naive forecast with
 * drift against its formula in numpy, its shortest history, and the errors of both.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { baselineForecast } from '../../src/forecast/baselines.js';
import { fitTheta, forecastTheta, thetaSeasonalityStatistic } from '../../src/stats/theta.js';

interface ThetaCase {
  name: string;
  period: number;
  h: number;
  n: number;
  method: 'additive' | 'multiplicative' | 'none';
  alpha: number;
  alphaExact: number;
  b0: number;
  seasonal: number[];
  statistic: number;
  forecast: number[];
  statsmodelsForecast: number[];
  y?: number[];
  file?: string;
  column?: string;
  series?: string;
  field?: string;
  count?: number;
  first?: number[];
}

interface Fixture {
  cases: ThetaCase[];
  seasonalNaiveDrift: { case: string; period: number; h: number; forecast: number[] };
}

const fixture = JSON.parse(readFileSync('test/fixtures/theta_reference.json', 'utf8')) as Fixture;
const DATA = 'node_modules/vega-datasets/data/';

/** The series of a case: inline, a CSV column, or one industry of the unemployment JSON in date order. */
function seriesOf(c: ThetaCase): number[] {
  if (c.y !== undefined) return c.y;
  const text = readFileSync(DATA + (c.file as string), 'utf8');
  let values: number[];
  if (c.column !== undefined) {
    const lines = text.trim().split(/\r?\n/);
    const column = (lines[0] as string).split(',').indexOf(c.column);
    values = lines.slice(1).map((line) => Number(line.split(',')[column]));
  } else {
    const rows = (JSON.parse(text) as Record<string, unknown>[])
      .filter((r) => r.series === c.series)
      .sort((a, b) => String(a.date).localeCompare(String(b.date)));
    values = rows.map((r) => r[c.field as string] as number);
  }
  values = values.slice(0, c.count);
  assert.equal(values.length, c.n, `${c.name}: read ${values.length} values, the fixture has ${c.n}`);
  assert.deepEqual(values.slice(0, 3), c.first, `${c.name}: the first values read differ from the fixture's`);
  return values;
}

function relativeGap(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

function assertRelative(actual: ArrayLike<number>, expected: number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  let worst = 0;
  let worstAt = 0;
  for (let i = 0; i < expected.length; i++) {
    const gap = relativeGap(actual[i] as number, expected[i] as number);
    if (!(gap <= worst)) {
      worst = gap;
      worstAt = i;
    }
  }
  assert.ok(
    worst <= tolerance,
    `${what}: value ${worstAt} is ${actual[worstAt]}, expected ${expected[worstAt]} (relative gap ${worst.toExponential(2)} > ${tolerance})`,
  );
}

describe('Theta method against statsmodels 0.13.5', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: n = ${c.n}, m = ${c.period}, ${c.method}`, () => {
      const y = seriesOf(c);
      assertRelative([thetaSeasonalityStatistic(y, c.period)], [c.statistic], 1e-9, `${c.name} statistic`);
      const fit = fitTheta(y, c.period);
      assert.equal(fit.method, c.method);
      assert.equal(fit.n, c.n);
      assert.equal(fit.period, c.period);
      assert.equal(fit.theta, 2);
      assertRelative(fit.seasonal, c.seasonal, 1e-10, `${c.name} seasonal indices`);
      assertRelative([fit.slope], [c.b0], 1e-9, `${c.name} b0`);
      const alphaGap = Math.abs(fit.alpha - c.alpha);
      assert.ok(
        alphaGap <= 1e-3,
        `${c.name}: alpha ${fit.alpha} is ${alphaGap.toExponential(2)} from statsmodels' ${c.alpha} (allowed 1e-3)`,
      );
      const exactGap = Math.abs(fit.alpha - c.alphaExact);
      assert.ok(
        exactGap <= 1e-6,
        `${c.name}: alpha ${fit.alpha} is ${exactGap.toExponential(2)} from scipy's minimiser ${c.alphaExact} (allowed 1e-6)`,
      );
      assertRelative(forecastTheta(fit, c.h), c.forecast, 1e-4, `${c.name} forecast`);
      if (c.method === 'none') {
        // the fixture's forecast is statsmodels' less the 1 that 0.13.5 adds when nothing is deseasonalised
        assertRelative(
          c.statsmodelsForecast.map((v) => v - 1),
          c.forecast,
          1e-12,
          `${c.name} statsmodels' raw forecast − 1`,
        );
      }
    });
  }

  it('theta = 1 gives the SES forecast alone; a larger theta moves the forecast along the slope', () => {
    const y = (fixture.cases.find((c) => c.name === 'no-season') as ThetaCase).y as number[];
    const ses = fitTheta(y, 12, { theta: 1 });
    assert.equal(ses.method, 'none');
    assert.deepEqual([...forecastTheta(ses, 3)], [ses.level, ses.level, ses.level]);
    const four = forecastTheta(fitTheta(y, 12, { theta: 4 }), 2);
    const two = forecastTheta(fitTheta(y, 12), 2);
    const offset = 1 / ses.alpha - (1 - ses.alpha) ** y.length / ses.alpha;
    assertRelative(
      [(four[1] as number) - (two[1] as number)],
      [(0.75 - 0.5) * ses.slope * (1 + offset)],
      1e-9,
      'theta',
    );
  });

  it('refuses a short series (saying how many values it needs), missing values and bad options', () => {
    const y = Array.from({ length: 30 }, (_, t) => 10 + Math.sin(t));
    assert.throws(
      () => fitTheta(y.slice(0, 23), 12),
      /fitTheta: the Theta method needs at least 24 values \(two full periods of 12 .*\); the series has 23\./,
    );
    assert.doesNotThrow(() => fitTheta(y.slice(0, 24), 12));
    assert.throws(() => fitTheta([1, 2], 1), /needs at least 3 values.*the series has 2\./);
    assert.throws(
      () => fitTheta([...y.slice(0, 5), Number.NaN, ...y.slice(6)], 4),
      /value 5 of the series is NaN; fill or drop missing values first\./,
    );
    assert.throws(() => fitTheta(y, 0), /period must be an integer >= 1, got 0\./);
    assert.throws(() => fitTheta(y, 2.5), /period must be an integer >= 1, got 2\.5\./);
    assert.throws(() => fitTheta(y, 4, { theta: 0.5 }), /theta must be a number in \[1, .*\], got 0\.5\./);
    assert.throws(() => fitTheta(y.slice(0, 5), 4, {}, 'myModel'), /^DataError: myModel: /);
    assert.throws(() => forecastTheta(fitTheta(y, 4), 0), /forecastTheta: h must be an integer >= 1, got 0\./);
  });
});

describe('seasonal naive with drift', () => {
  it('matches the formula computed in numpy on the CO2 case', () => {
    const spec = fixture.seasonalNaiveDrift;
    const y = seriesOf(fixture.cases.find((c) => c.name === spec.case) as ThetaCase);
    const forecast = baselineForecast('seasonal-naive-drift', y, spec.h, spec.period);
    for (let i = 0; i < spec.h; i++)
      assert.ok(
        Math.abs((forecast[i] as number) - (spec.forecast[i] as number)) <= 1e-9,
        `step ${i + 1}: ${forecast[i]}, numpy ${spec.forecast[i]}`,
      );
  });

  it('works from m + 1 values (one seasonal difference) and refuses m', () => {
    // m = 3: the one difference is 7 − 1 = 6, so every step adds 6 per period ahead to the last period 2, 3, 7
    assert.deepEqual([...baselineForecast('seasonal-naive-drift', [1, 2, 3, 7], 7, 3)], [8, 9, 13, 14, 15, 19, 20]);
    assert.throws(
      () => baselineForecast('seasonal-naive-drift', [1, 2, 3], 2, 3),
      /baselineForecast: the seasonal-naive-drift forecast needs at least 4 past value\(s\); the history has 3\./,
    );
    assert.throws(() => baselineForecast('seasonal-naive-drift', [1, 2, 3], 2, 0), /m must be an integer >= 1, got 0/);
  });
});
