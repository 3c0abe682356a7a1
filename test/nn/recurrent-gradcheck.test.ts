/**
 * Float64 gradient checks of the recurrent family: every cell kind and option, stacked,
 * bidirectional, over variable lengths, with dropout masks held fixed. Every entry of x, h0, c0
 * and every parameter is checked by central differences.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck } from '../helpers/gradcheck.js';
import { k64 } from '../helpers/lstm-setup.js';
import { type RecurrentCase, makeRecurrent, recurrentLoss } from '../helpers/recurrent-setup.js';

const D = 5;
const H = 4;
const base = { inputSize: D, hiddenSize: H };

const CASES: RecurrentCase[] = [
  { name: 'plain LSTM, 2 layers (fused kernels)', opts: { kind: 'lstm', ...base, numLayers: 2 }, T: 3, B: 2 },
  {
    name: 'LSTM, bidirectional, 2 layers, lengths 3, 1, 2, 0',
    opts: { kind: 'lstm', ...base, numLayers: 2, bidirectional: true },
    T: 3,
    B: 4,
    lengths: [3, 1, 2, 0],
  },
  {
    name: 'LSTM with peepholes, projection to 3, clip 0.9',
    opts: { kind: 'lstm', ...base, numLayers: 2, projSize: 3, peephole: true, clip: 0.9 },
    T: 3,
    B: 2,
  },
  {
    name: 'LSTM, coupled input-forget gate, other activations, bidirectional, lengths',
    opts: {
      kind: 'lstm',
      ...base,
      inputForget: true,
      peephole: true,
      bidirectional: true,
      activations: [
        { name: 'hard_sigmoid', alpha: 0.3, beta: 0.45 },
        'softsign',
        { name: 'scaled_tanh', alpha: 1.2, beta: 0.8 },
      ],
    },
    T: 4,
    B: 3,
    lengths: [2, 4, 3],
  },
  {
    name: 'LSTM with peepholes, projection to 3, recurrent dropout, lengths sorted ascending 1, 3, 4 (the running rows a suffix)',
    opts: { kind: 'lstm', ...base, projSize: 3, peephole: true, dropout: 0.2, recurrentDropout: 0.3, numLayers: 2 },
    T: 4,
    B: 3,
    lengths: [1, 3, 4],
  },
  {
    name: 'LSTM, clip 0.7, lengths sorted descending 4, 2, 2 (the running rows a prefix)',
    opts: { kind: 'lstm', ...base, clip: 0.7, bidirectional: true },
    T: 4,
    B: 3,
    lengths: [4, 2, 2],
  },
  { name: 'GRU, linear before reset, 3 layers', opts: { kind: 'gru', ...base, numLayers: 3 }, T: 3, B: 2 },
  {
    name: 'GRU, original form, bidirectional, lengths',
    opts: { kind: 'gru', ...base, numLayers: 2, bidirectional: true, linearBeforeReset: false },
    T: 4,
    B: 3,
    lengths: [4, 1, 3],
  },
  {
    name: 'GRU, original form, clip 0.8, elu/softplus',
    opts: { kind: 'gru', ...base, linearBeforeReset: false, clip: 0.8, activations: ['softplus', 'elu'] },
    T: 3,
    B: 2,
  },
  {
    name: 'GRU, linear before reset, 2 layers, clip 0.8, lengths (the fused cell kernels with clip)',
    opts: { kind: 'gru', ...base, numLayers: 2, clip: 0.8 },
    T: 3,
    B: 3,
    lengths: [3, 1, 2],
  },
  {
    name: 'GRU, original form, clip 0.8, lengths (the fused cell kernels with clip)',
    opts: { kind: 'gru', ...base, linearBeforeReset: false, clip: 0.8 },
    T: 3,
    B: 3,
    lengths: [2, 3, 0],
  },
  {
    name: 'RNN tanh, 2 layers, clip 0.6, lengths (the fused cell kernels with clip)',
    opts: { kind: 'rnn', ...base, numLayers: 2, clip: 0.6 },
    T: 3,
    B: 2,
    lengths: [3, 2],
  },
  {
    name: 'RNN relu, 2 layers, clip 0.6',
    opts: { kind: 'rnn', ...base, numLayers: 2, clip: 0.6, activations: ['relu'] },
    T: 3,
    B: 2,
  },
  {
    name: 'RNN tanh, 2 layers, bidirectional',
    opts: { kind: 'rnn', ...base, numLayers: 2, bidirectional: true },
    T: 3,
    B: 2,
  },
  {
    name: 'RNN relu, lengths',
    opts: { kind: 'rnn', ...base, numLayers: 2, activations: ['relu'] },
    T: 4,
    B: 3,
    lengths: [1, 4, 2],
  },
];

const DROPOUT_CASES: RecurrentCase[] = (['lstm', 'gru', 'rnn'] as const).map((kind) => ({
  name: `${kind} with dropout 0.3 between layers and recurrent dropout 0.4 (masks held fixed)`,
  opts: { kind, ...base, numLayers: 2, dropout: 0.3, recurrentDropout: 0.4, bidirectional: kind === 'gru' },
  T: 3,
  B: 2,
  lengths: [3, 2],
}));

describe('Recurrent gradient checks (float64, every entry)', () => {
  for (const c of [...CASES, ...DROPOUT_CASES]) {
    it(c.name, () => {
      const s = makeRecurrent(k64, c);
      const training = (c.opts.dropout ?? 0) > 0;
      s.net.training = training;
      // the same masks at every evaluation: the loss is then a smooth function of the inputs
      const loss = (): number => {
        s.net.setDropoutRng(new Rng(5));
        return recurrentLoss(s, c.T, c.B);
      };
      loss();
      s.arena.zeroGrads();
      const g = s.net.backward(s.Ry, s.Rh, s.Rc);
      const targets = [
        { name: 'x', values: s.x, analytic: Float64Array.from(g.dx) },
        { name: 'h0', values: s.h0, analytic: Float64Array.from(g.dh0) },
        ...(s.c0 !== null && g.dc0 !== null ? [{ name: 'c0', values: s.c0, analytic: Float64Array.from(g.dc0) }] : []),
        ...s.arena.entries.map((e) => ({
          name: e.name,
          values: s.arena.value(e.name),
          analytic: s.arena.grad(e.name),
        })),
      ];
      const report = gradcheck(targets, loss, 1e-5);
      assert.equal(report.failures.length, 0, describeReport(report));
      assert.ok(report.checked > 100);
    });
  }

  it('the dropout masks really act while training and not in evaluation', () => {
    const c = DROPOUT_CASES[0] as RecurrentCase;
    const s = makeRecurrent(k64, c);
    const evalY = Float64Array.from(s.net.forward(s.x, c.T, c.B, s.h0, s.c0, s.lengths).y);
    s.net.training = true;
    const trainY = Float64Array.from(s.net.forward(s.x, c.T, c.B, s.h0, s.c0, s.lengths).y);
    s.net.training = false;
    const againY = s.net.forward(s.x, c.T, c.B, s.h0, s.c0, s.lengths).y;
    assert.notDeepEqual(trainY, evalY);
    assert.deepEqual(Float64Array.from(againY), evalY);
  });
});
