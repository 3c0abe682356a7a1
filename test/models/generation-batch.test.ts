/**
 * GenerationBatch (continuous batching for a language model): a stream alone gives exactly what
 * model.generate gives for the same options and seed; streams with their own settings, joining
 * and leaving at different steps, each give their solo text when stepped as one batched product
 * (states gathered and scattered; float64 reference kernels, where a batched product rounds like a
 * single row); stop strings end a stream, and a removed stream is gone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GenerationBatch, type StreamOptions } from '../../src/models/generation-batch.js';
import { LanguageModel } from '../../src/models/language-model.js';
import { k64 } from '../helpers/lstm-setup.js';

const model = LanguageModel.create({
  text: 'the cat sat on the mat; a dog ran. ',
  embeddingSize: 6,
  hiddenSize: 9,
  numLayers: 2,
  seed: 3,
  kernels: k64,
});

/** Run `batch` to the end, streams joining at the steps given; each stream's text. */
function runAll(batch: GenerationBatch, joins: Array<[number, number, StreamOptions]>): Map<number, string> {
  const texts = new Map<number, string>();
  for (let step = 0; batch.size > 0 || joins.some(([at]) => at >= step); step++) {
    for (const [at, id, opts] of joins) if (at === step) batch.add(id, opts);
    for (const s of batch.step()) texts.set(s.id, (texts.get(s.id) ?? '') + s.char);
  }
  return texts;
}

describe('GenerationBatch', () => {
  const settings: Array<{
    prime?: string;
    length: number;
    temperature: number;
    topK?: number;
    topP?: number;
    seed: number;
  }> = [
    { prime: 'the ', length: 30, temperature: 0.8, seed: 1 },
    { prime: 'a dog', length: 12, temperature: 0, seed: 2 },
    { prime: 'mat', length: 25, temperature: 1.2, topK: 4, seed: 9 },
    { length: 18, temperature: 0.5, topP: 0.8, seed: 4 },
  ];

  it('a stream alone is model.generate', () => {
    for (const opts of settings) {
      const texts = runAll(new GenerationBatch(model), [[0, 7, opts]]);
      assert.equal(texts.get(7), model.generate(opts).text);
    }
  });

  it('streams joining at different steps, with their own settings, each give their solo text', () => {
    const batch = new GenerationBatch(model);
    const texts = runAll(
      batch,
      settings.map((opts, i) => [i * 3, i, opts]),
    );
    settings.forEach((opts, i) => assert.equal(texts.get(i), model.generate(opts).text, `stream ${i}`));
    assert.equal(batch.size, 0);
  });

  it('stop strings end a stream (kept), and a removed stream says nothing more', () => {
    const batch = new GenerationBatch(model);
    const solo = model.generate({ prime: 'the ', length: 60, temperature: 0.9, seed: 5 }).text;
    const stop = solo.slice(10, 12);
    const steps: string[] = [];
    batch.add(1, { prime: 'the ', length: 60, temperature: 0.9, seed: 5, stop: ['zzz', stop] });
    batch.add(2, { length: 60, seed: 6 });
    let finished: string | null = null;
    while (batch.has(1)) {
      const out = batch.step();
      const one = out.find((s) => s.id === 1);
      steps.push(one?.char ?? '');
      finished = one?.finished ?? null;
      if (out.length === 2 && batch.has(2)) batch.remove(2);
    }
    assert.equal(finished, 'stop');
    assert.ok(steps.join('').endsWith(stop));
    assert.equal(steps.join(''), solo.slice(0, solo.indexOf(stop) + stop.length));
    assert.equal(batch.has(2), false);
    assert.throws(() => batch.add(3, { length: 0 }), /length/);
  });
});
