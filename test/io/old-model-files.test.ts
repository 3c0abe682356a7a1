/**
 * Model files written by release 0.1.0 (test/fixtures/model-files-v0.1.0.md) still load, and the
 * models they hold compute what they computed then: the language model generates the same text
 * from the same seed and scores a text the same; the classifier, tagger and forecaster give the
 * same probabilities and forecasts. Recorded on the reference kernels in float32.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RefKernels } from '../../src/kernels/index.js';
import { parseCsv } from '../../src/node/csv.js';
import { loadClassifier, loadTagger } from '../../src/node/classify-files.js';
import { loadCheckpoint } from '../../src/node/files.js';
import { loadForecaster } from '../../src/node/forecast-files.js';

const DIR = 'test/fixtures/';

interface Recorded {
  languageModel: { generation: string; nats: number; step: number };
  classifier: { texts: string[]; probabilities: number[][] };
  tagger: { texts: string[]; probabilities: number[][][] };
  forecaster: { times: number[]; median: number[]; lower: number[]; upper: number[] };
}

const recorded = JSON.parse(readFileSync(`${DIR}model-files-v0.1.0.json`, 'utf8')) as Recorded;

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} against ${e} recorded`);
  }
}

describe('model files of release 0.1.0', () => {
  const k = new RefKernels();

  it('the language model (a checkpoint with its training state) generates and scores as it did', () => {
    const { model: lm, training } = loadCheckpoint(`${DIR}lm-v0.1.0.lstm`, k);
    const expected = recorded.languageModel;
    assert.equal(lm.generate({ prime: 'First ', length: 80, temperature: 0.8, seed: 7 }).text, expected.generation);
    const nats = lm.evaluate('First Citizen:\nBefore we proceed any further, hear me speak.\n').nats;
    assertClose([nats], [expected.nats], 'nats');
    assert.equal(training?.state.step, expected.step);
  });

  it('the classifier and the tagger give the same probabilities', () => {
    const classifier = loadClassifier(`${DIR}classifier-v0.1.0.lstm`, k);
    const c = recorded.classifier;
    classifier.predictProba(c.texts).forEach((p, i) => assertClose(p, c.probabilities[i] as number[], `text ${i}`));
    const tagger = loadTagger(`${DIR}tagger-v0.1.0.lstm`, k);
    const t = recorded.tagger;
    tagger
      .predictProba(t.texts)
      .forEach((steps, i) =>
        steps.forEach((p, s) =>
          assertClose(p, (t.probabilities[i] as number[][])[s] as number[], `text ${i} step ${s}`),
        ),
      );
  });

  it('the forecaster continues the series as it did', () => {
    const forecaster = loadForecaster(`${DIR}forecaster-v0.1.0.lstm`, k);
    const table = parseCsv(readFileSync(`${DIR}model-files-sales.csv`, 'utf8'));
    const f = forecaster.forecast(table);
    const target = f.targets[0];
    assert.ok(target !== undefined);
    assert.deepEqual(f.times, recorded.forecaster.times);
    assertClose(target.median, recorded.forecaster.median, 'median');
    assertClose(target.lower, recorded.forecaster.lower, 'lower');
    assertClose(target.upper, recorded.forecaster.upper, 'upper');
  });
});
