/**
 * Float64 gradient checks of the small layers (Linear, Embedding) and of the softmax
 * cross-entropy loss, by central differences on every entry; and the loss's values where they
 * are known in closed form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefKernels } from '../../src/kernels/index.js';
import { softmaxCrossEntropy } from '../../src/loss/cross-entropy.js';
import { Embedding } from '../../src/nn/embedding.js';
import { Linear } from '../../src/nn/linear.js';
import { ParamArena } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck, randomArray, weightedSum } from '../helpers/gradcheck.js';

const k64 = new RefKernels('float64');

describe('Linear (float64)', () => {
  // N rows, in and out features all different
  const N = 4;
  const IN = 5;
  const OUT = 3;

  it('passes a gradient check on every entry of x, W and b (loss = Σ y ⊙ R)', () => {
    const rng = new Rng(3);
    const arena = new ParamArena(k64, Linear.paramSpecs('fc.', IN, OUT));
    for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-1, 1);
    const layer = new Linear(k64, arena, 'fc.', IN, OUT);
    const x = randomArray(N * IN, rng);
    const R = randomArray(N * OUT, rng);
    const loss = (): number => weightedSum(layer.forward(x, N), R);
    loss();
    arena.zeroGrads();
    const dx = Float64Array.from(layer.backward(R));
    const report = gradcheck(
      [
        { name: 'x', values: x, analytic: dx },
        { name: 'fc.weight', values: arena.value('fc.weight'), analytic: Float64Array.from(arena.grad('fc.weight')) },
        { name: 'fc.bias', values: arena.value('fc.bias'), analytic: Float64Array.from(arena.grad('fc.bias')) },
      ],
      loss,
    );
    assert.equal(report.failures.length, 0, describeReport(report));
    assert.equal(report.checked, N * IN + OUT * IN + OUT);
  });

  it('computes y = x Wᵀ + b with W stored (out, in) as PyTorch does', () => {
    // hand-computed: W = [[1, 2], [3, 4], [5, 6]] (3 × 2), b = [0.5, −1, 2], x = [1, −1]
    const arena = new ParamArena(k64, Linear.paramSpecs('fc.', 2, 3));
    arena.value('fc.weight').set([1, 2, 3, 4, 5, 6]);
    arena.value('fc.bias').set([0.5, -1, 2]);
    const y = new Linear(k64, arena, 'fc.', 2, 3).forward(Float64Array.from([1, -1]), 1);
    assert.deepEqual(Array.from(y), [1 - 2 + 0.5, 3 - 4 - 1, 5 - 6 + 2]);
  });
});

describe('Embedding (float64)', () => {
  const V = 6;
  const E = 3;
  // token 2 three times, token 0 once, token 5 once; tokens 1, 3, 4 never
  const ids = Int32Array.from([2, 0, 2, 5, 2]);

  it('passes a gradient check on every entry of the table, a repeated id accumulating', () => {
    const rng = new Rng(5);
    const arena = new ParamArena(k64, Embedding.paramSpecs('emb', V, E));
    for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-1, 1);
    const layer = new Embedding(k64, arena, 'emb', V, E);
    const R = randomArray(ids.length * E, rng);
    const loss = (): number => weightedSum(layer.forward(ids), R);
    loss();
    arena.zeroGrads();
    layer.backward(R);
    const dTable = Float64Array.from(arena.grad('emb'));
    const report = gradcheck([{ name: 'emb', values: arena.value('emb'), analytic: dTable }], loss);
    assert.equal(report.failures.length, 0, describeReport(report));
    // row 2 is the sum of R's rows 0, 2 and 4; unused rows get exactly nothing
    for (let e = 0; e < E; e++) {
      const expected = (R[e] as number) + (R[2 * E + e] as number) + (R[4 * E + e] as number);
      assert.ok(Math.abs((dTable[2 * E + e] as number) - expected) < 1e-15);
    }
    for (const unused of [1, 3, 4]) {
      assert.deepEqual(Array.from(dTable.subarray(unused * E, (unused + 1) * E)), [0, 0, 0]);
    }
  });

  it('rejects an id outside [0, V) with a hint about the vocabulary', () => {
    const arena = new ParamArena(k64, Embedding.paramSpecs('emb', V, E));
    const layer = new Embedding(k64, arena, 'emb', V, E);
    assert.throws(() => layer.forward(Int32Array.from([0, V])), { name: 'ShapeError', message: /\[0, 6\).*Hint/s });
  });
});

/** Plain float64 −log softmax(z)[y], written from the definition, for value checks. */
function plainCrossEntropy(z: readonly number[], y: number): number {
  const sum = z.reduce((s, v) => s + Math.exp(v), 0);
  return -Math.log(Math.exp(z[y] as number) / sum);
}

