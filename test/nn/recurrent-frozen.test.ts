/**
 * Recurrent.frozenWeights on the native kernels: a plain LSTM stack packs its weights once and
 * reads that copy in later forwards, with exactly the numbers of an unfrozen forward (single steps
 * of large batches, which would otherwise pack per call, and runs of several steps, a prime read
 * at batch 1 among them); the copy is a snapshot
 * of the weight matrices (a change to them is not seen until frozenWeights is set false and true
 * again); and
 * LanguageModel.frozenNetwork gives what its inference network gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Floats, Kernels } from '../../src/kernels/index.js';
import { LanguageModel } from '../../src/models/language-model.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

const native = FAST_BACKENDS.find((b) => b.label === 'native');
const skip = native?.skip ?? (native === undefined ? 'no native backend' : undefined);

const [D, H, L] = [24, 64, 2]; // H a whole number of the native register tile's columns

function fill(k: Kernels, n: number, rng: Rng): Floats {
  const a = k.alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Outputs, final h and c of a forward, copied. */
function forward(stack: Recurrent, x: Floats, T: number, B: number, h0: Floats, c0: Floats): Float32Array[] {
  const { y, hN, cN } = stack.forward(x, T, B, h0, c0);
  return [Float32Array.from(y), Float32Array.from(hN), Float32Array.from(cN as Floats)];
}

describe('Recurrent.frozenWeights (native)', { skip }, () => {
  const k = (native as NonNullable<typeof native>).make(2);
  const options: RecurrentOptions = { kind: 'lstm', inputSize: D, hiddenSize: H, numLayers: L };
  const arena = new ParamArena(k, Recurrent.paramSpecs(options));
  const rng = new Rng(5);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.3, 0.3);
  const plain = new Recurrent(k, arena, options);
  const frozen = new Recurrent(k, arena, options);
  frozen.frozenWeights = true;
  const shapes: Array<[number, number]> = [
    [1, 64],
    [1, 5],
    [1, 3],
    [6, 9],
    [5, 2],
    [6, 1], // a prime read at batch 1: the product over all steps, then each step's from packed W_hh
    [3, 1], // three rows: row dot products in place, and packed W_hh
  ];
  const inputs = shapes.map(([T, B]) => ({
    T,
    B,
    x: fill(k, T * B * D, rng),
    h0: fill(k, L * B * H, rng),
    c0: fill(k, L * B * H, rng),
  }));

  it('gives exactly what an unfrozen stack gives, at every batch and length', () => {
    for (const { T, B, x, h0, c0 } of inputs) {
      for (let repeat = 0; repeat < 2; repeat++) {
        assert.deepEqual(forward(frozen, x, T, B, h0, c0), forward(plain, x, T, B, h0, c0), `T ${T}, B ${B}`);
      }
    }
  });

  it('keeps the weight matrices it packed until it is thawed and frozen again', () => {
    const { T, B, x, h0, c0 } = inputs[0] as (typeof inputs)[number];
    const before = forward(plain, x, T, B, h0, c0);
    const saved = Float32Array.from(arena.values);
    try {
      for (const e of arena.entries.filter((entry) => entry.name.includes('weight_'))) {
        for (let i = e.offset; i < e.offset + e.length; i++) arena.values[i] = (arena.values[i] as number) * 0.5;
      }
      const after = forward(plain, x, T, B, h0, c0);
      assert.notDeepEqual(after, before);
      assert.deepEqual(forward(frozen, x, T, B, h0, c0), before, 'the packed copy is a snapshot');
      frozen.frozenWeights = false;
      frozen.frozenWeights = true;
      assert.deepEqual(forward(frozen, x, T, B, h0, c0), after);
    } finally {
      arena.values.set(saved);
      frozen.frozenWeights = false;
      frozen.frozenWeights = true;
    }
  });

  it("LanguageModel.frozenNetwork gives the inference network's logits and states for a step of 40 streams", () => {
    const model = LanguageModel.create({
      text: 'abcdefgh ijklmnop.',
      embeddingSize: 8,
      hiddenSize: H,
      seed: 2,
      kernels: k,
    });
    const [open, packed] = [model.inferenceNetwork(), model.frozenNetwork()];
    assert.equal(packed.recurrent.frozenWeights, true);
    assert.equal(open.recurrent.frozenWeights, false);
    const B = 40;
    const ids = Int32Array.from({ length: B }, (_, i) => i % model.vocab.size);
    const sizes = open.stateSizes(B);
    const [h, c] = [fill(k, sizes.h, rng), fill(k, sizes.c, rng)];
    const copy = (r: ReturnType<typeof open.forward>): Float32Array[] =>
      [r.logits, r.hN, r.cN as Floats].map((a) => Float32Array.from(a));
    assert.deepEqual(copy(packed.forward(ids, 1, B, h, c)), copy(open.forward(ids, 1, B, h, c)));
  });
});
