/**
 * A training run that is interrupted and resumed ends with exactly the weights of one that was
 * not: the optimizer moments, the step count (Adam's bias correction), the data position and the
 * carried (h, c) all continue. Checked in memory (the training state fit returns beside the model)
 * and through the bytes of a model file (src/io/model-file.ts), across an epoch boundary.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitText, TextStream } from '../../src/data/text-stream.js';
import { decodeModelFile, encodeModel } from '../../src/io/model-file.js';
import { LanguageModel } from '../../src/models/language-model.js';
import { type FitOptions, fit } from '../../src/models/fit-language-model.js';

const TEXT = 'the cat sat on the mat.\nthe dog ate my hat.\na bird sang in the tree.\n'.repeat(3).slice(0, 160);
// T = 8, B = 4 on the 144 training characters (10% held out): streams of S = 36, so
// ⌊(36 − 1) / 8⌋ = 4 windows per epoch; 12 steps are three epochs, and the break after 5 steps
// falls inside the second epoch, with a carried state to restore.
const RECIPE: FitOptions = { seqLength: 8, batchSize: 4, learningRate: 0.01, seed: 5 };
const TOTAL = 12;
const BREAK = 5;

function newModel(): LanguageModel {
  return LanguageModel.create({ text: TEXT, embeddingSize: 5, hiddenSize: 8, numLayers: 2, seed: 9 });
}

function bytesOf(a: Float32Array | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Bit-for-bit equality of two parameter arenas, with the first differing entry on failure. */
function assertSameWeights(a: LanguageModel, b: LanguageModel): void {
  assert.equal(a.arena.values.constructor, Float32Array);
  assert.equal(b.arena.values.constructor, Float32Array);
  if (bytesOf(a.arena.values).equals(bytesOf(b.arena.values))) return;
  const i = a.arena.values.findIndex((v, j) => !Object.is(v, b.arena.values[j]));
  assert.fail(`weights differ first at entry ${i}: ${a.arena.values[i]} vs ${b.arena.values[i]}`);
}

async function straightRun(): Promise<LanguageModel> {
  const model = newModel();
  const r = await fit(model, TEXT, { ...RECIPE, maxSteps: TOTAL });
  assert.equal(r.steps, TOTAL);
  return model;
}

describe('resuming an interrupted run', () => {
  it('uses 4 windows per epoch, so the run crosses epoch boundaries', () => {
    const tokens = newModel().vocab.encode(splitText(TEXT, 0.1).train);
    assert.equal(tokens.length, 144);
    assert.equal(new TextStream(tokens, 4, 8).windowsPerEpoch, 4);
  });

  it('ends with the same weights, bit for bit, as the run that was not interrupted (in memory)', async () => {
    const straight = await straightRun();
    const model = newModel();
    const first = await fit(model, TEXT, { ...RECIPE, maxSteps: BREAK });
    assert.equal(first.training.state.step, BREAK);
    const r = await fit(model, TEXT, { resume: first.training, maxSteps: TOTAL });
    assert.equal(r.steps, TOTAL);
    assert.equal(r.training.state.step, TOTAL);
    assert.equal(r.training.state.optimizerSteps, TOTAL);
    assertSameWeights(model, straight);
  });

  it('ends with the same weights, bit for bit, when the break goes through the bytes of a model file', async () => {
    const straight = await straightRun();
    const first = newModel();
    const { training } = await fit(first, TEXT, { ...RECIPE, maxSteps: BREAK });
    const loaded = decodeModelFile(encodeModel(first, { training }), first.kernels);
    assert.equal(loaded.training?.state.step, BREAK);
    await fit(loaded.model, TEXT, { resume: loaded.training, maxSteps: TOTAL });
    assertSameWeights(loaded.model, straight);
  });

  it('forgets the carried state at an epoch start, and only there', async () => {
    // Zeroing the saved (h, c) before resuming changes nothing when the next window starts an
    // epoch (step 4, window 0: the loop resets it anyway), and changes the result mid-epoch
    // (step 5, window 1, which continues the text window 0 ended).
    const straight = await straightRun();
    for (const [breakAt, same] of [
      [4, true],
      [5, false],
    ] as const) {
      const model = newModel();
      const { training } = await fit(model, TEXT, { ...RECIPE, maxSteps: breakAt });
      const carried = training.tensors;
      assert.ok(
        carried.h.some((v) => v !== 0),
        'a state is carried',
      );
      carried.h.fill(0);
      carried.c?.fill(0);
      await fit(model, TEXT, { resume: training, maxSteps: TOTAL });
      if (same) assertSameWeights(model, straight);
      else assert.throws(() => assertSameWeights(model, straight), /weights differ/);
    }
  });

  it('differs when the second half starts afresh instead of resuming (the check can fail)', async () => {
    const straight = await straightRun();
    const model = newModel();
    await fit(model, TEXT, { ...RECIPE, maxSteps: BREAK });
    // a new run: optimizer moments, step count, data position and carried state all reset
    await fit(model, TEXT, { ...RECIPE, maxSteps: TOTAL - BREAK });
    assert.throws(() => assertSameWeights(model, straight), /weights differ/);
  });

  for (const [what, options] of [
    ['a GRU with dropout between layers and on the output', { cell: 'gru', dropout: 0.3, outputDropout: 0.3 }],
    ['an LSTM with projection and recurrent dropout', { projSize: 5, recurrentDropout: 0.2 }],
  ] as const) {
    it(`resumes ${what} through a model file to the same weights, bit for bit (the masks continue)`, async () => {
      const make = (): LanguageModel =>
        LanguageModel.create({ text: TEXT, embeddingSize: 5, hiddenSize: 8, numLayers: 2, seed: 9, ...options });
      const straight = make();
      await fit(straight, TEXT, { ...RECIPE, maxSteps: TOTAL });
      const first = make();
      const { training } = await fit(first, TEXT, { ...RECIPE, maxSteps: BREAK });
      const loaded = decodeModelFile(encodeModel(first, { training }), first.kernels);
      assert.deepEqual(loaded.model.config, first.config);
      await fit(loaded.model, TEXT, { resume: loaded.training, maxSteps: TOTAL });
      assertSameWeights(loaded.model, straight);
      // dropout is on while training: the same run without it ends elsewhere
      const plain = LanguageModel.create({
        text: TEXT,
        embeddingSize: 5,
        hiddenSize: 8,
        numLayers: 2,
        seed: 9,
        ...options,
        dropout: 0,
        outputDropout: 0,
        recurrentDropout: 0,
      });
      await fit(plain, TEXT, { ...RECIPE, maxSteps: TOTAL });
      assert.throws(() => assertSameWeights(plain, straight), /weights differ/);
    });
  }
});
