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
import { describeJson, isJsonObject, readTfjsManifest } from './tfjs-manifest.js';

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
  const name = typeof value === 'string' ? value : isJsonObject(value) ? value['class_name'] : undefined;
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
  const spec = typeof name === 'string' && Object.hasOwn(table, name) ? table[name] : undefined;
  if (spec === undefined) {
    throw new ModelFileError(
      WHERE,
      `layer '${layer}' uses the activation ${describeJson(name ?? value)}; supported: ${Object.keys(table).join(', ')}.`,
    );
  }
  return spec;
}

function num(config: Json, key: string, layer: string): number {
  const v = config[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ModelFileError(WHERE, `layer '${layer}' needs a positive integer '${key}'; got ${describeJson(v)}.`);
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
      const names =
        this.entries
          .slice(0, 4)
          .map((e) => e.name.slice(0, 80))
          .join(', ') + (this.entries.length > 4 ? ' …' : '');
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

const RECURRENT_KINDS = new Map<unknown, CellKind>([
  ['LSTM', 'lstm'],
  ['GRU', 'gru'],
  ['SimpleRNN', 'rnn'],
]);

function recurrentKind(className: unknown): CellKind | undefined {
  return RECURRENT_KINDS.get(className);
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

const BOOLEAN_KEYS = [
  'use_bias',
  'return_sequences',
  'return_state',
  'reset_after',
  'stateful',
  'go_backwards',
  'mask_zero',
  'unroll',
] as const;

/** Refuse a layer option that Keras writes as true / false (TF.js: or null, unset) but that holds something else. */
function checkBooleans(config: Json, layer: string): void {
  for (const key of BOOLEAN_KEYS) {
    const v = config[key];
    if (v !== undefined && v !== null && typeof v !== 'boolean') {
      throw new ModelFileError(WHERE, `layer '${layer}' has ${key} = ${describeJson(v)}; expected true or false.`);
    }
  }
}

function checkRecurrentConfig(config: Json, layer: string, insideBidirectional: boolean): void {
  checkBooleans(config, layer);
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

/** The Sequential model's layer list (Keras 2's `config.layers`, or Keras 1's bare `config` list). */
function layerList(modelJson: Json): Json[] {
  const topology = modelJson['modelTopology'] ?? modelJson;
  if (!isJsonObject(topology)) {
    throw new ModelFileError(WHERE, `model.json's modelTopology should be an object; it is ${describeJson(topology)}.`);
  }
  const modelConfig = topology['model_config'] ?? topology;
  if (!isJsonObject(modelConfig)) {
    throw new ModelFileError(
      WHERE,
      `model.json's model_config should be an object; it is ${describeJson(modelConfig)}.`,
    );
  }
  if (modelConfig['class_name'] !== 'Sequential') {
    throw new ModelFileError(
      WHERE,
      `the model is a ${describeJson(modelConfig['class_name'])}; only Sequential models are read.`,
      'rebuild it with tf.sequential().',
    );
  }
  const cfg = modelConfig['config'];
  const layers = Array.isArray(cfg) ? cfg : isJsonObject(cfg) ? cfg['layers'] : undefined;
  if (!isJsonObject(cfg) && !Array.isArray(cfg)) {
    throw new ModelFileError(WHERE, `the Sequential model's config should be an object; it is ${describeJson(cfg)}.`);
  }
  if (!Array.isArray(layers)) {
    throw new ModelFileError(
      WHERE,
      `the Sequential model's config.layers should be a list; it is ${describeJson(layers)}.`,
    );
  }
  return layers.map((layer: unknown, i) => {
    if (!isJsonObject(layer) || typeof layer['class_name'] !== 'string') {
      throw new ModelFileError(
        WHERE,
        `layer ${i} should be an object with a class_name; it is ${describeJson(layer)}.`,
      );
    }
    const config = layer['config'] ?? {};
    if (!isJsonObject(config)) {
      throw new ModelFileError(
        WHERE,
        `layer ${i} (${layer['class_name'].slice(0, 80)})'s config should be an object; it is ${describeJson(config)}.`,
      );
    }
    const name = config['name'];
    if (name !== undefined && typeof name !== 'string') {
      throw new ModelFileError(WHERE, `layer ${i}'s name should be a string; it is ${describeJson(name)}.`);
    }
    return layer;
  });
}

/** The weights, in manifest order, read from the concatenated shards; each must be finite. */
function weightEntries(modelJson: unknown, weightBytes: Uint8Array): WeightEntry[] {
  const groups = readTfjsManifest(modelJson);
  const needed = groups.reduce((n, g) => n + g.bytes, 0);
  if (weightBytes.length !== needed) {
    throw new ModelFileError(
      WHERE,
      `the weights hold ${weightBytes.length} bytes; the manifest's float32 weights need ${needed}.`,
      weightBytes.length < needed ? 'is a weight shard missing?' : 'extra bytes at the end of a shard?',
    );
  }
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const w of groups.flatMap((g) => g.weights)) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(weightBytes.subarray(offset, offset + 4 * n));
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new ModelFileError(
        WHERE,
        `weight '${w.name.slice(0, 80)}' holds ${data[bad]} at index ${bad}; a model's weights must be finite numbers.`,
        'is the file damaged, or were the weights saved after training diverged?',
      );
    }
    entries.push({ name: w.name, shape: w.shape, data });
    offset += 4 * n;
  }
  return entries;
}

/** The last entry of a declared input shape (features per step), or -1 when none is declared. */
function declaredFeatures(config: Json, layer: string): number {
  const declared = config['batch_input_shape'] ?? config['batchInputShape'];
  if (declared === undefined || declared === null) return -1;
  const last: unknown = Array.isArray(declared) ? declared[declared.length - 1] : undefined;
  if (typeof last !== 'number' || !Number.isInteger(last) || last < 1) {
    throw new ModelFileError(
      WHERE,
      `layer '${layer}' declares the input shape ${describeJson(declared)}; expected a list ending in the number of features.`,
    );
  }
  return last;
}

/**
 * Turn a model.json (parsed) and its weight bytes (the shards concatenated in manifest order)
 * into a plan. Only float32 weights; only Sequential topologies. Every field is checked before
 * it is used; the bytes must be exactly what the manifest's weights take.
 */
export function planTfjsLayersModel(modelJson: unknown, weightBytes: Uint8Array): ModelPlan {
  if (!isJsonObject(modelJson)) {
    throw new ModelFileError(
      WHERE,
      `model.json holds ${describeJson(modelJson)}; expected an object with modelTopology and weightsManifest.`,
    );
  }
  const layersJson = layerList(modelJson);
  const entries = weightEntries(modelJson, weightBytes);
  const picker = new WeightPicker(entries);
  const layers: LayerPlan[] = [];
  let features = -1;
  let tokens = false;
  let sequence = true; // the current output still has a time axis
  let inputFeatures = -1;
  for (const layerJson of layersJson) {
    const className = layerJson['class_name'] as string;
    const config = (layerJson['config'] ?? {}) as Json;
    const name = (config['name'] as string | undefined) ?? className;
    if (layers.length === 0 && features < 0 && className !== 'Embedding') {
      features = declaredFeatures(config, name);
      inputFeatures = features;
    }
    if (className === 'InputLayer' || className === 'Dropout') continue;
    checkBooleans(config, name);
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
    const wrapped = className === 'Bidirectional' ? config['layer'] : layerJson;
    if (!isJsonObject(wrapped)) {
      throw new ModelFileError(
        WHERE,
        `Bidirectional layer '${name}' should wrap a layer; its 'layer' is ${describeJson(wrapped)}.`,
      );
    }
    const kind = recurrentKind(wrapped['class_name']);
    if (kind !== undefined) {
      if (!sequence)
        throw new ModelFileError(
          WHERE,
          `recurrent layer '${name}' reads a sequence, but the layer before it returns one vector.`,
        );
      const inner = wrapped['config'] ?? {};
      if (!isJsonObject(inner)) {
        throw new ModelFileError(
          WHERE,
          `layer '${name}''s recurrent config should be an object; it is ${describeJson(inner)}.`,
        );
      }
      checkRecurrentConfig(inner, name, className === 'Bidirectional');
      const H = num(inner, 'units', name);
      const bidirectional = className === 'Bidirectional';
      const merge = bidirectional ? (config['merge_mode'] ?? 'concat') : null;
      if (merge !== null && (typeof merge !== 'string' || !['concat', 'sum', 'mul', 'ave'].includes(merge))) {
        throw new ModelFileError(
          WHERE,
          `Bidirectional layer '${name}' merges by ${describeJson(merge)}; supported: concat, sum, mul, ave.`,
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
      `layer '${name}' is a ${className.slice(0, 80)}; supported: Embedding, LSTM, GRU, SimpleRNN, Bidirectional, Dense, Dropout, InputLayer.`,
    );
  }
  if (layers.length === 0) throw new ModelFileError(WHERE, 'the model has no layers.');
  return { inputFeatures, tokens, layers };
}