describe('softmaxCrossEntropy', () => {
  const N = 3;
  const V = 5;
  const targets = Int32Array.from([4, 0, 2]);

  it('returns the mean of −log softmax(z_n)[y_n] over the rows', () => {
    const rng = new Rng(8);
    const logits = randomArray(N * V, rng).map((v) => 3 * v);
    const expected =
      [0, 1, 2].reduce(
        (s, n) => s + plainCrossEntropy(Array.from(logits.subarray(n * V, (n + 1) * V)), targets[n] as number),
        0,
      ) / N;
    const loss = softmaxCrossEntropy(k64, logits, targets, N, V, new Float64Array(N * V));
    assert.ok(Math.abs(loss - expected) < 1e-14, `${loss} vs ${expected}`);
  });

  it('passes a float64 gradient check on every logit (central differences on the mean loss)', () => {
    const rng = new Rng(9);
    const logits = randomArray(N * V, rng).map((v) => 2 * v);
    const scratch = new Float64Array(N * V);
    const dLogits = new Float64Array(N * V);
    softmaxCrossEntropy(k64, logits, targets, N, V, dLogits);
    const report = gradcheck([{ name: 'logits', values: logits, analytic: dLogits }], () =>
      softmaxCrossEntropy(k64, logits, targets, N, V, scratch),
    );
    assert.equal(report.failures.length, 0, describeReport(report));
    // each row of (softmax − onehot) / N sums to zero
    for (let n = 0; n < N; n++) {
      const rowSum = dLogits.subarray(n * V, (n + 1) * V).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(rowSum) < 1e-15);
    }
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`is stable for logits of ±300 (${dtype}): finite loss and gradient, the right values`, () => {
      const k = new RefKernels(dtype);
      const logits = k.alloc(2 * 3);
      logits.set([300, -300, 0, 300, -300, 0]);
      const dLogits = k.alloc(2 * 3);
      // row 0 targets the largest logit: loss ≈ log(1 + e^−300 + e^−600) ≈ 0
      // row 1 targets the smallest:      loss ≈ 600 + log(1 + …) ≈ 600;  mean ≈ 300
      const loss = softmaxCrossEntropy(k, logits, Int32Array.from([0, 1]), 2, 3, dLogits);
      assert.ok(Number.isFinite(loss));
      assert.ok(Math.abs(loss - 300) < 1e-9, `loss ${loss}`);
      for (const v of dLogits) assert.ok(Number.isFinite(v));
      // gradient: (softmax − onehot) / 2 = (1 − 1, 0, 0)/2 for row 0 and (1, −1, 0)/2 for row 1
      const expected = [0, 0, 0, 0.5, -0.5, 0];
      dLogits.forEach((v, i) => {
        assert.ok(Math.abs(v - (expected[i] as number)) < 1e-12, `dLogits[${i}] = ${v}`);
      });
    });
  }

  it('rejects a target outside [0, V)', () => {
    assert.throws(
      () => softmaxCrossEntropy(k64, new Float64Array(4), Int32Array.from([0, 2]), 2, 2, new Float64Array(4)),
      { name: 'ShapeError' },
    );
  });
});
