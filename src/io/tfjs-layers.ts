/**
 * Reading a TensorFlow.js layers model (model.json with its weightsManifest, and the weight bytes)
 * saved by tf.LayersModel.save or by tensorflowjs_converter from Keras: a Sequential model of
 * Embedding, LSTM, GRU (either reset_after), SimpleRNN, Bidirectional and Dense layers (InputLayer
 * and Dropout pass through). The result is a plan: each layer as data, with its weights already in
 * our layout (src/io/gate-order.ts): kernels transposed to (G·H, D), gates in PyTorch's order, the
 * single Keras bias as b_ih with b_hh zero (or, for reset_after, its two rows as b_ih and b_hh).
 */
import { ModelFileError } from '../errors.js';
import type { CellWeightsPlan, LayerPlan, ModelPlan } from '../models/sequential-plan.js';
import type { ActivationSpec } from '../nn/activations.js';
import type { CellKind } from '../nn/cell-config.js';
import { reorderGates, transpose } from './gate-order.js';

export type { CellWeightsPlan, LayerPlan, ModelPlan } from '../models/sequential-plan.js';

const WHERE = 'TensorFlow.js model';

interface WeightEntry {
  name: string;
  shape: number[];
  data: Float32Array;
}

type Json = Record<string, unknown>;

/** Keras's activation names (snake_case, or TF.js's camelCase) as ours. */
function activationOf(value: unknown, layer: string): ActivationSpec {
  const name = typeof value === 'string' ? value : ((value as Json | null)?.['class_name'] as string | undefined);
  const table: Record<string, ActivationSpec> = {
    tanh: { name: 'tanh' },
    sigmoid: { name: 'sigmoid' },
    // TF.js and Keras 2: clip(0.2 x + 0.5, 0, 1)
    hard_sigmoid: { name: 'hard_sigmoid', alpha: 0.2, beta: 0.5 },
    hardSigmoid: { name: 'hard_sigmoid', alpha: 0.2, beta: 0.5 },
    relu: { name: 'relu' },
    linear: { name: 'affine', alpha: 1, beta: 0 },
    softsign: { name: 'softsign' },
    softplus: { name: 'softplus' },
    elu: { name: 'elu', alpha: 1 },
  };
  const spec = name === undefined ? undefined : table[name];
  if (spec === undefined) {
    throw new ModelFileError(
      WHERE,
      `layer '${layer}' uses the activation ${JSON.stringify(value)}; supported: ${Object.keys(table).join(', ')}.`,
    );
  }
  return spec;
}

function num(config: Json, key: string, layer: string): number {
  const v = config[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ModelFileError(WHERE, `layer '${layer}' needs a positive integer '${key}'; got ${JSON.stringify(v)}.`);
  }
  return v;
}

/** The weights of one layer, by the last part of their names (kernel, recurrent_kernel, bias …). */
class WeightPicker {
  constructor(private readonly entries: readonly WeightEntry[]) {}

  take(layer: string, part: string, shape: number[], within?: string): Float32Array {
    const found = this.entries.filter((e) => {
      const path = e.name.split('/');
      return (
        path[0] === layer &&
        path[path.length - 1]?.replace(/:0$/, '') === part &&
        (within === undefined || path.some((p) => p.startsWith(within)))
      );
    });
    const where = within === undefined ? `layer '${layer}'` : `the ${within} half of layer '${layer}'`;
    if (found.length !== 1) {
      const names = this.entries.map((e) => e.name).join(', ');
      throw new ModelFileError(
        WHERE,
        `${where} should have one weight named …/${part}; found ${found.length} among: ${names}.`,
      );
    }
    const w = found[0] as WeightEntry;
    if (w.shape.join() !== shape.join()) {
      throw new ModelFileError(
        WHERE,
        `${where}: '${w.name}' should be (${shape.join(', ')}); it is (${w.shape.join(', ')}).`,
      );
    }
    return w.data;
  }
}

function recurrentKind(className: string): CellKind | undefined {
  return ({ LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'rnn' } as Record<string, CellKind>)[className];
}

