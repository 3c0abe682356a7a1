/**
 * ONNX export (src/io/onnx/export.ts): models written by the library run in onnxruntime-web (its
 * WebAssembly build, in Node) and give what the library gives; read back by OnnxModel they give
 * it again. Covered: recurrent stacks of every kind and option ONNX has (layers, bidirectional,
 * peepholes, clip, coupled gates, activations with alpha/beta, both GRU forms, relu RNN), with
 * lengths and states; the character language model; a Keras-style Sequential model with every
 * Bidirectional merge, a final-state layer and a softmax head, batch-first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  exportLanguageModelOnnx,
  exportRecurrentOnnx,
  exportSequentialOnnx,
} from '../../src/io/onnx/export-sources.js';
import { OnnxModel } from '../../src/io/onnx/model.js';
import { decodeOnnxModel } from '../../src/io/onnx/proto.js';
import type { ModelPlan } from '../../src/io/tfjs-layers.js';
import { RefKernels } from '../../src/kernels/index.js';
import { LanguageModel } from '../../src/models/language-model.js';
import { SequentialModel } from '../../src/models/sequential.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';
import { type OrtFeed, runOnnxruntimeWeb } from '../helpers/onnxruntime.js';

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function uniform(rng: Rng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

const STACKS: { name: string; opts: RecurrentOptions }[] = [
  {
    name: 'LSTM, 2 layers, bidirectional',
    opts: { kind: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true },
  },
  {
    name: 'LSTM with peepholes, clip, coupled gates and hard-sigmoid gates',
    opts: {
      kind: 'lstm',
      inputSize: 4,
      hiddenSize: 3,
      peephole: true,
      clip: 0.9,
      inputForget: true,
      activations: [
        { name: 'hard_sigmoid', alpha: 0.3, beta: 0.45 },
        'tanh',
        { name: 'scaled_tanh', alpha: 1.1, beta: 0.8 },
      ],
    },
  },
  {
    name: 'GRU as PyTorch (linear before reset), 2 layers',
    opts: { kind: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2 },
  },
  {
    name: 'GRU in the original form, bidirectional',
    opts: { kind: 'gru', inputSize: 3, hiddenSize: 4, bidirectional: true, linearBeforeReset: false },
  },
  {
    name: 'RNN relu, 3 layers',
    opts: { kind: 'rnn', inputSize: 2, hiddenSize: 4, numLayers: 3, activations: ['relu'] },
  },
];

describe('ONNX export: recurrent stacks in onnxruntime-web', () => {
  for (const { name, opts } of STACKS) {
    it(name, async () => {
      const k = new RefKernels('float32');
      const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
      const net = new Recurrent(k, arena, opts);
      const rng = new Rng(5);
      net.init(rng);
      const [T, B, D] = [6, 3, opts.inputSize];
      const N = net.numLayers * net.dirs;
      const H = net.hiddenSize;
      const x = uniform(rng, T * B * D);
      const h0 = uniform(rng, N * B * H, 0.5);
      const c0 = uniform(rng, N * B * H, 0.5);
      const lengths = Int32Array.from([6, 2, 4]);
      const isLstm = opts.kind === 'lstm';
      const ours = net.forward(x, T, B, h0, isLstm ? c0 : null, lengths);
      const expected = {
        output: Float32Array.from(ours.y),
        h_n: Float32Array.from(ours.hN),
        c_n: ours.cN === null ? null : Float32Array.from(ours.cN),
      };

      const bytes = exportRecurrentOnnx(net, arena, { states: true, lengths: true });
      const feeds: Record<string, OrtFeed> = {
        input: { kind: 'float', dims: [T, B, D], data: x },
        lengths: { kind: 'int', dims: [B], data: lengths },
        h0: { kind: 'float', dims: [N, B, H], data: h0 },
        ...(isLstm ? { c0: { kind: 'float', dims: [N, B, H], data: c0 } } : {}),
      };
      const web = await runOnnxruntimeWeb(bytes, feeds);
      assert.deepEqual(web['output']?.dims, [T, B, net.outputSize]);
      assert.ok(
        maxDiff(web['output']?.data ?? [], expected.output) < 1e-5,
        `output differs by ${maxDiff(web['output']?.data ?? [], expected.output)}`,
      );
      assert.ok(maxDiff(web['h_n']?.data ?? [], expected.h_n) < 1e-5, 'h_n');
      if (expected.c_n !== null) assert.ok(maxDiff(web['c_n']?.data ?? [], expected.c_n) < 1e-5, 'c_n');

      // and read back by our own importer, on the same kernels: the same numbers
      const back = OnnxModel.fromBytes(bytes, k).run(feeds as Record<string, OrtFeed & { dims: number[] }>);
      assert.ok(maxDiff(back['output']?.data ?? [], expected.output) < 1e-6, 'imported output');
      assert.ok(maxDiff(back['h_n']?.data ?? [], expected.h_n) < 1e-6, 'imported h_n');
    });
  }

  it('batch-first without states or lengths: input (B, T, D) → output (B, T, dirs·H)', async () => {
    const k = new RefKernels('float32');
    const opts: RecurrentOptions = { kind: 'lstm', inputSize: 2, hiddenSize: 3, bidirectional: true };
    const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
    const net = new Recurrent(k, arena, opts);
    const rng = new Rng(8);
    net.init(rng);
    const [T, B] = [4, 2];
    const x = uniform(rng, T * B * 2); // time-major for ours
    const y = net.forward(x, T, B).y;
    const xb = new Float32Array(x.length);
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) xb.set(x.subarray((t * B + b) * 2, (t * B + b + 1) * 2), (b * T + t) * 2);
    const web = await runOnnxruntimeWeb(exportRecurrentOnnx(net, arena, { batchFirst: true }), {
      input: { kind: 'float', dims: [B, T, 2], data: xb },
    });
    const out = web['output'] as { dims: number[]; data: Float32Array };
    assert.deepEqual(out.dims, [B, T, 6]);
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++)
        assert.ok(
          maxDiff(
            out.data.subarray((b * T + t) * 6, (b * T + t + 1) * 6),
            y.subarray((t * B + b) * 6, (t * B + b + 1) * 6),
          ) < 1e-5,
        );
  });

  it('refuses what ONNX cannot say: an LSTM with a projection', () => {
    const k = new RefKernels('float32');
    const opts: RecurrentOptions = { kind: 'lstm', inputSize: 2, hiddenSize: 4, projSize: 2 };
    const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
    assert.throws(
      () => exportRecurrentOnnx(new Recurrent(k, arena, opts), arena),
      /no projection; this stack has projSize 2/,
    );
  });
});

describe('ONNX export: the character language model', () => {
  it('gives the same next-character probabilities and states in onnxruntime-web, vocabulary included', async () => {
    const k = new RefKernels('float32');
    const model = LanguageModel.create({
      text: 'the quick brown fox jumps over the lazy dog',
      embeddingSize: 5,
      hiddenSize: 7,
      numLayers: 2,
      kernels: k,
      seed: 3,
    });
    const [T, B, L, H, V] = [5, 2, 2, 7, model.vocab.size];
    const ids = Int32Array.from(model.vocab.encode('hello world'.slice(0, T * B)));
    const rng = new Rng(4);
    const h0 = uniform(rng, L * B * H, 0.5);
    const c0 = uniform(rng, L * B * H, 0.5);
    const res = model.network.forward(ids, T, B, Float32Array.from(h0), Float32Array.from(c0));
    const probs = new Float32Array(T * B * V);
    for (let r = 0; r < T * B; r++)
      k.softmaxRow(V, res.logits.subarray(r * V, (r + 1) * V), 1, probs.subarray(r * V, (r + 1) * V));
    const bytes = exportLanguageModelOnnx(model);
    const web = await runOnnxruntimeWeb(bytes, {
      ids: { kind: 'int64', dims: [T, B], data: ids },
      h0: { kind: 'float', dims: [L, B, H], data: h0 },
      c0: { kind: 'float', dims: [L, B, H], data: c0 },
    });
    assert.deepEqual(web['probs']?.dims, [T, B, V]);
    assert.ok(
      maxDiff(web['probs']?.data ?? [], probs) < 1e-6,
      `probs differ by ${maxDiff(web['probs']?.data ?? [], probs)}`,
    );
    assert.ok(maxDiff(web['h_n']?.data ?? [], res.hN) < 1e-5, 'h_n');
    assert.ok(maxDiff(web['c_n']?.data ?? [], res.cN!) < 1e-5, 'c_n');
    const meta = decodeOnnxModel(bytes).metadata_props?.find((p) => p.key === 'vocab')?.value ?? '[]';
    assert.deepEqual(JSON.parse(meta), model.vocab.chars);
  });
});

describe('ONNX export: a Keras-style Sequential model', () => {
  it('Embedding → Bidirectional LSTM (sum) → Bidirectional GRU (ave, final state) → Dense softmax, batch-first', async () => {
    const rng = new Rng(11);
    const dir = (
      G: number,
      H: number,
      D: number,
    ): { weight_ih: Float32Array; weight_hh: Float32Array; bias_ih: Float32Array; bias_hh: Float32Array } => ({
      weight_ih: uniform(rng, G * H * D, 0.6),
      weight_hh: uniform(rng, G * H * H, 0.6),
      bias_ih: uniform(rng, G * H, 0.3),
      bias_hh: uniform(rng, G * H, 0.3),
    });
    const recurrent = { type: 'recurrent' as const, linearBeforeReset: false, returnSequences: true };
    const plan: ModelPlan = {
      inputFeatures: 1,
      tokens: true,
      layers: [
        { type: 'embedding', name: 'emb', inputDim: 9, outputDim: 4, table: uniform(rng, 36) },
        {
          ...recurrent,
          name: 'bi_lstm',
          kind: 'lstm',
          units: 3,
          inputSize: 4,
          activations: [{ name: 'hard_sigmoid', alpha: 0.2, beta: 0.5 }, { name: 'tanh' }, { name: 'tanh' }],
          merge: 'sum',
          directions: [dir(4, 3, 4), dir(4, 3, 4)],
        },
        {
          ...recurrent,
          name: 'bi_lstm_mul',
          kind: 'lstm',
          units: 3,
          inputSize: 3,
          activations: [{ name: 'sigmoid' }, { name: 'tanh' }, { name: 'tanh' }],
          merge: 'mul',
          directions: [dir(4, 3, 3), dir(4, 3, 3)],
        },
        {
          ...recurrent,
          name: 'bi_gru',
          kind: 'gru',
          units: 2,
          inputSize: 3,
          activations: [{ name: 'sigmoid' }, { name: 'tanh' }],
          merge: 'ave',
          returnSequences: false,
          directions: [dir(3, 2, 3), dir(3, 2, 3)],
        },
        {
          type: 'dense',
          name: 'out',
          inSize: 2,
          units: 3,
          activation: 'softmax',
          weight: uniform(rng, 6),
          bias: uniform(rng, 3),
        },
      ],
    };
    const model = new SequentialModel(plan, new RefKernels('float32'));
    const [B, T] = [2, 5];
    const ids = Array.from({ length: B * T }, (_, i) => (i * 7) % 9);
    const ours = model.predict(ids, B, T);
    const web = await runOnnxruntimeWeb(exportSequentialOnnx(model), {
      ids: { kind: 'int64', dims: [B, T], data: ids },
    });
    assert.deepEqual(web['output']?.dims, [B, 3]);
    assert.ok(
      maxDiff(web['output']?.data ?? [], ours) < 1e-6,
      `differs by ${maxDiff(web['output']?.data ?? [], ours)}`,
    );
  });
});
