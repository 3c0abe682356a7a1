/**
 * The native whole-layer GRU forward (gruLayerForward, native/src/gru_layer.cc) inside `Recurrent`:
 * the same bits as the separate calls (bias fill, recurrent product, gruGatesForward,
 * gruCandidateForward) on 1, 2 and 3 threads, over many steps with packed weights and over single
 * steps of up to 4 rows that read the weights in place, with and without clip; and false, having
 * written nothing, for what it leaves to the separate calls.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Floats, type Kernels, NativeKernels, nativeUnavailableReason } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import '../../src/node/native-addon.js';
import { Rng } from '../../src/rng.js';

function filled(k: Kernels, n: number, seed: number): Floats {
  const a = k.alloc(n);
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Forward and backward of a 2-layer GRU: outputs, final state, input and weight gradients. */
function gruRun(k: Kernels, opts: RecurrentOptions, T: number, B: number): number[] {
  const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
  const rng = new Rng(3);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.3, 0.3);
  const gru = new Recurrent(k, arena, opts);
  const H = opts.hiddenSize;
  const out = gru.forward(filled(k, T * B * opts.inputSize, 4), T, B, filled(k, 2 * B * H, 5), null);
  const y = [...out.y, ...out.hN];
  const { dx } = gru.backward(filled(k, T * B * H, 6), null, null);
  return [...y, ...dx, ...arena.grads];
}

/** The backend with its gruLayerForward calls counted (those that ran the layer). */
function counting(k: NativeKernels): { k: NativeKernels; ran: () => number } {
  let ran = 0;
  const whole = k.gruLayerForward;
  Object.defineProperty(k, 'gruLayerForward', {
    value: (...args: Parameters<typeof whole>) => {
      const done = whole(...args);
      if (done) ran++;
      return done;
    },
  });
  return { k, ran: () => ran };
}

describe('native whole-layer GRU forward', { skip: nativeUnavailableReason() }, () => {
  it('gives the same bits as the separate calls on 1, 2 and 3 threads, many steps and single steps', () => {
    for (const clip of [0, 0.7]) {
      // H = 64: whole register tiles, so the addon runs every step of a layer in one call
      const opts: RecurrentOptions = { kind: 'gru', inputSize: 11, hiddenSize: 64, numLayers: 2, clip };
      for (const threads of [1, 2, 3]) {
        const separate = new NativeKernels({ threads });
        Object.defineProperty(separate, 'gruLayerForward', { value: undefined });
        for (const [T, B] of [
          [9, 5],
          [4, 33],
          [1, 1],
          [1, 3],
          [1, 4],
        ] as const) {
          const { k, ran } = counting(new NativeKernels({ threads }));
          assert.deepEqual(gruRun(k, opts, T, B), gruRun(separate, opts, T, B), `T ${T}, B ${B}, ${threads} threads`);
          assert.equal(ran(), 2, `both layers in one call each: T ${T}, B ${B}, ${threads} threads`);
        }
      }
    }
  });

  it('leaves the original form, partial tiles and unpacked multi-step or wide layers to the separate calls', () => {
    const k = new NativeKernels({ threads: 2 });
    const args = (T: number, B: number, H: number, packed: boolean, lbr: boolean) => {
      const rows = k.alloc(T * B * 3 * H);
      const h = k.alloc((T + 1) * B * H);
      h.fill(0.5);
      const p = packed ? k.alloc(k.packedLength(H, 3 * H)) : null;
      const before = Array.from(h);
      const done = k.gruLayerForward(
        T,
        B,
        H,
        rows,
        k.alloc(3 * H * H),
        p,
        k.alloc(3 * H),
        rows,
        rows,
        rows,
        h,
        null,
        null,
        null,
        0,
        lbr,
      );
      return { done, untouched: Array.from(h).every((v, i) => v === before[i]) };
    };
    for (const [T, B, H, packed, lbr] of [
      [2, 1, 64, true, false], // the original form
      [2, 1, 70, true, true], // H not whole tiles
      [2, 1, 64, false, true], // several steps without the packing
      [1, 5, 64, false, true], // a single step of more than 4 rows without the packing
    ] as const) {
      const { done, untouched } = args(T, B, H, packed, lbr);
      assert.equal(done, false, `T ${T}, B ${B}, H ${H}, packed ${packed}, lbr ${lbr}`);
      assert.ok(untouched);
    }
    assert.equal(args(2, 1, 64, true, true).done, true);
  });

  it('a 2-layer GRU with the whole-layer forward: same bits on every thread count (T 7, B 9, H 128)', () => {
    const opts: RecurrentOptions = { kind: 'gru', inputSize: 13, hiddenSize: 128, numLayers: 2 };
    const first = gruRun(new NativeKernels({ threads: 1 }), opts, 7, 9);
    for (const threads of [2, 3]) assert.deepEqual(gruRun(new NativeKernels({ threads }), opts, 7, 9), first);
  });
});