function cellWeights(
  picker: WeightPicker,
  kind: CellKind,
  config: Json,
  layer: string,
  D: number,
  H: number,
  within?: string,
): CellWeightsPlan {
  const G = { lstm: 4, gru: 3, rnn: 1 }[kind];
  const resetAfter = kind === 'gru' && config['reset_after'] === true;
  const kernel = picker.take(layer, 'kernel', [D, G * H], within);
  const recurrent = picker.take(layer, 'recurrent_kernel', [H, G * H], within);
  const ours = (w: Float32Array, rows: number): Float32Array =>
    reorderGates(transpose(w, rows, G * H), kind, 'keras', 'pytorch');
  let biasIh = new Float32Array(G * H);
  let biasHh = new Float32Array(G * H);
  if (config['use_bias'] !== false) {
    const bias = picker.take(layer, 'bias', resetAfter ? [2, G * H] : [G * H], within);
    biasIh = reorderGates(bias.slice(0, G * H), kind, 'keras', 'pytorch');
    if (resetAfter) biasHh = reorderGates(bias.slice(G * H), kind, 'keras', 'pytorch');
  }
  return { weight_ih: ours(kernel, D), weight_hh: ours(recurrent, H), bias_ih: biasIh, bias_hh: biasHh };
}

function checkRecurrentConfig(config: Json, layer: string, insideBidirectional: boolean): void {
  for (const key of ['stateful', 'return_state'] as const) {
    if (config[key] === true) throw new ModelFileError(WHERE, `layer '${layer}' sets ${key}, which is not supported.`);
  }
  if (config['go_backwards'] === true && !insideBidirectional) {
    throw new ModelFileError(
      WHERE,
      `layer '${layer}' sets go_backwards outside a Bidirectional wrapper, which is not supported.`,
    );
  }
  // dropout and recurrent_dropout act only in training; a loaded model predicts
}

/**
 * Turn a model.json (parsed) and its weight bytes (the shards concatenated in manifest order)
 * into a plan. Only float32 weights; only Sequential topologies.
 */
