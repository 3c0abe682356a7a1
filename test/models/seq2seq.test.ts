/**
 * Seq2Seq end to end on a task that needs attention: reversing strings of 6–14 letters, longer
 * than a 32-unit encoder's final state carries well. Ten epochs of training (seconds) give
 * near-perfect held-out exact matches with attention and far fewer without; and the model's
 * vocabularies, unknown tokens and option errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOS_TOKEN, EOS_TOKEN, Seq2Seq, type Seq2SeqPair } from '../../src/models/seq2seq.js';
import '../../src/node/native-addon.js';
import { decodeSeq2Seq, decodeSeq2SeqFile, encodeSeq2Seq } from '../../src/io/seq2seq-model-file.js';
import type { SequenceCheckpoint } from '../../src/models/sequence-training.js';
import { type Kernels, RefKernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

const LETTERS = 'abcdefgh'.split('');

function reversals(n: number, rng: Rng): Seq2SeqPair[] {
  return Array.from({ length: n }, () => {
    const source = Array.from({ length: 6 + rng.int(9) }, () => LETTERS[rng.int(LETTERS.length)] as string);
    return { source, target: [...source].reverse() };
  });
}

function exactMatches(model: Seq2Seq, pairs: readonly Seq2SeqPair[]): number {
  const out = model.translate(
    pairs.map((p) => p.source),
    { beam: 1 },
  );
  return out.filter((h, i) => h[0]?.tokens.join('') === pairs[i]?.target.join('')).length / pairs.length;
}

describe('Seq2Seq: reversing strings', () => {
  const rng = new Rng(1);
  const [train, valid, test] = [reversals(3000, rng), reversals(200, rng), reversals(200, rng)];
  const config = { embeddingSize: 16, encoderHidden: 32, dropout: 0 };
  // ten epochs of 94 updates, the rate annealed to zero (a constant rate left one seed of three at 91 %)
  const fit = {
    epochs: 10,
    batchSize: 32,
    learningRate: 3e-3,
    labelSmoothing: 0,
    schedule: { kind: 'cosine' as const, warmup: 50, total: 940, minLr: 0 },
  };

  it('is near-perfect with attention and far worse without', () => {
    const withAttention = exactMatches(Seq2Seq.fit(train, valid, { ...config, attention: 'general' }, fit).model, test);
    const without = exactMatches(Seq2Seq.fit(train, valid, { ...config, attention: 'none' }, fit).model, test);
    assert.ok(withAttention >= 0.95, `exact matches with attention ${withAttention}`);
    assert.ok(without <= 0.6, `exact matches without attention ${without}`);
  });

  it('maps where the decoder looked: a row per target token and </s>, each a distribution over the source', () => {
    const { model } = Seq2Seq.fit(train.slice(0, 200), [], { ...config, attention: 'additive' }, { epochs: 1 });
    const rows = model.attentionMap(['a', 'b', 'c'], ['c', 'b']) as number[][];
    assert.equal(rows.length, 3);
    for (const row of rows) {
      assert.equal(row.length, 3);
      assert.ok(Math.abs(row.reduce((s, w) => s + w, 0) - 1) < 1e-5);
    }
    const { model: plain } = Seq2Seq.fit(train.slice(0, 50), [], { ...config, attention: 'none' }, { epochs: 1 });
    assert.equal(plain.attentionMap(['a'], ['a']), null);
  });

  it('translates the same on every backend (a saved model loaded into each)', () => {
    const { model } = Seq2Seq.fit(train.slice(0, 1500), [], { ...config, attention: 'general' }, { epochs: 3 });
    const bytes = encodeSeq2Seq(model);
    const sources = test.slice(0, 40).map((p) => p.source);
    const expected = model.translate(sources, { beam: 3 }).map((h) => h[0]?.tokens);
    const translated = (k: Kernels): (string[] | undefined)[] =>
      decodeSeq2Seq(bytes, k)
        .translate(sources, { beam: 3 })
        .map((h) => h[0]?.tokens);
    assert.deepEqual(translated(new RefKernels('float32')), expected, 'js');
    for (const backend of FAST_BACKENDS.filter((b) => b.skip === undefined)) {
      const k = backend.make(2);
      const tokens = translated(k);
      backend.dispose(k);
      assert.deepEqual(tokens, expected, backend.label);
    }
  });

  it('resumes a checkpoint (through its file) to the weights and history of the uninterrupted run', () => {
    const data = train.slice(0, 300);
    const fitOptions = {
      ...fit,
      epochs: 3,
      patience: 5,
      scheduledSampling: 0.3,
      labelSmoothing: 0.1,
      schedule: { kind: 'cosine' as const, warmup: 5, total: 25, minLr: 0 },
    };
    const dropping = { ...config, dropout: 0.3, attention: 'general' as const, seed: 4 };
    const straight = Seq2Seq.fit(data, valid.slice(0, 40), dropping, fitOptions);
    let file: Uint8Array | undefined;
    Seq2Seq.fit(data, valid.slice(0, 40), dropping, {
      ...fitOptions,
      epochs: 1,
      onCheckpoint: (c) => (file = encodeSeq2Seq(c.model, c.training)),
    });
    const { model, training } = decodeSeq2SeqFile(file as Uint8Array);
    const checkpoint = training as SequenceCheckpoint;
    assert.equal(checkpoint.state.epochsDone, 1);
    assert.equal(checkpoint.state.recipe.task?.scheduledSampling, 0.3);
    // the resumed run takes its recipe from the checkpoint, whatever the options say
    const resumed = Seq2Seq.fit(
      data,
      valid.slice(0, 40),
      {},
      {
        epochs: 3,
        learningRate: 1,
        resume: { model, training: checkpoint },
      },
    );
    assert.deepEqual(
      Array.from(resumed.model.network.parameters.values),
      Array.from(straight.model.network.parameters.values),
    );
    assert.deepEqual(
      resumed.history.epochs.map((e) => [e.epoch, e.trainLoss, e.validLoss]),
      straight.history.epochs.map((e) => [e.epoch, e.trainLoss, e.validLoss]),
    );
    assert.equal(resumed.history.bestEpoch, straight.history.bestEpoch);
    assert.throws(
      () => Seq2Seq.fit(data.slice(1), [], {}, { resume: { model, training: checkpoint } }),
      /trained on 300 training sequences; these data have 299/,
    );
  });

  it('builds sorted vocabularies with the specials first, reads unknown tokens as <unk>, checks its options', () => {
    const pairs = [
      { source: ['b', 'a'], target: ['y', 'x'] },
      { source: ['c'], target: ['z'] },
    ];
    const { model } = Seq2Seq.fit(pairs, [], { embeddingSize: 4, encoderHidden: 4, attention: 'dot' }, { epochs: 1 });
    assert.deepEqual(model.sourceVocab.tokens, ['<pad>', '<unk>', 'a', 'b', 'c']);
    assert.deepEqual(model.targetVocab.tokens, ['<pad>', '<unk>', BOS_TOKEN, EOS_TOKEN, 'x', 'y', 'z']);
    const [hyps] = model.translate([['q', 'a']], { beam: 2, nbest: 2, maxLength: 3 });
    assert.equal(hyps?.length, 2);
    assert.ok(hyps?.every((h) => h.tokens.length <= 3 && !h.tokens.includes(EOS_TOKEN)));
    assert.throws(() => model.translate([['a']], { beam: 2, nbest: 3 }), /nbest/);
    assert.throws(() => Seq2Seq.fit([], []), /no training pairs/);
    // a schedule sets each update's rate: after a first update the rate falls to 1e-9 of itself
    const weightsAfter = (epochs: number, schedule?: { kind: 'step'; every: number; gamma: number }): number[] =>
      Array.from(
        Seq2Seq.fit(train.slice(0, 64), [], config, { epochs, batchSize: 64, ...(schedule ? { schedule } : {}) }).model
          .network.parameters.values,
      );
    const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
    const collapse = { kind: 'step' as const, every: 1, gamma: 1e-9 };
    assert.ok(maxDiff(weightsAfter(3, collapse), weightsAfter(1, collapse)) < 1e-9);
    assert.ok(maxDiff(weightsAfter(3), weightsAfter(1)) > 1e-3);
    // a time budget stops the run between updates, mostly inside an epoch (16 updates each here);
    // that partial epoch is evaluated too, so its updates can be kept
    let updates = 0;
    const timed = Seq2Seq.fit(train.slice(0, 500), [], config, {
      epochs: 1000,
      batchSize: 32,
      maxSeconds: 0.3,
      onUpdate: (e) => (updates = e.update),
    });
    assert.ok(updates > 0 && updates < 16000);
    assert.equal(timed.history.epochs.length, Math.ceil(updates / 16));
    const untrained = Seq2Seq.fit(train.slice(0, 500), [], config, { epochs: 1, batchSize: 500, learningRate: 1e-12 });
    assert.ok(
      maxDiff(
        Array.from(timed.model.network.parameters.values),
        Array.from(untrained.model.network.parameters.values),
      ) > 1e-4,
    );
    assert.throws(() => Seq2Seq.fit(pairs, [], { attention: 'luong' as 'dot' }), /attention must be/);
  });
});
