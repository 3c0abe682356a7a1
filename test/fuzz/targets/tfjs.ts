/**
 * TensorFlow.js layers models: three small valid ones written here by hand in the form tf.io
 * saves (model.json with a Sequential topology and a weights manifest, weights in two shards),
 * then model.json edited (any node set to another value or removed, or replaced whole) and the
 * shards reordered, extended, cut, left out or given a NaN; read by loadTfjsLayersModelFile from
 * a folder and, when it loads, run on a small batch. A model that loads must predict what the
 * unedited one predicts, or have been refused (silent otherwise: wrong weights accepted).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultKernels } from '../../../src/kernels/index.js';
import { loadTfjsLayersModelFile } from '../../../src/node/files.js';
import type { Outcome } from '../outcome.js';
import { scratchBase } from './scratch.js';
import type { TfjsOp, TfjsPlan } from '../plans.js';

interface Weight {
  name: string;
  shape: number[];
}

type Json = Record<string, unknown>;

/** Three shapes of model: LSTM → Dense(softmax); Embedding → GRU → Dense; Bidirectional(LSTM) → Dense. */
function models(): Array<{ layers: Json[]; weights: Weight[] }> {
  const input = { batch_input_shape: [null, null, 2], dtype: 'float32' };
  return [
    {
      layers: [
        {
          class_name: 'LSTM',
          config: {
            name: 'lstm_1',
            units: 3,
            return_sequences: false,
            activation: 'tanh',
            recurrent_activation: 'sigmoid',
            use_bias: true,
            ...input,
          },
        },
        { class_name: 'Dense', config: { name: 'dense_1', units: 2, activation: 'softmax', use_bias: true } },
      ],
      weights: [
        { name: 'lstm_1/kernel', shape: [2, 12] },
        { name: 'lstm_1/recurrent_kernel', shape: [3, 12] },
        { name: 'lstm_1/bias', shape: [12] },
        { name: 'dense_1/kernel', shape: [3, 2] },
        { name: 'dense_1/bias', shape: [2] },
      ],
    },
    {
      layers: [
        {
          class_name: 'Embedding',
          config: { name: 'emb', input_dim: 5, output_dim: 3, batch_input_shape: [null, null] },
        },
        {
          class_name: 'GRU',
          config: {
            name: 'gru_1',
            units: 2,
            return_sequences: true,
            reset_after: false,
            activation: 'tanh',
            recurrent_activation: 'hard_sigmoid',
          },
        },
        { class_name: 'Dense', config: { name: 'out', units: 1, activation: 'linear' } },
      ],
      weights: [
        { name: 'emb/embeddings', shape: [5, 3] },
        { name: 'gru_1/kernel', shape: [3, 6] },
        { name: 'gru_1/recurrent_kernel', shape: [2, 6] },
        { name: 'gru_1/bias', shape: [6] },
        { name: 'out/kernel', shape: [2, 1] },
        { name: 'out/bias', shape: [1] },
      ],
    },
    {
      layers: [
        {
          class_name: 'Bidirectional',
          config: {
            name: 'bidi',
            merge_mode: 'concat',
            layer: { class_name: 'LSTM', config: { name: 'lstm', units: 2, return_sequences: true } },
            ...input,
          },
        },
        { class_name: 'Dense', config: { name: 'dense_2', units: 1, activation: 'tanh' } },
      ],
      weights: ['forward', 'backward']
        .flatMap((d) => [
          { name: `bidi/${d}_lstm/kernel`, shape: [2, 8] },
          { name: `bidi/${d}_lstm/recurrent_kernel`, shape: [2, 8] },
          { name: `bidi/${d}_lstm/bias`, shape: [8] },
        ])
        .concat([
          { name: 'dense_2/kernel', shape: [4, 1] },
          { name: 'dense_2/bias', shape: [1] },
        ]),
    },
  ];
}

/** model.json and two shards (weights in manifest order, split after the first weight); values distinct and small. */
function build(index: number): { json: Json; shards: Uint8Array[] } {
  const all = models();
  const m = all[index % all.length] as (typeof all)[number];
  const total = m.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  const values = Float32Array.from({ length: total }, (_, i) => Math.sin(i * 1.7) * 0.5);
  const bytes = new Uint8Array(values.buffer);
  const split = 4 * (m.weights[0] as Weight).shape.reduce((a, b) => a * b, 1);
  const json = {
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'sequential_1', layers: m.layers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: m.weights.map((w) => ({ ...w, dtype: 'float32' })),
      },
    ],
  };
  return { json, shards: [bytes.slice(0, split), bytes.slice(split)] };
}

