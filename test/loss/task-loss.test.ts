/**
 * The experiments' losses and the task network, checked in float64: the loss gradients by
 * central differences (with masked steps and legal-symbol masks), the correctness rules, and the
 * whole network's input gradient (what the gradient-flow measurement reads) against the loss
 * recomputed with each input perturbed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { taskLoss } from '../../src/loss/task-loss.js';
import { TaskModel } from '../../src/models/task-model.js';
import { Rng } from '../../src/rng.js';
import { addingTask1997, embeddedReberTask, noisyLongLagTask, type TaskBatch } from '../../src/tasks/index.js';
import { describeReport, gradcheck } from '../helpers/gradcheck.js';
import { k64 } from '../helpers/lstm-setup.js';

function randomOutputs(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.uniform(-2, 2));
}

const smallBatch = (kind: 'value' | 'class' | 'step'): TaskBatch => {
  const T = 3;
  const B = 2;
  if (kind === 'value')
    return {
      T,
      B,
      D: 1,
      x: new Float32Array(T * B),
      lengths: null,
      target: { kind: 'final-value', values: Float32Array.of(0.3, -1) },
    };
  if (kind === 'class')
    return {
      T,
      B,
      D: 1,
      x: new Float32Array(T * B),
      lengths: null,
      target: { kind: 'final-class', classes: 3, labels: Int32Array.of(2, 0) },
    };
  // steps (t, b): labels 1, −1 | 0, 2 | −1, 1: three of six steps unlabelled or labelled
  return {
    T,
    B,
    D: 1,
    x: new Float32Array(T * B),
    lengths: null,
    target: { kind: 'step-class', classes: 3, labels: Int32Array.of(1, -1, 0, 2, -1, 1) },
  };
};

describe('task losses', () => {
  for (const kind of ['value', 'class', 'step'] as const) {
    it(`${kind}: the gradient matches central differences (float64)`, () => {
      const batch = smallBatch(kind);
      const n = kind === 'value' ? 2 : kind === 'class' ? 6 : 18;
      const out = randomOutputs(n, 3);
      const dOut = new Float64Array(n);
      taskLoss(batch, out, 0.1, dOut);
      const report = gradcheck([{ name: 'out', values: out, analytic: dOut }], () => taskLoss(batch, out, 0.1).loss);
      assert.equal(report.failures.length, 0, describeReport(report));
      if (kind === 'step')
        for (const i of [3, 4, 5, 12, 13, 14]) assert.equal(dOut[i], 0, 'no gradient at an unlabelled step');
    });
  }

  it('values: MSE, and correct within the tolerance', () => {
    const r = taskLoss(smallBatch('value'), Float64Array.of(0.35, -0.5), 0.1);
    assert.ok(Math.abs(r.loss - (0.05 ** 2 + 0.5 ** 2) / 2) < 1e-7); // the targets are float32
    assert.equal(r.correct, 1);
  });

  it('steps: cross-entropy per labelled step; a sequence is correct only when every labelled step is', () => {
    const batch = smallBatch('step');
    const out = new Float64Array(18);
    const hot = (t: number, b: number, c: number): void => void (out[(t * 2 + b) * 3 + c] = 10);
    hot(0, 0, 1);
    hot(1, 0, 0);
    hot(1, 1, 2);
    hot(2, 1, 0); // sequence 1's last step is wrong
    const r = taskLoss(batch, out, 0);
    assert.equal(r.correct, 1);
    assert.equal(r.count, 2);
    const right = -Math.log(Math.exp(10) / (Math.exp(10) + 2));
    const wrong = -Math.log(1 / (Math.exp(10) + 2));
    assert.ok(Math.abs(r.loss - (3 * right + wrong) / 4) < 1e-9);
  });

  it('Reber rule: correct when the legal symbols are the most probable, whichever was drawn', () => {
    const batch: TaskBatch = {
      T: 1,
      B: 2,
      D: 1,
      x: new Float32Array(2),
      lengths: null,
      target: {
        kind: 'step-class',
        classes: 4,
        labels: Int32Array.of(0, 0),
        legal: Uint8Array.of(1, 1, 0, 0, 1, 1, 0, 0),
      },
    };
    // sequence 0: both legal symbols ahead of the illegal ones; sequence 1: an illegal one ties in
    const r = taskLoss(batch, Float64Array.of(1, 2, 0, 0, 1, 2, 1, 0), 0);
    assert.equal(r.correct, 1);
  });
});

describe('TaskModel', () => {
  const cases = [
    {
      name: 'LSTM, final value over variable lengths (adding 1997)',
      cell: 'lstm',
      batch: addingTask1997(20).batch(new Rng(4), 3),
    },
    {
      name: 'GRU, final class over variable lengths (noisy long lag)',
      cell: 'gru',
      batch: noisyLongLagTask(3, 3).batch(new Rng(5), 3),
    },
    {
      name: 'RNN, a class at every step with a legal mask (Reber)',
      cell: 'rnn',
      batch: embeddedReberTask().batch(new Rng(6), 2),
    },
  ] as const;
  for (const c of cases) {
    it(`${c.name}: dL/dx matches central differences (float64)`, () => {
      const task =
        c.cell === 'lstm' ? addingTask1997(20) : c.cell === 'gru' ? noisyLongLagTask(3, 3) : embeddedReberTask();
      const model = new TaskModel(k64, task, { cell: c.cell, hiddenSize: 3, forgetBias: 'chrono', horizon: 20 });
      model.init(new Rng(8));
      const x = Float64Array.from(c.batch.x);
      const batch = { ...c.batch, x };
      const loss = (): number => taskLoss(batch, model.forward(batch), 0.04).loss;
      model.arena.zeroGrads();
      const out = model.forward(batch);
      const dOut = new Float64Array(out.length);
      taskLoss(batch, out, 0.04, dOut);
      const dx = Float64Array.from(model.backward(dOut));
      const head = model.arena.grad('head.weight').slice();
      const report = gradcheck(
        [
          { name: 'x', values: x, analytic: dx },
          { name: 'head.weight', values: model.arena.value('head.weight'), analytic: head },
        ],
        loss,
      );
      assert.equal(report.failures.length, 0, describeReport(report));
      if (batch.lengths !== null) {
        // nothing past a sequence's end reaches the loss
        for (let b = 0; b < batch.B; b++)
          for (let t = batch.lengths[b] as number; t < batch.T; t++)
            for (let j = 0; j < batch.D; j++) assert.equal(dx[(t * batch.B + b) * batch.D + j], 0);
      }
    });
  }

  it('chrono initialisation: forget biases ln u with u in [1, horizon − 1], input biases their negatives', () => {
    const model = new TaskModel(k64, addingTask1997(20), {
      cell: 'lstm',
      hiddenSize: 50,
      forgetBias: 'chrono',
      horizon: 40,
    });
    model.init(new Rng(1));
    const bIh = model.arena.value('lstm.bias_ih_l0');
    const bHh = model.arena.value('lstm.bias_hh_l0');
    for (let j = 0; j < 50; j++) {
      const bf = bIh[50 + j] as number;
      assert.ok(bf >= 0 && bf <= Math.log(39), `b_f ${bf}`);
      assert.equal(bIh[j], -bf);
      assert.equal(bHh[j], 0);
      assert.equal(bHh[50 + j], 0);
    }
  });
});
