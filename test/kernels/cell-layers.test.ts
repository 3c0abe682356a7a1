/**
 * The native whole-layer forwards of the LSTM with options (lstmOptionsLayerForward, and its
 * backward lstmOptionsLayerBackward), the plain RNN
 * (rnnLayerForward) and the GRU with lengths and recurrent dropout (gruLayerForward) inside
 * `Recurrent`: the same bits as the separate calls (recurrent product, cell step, carried rows,
 * masked operands) on 1, 2 and 3 threads, for batches sorted by length, unsorted and with empty
 * sequences, both directions, many steps with packed weights and single steps of up to 4 rows that
 * read the weights in place; and false, having written nothing, for what each leaves to the calls.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Floats, type Kernels, NativeKernels, nativeUnavailableReason } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import '../../src/node/native-addon.js';
import { Rng } from '../../src/rng.js';

type LayerKernel = 'lstmOptionsLayerForward' | 'lstmOptionsLayerBackward' | 'rnnLayerForward' | 'gruLayerForward';

function filled(k: Kernels, n: number, seed: number): Floats {
  const a = k.alloc(n);
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Forward (training, so recurrent dropout applies) and backward: outputs, final state, gradients. */
function run(k: Kernels, opts: RecurrentOptions, T: number, B: number, lengths: Int32Array | null): number[] {
  const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
  const rng = new Rng(3);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.3, 0.3);
  const net = new Recurrent(k, arena, opts);
  net.training = true;
  net.setDropoutRng(new Rng(9));
  const H = opts.hiddenSize;
  const states = (opts.numLayers ?? 1) * (opts.bidirectional === true ? 2 : 1) * B * H;
  const c0 = opts.kind === 'lstm' ? filled(k, states, 7) : null;
  const out = net.forward(filled(k, T * B * opts.inputSize, 4), T, B, filled(k, states, 5), c0, lengths);
  const y = [...out.y, ...out.hN, ...(out.cN ?? [])];
  const dirs = opts.bidirectional === true ? 2 : 1;
  const { dx } = net.backward(filled(k, T * B * H * dirs, 6), null, null);
  return [...y, ...dx, ...arena.grads];
}

/** The backend with its whole-layer calls counted (those that ran the layer), per kernel. */
function counting(k: NativeKernels, names: readonly LayerKernel[]): { k: NativeKernels; ran: () => number[] } {
  const ran = names.map(() => 0);
  names.forEach((name, i) => {
    const whole = k[name] as (...args: unknown[]) => boolean;
    Object.defineProperty(k, name, {
      value: (...args: unknown[]) => {
        const done = whole(...args);
        if (done) ran[i] = (ran[i] as number) + 1;
        return done;
      },
    });
  });
  return { k, ran: () => ran };
}

const KERNELS: Record<RecurrentOptions['kind'], readonly LayerKernel[]> = {
  lstm: ['lstmOptionsLayerForward', 'lstmOptionsLayerBackward'],
  rnn: ['rnnLayerForward'],
  gru: ['gruLayerForward'],
};

/** Each cell and option on a whole number of register tiles (H 64). */
const CASES: RecurrentOptions[] = [
  { kind: 'lstm', inputSize: 11, hiddenSize: 64, numLayers: 2 },
  { kind: 'lstm', inputSize: 11, hiddenSize: 64, peephole: true, clip: 0.7, recurrentDropout: 0.3 },
  { kind: 'lstm', inputSize: 5, hiddenSize: 64, inputForget: true, bidirectional: true },
  { kind: 'rnn', inputSize: 11, hiddenSize: 64, numLayers: 2, recurrentDropout: 0.25 },
  { kind: 'rnn', inputSize: 7, hiddenSize: 64, activations: ['relu'], clip: 0.9, bidirectional: true },
  { kind: 'gru', inputSize: 11, hiddenSize: 64, numLayers: 2, recurrentDropout: 0.25, clip: 0.7 },
  { kind: 'gru', inputSize: 7, hiddenSize: 64, bidirectional: true },
];

/** [T, B, lengths]: sorted, unsorted with empty rows, none, and the single steps of generation. */
const SHAPES: [number, number, number[] | null][] = [
  [9, 5, [9, 7, 7, 3, 1]],
  [6, 7, [2, 6, 0, 5, 6, 1, 3]],
  [4, 33, null],
  [1, 1, null],
  [1, 4, [1, 0, 1, 1]],
];

