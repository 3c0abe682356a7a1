/**
 * TensorFlow.js layers models: built and saved here with TensorFlow.js (tfjs-core, its cpu backend
 * and tfjs-layers, loaded as the benchmark loads them), read back by planTfjsLayersModel and run
 * by SequentialModel, which must predict what TensorFlow.js predicts. TF.js's GRU has no
 * reset_after=True, so that form is checked by moving a PyTorch GRU (our layout, itself checked
 * against PyTorch) into Keras's layout by hand.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type * as Core from '@tensorflow/tfjs-core';
import type * as Layers from '@tensorflow/tfjs-layers';
import { loadTfjs, useBackend } from '../../bench/peers/tfjs-load.js';
import { reorderGates, transpose } from '../../src/io/gate-order.js';
import { planTfjsLayersModel } from '../../src/io/tfjs-layers.js';
import { RefKernels } from '../../src/kernels/index.js';
import { SequentialModel } from '../../src/models/sequential.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

let tf: typeof Core;
let tfl: typeof Layers;

before(async () => {
  const t = await loadTfjs();
  await useBackend(t, 'cpu');
  tf = t.tf;
  tfl = t.tfl;
});

/** Save a tf.LayersModel as model.json + weight bytes, as tf.io's file handler would write them. */
async function saveModel(model: Layers.LayersModel): Promise<{ json: unknown; bytes: Uint8Array }> {
  let captured: Core.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = captured as Core.io.ModelArtifacts;
  const json = JSON.parse(
    JSON.stringify({
      format: 'layers-model',
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    }),
  );
  return { json, bytes: new Uint8Array(a.weightData as ArrayBuffer) };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function randomInputs(n: number, seed: number, int?: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => (int === undefined ? rng.uniform(-1, 1) : rng.int(int)));
}

const BACKENDS = [
  { label: 'js', make: () => new RefKernels('float32'), skip: undefined as string | undefined },
  ...FAST_BACKENDS.map((b) => ({ label: b.label, make: () => b.make(1), skip: b.skip })),
];

