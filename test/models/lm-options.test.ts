/**
 * The language model on the one recurrent core (`Recurrent`): every option the stack has reaches
 * it. Float64 gradient checks of the whole network (embedding → stack → output dropout → head →
 * cross-entropy) with a GRU, an RNN, an LSTM with projection, and an LSTM with dropout between
 * layers, recurrent dropout and output dropout (the masks drawn again from the same seed at every
 * evaluation of the loss, so the function being differentiated is fixed); dropout only while
 * training; and parameter names that stay PyTorch's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { RefKernels } from '../../src/kernels/index.js';
import { LanguageModel } from '../../src/models/language-model.js';
import { LMNetwork, type NetworkShape } from '../../src/models/lm-network.js';
import { ParamArena } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck } from '../helpers/gradcheck.js';

const [V, E, H, T, B] = [7, 3, 5, 4, 2];
const k64 = new RefKernels('float64');

function setup(extra: Partial<NetworkShape>, seed = 3) {
  const shape: NetworkShape = { vocabSize: V, embeddingSize: E, hiddenSize: H, numLayers: 2, ...extra };
  const arena = new ParamArena(k64, LMNetwork.paramSpecs(shape));
  const rng = new Rng(seed);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.7, 0.7);
  const net = new LMNetwork(k64, arena, shape);
  const ids = Int32Array.from({ length: T * B }, () => rng.int(V));
  const targets = Int32Array.from({ length: T * B }, () => rng.int(V));
  return { arena, net, ids, targets };
}

/** The loss with the dropout masks drawn from the same seed every time. */
function lossOf(s: ReturnType<typeof setup>): number {
  s.net.setDropoutRng(new Rng(99));
  const { logits } = s.net.forward(s.ids, T, B, null, null);
  return s.net.loss(s.targets, logits);
}

const CASES: Array<[string, Partial<NetworkShape>, boolean]> = [
  ['GRU', { cell: 'gru' }, false],
  ['tanh RNN', { cell: 'rnn' }, false],
  ['LSTM with projection', { projSize: 3 }, false],
  [
    'LSTM with dropout 0.5 between layers, recurrent dropout 0.3 and output dropout 0.4',
    { dropout: 0.5, recurrentDropout: 0.3, outputDropout: 0.4 },
    true,
  ],
];

describe('language model options (float64 gradient checks)', () => {
  for (const [name, extra, training] of CASES) {
    it(`${name}: every parameter matches central differences`, () => {
      const s = setup(extra);
      s.net.training = training;
      lossOf(s);
      s.arena.zeroGrads();
      s.net.backward();
      const targets = s.arena.entries.map((e) => ({
        name: e.name,
        values: s.arena.value(e.name),
        analytic: Float64Array.from(s.arena.grad(e.name)),
      }));
      const report = gradcheck(targets, () => lossOf(s));
      assert.equal(report.failures.length, 0, describeReport(report));
      assert.equal(report.checked, s.arena.size);
    });
  }

  it('dropout changes the loss only while training', () => {
    const plain = setup({});
    const dropped = setup({ dropout: 0.5, outputDropout: 0.5 });
    assert.equal(lossOf(dropped), lossOf(plain), 'inference: dropout is off');
    dropped.net.training = true;
    assert.notEqual(lossOf(dropped), lossOf(plain), 'training: masks applied');
  });

  it('keeps PyTorch parameter names, with the carried state sized by the cell', () => {
    const gru = setup({ cell: 'gru' });
    assert.deepEqual(
      gru.arena.entries.map((e) => `${e.name} ${e.shape.join('x')}`),
      [
        'embedding.weight 7x3',
        'lstm.weight_ih_l0 15x3',
        'lstm.weight_hh_l0 15x5',
        'lstm.bias_ih_l0 15',
        'lstm.bias_hh_l0 15',
        'lstm.weight_ih_l1 15x5',
        'lstm.weight_hh_l1 15x5',
        'lstm.bias_ih_l1 15',
        'lstm.bias_hh_l1 15',
        'head.weight 7x5',
        'head.bias 7',
      ],
    );
    assert.deepEqual(gru.net.stateSizes(B), { h: 2 * B * H, c: 0 });
    const projected = setup({ projSize: 3 });
    assert.deepEqual(projected.net.stateSizes(B), { h: 2 * B * 3, c: 2 * B * H });
    assert.ok(projected.arena.entries.some((e) => e.name === 'lstm.weight_hr_l1'));
  });

  it('stores the options in the model file, and only those that differ from the defaults', () => {
    const k32 = new RefKernels(); // float32: what a model file stores
    const text = 'the cat sat on the mat. the dog ate my hat. '.repeat(4);
    const plain = LanguageModel.create({ text, embeddingSize: 4, hiddenSize: 6, numLayers: 2, kernels: k32 });
    assert.deepEqual(plain.config, { embeddingSize: 4, hiddenSize: 6, numLayers: 2 });
    const gru = LanguageModel.create({
      text,
      embeddingSize: 4,
      hiddenSize: 6,
      numLayers: 2,
      cell: 'gru',
      dropout: 0.2,
      recurrentDropout: 0,
      outputDropout: 0.3,
      kernels: k32,
    });
    assert.deepEqual(gru.config, {
      embeddingSize: 4,
      hiddenSize: 6,
      numLayers: 2,
      cell: 'gru',
      dropout: 0.2,
      outputDropout: 0.3,
    });
    const loaded = decodeModel(encodeModel(gru), k32);
    assert.deepEqual(loaded.config, gru.config);
    const options = { prime: 'the ', length: 40, seed: 4 };
    assert.equal(loaded.generate(options).text, gru.generate(options).text);
    assert.equal(loaded.evaluate(text).nats, gru.evaluate(text).nats);
  });
});
