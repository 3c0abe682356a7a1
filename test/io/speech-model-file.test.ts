/**
 * Speech recogniser model files (src/io/speech-model-file.ts): a saved model loads to the same
 * scores and writes the same bytes; damaged entries are refused naming what is wrong (an unknown
 * config field, feature settings no model could have, an alphabet that does not match the head's
 * tensors, a missing alphabet), and another loader names the right one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelFileError } from '../../src/errors.js';
import { encodeContainer } from '../../src/io/model-container.js';
import { decodeClassifier } from '../../src/io/sequence-model-file.js';
import { decodeSpeechRecognizer, encodeSpeechRecognizer } from '../../src/io/speech-model-file.js';
import { SpeechRecognizer } from '../../src/models/speech-recognizer.js';
import { Rng } from '../../src/rng.js';

const model = new SpeechRecognizer({
  alphabet: 'xyz',
  features: { sampleRate: 16000, kind: 'logmel', melBands: 12, deltas: 1, window: 'hamming' },
  stack: 3,
  hiddenSize: 5,
  numLayers: 2,
  seed: 4,
});
const rng = new Rng(2);
const audio = [Float32Array.from({ length: 3000 }, () => rng.uniform(-0.3, 0.3))];

/** The model's file with its metadata entries changed. */
function edited(entries: Record<string, unknown>): Uint8Array {
  const { alphabet, ...config } = model.config;
  return encodeContainer(model.arena, { config: { type: 'speech-recognizer', ...config }, alphabet, ...entries });
}

describe('speech recogniser model files', () => {
  it('load to the same scores and write the same bytes again', () => {
    const bytes = encodeSpeechRecognizer(model);
    const loaded = decodeSpeechRecognizer(bytes);
    assert.deepEqual(loaded.config, model.config);
    assert.deepEqual(loaded.scores(audio), model.scores(audio));
    assert.deepEqual(encodeSpeechRecognizer(loaded), bytes);
  });

  it('refuse damaged entries, naming the field', () => {
    const { alphabet, ...rest } = model.config;
    const config = { type: 'speech-recognizer', ...rest };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ config: { ...config, extra: 1 } }, /free of unknown fields/],
      [{ config: { ...config, stack: 0 } }, /config\.stack/],
      [{ config: { ...config, features: { ...rest.features, fftSize: 300 } } }, /fftSize/],
      [{ config: { ...config, features: { ...rest.features, hop: 80 } } }, /hop/],
      [{ config: { ...config, features: 'mfcc' } }, /config\.features/],
      [{ config: { ...config, stack: 2 } }, /weight_ih_l0|shape/],
      [{ alphabet: [...alphabet, 'w'] }, /head\.weight|shape/],
      [{ alphabet: ['x', 'x', 'y'] }, /twice/],
      [{ alphabet: 'xyz' }, /alphabet/],
    ];
    for (const [entries, message] of cases) {
      assert.throws(
        () => decodeSpeechRecognizer(edited(entries)),
        (e: unknown) => e instanceof ModelFileError && message.test((e as Error).message),
        JSON.stringify(entries).slice(0, 100),
      );
    }
  });

  it('another kind of model file is refused, naming its loader', () => {
    assert.throws(() => decodeClassifier(encodeSpeechRecognizer(model)), /speech-recognizer/);
  });
});
