/**
 * Exponential smoothing (src/forecast/ets.ts) against statsmodels 0.13 on frozen fits
 * (test/fixtures/ets_reference.json, made by make_ets_reference.py): CO2 (600 monthly values) and
 * the Construction unemployment series with additive, damped and multiplicative-season models, and
 * a random walk with drift without a season. Our least-squares optimum must be at least as good as
 * statsmodels' (SSE ≤ its SSE × 1.001) and our forecasts within 1 % of its at every step; where
 * statsmodels reports an AICc, ours must differ from it by exactly n·ln(our SSE / its SSE) (the
 * same likelihood and parameter count). Then: a simulated ETS(A,A,A) whose parameters are known is
 * recovered, autoEts tells a seasonal series from a trend plus noise, and the spec parser and the
 * errors say what they expected and what they got.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  autoEts,
  type EtsFit,
  type EtsSpec,
  etsName,
  etsStates,
  fitEts,
  forecastEts,
  parseEtsSpec,
} from '../../src/stats/ets.js';
import { Rng } from '../../src/rng.js';

interface ReferenceFit {
  source: string;
  spec: EtsSpec;
  name: string;
  sse: number;
  aicc?: number;
  forecast: number[];
}
interface Fixture {
  statsmodels: string;
  cases: { label: string; y: number[]; fits: ReferenceFit[] }[];
}

const fixture = JSON.parse(readFileSync('test/fixtures/ets_reference.json', 'utf8')) as Fixture;

describe('fitEts against statsmodels', () => {
  for (const c of fixture.cases)
    for (const reference of c.fits)
      it(`${c.label}: ${etsName(reference.spec)} as ${reference.source}`, () => {
        const fit = fitEts(c.y, reference.spec);
        const forecast = forecastEts(fit, reference.forecast.length);
        let worst = 0;
        let worstStep = 0;
        reference.forecast.forEach((expected, i) => {
          const deviation = Math.abs((forecast[i] as number) - expected) / Math.abs(expected);
          if (deviation > worst) [worst, worstStep] = [deviation, i + 1];
        });
        const context = `worst relative deviation ${(100 * worst).toFixed(4)} % at step ${worstStep}; SSE ${fit.sse} vs statsmodels' ${reference.sse}`;
        assert.ok(worst <= 0.01, `forecasts more than 1 % from statsmodels': ${context}`);
        assert.ok(fit.sse <= reference.sse * 1.001, `a worse optimum than statsmodels': ${context}`);
        assert.equal(fit.n, c.y.length);
        if (reference.aicc !== undefined) {
          const expected = reference.aicc + c.y.length * Math.log(fit.sse / reference.sse);
          assert.ok(Math.abs(fit.aicc - expected) < 1e-6, `AICc ${fit.aicc}, expected ${expected}`);
        }
      });
});

describe('fitEts on simulated data', () => {
  /** ETS(A,A,A) with α 0.3, β 0.05, γ 0.2, σ 1: the series and the true states after it. */
  function simulate(seed: number, n: number): { y: number[]; truth: EtsFit } {
    const rng = new Rng(seed);
    const [alpha, beta, gamma, m] = [0.3, 0.05, 0.2, 12];
    let [level, trend] = [100, 0.5];
    const season = Array.from({ length: m }, (_, i) => 10 * Math.sin((2 * Math.PI * (i + 1)) / m));
    const initial = { level, trend, season: Float64Array.from(season) };
    const y: number[] = [];
    for (let t = 0; t < n; t++) {
      const slot = t % m;
      const e = rng.normal();
      y.push(level + trend + (season[slot] as number) + e);
      level += trend + alpha * e;
      trend += beta * e;
      season[slot] = (season[slot] as number) + gamma * e;
    }
    const last = Float64Array.from({ length: m }, (_, i) => season[(n + i) % m] as number);
    const spec: EtsSpec = { trend: 'additive', season: 'additive', period: m };
    return { y, truth: { spec, initial, alpha, beta, gamma, phi: 1, level, trend, season: last, sse: 0, n, aicc: 0 } };
  }

  it('etsStates replays the recursion: from the true initial states to the true final ones, no look-ahead', () => {
    const { y, truth } = simulate(2, 120);
    const states = etsStates(truth, y);
    assert.ok(Math.abs((states.level[119] as number) - truth.level) < 1e-9);
    assert.ok(Math.abs((states.trend[119] as number) - truth.trend) < 1e-9);
    for (let i = 0; i < 12; i++)
      assert.ok(Math.abs((states.seasonAt(119, 120 + i) as number) - (truth.season[i] as number)) < 1e-9);
    // the states at t read y up to t only
    const cut = etsStates(truth, y.slice(0, 61));
    assert.equal(cut.level[60], states.level[60]);
    assert.equal(cut.seasonAt(60, 70), states.seasonAt(60, 70));
    // a fitted model's states after the data are its final states
    const fit = fitEts(y, truth.spec);
    const replay = etsStates(fit, y);
    assert.ok(Math.abs((replay.level[119] as number) - fit.level) < 1e-6 * Math.abs(fit.level));
  });

  it('recovers a known ETS(A,A,A): its parameters, σ² and forecasts close to the true model', () => {
    const { y, truth } = simulate(1, 480);
    const fit = fitEts(y, truth.spec);
    assert.ok(Math.abs(fit.alpha - 0.3) < 0.1, `α ${fit.alpha}`);
    assert.ok(Math.abs(fit.gamma - 0.2) < 0.1, `γ ${fit.gamma}`);
    assert.ok(fit.beta > 0 && fit.beta < 0.15, `β ${fit.beta}`);
    assert.ok(Math.abs(fit.sse / fit.n - 1) < 0.2, `σ² ${fit.sse / fit.n}`);
    const ours = forecastEts(fit, 12);
    const truths = forecastEts(truth, 12);
    const worst = Math.max(...truths.map((v, i) => Math.abs((ours[i] as number) - v)));
    assert.ok(worst < 0.5, `forecasts up to ${worst} (σ = 1) from the true model's`);
  });

  it('keeps the estimates inside the admissible region and the states consistent with the forecast', () => {
    const { y } = simulate(2, 120);
    for (const trend of ['none', 'additive', 'damped'] as const)
      for (const season of ['none', 'additive', 'multiplicative'] as const) {
        const fit = fitEts(y, { trend, season, period: 12 });
        const name = etsName(fit.spec);
        assert.ok(fit.alpha > 0 && fit.alpha < 1, `${name} α ${fit.alpha}`);
        assert.ok(fit.beta >= 0 && fit.beta <= fit.alpha, `${name} β ${fit.beta}`);
        assert.ok(fit.gamma >= 0 && fit.gamma <= 1 - fit.alpha, `${name} γ ${fit.gamma}`);
        assert.ok(trend === 'damped' ? fit.phi >= 0.8 && fit.phi <= 0.98 : fit.phi === 1, `${name} φ ${fit.phi}`);
        assert.equal(fit.season.length, season === 'none' ? 0 : 12, name);
        if (trend === 'none') assert.equal(fit.beta, 0, name);
        if (season === 'none') assert.equal(fit.gamma, 0, name);
        const [first] = forecastEts(fit, 1);
        const expected =
          season === 'none'
            ? fit.level + fit.phi * fit.trend
            : season === 'additive'
              ? fit.level + fit.phi * fit.trend + (fit.season[0] as number)
              : (fit.level + fit.phi * fit.trend) * (fit.season[0] as number);
        assert.ok(Math.abs((first as number) - expected) < 1e-9 * Math.abs(expected), name);
      }
  });
});

