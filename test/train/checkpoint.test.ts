/**
 * The training state travels beside the model, not on it: fit returns it, a model file stores it
 * only when given it (encodeModel(model, { training })), in the layout release 0.1.0 wrote
 * (training.optimizer.<m|v>, training.h and training.c (L, B, H), the JSON state in the metadata),
 * and decodeModelFile gives it back beside the model, so that writing it again gives the same bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ModelFileError } from '../../src/errors.js';
import { decodeModelFile, encodeModel } from '../../src/io/model-file.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { RefKernels } from '../../src/kernels/index.js';
import { LanguageModel } from '../../src/models/language-model.js';
import { fit } from '../../src/models/fit-language-model.js';

const TEXT = 'a stitch in time saves nine.\nmany hands make light work.\n'.repeat(4);

describe('the training state beside the model', async () => {
  const k = new RefKernels();
  const model = LanguageModel.create({
    text: TEXT,
    embeddingSize: 4,
    hiddenSize: 6,
    numLayers: 2,
    seed: 2,
    kernels: k,
  });
  const result = await fit(model, TEXT, { seqLength: 8, batchSize: 3, seed: 4, maxSteps: 5 });

  it('fit returns it, and the model does not carry it', () => {
    assert.equal(result.training.state.step, 5);
    assert.equal(result.training.state.optimizerSteps, 5);
    assert.equal('training' in model, false);
  });

  it('a model file holds it only when given it', () => {
    assert.equal(decodeModelFile(encodeModel(model), k).training, undefined);
    const { metadata, tensors } = decodeSafetensors(encodeModel(model, { training: result.training }), 'test');
    assert.deepEqual(JSON.parse(metadata.training as string), result.training.state);
    const P = model.arena.size;
    const shapes = Object.fromEntries(
      [...tensors].filter(([n]) => n.startsWith('training.')).map(([n, t]) => [n, t.shape]),
    );
    assert.deepEqual(shapes, {
      'training.optimizer.m': [P],
      'training.optimizer.v': [P],
      'training.h': [2, 3, 6],
      'training.c': [2, 3, 6],
    });
  });

  it('decodeModelFile gives it back beside the model, and writing both again gives the same bytes', () => {
    const bytes = encodeModel(model, { training: result.training });
    const loaded = decodeModelFile(bytes, k);
    assert.equal(loaded.training?.state.step, 5);
    assert.deepEqual(Array.from(loaded.training?.tensors.h ?? []), Array.from(result.training.tensors.h));
    assert.deepEqual(Buffer.from(encodeModel(loaded.model, { training: loaded.training })), Buffer.from(bytes));
  });

  it('a carried state that does not fit the network is refused on resume, saying both sizes', async () => {
    const { state, tensors } = result.training;
    const other = { state: { ...state, recipe: { ...state.recipe, batchSize: 2 } }, tensors };
    // in a file, the load refuses it (the header is checked against the weights) …
    assert.throws(
      () => decodeModelFile(encodeModel(model, { training: other }), k),
      (e: unknown) =>
        e instanceof ModelFileError && /'training\.h' has shape \[2, 2, 9\].*needs \[2, 2, 6\]/.test(e.message),
    );
    // … and a checkpoint handed to fit directly is refused on resume
    await assert.rejects(
      fit(model, TEXT, { resume: other, maxSteps: 6 }),
      (e: unknown) => e instanceof ConfigError && /holds 36 \(h\).*carries 24/.test(e.message),
    );
  });
});
