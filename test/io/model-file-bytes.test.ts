/**
 * Every model file goes through one container (src/io/model-container.ts) and keeps its bytes:
 * each release 0.1.0 file, loaded and written again, is the same file byte for byte; a file of one
 * kind given to another kind's loader names the loader to use.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeForecaster, encodeForecaster } from '../../src/io/forecaster-file.js';
import { decodeModel, decodeModelFile, encodeModel } from '../../src/io/model-file.js';
import { decodeClassifier, decodeTagger, encodeClassifier, encodeTagger } from '../../src/io/sequence-model-file.js';
import { RefKernels } from '../../src/kernels/index.js';

const DIR = 'test/fixtures/';
const k = new RefKernels();
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(`${DIR}${name}-v0.1.0.lstm`));

describe('model files through one container', () => {
  it('a 0.1.0 file loaded and written again is the same bytes (language model, classifier, tagger, forecaster)', () => {
    const lm = read('lm');
    const checkpoint = decodeModelFile(lm, k); // a checkpoint: its training state is written back beside it
    assert.deepEqual(encodeModel(checkpoint.model, { training: checkpoint.training }), lm);
    const classifier = read('classifier');
    assert.deepEqual(encodeClassifier(decodeClassifier(classifier, k)), classifier);
    const tagger = read('tagger');
    assert.deepEqual(encodeTagger(decodeTagger(tagger, k)), tagger);
    const forecaster = read('forecaster');
    assert.deepEqual(encodeForecaster(decodeForecaster(forecaster, k)), forecaster);
  });

  it("a file of another kind names that kind's loader", () => {
    assert.throws(() => decodeModel(read('forecaster'), k), /config.type must be 'char-lm'.*loadForecaster/s);
    assert.throws(() => decodeClassifier(read('lm'), k), /config.type must be 'sequence-classifier'.*loadModel/s);
    assert.throws(() => decodeForecaster(read('tagger'), k), /config.type must be 'forecaster'.*loadTagger/s);
  });
});
