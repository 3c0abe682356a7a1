/**
 * Float64 gradient check of the whole language model (embedding → 2-layer LSTM → linear → mean
 * softmax cross-entropy) over TWO consecutive truncated-BPTT windows, the state carried from the
 * first into the second and the gradient flowing back through it:
 *   loss = CE(window 1 from zero state) + CE(window 2 from window 1's (hN, cN))
 * Every entry of every parameter is checked against central differences of that loss.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefKernels } from '../../src/kernels/index.js';
import { LMNetwork } from '../../src/models/lm-network.js';
import { ParamArena } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck } from '../helpers/gradcheck.js';

// Sizes that all differ, so a transposed index is always the wrong size.
const V = 7;
const E = 3;
const H = 4;
const L = 2;
const T = 3;
const B = 2;

const k64 = new RefKernels('float64');

function setup(seed = 11) {
  const shape = { vocabSize: V, embeddingSize: E, hiddenSize: H, numLayers: L };
  const arena = new ParamArena(k64, LMNetwork.paramSpecs(shape));
  const rng = new Rng(seed);
  // U(−0.7, 0.7) everywhere, biases included: asymmetric, so swapped gates or transposes show
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.7, 0.7);
  // two networks over one arena: each keeps its own caches, as two windows of one run need
  const net1 = new LMNetwork(k64, arena, shape);
  const net2 = new LMNetwork(k64, arena, shape);
  const ids = (): Int32Array => Int32Array.from({ length: T * B }, () => rng.int(V));
  // token 3 appears in both windows, so its embedding row collects gradient from both
  const in1 = ids();
  const in2 = ids();
  in1[1] = 3;
  in2[4] = 3;
  return { arena, net1, net2, in1, tg1: ids(), in2, tg2: ids() };
}

type Setup = ReturnType<typeof setup>;

/** Both windows forward; returns loss1 + loss2 (loss() leaves the logits' gradient for backward). */
function twoWindowLoss(s: Setup): number {
  const w1 = s.net1.forward(s.in1, T, B, null, null);
  const loss1 = s.net1.loss(s.tg1, w1.logits);
  const h = Float64Array.from(w1.hN);
  const c = Float64Array.from(w1.cN!);
  const w2 = s.net2.forward(s.in2, T, B, h, c);
  const loss2 = s.net2.loss(s.tg2, w2.logits);
  return loss1 + loss2;
}

/** Backward window 2 first; its (dh0, dc0) is the gradient of window 1's final state. */
function twoWindowBackward(s: Setup): { dh0: Float64Array } {
  const g2 = s.net2.backward();
  const dhN = Float64Array.from(g2.dh0);
  const dcN = Float64Array.from(g2.dc0!);
  s.net1.backward(dhN, dcN);
  return { dh0: dhN };
}

describe('language model gradient check over two windows with carried state (float64)', () => {
  it('matches central differences on every entry of every parameter', () => {
    const s = setup();
    twoWindowLoss(s);
    s.arena.zeroGrads();
    twoWindowBackward(s);
    const targets = s.arena.entries.map((e) => ({
      name: e.name,
      values: s.arena.value(e.name),
      analytic: Float64Array.from(s.arena.grad(e.name)),
    }));
    const report = gradcheck(targets, () => twoWindowLoss(s));
    assert.equal(report.failures.length, 0, describeReport(report));
    assert.equal(report.checked, s.arena.size);
  });

  it('fails the check when the gradient is not passed back through the carried state', () => {
    // the same loss, but window 1's backward ignores window 2's (dh0, dc0): a detached carry.
    // If this passed, the test above would not be checking the state gradient at all.
    const s = setup();
    twoWindowLoss(s);
    s.arena.zeroGrads();
    const g2 = s.net2.backward();
    assert.ok(
      Math.max(...Array.from(g2.dh0, Math.abs)) > 1e-3,
      'window 2 must send a real gradient to its initial state',
    );
    s.net1.backward();
    const targets = s.arena.entries
      .filter((e) => e.name.startsWith('lstm.'))
      .map((e) => ({
        name: e.name,
        values: s.arena.value(e.name),
        analytic: Float64Array.from(s.arena.grad(e.name)),
      }));
    const report = gradcheck(targets, () => twoWindowLoss(s));
    assert.ok(report.failures.length > 0, 'a detached carry must fail the gradient check');
  });

  it('gives the embedding row of a token seen in both windows the gradient of both', () => {
    // scatter-add: the row of token 3 must differ from what window 1 alone gives it
    const s = setup();
    twoWindowLoss(s);
    s.arena.zeroGrads();
    twoWindowBackward(s);
    const both = Float64Array.from(s.arena.grad('embedding.weight').subarray(3 * E, 4 * E));
    const s1 = setup();
    const w1 = s1.net1.forward(s1.in1, T, B, null, null);
    s1.net1.loss(s1.tg1, w1.logits);
    s1.arena.zeroGrads();
    s1.net1.backward();
    const first = s1.arena.grad('embedding.weight').subarray(3 * E, 4 * E);
    assert.ok(Math.max(...both.map((v, i) => Math.abs(v - (first[i] as number)))) > 1e-4);
  });
});
