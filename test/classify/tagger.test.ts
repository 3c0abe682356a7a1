/**
 * Per-step labelling over a long time lag: at every step the label is the last marker symbol seen,
 * which lies 30 to 60 steps back among random distractors. The LSTM tagger learns it; the best
 * classifier that sees only the last w = 10 inputs cannot (computed exactly, not trained: inside
 * the window a marker gives the label away; outside it the window holds only distractors, which
 * are independent of the marker, so no rule beats guessing the most frequent label).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/errors.js';
import { decodeTagger, encodeTagger } from '../../src/io/sequence-model-file.js';
import { classificationReport } from '../../src/loss/classification-metrics.js';
import { SequenceTagger } from '../../src/models/sequence-tagger.js';
import { Rng } from '../../src/rng.js';

const MARKERS = 3; // ids 0 … 2, also the labels
const DISTRACTORS = 8; // ids 3 … 10
const LENGTH = 120;
const WINDOW = 10;

/** A marker every 30–60 steps, distractors between; labels: the last marker so far, −1 before the first. */
function markerTask(rng: Rng, n: number): { inputs: number[][]; labels: number[][] } {
  const inputs: number[][] = [];
  const labels: number[][] = [];
  for (let i = 0; i < n; i++) {
    const [x, y] = [[] as number[], [] as number[]];
    let [next, last] = [rng.int(5), -1];
    for (let t = 0; t < LENGTH; t++) {
      if (t === next) {
        last = rng.int(MARKERS);
        next = t + 30 + rng.int(31);
        x.push(last);
      } else x.push(MARKERS + rng.int(DISTRACTORS));
      y.push(last);
    }
    inputs.push(x);
    labels.push(y);
  }
  return { inputs, labels };
}

/** The best window-limited prediction: the last marker within the window, else the most frequent label. */
function windowBaseline(inputs: number[][], majority: number): number[][] {
  return inputs.map((x) =>
    x.map((_, t) => {
      for (let s = t; s > t - WINDOW && s >= 0; s--) if ((x[s] as number) < MARKERS) return x[s] as number;
      return majority;
    }),
  );
}

function labelledSteps(labels: number[][], predicted: ArrayLike<number>[]): { actual: number[]; guessed: number[] } {
  const [actual, guessed] = [[] as number[], [] as number[]];
  labels.forEach((row, i) =>
    row.forEach((y, t) => {
      if (y < 0) return;
      actual.push(y);
      guessed.push((predicted[i] as ArrayLike<number>)[t] as number);
    }),
  );
  return { actual, guessed };
}

const rng = new Rng(5);
const train = markerTask(rng, 256);
const valid = markerTask(rng, 64);
const test = markerTask(rng, 200);
const classes = ['A', 'B', 'C'];
const tagger = new SequenceTagger({ classes, vocabSize: MARKERS + DISTRACTORS, embeddingSize: 8, hiddenSize: 16 });
tagger.fit(train, valid, { epochs: 10, batchSize: 16, learningRate: 0.01, patience: 3 });

describe('SequenceTagger: the last marker, 30–60 steps back', () => {
  it('the LSTM labels ≥ 95 % of held-out steps; the best window-10 classifier stays far below', () => {
    const report = tagger.evaluate(test);
    assert.ok(report.accuracy >= 0.95, `LSTM accuracy ${report.accuracy}`);
    assert.equal(report.confusion.length, 3);
    const labelled = test.labels.flat().filter((y) => y >= 0).length;
    assert.equal(
      report.confusion.flat().reduce((s, c) => s + c, 0),
      labelled,
    );
    const counts = [0, 1, 2].map((k) => train.labels.flat().filter((y) => y === k).length);
    const majority = counts.indexOf(Math.max(...counts));
    const { actual, guessed } = labelledSteps(test.labels, windowBaseline(test.inputs, majority));
    const baseline = classificationReport(actual, guessed, 3).accuracy;
    assert.ok(baseline < 0.6, `window baseline ${baseline}`);
    assert.ok(report.accuracy - baseline > 0.35, `LSTM ${report.accuracy}, window baseline ${baseline}`);
  });

  it('per-step probabilities sum to 1, one row per step; saved and loaded, identical', () => {
    const inputs = test.inputs.slice(0, 10);
    const p = tagger.predictProba(inputs);
    assert.deepEqual(
      p.map((steps) => steps.length),
      inputs.map((x) => x.length),
    );
    for (const row of p.flat()) assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    assert.deepEqual(decodeTagger(encodeTagger(tagger), tagger.kernels).predictProba(inputs), p);
  });

  it('labels that do not pair with the steps, and one-example classes, are named', () => {
    assert.throws(
      () => tagger.evaluate({ inputs: [[3, 4, 5]], labels: [[0, 1]] }),
      (e: Error) => e instanceof DataError && /sequence 0 has 3 steps but 2 labels/.test(e.message),
    );
    assert.throws(
      () => tagger.fit({ inputs: [[3, 4], [5]], labels: [[0, 2], [0]] }, undefined, { epochs: 1 }),
      /class 'B' has no examples/,
    );
    assert.throws(
      () => tagger.fit({ inputs: [[3, 4, 1, 0], [5]], labels: [[0, 2, 1, 0], [2]] }, undefined, { epochs: 1 }),
      /class 'B' has only one example \(sequence 0, step 2\)/,
    );
    assert.throws(() => tagger.evaluate({ inputs: [[3]], labels: [[3]] }), /labels are class ids in \[0, 3\), or −1/);
  });
});
