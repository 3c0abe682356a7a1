/**
 * Unsorted batches: Recurrent runs a batch whose lengths are not in non-increasing order sorted by
 * length (LengthOrder) and gives every result back in the caller's order. Checked against the same
 * batch sorted by hand (outputs, final states, input and state gradients, weight gradients), bit
 * for bit on every backend, bidirectional and stacked, for each cell; and LengthOrder itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Floats, type Kernels, RefKernels } from '../../src/kernels/index.js';
import { LengthOrder } from '../../src/nn/length-order.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

const [T, B, D, H] = [7, 5, 3, 32];
const LENGTHS = [3, 7, 0, 5, 7]; // unsorted, with a tie and an empty sequence
const ORDER = [1, 4, 3, 0, 2]; // the stable sort by length, longest first

/** (blocks, B, width) with its rows taken in `order` (sorted row i = given row order[i]). */
function rowsInOrder(a: ArrayLike<number>, blocks: number, width: number, order: readonly number[]): number[] {
  const out: number[] = [];
  for (let t = 0; t < blocks; t++)
    for (const b of order) for (let j = 0; j < width; j++) out.push(a[(t * B + b) * width + j] as number);
  return out;
}

const inverse = ORDER.map((_, b) => ORDER.indexOf(b));

function values(k: Kernels, n: number, seed: number): Floats {
  const rng = new Rng(seed);
  const a = k.alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

function fromNumbers(k: Kernels, a: readonly number[]): Floats {
  const out = k.alloc(a.length);
  out.set(a);
  return out;
}

/** Outputs, final states and every gradient of one step, with the batch's rows in `order`. */
function runIn(k: Kernels, opts: RecurrentOptions, order: readonly number[]): number[][] {
  const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
  const rng = new Rng(2);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.4, 0.4);
  const net = new Recurrent(k, arena, opts);
  const dirs = opts.bidirectional === true ? 2 : 1;
  const states = (opts.numLayers ?? 1) * dirs;
  const given = (n: number, blocks: number, width: number, seed: number): Floats =>
    fromNumbers(k, rowsInOrder(values(k, n, seed), blocks, width, order));
  const x = given(T * B * D, T, D, 3);
  const [h0, c0] = [given(states * B * H, states, H, 4), given(states * B * H, states, H, 5)];
  const lengths = Int32Array.from(order, (b) => LENGTHS[b] as number);
  const out = net.forward(x, T, B, h0, opts.kind === 'lstm' ? c0 : null, lengths);
  const result = [Array.from(out.y), Array.from(out.hN), Array.from(out.cN ?? [])];
  const dy = given(T * B * dirs * H, T, dirs * H, 6);
  const dhN = given(states * B * H, states, H, 7);
  const grads = net.backward(dy, dhN, opts.kind === 'lstm' ? c0 : null);
  // back to the given order, for comparing
  const back = (a: ArrayLike<number>, blocks: number, width: number): number[] =>
    order === ORDER && a.length > 0 ? rowsInOrder(a, blocks, width, inverse) : Array.from(a);
  return [
    back(result[0] as number[], T, dirs * H),
    back(result[1] as number[], states, H),
    back(result[2] as number[], states, H),
    back(grads.dx, T, D),
    back(grads.dh0, states, H),
    back(grads.dc0 ?? [], states, H),
    Array.from(arena.grads),
  ];
}

const CASES: RecurrentOptions[] = [
  { kind: 'lstm', inputSize: D, hiddenSize: H, bidirectional: true, numLayers: 2 },
  { kind: 'lstm', inputSize: D, hiddenSize: H, peephole: true, clip: 0.8 },
  { kind: 'gru', inputSize: D, hiddenSize: H, bidirectional: true },
  { kind: 'rnn', inputSize: D, hiddenSize: H, numLayers: 2 },
];

const BACKENDS: ReadonlyArray<{ label: string; make: () => Kernels; skip?: string | undefined }> = [
  { label: 'js, float64', make: () => new RefKernels('float64') },
  ...FAST_BACKENDS.map((b) => ({ label: b.label, make: () => b.make(2), skip: b.skip })),
];

describe('LengthOrder', () => {
  it('is null for lengths already non-increasing (or none), and sorts stably otherwise', () => {
    assert.equal(LengthOrder.of(null), null);
    assert.equal(LengthOrder.of(Int32Array.from([7, 7, 5, 0])), null);
    const order = LengthOrder.of(Int32Array.from(LENGTHS));
    assert.ok(order !== null);
    assert.deepEqual(Array.from(order.lengths), [7, 7, 5, 3, 0]);
    const k = new RefKernels('float64');
    const a = values(k, 2 * B * 3, 1);
    const [sorted, back] = [k.alloc(a.length), k.alloc(a.length)];
    order.sort(k, a, 2, 3, sorted);
    assert.deepEqual(Array.from(sorted), rowsInOrder(a, 2, 3, ORDER));
    order.unsort(k, sorted, 2, 3, back);
    assert.deepEqual(Array.from(back), Array.from(a));
  });
});

for (const backend of BACKENDS)
  describe(`an unsorted batch (${backend.label})`, { skip: backend.skip }, () => {
    for (const opts of CASES) {
      it(`gives what the batch sorted by hand gives, in the caller's order: ${opts.kind}`, () => {
        const unsorted = runIn(backend.make(), opts, [0, 1, 2, 3, 4]);
        const sorted = runIn(backend.make(), opts, ORDER);
        const names = ['y', 'hN', 'cN', 'dx', 'dh0', 'dc0', 'weight gradients'];
        names.forEach((name, i) => assert.deepEqual(unsorted[i], sorted[i], name));
      });
    }
  });
