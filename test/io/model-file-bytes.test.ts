/**
 * Every model file goes through one container (src/io/model-container.ts) and keeps its content:
 * each release 0.1.0 file (format_version 1), loaded and written again, becomes a format_version 2
 * file (its checksum now covers the header too) holding the same entries and the same tensors, and
 * the model loaded from it computes the same; a format_version 2 file written again is the same
 * file byte for byte; a file of one kind given to another kind's loader names the loader to use.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeForecaster, encodeForecaster } from '../../src/io/forecaster-file.js';
import { modelFileVersion } from '../../src/io/model-container.js';
import { decodeModel, decodeModelFile, encodeModel } from '../../src/io/model-file.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { decodeClassifier, decodeTagger, encodeClassifier, encodeTagger } from '../../src/io/sequence-model-file.js';
import { RefKernels } from '../../src/kernels/index.js';
import { parseCsv } from '../../src/node/csv.js';

const DIR = 'test/fixtures/';
const k = new RefKernels();
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(`${DIR}${name}-v0.1.0.lstm`));
const texts = ['the film was great fun', 'very dull and boring plot', 'music'];

/** The same entries (but the version and the new checksum) and the same tensors, in a version 2 file. */
function assertSameContent(upgraded: Uint8Array, original: Uint8Array): void {
  assert.deepEqual(modelFileVersion(original), { formatVersion: 1, headerProtected: false });
  assert.deepEqual(modelFileVersion(upgraded), { formatVersion: 2, headerProtected: true });
  const a = decodeSafetensors(upgraded, 'test');
  const b = decodeSafetensors(original, 'test');
  const entries = { ...a.metadata };
  const originalEntries = { ...b.metadata };
  assert.deepEqual([originalEntries.format_version, entries.format_version], ['1', '2']);
  assert.match(entries.file_crc32 ?? '', /^[0-9a-f]{8}$/);
  for (const key of ['format_version', 'file_crc32']) {
    delete entries[key];
    delete originalEntries[key];
  }
  assert.deepEqual(entries, originalEntries);
  assert.deepEqual(a.tensors, b.tensors);
}

describe('model files through one container', () => {
  it('a 0.1.0 file written again is a format_version 2 file of the same content, and computes the same (language model, classifier, tagger, forecaster)', () => {
    const lm = read('lm');
    const checkpoint = decodeModelFile(lm, k); // a checkpoint: its training state is written back beside it
    const lm2 = encodeModel(checkpoint.model, { training: checkpoint.training });
    assertSameContent(lm2, lm);
    const again = decodeModelFile(lm2, k);
    assert.deepEqual(encodeModel(again.model, { training: again.training }), lm2);
    const generate = { prime: 'First ', length: 60, temperature: 0.8, seed: 7 };
    assert.equal(again.model.generate(generate).text, checkpoint.model.generate(generate).text);
    assert.deepEqual(again.training?.state, checkpoint.training?.state);

    const classifier = read('classifier');
    const c1 = decodeClassifier(classifier, k);
    const classifier2 = encodeClassifier(c1);
    assertSameContent(classifier2, classifier);
    const c2 = decodeClassifier(classifier2, k);
    assert.deepEqual(encodeClassifier(c2), classifier2);
    assert.deepEqual(c2.predictProba(texts), c1.predictProba(texts));

    const tagger = read('tagger');
    const t1 = decodeTagger(tagger, k);
    const tagger2 = encodeTagger(t1);
    assertSameContent(tagger2, tagger);
    const t2 = decodeTagger(tagger2, k);
    assert.deepEqual(encodeTagger(t2), tagger2);
    assert.deepEqual(t2.predictProba(texts), t1.predictProba(texts));

    const forecaster = read('forecaster');
    const f1 = decodeForecaster(forecaster, k);
    const forecaster2 = encodeForecaster(f1);
    assertSameContent(forecaster2, forecaster);
    const f2 = decodeForecaster(forecaster2, k);
    assert.deepEqual(encodeForecaster(f2), forecaster2);
    const table = parseCsv(readFileSync(`${DIR}model-files-sales.csv`, 'utf8'));
    assert.deepEqual(f2.forecast(table), f1.forecast(table));
  });

  it("a file of another kind names that kind's loader", () => {
    assert.throws(() => decodeModel(read('forecaster'), k), /config.type must be 'char-lm'.*loadForecaster/s);
    assert.throws(() => decodeClassifier(read('lm'), k), /config.type must be 'sequence-classifier'.*loadModel/s);
    assert.throws(() => decodeForecaster(read('tagger'), k), /config.type must be 'forecaster'.*loadTagger/s);
  });
});