describe('TensorFlow.js layers models', () => {
  const [B, T] = [3, 5];

  async function check(build: () => Layers.LayersModel, input: number[], shape: number[]): Promise<void> {
    const model = build();
    const expected = (model.predict(tf.tensor(input, shape)) as Core.Tensor).dataSync();
    const { json, bytes } = await saveModel(model);
    const plan = planTfjsLayersModel(json, bytes);
    for (const backend of BACKENDS) {
      if (backend.skip !== undefined) continue;
      const ours = new SequentialModel(plan, backend.make()).predict(input, B, T);
      const d = maxDiff(ours, expected);
      assert.ok(d < 2e-5, `${backend.label}: max |ours − TF.js| = ${d}`);
    }
  }

  it('Embedding → LSTM (hard-sigmoid recurrent activation, TF.js default) → Dense softmax, over token ids', async () => {
    await check(
      () => {
        const m = tfl.sequential();
        m.add(tfl.layers.embedding({ inputDim: 11, outputDim: 4, inputLength: T }));
        m.add(tfl.layers.lstm({ units: 6, returnSequences: true }));
        m.add(tfl.layers.dense({ units: 5, activation: 'softmax' }));
        return m;
      },
      randomInputs(B * T, 3, 11),
      [B, T],
    );
  });

  it('Bidirectional GRU (concat) → SimpleRNN relu → Dense', async () => {
    await check(
      () => {
        const m = tfl.sequential();
        m.add(
          tfl.layers.bidirectional({
            layer: tfl.layers.gru({ units: 5, returnSequences: true }) as Layers.RNN,
            inputShape: [T, 3],
          }),
        );
        m.add(tfl.layers.simpleRNN({ units: 4, activation: 'relu', returnSequences: true }));
        m.add(tfl.layers.dense({ units: 2 }));
        return m;
      },
      randomInputs(B * T * 3, 4),
      [B, T, 3],
    );
  });

  it('Bidirectional LSTM (sigmoid, average of the directions, last step only) → Dense tanh', async () => {
    await check(
      () => {
        const m = tfl.sequential();
        const lstm = tfl.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }) as Layers.RNN;
        m.add(tfl.layers.bidirectional({ layer: lstm, mergeMode: 'ave', inputShape: [T, 3] }));
        m.add(tfl.layers.dense({ units: 3, activation: 'tanh' }));
        return m;
      },
      randomInputs(B * T * 3, 5),
      [B, T, 3],
    );
  });

  it('a GRU with reset_after=True (bias (2, 3H)) computes what the PyTorch-form GRU computes', () => {
    const fixture = JSON.parse(readFileSync('test/fixtures/recurrent_reference.json', 'utf8')) as {
      cases: { name: string; D: number; H: number; params: Record<string, number[]> }[];
    };
    const c = fixture.cases.find((x) => x.name === 'gru 1 layer') as (typeof fixture.cases)[number];
    const { D, H } = c;
    const p = (n: string): Float32Array => Float32Array.from(c.params[n] as number[]);
    const kerasOf = (w: Float32Array, cols: number): Float32Array =>
      transpose(reorderGates(w, 'gru', 'pytorch', 'keras'), 3 * H, cols);
    const weights = [
      { name: 'gru/kernel', shape: [D, 3 * H], data: kerasOf(p('weight_ih_l0'), D) },
      { name: 'gru/recurrent_kernel', shape: [H, 3 * H], data: kerasOf(p('weight_hh_l0'), H) },
      {
        name: 'gru/bias',
        shape: [2, 3 * H],
        data: Float32Array.from([
          ...reorderGates(p('bias_ih_l0'), 'gru', 'pytorch', 'keras'),
          ...reorderGates(p('bias_hh_l0'), 'gru', 'pytorch', 'keras'),
        ]),
      },
    ];
    const bytes = new Uint8Array(weights.reduce((n, w) => n + 4 * w.data.length, 0));
    let at = 0;
    for (const w of weights) {
      bytes.set(new Uint8Array(w.data.buffer), at);
      at += 4 * w.data.length;
    }
    const json = {
      modelTopology: {
        class_name: 'Sequential',
        config: {
          layers: [
            {
              class_name: 'GRU',
              config: {
                name: 'gru',
                units: H,
                reset_after: true,
                recurrent_activation: 'sigmoid',
                activation: 'tanh',
                return_sequences: true,
                batch_input_shape: [null, T, D],
              },
            },
          ],
        },
      },
      weightsManifest: [
        { paths: ['weights.bin'], weights: weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' })) },
      ],
    };
    const k = new RefKernels('float64');
    const x = randomInputs(B * T * D, 6);
    const ours = new SequentialModel(planTfjsLayersModel(json, bytes), k).predict(x, B, T);
    // the same weights as PyTorch's nn.GRU, run time-major with a zero initial state
    const opts = { kind: 'gru', inputSize: D, hiddenSize: H, prefix: '' } as const;
    const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
    for (const n of Object.keys(c.params)) arena.value(n).set(c.params[n] as number[]);
    const xt = k.alloc(T * B * D);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let j = 0; j < D; j++) xt[(t * B + b) * D + j] = x[(b * T + t) * D + j] as number;
    const y = new Recurrent(k, arena, opts).forward(xt, T, B).y;
    const expected = new Float64Array(B * T * H);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) expected.set(y.subarray((t * B + b) * H, (t * B + b + 1) * H), (b * T + t) * H);
    assert.ok(maxDiff(ours, expected) < 1e-6, `max diff ${maxDiff(ours, expected)}`);
  });

  it('says what is wrong with an unsupported or damaged model', async () => {
    const m = tfl.sequential();
    m.add(tfl.layers.lstm({ units: 2, inputShape: [T, 3] }));
    const { json, bytes } = await saveModel(m);
    assert.throws(
      () => planTfjsLayersModel(json, bytes.subarray(0, 10)),
      /the weights hold 10 bytes; the manifest's float32 weights need 192.*shard missing/,
    );
    const conv = JSON.parse(JSON.stringify(json)) as {
      modelTopology: { config: { layers: { class_name: string }[] } };
    };
    (conv.modelTopology.config.layers[0] as { class_name: string }).class_name = 'Conv1D';
    assert.throws(() => planTfjsLayersModel(conv, bytes), /is a Conv1D; supported: Embedding, LSTM/);
    assert.throws(
      () => planTfjsLayersModel({ modelTopology: { class_name: 'Model', config: {} } }, bytes),
      /only Sequential models/,
    );
  });
});

describe('TensorFlow.js model files (Node)', () => {
  it('reads model.json and its shard from a folder and predicts as TF.js does', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadTfjsLayersModelFile } = await import('../../src/node/files.js');
    const m = tfl.sequential();
    m.add(tfl.layers.gru({ units: 3, inputShape: [4, 2], returnSequences: true }));
    const { json, bytes } = await saveModel(m);
    const dir = mkdtempSync(join(tmpdir(), 'lstm-tfjs-'));
    try {
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      writeFileSync(join(dir, 'weights.bin'), bytes);
      const x = randomInputs(2 * 4 * 2, 8);
      const expected = (m.predict(tf.tensor(x, [2, 4, 2])) as Core.Tensor).dataSync();
      const ours = loadTfjsLayersModelFile(join(dir, 'model.json'), new RefKernels('float32')).predict(x, 2, 4);
      assert.ok(maxDiff(ours, expected) < 2e-5);
      assert.throws(() => loadTfjsLayersModelFile(join(dir, 'none.json')), /there is no file at/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