/** An LSTM without options (only sizes and layers). */
function isPlain(o: RecurrentOptions): boolean {
  return Object.keys(o).every((key) => ['kind', 'inputSize', 'hiddenSize', 'numLayers'].includes(key));
}

function describeCase(o: RecurrentOptions): string {
  return JSON.stringify(o).replace(/"/g, '');
}

describe('native whole-layer forwards with lengths and options', { skip: nativeUnavailableReason() }, () => {
  for (const opts of CASES) {
    it(`the same bits as the separate calls on 1, 2 and 3 threads: ${describeCase(opts)}`, () => {
      const names = KERNELS[opts.kind];
      const layers = (opts.numLayers ?? 1) * (opts.bidirectional === true ? 2 : 1);
      for (const threads of [1, 2, 3]) {
        const separate = new NativeKernels({ threads });
        for (const name of names) Object.defineProperty(separate, name, { value: undefined });
        for (const [T, B, lens] of SHAPES) {
          const lengths = lens === null ? null : Int32Array.from(lens);
          const { k, ran } = counting(new NativeKernels({ threads }), names);
          const what = `T ${T}, B ${B}, lengths ${lens}, ${threads} threads`;
          assert.deepEqual(run(k, opts, T, B, lengths), run(separate, opts, T, B, lengths), what);
          // the plain LSTM over full lengths takes the fused path (lstmLayerForward) instead; a
          // single step's backward has no packing and runs the separate calls
          const fused = opts.kind === 'lstm' && isPlain(opts) && lengths === null;
          const expected = names.map((name) =>
            fused || (name === 'lstmOptionsLayerBackward' && T === 1) ? 0 : layers,
          );
          assert.deepEqual(ran(), expected, `every layer and direction in one call each: ${what}`);
        }
      }
    });
  }

  it('leaves partial tiles and unpacked multi-step or wide layers to the separate calls', () => {
    const k = new NativeKernels({ threads: 2 });
    const tryLayer = (
      name: Exclude<LayerKernel, 'lstmOptionsLayerBackward'>,
      T: number,
      B: number,
      H: number,
      packed: boolean,
    ) => {
      const G = name === 'lstmOptionsLayerForward' ? 4 : name === 'gruLayerForward' ? 3 : 1;
      const rows = k.alloc(T * B * G * H);
      const h = k.alloc((T + 1) * B * H);
      h.fill(0.5);
      const before = Array.from(h);
      const w = k.alloc(G * H * H);
      const p = packed ? k.alloc(k.packedLength(H, G * H)) : null;
      const other = k.alloc((T + 1) * B * H);
      const done =
        name === 'lstmOptionsLayerForward'
          ? k.lstmOptionsLayerForward(
              T,
              B,
              H,
              H,
              k.alloc(T * B * H),
              w,
              p,
              k.alloc(4 * H),
              rows,
              rows,
              w,
              p,
              h,
              other,
              other,
              null,
              null,
              null,
              null,
              0,
              false,
            )
          : name === 'rnnLayerForward'
            ? k.rnnLayerForward(T, B, H, rows, w, p, h, null, null, null, false, 0)
            : k.gruLayerForward(T, B, H, rows, w, p, k.alloc(3 * H), rows, rows, rows, h, null, null, null, 0, true);
      return { done, untouched: Array.from(h).every((v, i) => v === before[i]) };
    };
    // the LSTM's input product of at most 4 rows over several steps is left to the separate calls
    assert.equal(tryLayer('lstmOptionsLayerForward', 2, 2, 64, true).done, false);
    for (const name of ['lstmOptionsLayerForward', 'rnnLayerForward', 'gruLayerForward'] as const) {
      for (const [T, B, H, packed] of [
        [2, 1, 70, true], // H not whole tiles
        [2, 1, 64, false], // several steps without the packing
        [1, 5, 64, false], // a single step of more than 4 rows without the packing
      ] as const) {
        const { done, untouched } = tryLayer(name, T, B, H, packed);
        assert.equal(done, false, `${name}: T ${T}, B ${B}, H ${H}, packed ${packed}`);
        assert.ok(untouched);
      }
      assert.equal(tryLayer(name, 2, 3, 64, true).done, true, name);
    }
  });
});