/** Every node of the JSON, depth first, as [parent, key] pairs. */
function nodes(value: unknown): Array<[Record<string | number, unknown>, string | number]> {
  const out: Array<[Record<string | number, unknown>, string | number]> = [];
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    const parent = v as Record<string | number, unknown>;
    for (const [k, x] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
      out.push([parent, k]);
      walk(x);
    }
  };
  walk(value);
  return out;
}

function applyOp(state: { text: string; shards: Uint8Array[] }, op: TfjsOp): void {
  switch (op.op) {
    case 'set':
    case 'remove': {
      let json: unknown;
      try {
        json = JSON.parse(state.text);
      } catch {
        return;
      }
      const all = nodes(json);
      const hit = all[op.node % Math.max(1, all.length)];
      if (hit === undefined) return;
      const [parent, key] = hit;
      if (op.op === 'remove') {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
      } else parent[key] = JSON.parse(op.json);
      state.text = JSON.stringify(json);
      return;
    }
    case 'whole':
      state.text = op.json;
      return;
    case 'reverse-shards':
      state.shards.reverse();
      return;
    case 'extra-bytes': {
      const first = state.shards[0] ?? new Uint8Array();
      state.shards[0] = Uint8Array.from([...first, ...new Array<number>(op.count).fill(0x3f)]);
      return;
    }
    case 'truncate-shard': {
      const last = state.shards.length - 1;
      const s = state.shards[last];
      if (s !== undefined) state.shards[last] = s.slice(0, op.keep % (s.length + 1));
      return;
    }
    case 'missing-shard':
      state.shards.pop();
      return;
    case 'nan-weight': {
      const s = state.shards[0];
      if (s !== undefined && s.length >= 4) s.set([0, 0, 0xc0, 0x7f], 4 * ((op.at % s.length) >> 2));
    }
  }
}

function predictionOf(folder: string): string {
  const model = loadTfjsLayersModelFile(join(folder, 'model.json'), defaultKernels());
  const [B, T] = [2, 3];
  const F = model.plan.tokens ? 1 : model.plan.inputFeatures;
  if (!(F >= 1 && F <= 1e4)) return `inputFeatures ${F}`;
  const input = Array.from({ length: B * T * F }, (_, i) => (model.plan.tokens ? i % 3 : ((i % 5) - 2) / 3));
  return Array.from(model.predict(input, B, T), (x) => x.toPrecision(6)).join(',');
}

function writeModel(folder: string, text: string, shards: Uint8Array[]): void {
  writeFileSync(join(folder, 'model.json'), text);
  shards.forEach((s, i) => writeFileSync(join(folder, `group1-shard${i + 1}of2.bin`), s));
}

const expected = new Map<number, string>();

export function runTfjs(plan: TfjsPlan): Outcome {
  const index = plan.model % models().length;
  const folder = mkdtempSync(join(scratchBase(), 'tfjs-'));
  try {
    const { json, shards } = build(index);
    if (!expected.has(index)) {
      writeModel(folder, JSON.stringify(json), shards);
      expected.set(index, predictionOf(folder));
    }
    const state = { text: JSON.stringify(json), shards: shards.map((s) => s.slice()) };
    for (const op of plan.ops) applyOp(state, op);
    rmSync(join(folder, 'group1-shard2of2.bin'), { force: true });
    writeModel(folder, state.text, state.shards);
    const got = predictionOf(folder);
    if (got === expected.get(index)) return { kind: 'ok' };
    // damaged weights (shards reordered, extended, cut, NaN) must never load; an edited model.json
    // may legitimately describe another model (reported apart, for a person to judge)
    const weightsDamaged = plan.ops.some((op) => op.op !== 'set' && op.op !== 'remove' && op.op !== 'whole');
    return {
      kind: weightsDamaged ? 'silent' : 'altered',
      name: 'wrong-prediction',
      message: `the edited model loads and predicts ${got.slice(0, 60)} instead of ${expected.get(index)?.slice(0, 60)}`,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
