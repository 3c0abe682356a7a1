/**
 * Float64 gradient checks of the new pieces: pooling over time (last, mean, max; one and two
 * directions; variable lengths), and the whole classifier and tagger losses (class-weighted
 * cross-entropy through head, pooling, stack and embedding), by central differences.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SequenceClassifier } from '../../src/models/sequence-classifier.js';
import { SequenceTagger } from '../../src/models/sequence-tagger.js';
import { ParamArena } from '../../src/nn/params.js';
import { type Pooling, POOLINGS, TimePooling } from '../../src/nn/pooling.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck, randomArray, weightedSum } from '../helpers/gradcheck.js';
import { k64 } from '../helpers/lstm-setup.js';

const [T, B, R] = [5, 3, 2];
const lengths = Int32Array.of(5, 2, 3);

/** Every parameter of an arena as a gradcheck target (analytic = the grads after one backward). */
function arenaTargets(arena: ParamArena): { name: string; values: Float64Array; analytic: Float64Array }[] {
  return arena.entries.map((e) => ({
    name: e.name,
    values: arena.value(e.name) as Float64Array,
    analytic: arena.grad(e.name).slice() as Float64Array,
  }));
}

describe('TimePooling', () => {
  for (const pooling of POOLINGS)
    for (const dirs of [1, 2] as const)
      it(`'${pooling}', ${dirs} direction(s): dy matches central differences and is zero past each end`, () => {
        const rng = new Rng(11);
        const C = dirs * R;
        const pool = new TimePooling(k64, pooling, dirs, R);
        const y = randomArray(T * B * C, rng);
        const weights = randomArray(B * C, rng);
        const loss = (): number => weightedSum(pool.forward(y, T, B, lengths), weights);
        pool.forward(y, T, B, lengths);
        const dy = pool.backward(weights).slice();
        const report = gradcheck([{ name: 'y', values: y, analytic: dy }], loss);
        assert.equal(report.failures.length, 0, describeReport(report));
        for (let b = 0; b < B; b++)
          for (let t = lengths[b] as number; t < T; t++)
            for (let c = 0; c < C; c++) assert.equal(dy[(t * B + b) * C + c], 0);
      });

  it("'last' reads what the stack's final states hold (the reverse direction ends at t = 0)", () => {
    const opts = { kind: 'lstm' as const, inputSize: 3, hiddenSize: R, numLayers: 2, bidirectional: true };
    const arena = new ParamArena(k64, Recurrent.paramSpecs(opts));
    const stack = new Recurrent(k64, arena, opts);
    const rng = new Rng(3);
    stack.init(rng);
    const { y, hN } = stack.forward(randomArray(T * B * 3, rng), T, B, null, null, lengths);
    const pooled = new TimePooling(k64, 'last', 2, R).forward(y, T, B, lengths);
    for (let d = 0; d < 2; d++)
      for (let b = 0; b < B; b++)
        for (let j = 0; j < R; j++) assert.equal(pooled[b * 2 * R + d * R + j], hN[((2 + d) * B + b) * R + j]);
  });
});

describe('classifier and tagger losses', () => {
  const ids = [
    [1, 4, 2, 5, 3],
    [6, 2],
    [3, 3, 0, 1],
  ];
  for (const pooling of POOLINGS)
    it(`classifier, token input, 2-layer bidirectional LSTM, '${pooling}' pooling, class weights`, () => {
      const model = new SequenceClassifier({
        classes: ['a', 'b', 'c'],
        vocabSize: 7,
        embeddingSize: 3,
        hiddenSize: 4,
        numLayers: 2,
        bidirectional: true,
        pooling: pooling as Pooling,
        kernels: k64,
        seed: 5,
      });
      const data = { inputs: ids, labels: [2, 0, 1] };
      const weights = [0.5, 2, 1.25];
      model.gradients(data, weights);
      const report = gradcheck(arenaTargets(model.arena), () => model.loss(data, weights));
      assert.equal(report.failures.length, 0, describeReport(report));
    });

  it('classifier with a bag of tokens, in chunks of 2 (the bag of each chunk beside the LSTM)', () => {
    const model = new SequenceClassifier({
      classes: ['a', 'b', 'c'],
      vocabSize: 7,
      embeddingSize: 3,
      hiddenSize: 4,
      pooling: 'max',
      chunkLength: 2,
      bagOfTokens: true,
      kernels: k64,
      seed: 6,
    });
    // the bag starts at zero; random weights make every path of its forward count
    const rng = new Rng(3);
    const bag = model.arena.value('bag.weight');
    for (let i = 0; i < bag.length; i++) bag[i] = rng.uniform(-1, 1);
    const data = { inputs: ids, labels: [2, 0, 1] };
    const weights = [0.5, 2, 1.25];
    model.gradients(data, weights);
    const report = gradcheck(arenaTargets(model.arena), () => model.loss(data, weights));
    assert.equal(report.failures.length, 0, describeReport(report));
  });

  it('classifier, numeric input, GRU, mean pooling', () => {
    const rng = new Rng(8);
    const model = new SequenceClassifier({
      classes: ['x', 'y'],
      features: 2,
      cell: 'gru',
      hiddenSize: 3,
      pooling: 'mean',
      kernels: k64,
    });
    const inputs = [4, 1, 3].map((L) => Array.from({ length: L }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1)]));
    const data = { inputs, labels: [1, 0, 1] };
    model.gradients(data);
    const report = gradcheck(arenaTargets(model.arena), () => model.loss(data));
    assert.equal(report.failures.length, 0, describeReport(report));
  });

  it('tagger, bidirectional LSTM, unlabelled steps (−1) and class weights', () => {
    const model = new SequenceTagger({
      classes: ['p', 'q', 'r'],
      vocabSize: 7,
      embeddingSize: 3,
      hiddenSize: 3,
      bidirectional: true,
      kernels: k64,
      seed: 2,
    });
    const data = {
      inputs: ids,
      labels: [
        [0, 2, -1, 1, 1],
        [-1, 2],
        [1, 0, 2, -1],
      ],
    };
    const weights = [1.5, 0.5, 1];
    model.gradients(data, weights);
    const report = gradcheck(arenaTargets(model.arena), () => model.loss(data, weights));
    assert.equal(report.failures.length, 0, describeReport(report));
  });
});
