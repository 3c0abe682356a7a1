/**
 * The CTC speech recogniser (src/models/speech-recognizer.ts): a float64 gradient check through
 * CTC, head, a stacked bidirectional LSTM and frame stacking; a tiny model learning the synthetic
 * tone task to near-zero error in seconds, with every character timed inside its own tone; the
 * model file giving the same transcripts; and the errors bad data gets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSpeechRecognizer, encodeSpeechRecognizer } from '../../src/io/speech-model-file.js';
import { SpeechRecognizer } from '../../src/models/speech-recognizer.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck } from '../helpers/gradcheck.js';
import { k64 } from '../helpers/lstm-setup.js';
import { TONE_RATE, toneUtterances } from '../helpers/tone-speech.js';

const toneFeatures = { sampleRate: TONE_RATE, kind: 'logmel', melBands: 20, deltas: 0 } as const;

function noise(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-0.5, 0.5));
}

describe('SpeechRecognizer', () => {
  it('float64: the CTC loss gradient matches central differences (2-layer biLSTM, stacked frames)', () => {
    const model = new SpeechRecognizer({
      alphabet: 'ab',
      features: { sampleRate: 8000, kind: 'mfcc', melBands: 8, mfccCount: 3, deltas: 1 },
      stack: 2,
      hiddenSize: 3,
      numLayers: 2,
      kernels: k64,
      seed: 3,
    });
    const data = { audio: [noise(900, 1), noise(500, 2), noise(700, 3)], texts: ['ab', 'b', 'aa'] };
    const loss = model.gradients(data);
    assert.ok(Number.isFinite(loss) && loss > 0);
    const targets = model.arena.entries.map((e) => ({
      name: e.name,
      values: model.arena.value(e.name),
      analytic: model.arena.grad(e.name).slice(),
    }));
    const report = gradcheck(targets, () => model.loss(data));
    assert.equal(report.failures.length, 0, describeReport(report));
  });

  it('learns the synthetic tone task to near-zero error in seconds, each character timed inside its tone', () => {
    const train = toneUtterances(240, 1);
    const test = toneUtterances(60, 2);
    const data = (u: typeof train): { audio: Float32Array[]; texts: string[] } => ({
      audio: u.map((x) => x.samples),
      texts: u.map((x) => x.text),
    });
    const model = new SpeechRecognizer({
      alphabet: 'abc',
      features: toneFeatures,
      stack: 2,
      hiddenSize: 24,
      numLayers: 1,
      seed: 1,
    });
    const history = model.fit(data(train), data(test), { epochs: 30, batchSize: 16, learningRate: 1e-2, patience: 30 });
    const report = model.evaluate(data(test));
    assert.ok(
      report.characterErrorRate <= 0.02,
      `CER ${report.characterErrorRate} after ${history.epochs.length} epochs`,
    );
    assert.ok(report.accuracy >= 0.95, `accuracy ${report.accuracy}`);
    const transcripts = model.transcribe(test.map((u) => u.samples));
    let timed = 0;
    transcripts.forEach((tr, i) => {
      const u = test[i] as (typeof test)[number];
      if (tr.text !== u.text) return;
      tr.characters.forEach((c, j) => {
        const [start, end] = u.spans[j] as [number, number];
        assert.ok(c.start <= c.end, `${c.start} ≤ ${c.end}`);
        // a CTC spike may sit just before or after the tone it names, never near another
        assert.ok(
          c.end > start - 0.06 && c.start < end + 0.06,
          `'${c.char}' at ${c.start}–${c.end}, tone ${start}–${end}`,
        );
        timed++;
      });
    });
    assert.ok(timed > 100, `${timed} characters timed`);
    // the model file keeps the feature settings: raw audio in, the same transcripts out
    const loaded = decodeSpeechRecognizer(encodeSpeechRecognizer(model));
    assert.deepEqual(loaded.config, model.config);
    assert.deepEqual(loaded.transcribe(test.slice(0, 10).map((u) => u.samples)), transcripts.slice(0, 10));
    const beam = model.transcribe([test[0]?.samples as Float32Array], { beam: 8, nbest: 3 })[0];
    assert.equal(beam?.text, transcripts[0]?.text, 'the beam agrees with greedy on a clear utterance');
    assert.ok((beam?.alternatives.length ?? 0) >= 1);
  });

  it('names bad data: unknown characters, a recording too short for its text, counts that differ', () => {
    const model = new SpeechRecognizer({ alphabet: 'ab', features: { sampleRate: 8000 }, hiddenSize: 2, numLayers: 1 });
    assert.throws(
      () => model.fit({ audio: [noise(4000, 1)], texts: ['abc'], describe: () => 'x.wav' }),
      /transcript of x\.wav has "c" at character 2, which is not in the model's alphabet "ab"/,
    );
    assert.throws(
      () => model.fit({ audio: [noise(200, 1)], texts: ['abababab'] }),
      /utterance 0 gives \d+ steps .* needs at least 8/,
    );
    assert.throws(() => model.loss({ audio: [noise(800, 1)], texts: [] }), /1 recordings and 0 transcripts/);
    assert.throws(() => new SpeechRecognizer({ alphabet: 'aa', features: { sampleRate: 8000 } }), /"a" twice/);
    assert.throws(
      () => new SpeechRecognizer({ alphabet: ['ab'], features: { sampleRate: 8000 } }),
      /each entry is one character/,
    );
  });

  it('refuses a damaged model file field by field', () => {
    const model = new SpeechRecognizer({ alphabet: 'ab', features: { sampleRate: 8000 }, hiddenSize: 2, numLayers: 1 });
    const bytes = encodeSpeechRecognizer(model);
    assert.equal(decodeSpeechRecognizer(bytes).config.features.sampleRate, 8000);
    assert.throws(() => decodeSpeechRecognizer(bytes.slice(0, bytes.length - 3)), /decodeSpeechRecognizer/);
  });
});
