/**
 * The encoder–decoder network (src/models/seq2seq-network.ts): a float64 gradient check of the
 * whole model, every parameter, on tiny sizes, for each attention (dot, general, additive, none),
 * stacked and bidirectional encoders, a GRU encoder, label smoothing, and dropout of every kind
 * while training; source and target padding included.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefKernels } from '../../src/kernels/index.js';
import { type Seq2SeqBatch, Seq2SeqNetwork, type Seq2SeqNetworkOptions } from '../../src/models/seq2seq-network.js';
import { ParamArena } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck } from '../helpers/gradcheck.js';

const k64 = new RefKernels('float64');

// source (Ts 4, B 3) time-major, padding id 0 past each length; targets −1 past each end
const BATCH: Seq2SeqBatch = {
  Ts: 4,
  Tt: 3,
  B: 3,
  source: Int32Array.from([1, 2, 3, 4, 1, 2, 2, 0, 3, 3, 0, 0]),
  sourceLengths: Int32Array.from([4, 2, 3]),
  targetIn: Int32Array.from([1, 1, 1, 2, 3, 4, 5, 0, 2]),
  targetOut: Int32Array.from([2, 3, 4, 5, 0, 2, 0, -1, 0]),
};

const BASE: Seq2SeqNetworkOptions = {
  sourceVocab: 5,
  targetVocab: 6,
  embeddingSize: 3,
  encoderHidden: 2,
  decoderHidden: 4,
  attention: 'general',
};

const CASES: [string, Seq2SeqNetworkOptions, number, boolean, number?][] = [
  ['general attention, 2-layer encoder and decoder', { ...BASE, encoderLayers: 2, decoderLayers: 2 }, 0, false],
  ['dot attention (memory = decoder size)', { ...BASE, attention: 'dot' }, 0.1, false],
  [
    'additive attention, label smoothing, dropout while training',
    { ...BASE, attention: 'additive', encoderLayers: 2, dropout: 0.3 },
    0.1,
    true,
  ],
  [
    'no attention, unidirectional encoder',
    { ...BASE, attention: 'none', bidirectional: false, decoderLayers: 2 },
    0,
    false,
  ],
  ['a GRU encoder', { ...BASE, encoderKind: 'gru' }, 0, false],
  ["scheduled sampling (half the inputs the model's own)", { ...BASE, decoderLayers: 2 }, 0, true, 0.5],
];

describe('Seq2SeqNetwork (float64)', () => {
  for (const [name, opts, smoothing, training, sampling = 0] of CASES) {
    it(`passes a gradient check on every parameter: ${name}`, () => {
      const arena = new ParamArena(k64, Seq2SeqNetwork.paramSpecs(opts));
      const net = new Seq2SeqNetwork(k64, arena, opts);
      net.init(new Rng(2));
      net.training = training;
      const loss = (): number => {
        net.setDropoutRng(new Rng(7)); // the same masks at every evaluation
        const { sum, count } = net.forward(BATCH, smoothing, sampling);
        return sum / count;
      };
      loss();
      arena.zeroGrads();
      net.backward(smoothing);
      const targets = arena.entries.map((e) => ({
        name: e.name,
        values: arena.value(e.name),
        analytic: Float64Array.from(arena.grad(e.name)),
      }));
      const report = gradcheck(targets, loss);
      assert.equal(report.failures.length, 0, describeReport(report));
      assert.ok(report.checked > 100);
    });
  }

  it('scheduled sampling changes what the decoder reads while training, and nothing at evaluation', () => {
    const arena = new ParamArena(k64, Seq2SeqNetwork.paramSpecs(BASE));
    const net = new Seq2SeqNetwork(k64, arena, BASE);
    net.init(new Rng(2));
    const loss = (sampling: number): number => {
      net.setDropoutRng(new Rng(7));
      const { sum, count } = net.forward(BATCH, 0, sampling);
      return sum / count;
    };
    net.training = true;
    assert.notEqual(loss(1), loss(0));
    net.training = false;
    assert.equal(loss(1), loss(0));
    assert.throws(() => loss(1.5), /scheduled-sampling probability must be in \[0, 1\]/);
  });
});
