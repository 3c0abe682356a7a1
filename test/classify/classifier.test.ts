/**
 * SequenceClassifier: learns an order-dependent task a bag of words cannot, class weights move the
 * decision toward a rare class, probabilities sum to 1 and are reproducible from a seed, a saved and
 * loaded model gives identical probabilities, and bad input gets errors that say what and where.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BagOfWordsClassifier } from '../../src/classify/baselines.js';
import { TokenVocab } from '../../src/data/token-vocab.js';
import { ConfigError, DataError, ModelFileError } from '../../src/errors.js';
import { decodeClassifier, encodeClassifier, encodeTagger } from '../../src/io/sequence-model-file.js';
import { SequenceClassifier } from '../../src/models/sequence-classifier.js';
import { SequenceTagger } from '../../src/models/sequence-tagger.js';
import { loadClassifier, saveClassifier } from '../../src/node/classify-files.js';
import { Rng } from '../../src/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-classify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** 'a' and 'b' once each among filler words; the class is which comes first (bag of words: blind). */
function orderTask(rng: Rng, n: number): { inputs: string[]; labels: number[] } {
  const filler = ['p', 'q', 'r', 's', 't', 'u'];
  const inputs: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 6 + rng.int(9) }, () => filler[rng.int(filler.length)] as string);
    const [first, second] = [rng.int(words.length), rng.int(words.length)].sort((x, y) => x - y) as [number, number];
    const aFirst = rng.next() < 0.5;
    words.splice(second, 0, aFirst ? 'b' : 'a');
    words.splice(first, 0, aFirst ? 'a' : 'b');
    inputs.push(words.join(' '));
    labels.push(aFirst ? 0 : 1);
  }
  return { inputs, labels };
}

const rng = new Rng(21);
const train = orderTask(rng, 600);
const valid = orderTask(rng, 100);
const test = orderTask(rng, 300);
const vocab = TokenVocab.build(train.inputs);
const classes = ['a first', 'b first'];
const model = new SequenceClassifier({ classes, vocab, embeddingSize: 8, hiddenSize: 16, pooling: 'last', seed: 3 });
const history = model.fit(train, valid, { epochs: 12, batchSize: 16, learningRate: 0.01, seed: 4 });

