/**
 * Sequence-to-sequence model files (src/io/seq2seq-model-file.ts): a saved model loads to the same
 * translations and the same bytes; damaged or foreign entries are refused with what is wrong (an
 * unknown or out-of-range config field, a vocabulary that does not match the tensors, a missing
 * entry), and another loader names the right one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelFileError } from '../../src/errors.js';
import { encodeContainer } from '../../src/io/model-container.js';
import { decodeSeq2Seq, decodeSeq2SeqFile, encodeSeq2Seq } from '../../src/io/seq2seq-model-file.js';
import type { SequenceCheckpoint } from '../../src/models/sequence-training.js';
import { decodeClassifier } from '../../src/io/sequence-model-file.js';
import { Seq2Seq } from '../../src/models/seq2seq.js';
import '../../src/node/native-addon.js';

const pairs = ['cat', 'dog', 'bird', 'fish', 'tac'].map((w) => ({ source: [...w], target: [...w].reverse() }));
const { model } = Seq2Seq.fit(
  pairs,
  [],
  { embeddingSize: 6, encoderHidden: 5, attention: 'additive', encoderLayers: 2 },
  { epochs: 2 },
);

/** The model's file with its metadata entries changed. */
function edited(entries: Record<string, unknown>): Uint8Array {
  return encodeContainer(model.network.parameters, {
    config: { type: 'seq2seq', ...model.config },
    source_vocab: model.sourceVocab.tokens,
    target_vocab: model.targetVocab.tokens,
    ...entries,
  });
}

describe('Seq2Seq model files', () => {
  it('load to the same translations and write the same bytes again', () => {
    const bytes = encodeSeq2Seq(model);
    const loaded = decodeSeq2Seq(bytes);
    const sources = [[...'cat'], [...'bird'], [...'zzz']];
    const opts = { beam: 3, nbest: 2, maxLength: 6 };
    assert.deepEqual(loaded.translate(sources, opts), model.translate(sources, opts));
    assert.deepEqual(loaded.config, model.config);
    assert.deepEqual(encodeSeq2Seq(loaded), bytes);
  });

  it('refuse damaged entries, naming the field', () => {
    const config = { type: 'seq2seq', ...model.config };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ config: { ...config, attention: 'luong' } }, /config\.attention/],
      [{ config: { ...config, encoderHidden: 0 } }, /config\.encoderHidden/],
      [{ config: { ...config, extra: 1 } }, /free of unknown fields/],
      [{ source_vocab: [...model.sourceVocab.tokens, 'q'] }, /source\.embedding|shape/],
      [{ target_vocab: model.targetVocab.tokens.map((t) => (t === '<s>' ? 'zz' : t)) }, /has no <s>/],
      [{ source_vocab: ['<pad>', 'a'] }, /<unk>/],
    ];
    for (const [entries, message] of cases) {
      assert.throws(
        () => decodeSeq2Seq(edited(entries)),
        (e: unknown) => e instanceof ModelFileError && message.test((e as Error).message),
        JSON.stringify(entries).slice(0, 80),
      );
    }
  });

  it('hold a checkpoint: the training state and tensors come back as they went in, each field checked', () => {
    let training: SequenceCheckpoint | undefined;
    Seq2Seq.fit(
      pairs,
      pairs.slice(0, 2),
      { ...model.config, seed: 3 },
      {
        epochs: 2,
        onCheckpoint: (c) => (training = structuredClone(c.training)),
      },
    );
    const saved = training as SequenceCheckpoint;
    const bytes = encodeSeq2Seq(model, saved);
    const back = decodeSeq2SeqFile(bytes);
    assert.deepEqual(back.training?.state, saved.state);
    assert.deepEqual(back.training?.tensors, saved.tensors);
    assert.equal(decodeSeq2SeqFile(encodeSeq2Seq(model)).training, undefined);
    // a checkpoint loads as a plain model too
    assert.deepEqual(decodeSeq2Seq(bytes).translate([['c']]), model.translate([['c']]));
    const state = saved.state;
    const damaged: [Record<string, unknown>, RegExp][] = [
      [{ ...state, optimizerSteps: state.updates + 1 }, /training\.optimizerSteps/],
      [{ ...state, rng: [0, 0, 0, 0] }, /training\.rng/],
      [{ ...state, recipe: { ...state.recipe, batchSize: 0 } }, /training\.recipe\.batchSize/],
      [
        { ...state, recipe: { ...state.recipe, schedule: { kind: 'cosine', warmup: 9, total: 3, minLr: 0 } } },
        /warmup/,
      ],
      [
        { ...state, history: { epochs: [{ epoch: 7, trainLoss: 1, validLoss: 1, seconds: 1 }], bestEpoch: 1 } },
        /epochs\[0\]\.epoch/,
      ],
      [{ ...state, epochsDone: 0 }, /training\.epochsDone/],
    ];
    const { m, v } = saved.tensors.optimizer as { m: Float32Array; v: Float32Array };
    const tensorsOf = (best: Float32Array, vv: Float32Array = v) => [
      { name: 'training.optimizer.m', shape: [m.length], data: m },
      { name: 'training.optimizer.v', shape: [vv.length], data: vv },
      { name: 'training.best', shape: [best.length], data: best },
    ];
    const file = (training: unknown, extra = tensorsOf(saved.tensors.best as Float32Array)) =>
      encodeContainer(
        model.network.parameters,
        {
          config: { type: 'seq2seq', ...model.config },
          source_vocab: model.sourceVocab.tokens,
          target_vocab: model.targetVocab.tokens,
          training,
        },
        extra,
      );
    for (const [entry, message] of damaged) {
      assert.throws(
        () => decodeSeq2SeqFile(file(entry)),
        (e: unknown) => e instanceof ModelFileError && message.test((e as Error).message),
        message.source,
      );
    }
    const negative = v.slice();
    negative[0] = -1;
    assert.throws(
      () => decodeSeq2SeqFile(file(state, tensorsOf(saved.tensors.best as Float32Array, negative))),
      /negative/,
    );
    assert.throws(
      () => decodeSeq2SeqFile(file(state, tensorsOf(new Float32Array(3)))),
      /training\.best' has shape \[3\]/,
    );
    // training tensors without a training state do not belong to the file
    assert.throws(() => decodeSeq2SeqFile(file(undefined)), /tensors the config does not use/);
  });

  it('another loader names this one', () => {
    assert.throws(() => decodeClassifier(encodeSeq2Seq(model)), /sequence-to-sequence model: load it with loadSeq2Seq/);
  });
});