export function planTfjsLayersModel(modelJson: unknown, weightBytes: Uint8Array): ModelPlan {
  const root = modelJson as Json;
  const topology = (root['modelTopology'] ?? root) as Json;
  const modelConfig = (topology['model_config'] ?? topology) as Json;
  if (modelConfig['class_name'] !== 'Sequential') {
    throw new ModelFileError(
      WHERE,
      `the model is a ${JSON.stringify(modelConfig['class_name'])}; only Sequential models are read.`,
      'rebuild it with tf.sequential().',
    );
  }
  const cfg = modelConfig['config'] as Json | Json[];
  const layersJson = (Array.isArray(cfg) ? cfg : (cfg['layers'] as Json[] | undefined)) ?? [];
  const manifest =
    (root['weightsManifest'] as { weights: { name: string; shape: number[]; dtype?: string }[] }[] | undefined) ?? [];
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const group of manifest) {
    for (const w of group.weights) {
      if ((w.dtype ?? 'float32') !== 'float32')
        throw new ModelFileError(WHERE, `weight '${w.name}' is ${w.dtype}; only float32 weights are read.`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (offset + 4 * n > weightBytes.length) {
        throw new ModelFileError(
          WHERE,
          `the weights end after ${weightBytes.length} bytes, but '${w.name}' needs bytes ${offset}–${offset + 4 * n}.`,
          'is a weight shard missing?',
        );
      }
      const data = new Float32Array(n);
      new Uint8Array(data.buffer).set(weightBytes.subarray(offset, offset + 4 * n));
      entries.push({ name: w.name, shape: w.shape, data });
      offset += 4 * n;
    }
  }
  const picker = new WeightPicker(entries);
  const layers: LayerPlan[] = [];
  let features = -1;
  let tokens = false;
  let sequence = true; // the current output still has a time axis
  let inputFeatures = -1;
  for (const layerJson of layersJson) {
    const className = layerJson['class_name'] as string;
    const config = (layerJson['config'] ?? {}) as Json;
    const name = String(config['name'] ?? className);
    const declared = (config['batch_input_shape'] ?? config['batchInputShape']) as (number | null)[] | undefined;
    if (layers.length === 0 && features < 0 && declared !== undefined && className !== 'Embedding') {
      features = declared[declared.length - 1] ?? -1;
      inputFeatures = features;
    }
    if (className === 'InputLayer' || className === 'Dropout') continue;
    if (className === 'Embedding') {
      if (layers.length > 0) throw new ModelFileError(WHERE, `Embedding layer '${name}' must come first.`);
      if (config['mask_zero'] === true)
        throw new ModelFileError(
          WHERE,
          `Embedding layer '${name}' sets mask_zero, which is not supported yet.`,
          'pass lengths instead, or rebuild without masking.',
        );
      const inputDim = num(config, 'input_dim', name);
      const outputDim = num(config, 'output_dim', name);
      layers.push({
        type: 'embedding',
        name,
        inputDim,
        outputDim,
        table: picker.take(name, 'embeddings', [inputDim, outputDim]),
      });
      tokens = true;
      inputFeatures = 1;
      features = outputDim;
      continue;
    }
    if (features < 1)
      throw new ModelFileError(WHERE, `layer '${name}' comes first but the model declares no input shape.`);
    const wrapped = className === 'Bidirectional' ? ((config['layer'] as Json | undefined) ?? {}) : layerJson;
    const kind = recurrentKind(wrapped['class_name'] as string);
    if (kind !== undefined) {
      if (!sequence)
        throw new ModelFileError(
          WHERE,
          `recurrent layer '${name}' reads a sequence, but the layer before it returns one vector.`,
        );
      const inner = (wrapped['config'] ?? {}) as Json;
      checkRecurrentConfig(inner, name, className === 'Bidirectional');
      const H = num(inner, 'units', name);
      const bidirectional = className === 'Bidirectional';
      const merge = bidirectional ? ((config['merge_mode'] ?? 'concat') as string) : null;
      if (merge !== null && !['concat', 'sum', 'mul', 'ave'].includes(merge)) {
        throw new ModelFileError(
          WHERE,
          `Bidirectional layer '${name}' merges by ${JSON.stringify(merge)}; supported: concat, sum, mul, ave.`,
        );
      }
      const act = activationOf(inner['activation'] ?? 'tanh', name);
      const recAct = activationOf(inner['recurrent_activation'] ?? 'hard_sigmoid', name);
      const activations = kind === 'lstm' ? [recAct, act, act] : kind === 'gru' ? [recAct, act] : [act];
      const directions = bidirectional
        ? [
            cellWeights(picker, kind, inner, name, features, H, 'forward'),
            cellWeights(picker, kind, inner, name, features, H, 'backward'),
          ]
        : [cellWeights(picker, kind, inner, name, features, H)];
      const returnSequences = inner['return_sequences'] === true;
      layers.push({
        type: 'recurrent',
        name,
        kind,
        units: H,
        inputSize: features,
        activations,
        linearBeforeReset: kind === 'gru' && inner['reset_after'] === true,
        returnSequences,
        merge: merge as 'concat' | 'sum' | 'mul' | 'ave' | null,
        directions,
      });
      features = merge === 'concat' ? 2 * H : H;
      sequence = returnSequences;
      continue;
    }
    if (className === 'Dense') {
      const units = num(config, 'units', name);
      const activationName = config['activation'] ?? 'linear';
      const activation = activationName === 'softmax' ? 'softmax' : activationOf(activationName, name);
      const weight = transpose(picker.take(name, 'kernel', [features, units]), features, units);
      const bias = config['use_bias'] === false ? new Float32Array(units) : picker.take(name, 'bias', [units]);
      layers.push({ type: 'dense', name, inSize: features, units, activation, weight, bias });
      features = units;
      continue;
    }
    throw new ModelFileError(
      WHERE,
      `layer '${name}' is a ${className}; supported: Embedding, LSTM, GRU, SimpleRNN, Bidirectional, Dense, Dropout, InputLayer.`,
    );
  }
  if (layers.length === 0) throw new ModelFileError(WHERE, 'the model has no layers.');
  return { inputFeatures, tokens, layers };
}
