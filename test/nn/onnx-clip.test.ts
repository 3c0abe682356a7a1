/**
 * Our LSTM's peepholes and clip against onnxruntime: test/fixtures/onnx_lstm_peephole_clip.onnx
 * (one ONNX LSTM node, clip 0.7, large weights; made by make_onnx_lstm_clip.py) runs in
 * onnxruntime-node, and the same weights, moved from ONNX's gate order through
 * src/io/gate-order.ts, run in Recurrent. It pins down what ONNX's clip means (each gate's
 * pre-activation, after the peephole term; not the cell state) and the peephole order.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { reorderGates, swapPeepholeOrder } from '../../src/io/gate-order.js';
import { type Kernels, RefKernels } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

interface ClipFixture {
  D: number;
  H: number;
  T: number;
  B: number;
  clip: number;
  W: number[];
  R: number[];
  B_: number[];
  P: number[];
  x: number[];
}

/** The part of onnxruntime-node's API used here (the package ships no type declarations for ESM). */
interface Ort {
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  InferenceSession: {
    create(
      path: string,
    ): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array }>> }>;
  };
}

const fx = JSON.parse(readFileSync('test/fixtures/onnx_lstm_peephole_clip.json', 'utf8')) as ClipFixture;

function ours(clip: number, k: Kernels = new RefKernels('float64')): { y: Float64Array; cN: Float64Array } {
  const { D, H, T, B } = fx;
  const opts = { kind: 'lstm', inputSize: D, hiddenSize: H, peephole: true, clip, prefix: '' } as const;
  const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
  const fromOnnx = (v: number[]): Float64Array => reorderGates(Float64Array.from(v), 'lstm', 'onnx', 'pytorch');
  arena.value('weight_ih_l0').set(fromOnnx(fx.W));
  arena.value('weight_hh_l0').set(fromOnnx(fx.R));
  arena.value('bias_ih_l0').set(fromOnnx(fx.B_.slice(0, 4 * H)));
  arena.value('bias_hh_l0').set(fromOnnx(fx.B_.slice(4 * H)));
  arena.value('weight_peephole_l0').set(swapPeepholeOrder(Float64Array.from(fx.P)));
  const x = k.alloc(T * B * D);
  x.set(fx.x);
  const out = new Recurrent(k, arena, opts).forward(x, T, B);
  return { y: Float64Array.from(out.y), cN: Float64Array.from(out.cN as Float64Array) };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('ONNX LSTM clip and peepholes against onnxruntime', () => {
  it('matches onnxruntime-node, and would not without the clip', async () => {
    const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
    const session = await ort.InferenceSession.create('test/fixtures/onnx_lstm_peephole_clip.onnx');
    const { T, B, D } = fx;
    const result = await session.run({ X: new ort.Tensor('float32', Float32Array.from(fx.x), [T, B, D]) });
    const y = result['Y']?.data ?? new Float32Array(0);
    const c = result['Y_c']?.data ?? new Float32Array(0);
    const clipped = ours(fx.clip);
    assert.ok(maxDiff(clipped.y, y) < 1e-6, `y differs by ${maxDiff(clipped.y, y)}`);
    assert.ok(maxDiff(clipped.cN, c) < 1e-6, `c differs by ${maxDiff(clipped.cN, c)}`);
    assert.ok(maxDiff(ours(0).y, y) > 0.1, 'the clip must matter for this fixture');
  });

  for (const backend of FAST_BACKENDS)
    for (const threads of [1, 2])
      it(
        `matches onnxruntime-node on ${backend.label}, ${threads} thread(s), in float32`,
        { skip: backend.skip },
        async () => {
          const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
          const session = await ort.InferenceSession.create('test/fixtures/onnx_lstm_peephole_clip.onnx');
          const { T, B, D } = fx;
          const result = await session.run({ X: new ort.Tensor('float32', Float32Array.from(fx.x), [T, B, D]) });
          const k = backend.make(threads);
          try {
            const clipped = ours(fx.clip, k);
            const [y, c] = [result['Y']?.data ?? new Float32Array(0), result['Y_c']?.data ?? new Float32Array(0)];
            assert.ok(maxDiff(clipped.y, y) < 1e-5, `y differs by ${maxDiff(clipped.y, y)}`);
            assert.ok(maxDiff(clipped.cN, c) < 1e-5, `c differs by ${maxDiff(clipped.cN, c)}`);
          } finally {
            backend.dispose(k);
          }
        },
      );
});