describe('autoEts', () => {
  it('picks a seasonal model for a clearly seasonal series, the lowest AICc of all', () => {
    const rng = new Rng(3);
    const y = Array.from({ length: 144 }, (_, t) => 50 + 0.2 * t + 8 * Math.sin((2 * Math.PI * t) / 12) + rng.normal());
    const best = autoEts(y, 12);
    assert.notEqual(best.spec.season, 'none', etsName(best.spec));
    for (const trend of ['none', 'additive', 'damped'] as const)
      for (const season of ['none', 'additive', 'multiplicative'] as const) {
        const other = fitEts(y, { trend, season, period: 12 });
        assert.ok(best.aicc <= other.aicc + 1e-9, `${etsName(other.spec)} has AICc ${other.aicc} < ${best.aicc}`);
      }
  });

  it('picks a model without a season for a trend plus noise, and skips seasons the data do not allow', () => {
    const rng = new Rng(4);
    const y = Array.from({ length: 120 }, (_, t) => 10 + 0.3 * t + rng.normal());
    assert.equal(autoEts(y, 12).spec.season, 'none');
    // 20 values: too short for a monthly season; negative values: no multiplicative season
    assert.equal(autoEts(y.slice(0, 20), 12).spec.season, 'none');
    const shifted = y.map((v, t) => v - 40 + 5 * Math.sin((2 * Math.PI * t) / 4));
    assert.notEqual(autoEts(shifted, 4).spec.season, 'multiplicative');
  });

  it('gives a perfect fit (a constant series) a finite AICc and picks the simplest model', () => {
    const best = autoEts(Array(40).fill(5), 12);
    assert.equal(etsName(best.spec), 'ETS(A,N,N)');
    assert.ok(Number.isFinite(best.aicc) && best.sse < 1e-20, `AICc ${best.aicc}, SSE ${best.sse}`);
    assert.deepEqual([...forecastEts(best, 3)], [5, 5, 5]);
  });

  it('names a series too short for any model', () => {
    assert.throws(
      () => autoEts([1, 2, 3, 4], 12),
      /autoEts: no exponential smoothing model fits this series: ETS\(A,N,N\) needs at least 5 values.*the series has 4/,
    );
  });
});