describe('SequenceClassifier', () => {
  it('learns which of two words comes first (≥ 95 % held out); the bag of words stays near chance', () => {
    const report = model.evaluate(test);
    assert.ok(report.accuracy >= 0.95, `accuracy ${report.accuracy}, history ${JSON.stringify(history.epochs)}`);
    const bag = BagOfWordsClassifier.fit(train.inputs, train.labels, 2);
    const bagCorrect = test.inputs.filter((t, i) => bag.predict(t) === test.labels[i]).length / test.inputs.length;
    assert.ok(bagCorrect < 0.7, `bag of words ${bagCorrect}`);
  });

  it('probabilities sum to 1; the same seeds give the same model', () => {
    const p = model.predictProba(test.inputs.slice(0, 20));
    for (const row of p) assert.ok(Math.abs((row[0] as number) + (row[1] as number) - 1) < 1e-12);
    const twin = new SequenceClassifier({ classes, vocab, embeddingSize: 8, hiddenSize: 16, seed: 3 });
    twin.fit(train, valid, {
      epochs: history.epochs.length,
      batchSize: 16,
      learningRate: 0.01,
      seed: 4,
      patience: 100,
    });
    assert.deepEqual(twin.predictProba(test.inputs.slice(0, 20)), p);
  });

  it('saved and loaded (bytes and file), it gives identical probabilities', () => {
    const inputs = test.inputs.slice(0, 50);
    const expected = model.predictProba(inputs);
    assert.deepEqual(decodeClassifier(encodeClassifier(model), model.kernels).predictProba(inputs), expected);
    const path = join(dir, 'order.lstm');
    saveClassifier(path, model);
    const loaded = loadClassifier(path, model.kernels);
    assert.deepEqual(loaded.classes, classes);
    assert.deepEqual(loaded.vocab?.tokens, vocab.tokens);
    assert.deepEqual(loaded.config, model.config);
    assert.deepEqual(loaded.predictProba(inputs), expected);
  });

  it("chunked reading: a sequence's probabilities are the geometric mean of its chunks', and the file keeps it", () => {
    const options = { classes: ['a', 'b', 'c'], vocabSize: 9, embeddingSize: 4, hiddenSize: 5, seed: 7 };
    const chunked = new SequenceClassifier({ ...options, chunkLength: 3 });
    const whole = new SequenceClassifier(options); // the same weights: chunkLength adds none
    assert.deepEqual(chunked.arena.values, whole.arena.values);
    const ids = [1, 4, 2, 8, 5, 3, 7];
    const parts = whole.predictProba([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
    const mean = [0, 1, 2].map((k) => parts.reduce((sum, p) => sum + Math.log(p[k] as number), 0) / parts.length);
    const norm = mean.reduce((sum, v) => sum + Math.exp(v), 0);
    const [got] = chunked.predictProba([ids]);
    mean.forEach((v, k) => assert.ok(Math.abs(Math.exp(v) / norm - (got?.[k] as number)) < 1e-9, `class ${k}`));
    // a sequence no longer than a chunk is read as it is
    assert.deepEqual(
      chunked.predictProba([[1, 4]]),
      whole.predictProba([[1, 4]]).map((p) => Float64Array.from(p)),
    );
    const loaded = decodeClassifier(encodeClassifier(chunked));
    assert.equal(loaded.config.chunkLength, 3);
    assert.deepEqual(loaded.predictProba([ids]), chunked.predictProba([ids]));
    assert.equal(decodeClassifier(encodeClassifier(whole)).config.chunkLength, null);
  });

  it('a bag of tokens adds W · log(1 + counts) to the logits, skips <pad> and <unk>, and the file keeps it', () => {
    const vocab = TokenVocab.build(['red red blue', 'green'], { tokens: 'word' }); // ids: red 2, blue 3, green 4
    const options = { classes: ['x', 'y'], vocab, embeddingSize: 3, hiddenSize: 4, seed: 2 };
    const plain = new SequenceClassifier(options);
    const bagged = new SequenceClassifier({ ...options, bagOfTokens: true });
    // the bag starts at zero and adds no other weights: the two models agree until it learns
    const text = 'red blue red mauve'; // mauve is <unk>
    assert.deepEqual(bagged.predictProba([text]), plain.predictProba([text]));
    const bag = bagged.arena.value('bag.weight'); // (K = 2, V = 5)
    bag.set([0, 5, 1, 2, 0, 0, 7, -3, 0.5, 0]);
    const logit = (p: ArrayLike<number>): number => Math.log((p[1] as number) / (p[0] as number));
    const [pPlain] = plain.predictProba([text]);
    const [pBag] = bagged.predictProba([text]);
    // y − x: red twice (log 3) and blue once (log 2); <unk> (id 1, weight 5 and 7) counts for nothing
    const expected = (-3 - 1) * Math.log(3) + (0.5 - 2) * Math.log(2);
    assert.ok(Math.abs(logit(pBag as Float64Array) - logit(pPlain as Float64Array) - expected) < 1e-4);
    const loaded = decodeClassifier(encodeClassifier(bagged));
    assert.equal(loaded.config.bagOfTokens, true);
    assert.deepEqual(loaded.predictProba([text]), bagged.predictProba([text]));
    assert.equal(decodeClassifier(encodeClassifier(plain)).config.bagOfTokens, false);
    assert.throws(
      () => new SequenceClassifier({ classes: ['x', 'y'], features: 2, bagOfTokens: true }),
      /bagOfTokens needs token input/,
    );
  });

  it('class weights move the decision toward a rare class', () => {
    // one noisy feature: N(0, 1) for the common class (90 %), N(1, 1) for the rare one
    const r = new Rng(9);
    const data = (n: number): { inputs: number[][][]; labels: number[] } => {
      const labels = Array.from({ length: n }, () => (r.next() < 0.1 ? 1 : 0));
      return { labels, inputs: labels.map((y) => Array.from({ length: 4 }, () => [y + r.normal()])) };
    };
    const [tr, te] = [data(600), data(600)];
    const recall = (classWeights?: 'balanced'): number => {
      const m = new SequenceClassifier({ classes: ['common', 'rare'], features: 1, hiddenSize: 8, pooling: 'mean' });
      m.fit(tr, undefined, { epochs: 8, learningRate: 0.01, classWeights });
      return m.evaluate(te).perClass[1]?.recall as number;
    };
    const [plain, balanced] = [recall(), recall('balanced')];
    assert.ok(balanced > plain + 0.3, `rare-class recall: plain ${plain}, balanced ${balanced}`);
  });
});

describe('SequenceClassifier errors', () => {
  const tiny = { inputs: ['p a q b', 'b p a', 'a b'], labels: [0, 1, 0] };

  it('a class with one example is named, with where it is', () => {
    assert.throws(
      () => model.fit(tiny, undefined, { epochs: 1 }),
      (e: Error) => e instanceof DataError && /class 'b first' has only one example \(example 1\)/.test(e.message),
    );
    assert.throws(
      () => model.fit({ ...tiny, describe: (n) => `row ${n + 2}` }, undefined, { epochs: 1 }),
      /only one example \(row 3\)/,
    );
  });

  it('empty texts, labels out of range, mismatched lengths, unknown pooling, wrong input kinds', () => {
    assert.throws(
      () => model.predict(['p a', '']),
      (e: Error) => e instanceof DataError && /text 1/.test(e.message),
    );
    assert.throws(
      () => model.evaluate({ inputs: ['a', 'b'], labels: [0, 2] }),
      /the label of example 1 is 2; labels are class ids in \[0, 2\) \(classes: a first, b first\)/,
    );
    assert.throws(() => model.fit({ inputs: ['a', 'b'], labels: [0] }), /2 inputs but 1 labels/);
    assert.throws(
      () => new SequenceClassifier({ classes, vocab, pooling: 'avg' as never }),
      (e: Error) => e instanceof ConfigError && /pooling must be 'last', 'mean' or 'max'; got "avg"/.test(e.message),
    );
    assert.throws(() => new SequenceClassifier({ classes: ['only'], vocab }), /at least two classes/);
    assert.throws(() => new SequenceClassifier({ classes, vocab, features: 2 }), /got both/);
    const numeric = new SequenceClassifier({ classes, features: 2, hiddenSize: 2 });
    assert.throws(() => numeric.predict([[[1, 2], [3]]]), /step 1 of input 0 has 1 values; the model reads 2 feature/);
    assert.throws(() => numeric.predict(['text']), /numeric steps/);
    const pairs = { inputs: ['a b', 'b a', 'a', 'b'], labels: [0, 1, 0, 1] };
    assert.throws(() => model.fit(pairs, undefined, { classWeights: [1] }), /'balanced' or 2 numbers/);
    assert.throws(() => model.fit(pairs, undefined, { classWeights: [1, -1] }), /class 'b first' is -1/);
  });

  it('a damaged or foreign model file is refused with a ModelFileError', () => {
    const bytes = encodeClassifier(model);
    const damaged = bytes.slice();
    damaged[damaged.length - 3] = (damaged[damaged.length - 3] as number) ^ 0xff;
    assert.throws(
      () => decodeClassifier(damaged),
      (e: Error) => e instanceof ModelFileError && /checksum/.test(e.message),
    );
    const tagger = new SequenceTagger({ classes, vocabSize: 4, hiddenSize: 2 });
    assert.throws(
      () => decodeClassifier(encodeTagger(tagger)),
      /config.type must be 'sequence-classifier'; got "sequence-tagger"/,
    );
    const path = join(dir, 'text.lstm');
    writeFileSync(path, 'not a model');
    assert.throws(() => loadClassifier(path), ModelFileError);
    assert.ok(readFileSync(path).length > 0);
  });
});