describe('parseEtsSpec, etsName and the errors', () => {
  it('parses the short names case-insensitively, and etsName writes them back', () => {
    assert.equal(parseEtsSpec('auto', 12), 'auto');
    assert.equal(parseEtsSpec(' AUTO ', 12), 'auto');
    assert.deepEqual(parseEtsSpec('AAdM', 12), { trend: 'damped', season: 'multiplicative', period: 12 });
    assert.deepEqual(parseEtsSpec('aada', 4), { trend: 'damped', season: 'additive', period: 4 });
    assert.deepEqual(parseEtsSpec('ANN', 1), { trend: 'none', season: 'none', period: 1 });
    assert.deepEqual(parseEtsSpec('ETS(A,Ad,N)', 12), { trend: 'damped', season: 'none', period: 12 });
    const names = ['ANN', 'AAN', 'AAdN', 'ANA', 'AAA', 'AAdA', 'ANM', 'AAM', 'AAdM'];
    for (const name of names) {
      const spec = parseEtsSpec(name, 12) as EtsSpec;
      assert.equal(etsName(spec), `ETS(A,${name.slice(1, -1)},${name.slice(-1)})`);
    }
  });

  it('refuses unknown specs and a season without a period, listing what it accepts', () => {
    assert.throws(
      () => parseEtsSpec('MAM', 12),
      /unknown exponential smoothing model "MAM"; expected 'auto' or one of ANN, AAN, AAdN, ANA, AAA, AAdA, ANM, AAM, AAdM/,
    );
    assert.throws(
      () => parseEtsSpec('AAA', 1),
      /ETS\(A,A,A\) has a season, whose period must be an integer in \[2, 52\]; got 1/,
    );
    assert.throws(() => parseEtsSpec('AAA', 2.5), /the period must be an integer >= 1, got 2.5/);
  });

  it('names a series too short, a missing value, and non-positive data for a multiplicative season', () => {
    const y = Array.from({ length: 30 }, (_, t) => 10 + Math.sin(t));
    assert.throws(
      () => fitEts(y.slice(0, 20), { trend: 'additive', season: 'additive', period: 12 }),
      /ETS\(A,A,A\) needs at least 24 values: two full periods \(24 values\) and more values than its 18 parameters \+ 1 \(20\); the series has 20/,
    );
    assert.throws(
      () => fitEts(y.slice(0, 4), { trend: 'none', season: 'none', period: 1 }),
      /ETS\(A,N,N\) needs at least 5 values.*the series has 4/,
    );
    assert.throws(
      () => fitEts([...y.slice(0, 3), Number.NaN, ...y.slice(4)], { trend: 'none', season: 'none', period: 1 }),
      /value 3 of the series is NaN; exponential smoothing needs finite values/,
    );
    const withZero = y.map((v, t) => (t === 7 ? 0 : v));
    assert.throws(
      () => fitEts(withZero, { trend: 'none', season: 'multiplicative', period: 4 }),
      /ETS\(A,N,M\) has a multiplicative season, which needs positive data; value 7 of the series is 0/,
    );
    assert.throws(
      () => fitEts(y, { trend: 'linear' as never, season: 'none', period: 1 }),
      /the trend must be 'none', 'additive' or 'damped'; got "linear"/,
    );
    const fit = fitEts(y, { trend: 'none', season: 'none', period: 1 });
    assert.throws(() => forecastEts(fit, 0), /the horizon h must be an integer >= 1, got 0/);
  });
});
