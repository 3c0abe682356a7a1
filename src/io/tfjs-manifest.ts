/**
 * A TensorFlow.js model.json's weightsManifest, checked before any weight byte is read: every
 * group names its shard files (`paths`) and its weights (`name`, `shape`, float32 `dtype`); the
 * weights of a group are stored back to back, in order, across its shards. So a group's shards
 * must hold exactly Σ 4·∏shape bytes, and (as tf.io and tensorflowjs_converter cut a group into
 * pieces of one size) every shard but the last has the same length and the last is no longer.
 */
import { ModelFileError, show } from '../errors.js';

const WHERE = 'TensorFlow.js model';

/** Elements of one weight at most: 2^31 (8 GB of float32), far beyond any model read here. */
const MAX_WEIGHT_ELEMENTS = 2 ** 31;

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
}

export interface TfjsWeightGroup {
  /** Shard files, relative to model.json, in manifest order. */
  paths: string[];
  weights: TfjsWeightSpec[];
  /** Bytes the group's weights take: Σ 4·∏shape. */
  bytes: number;
}

type Json = Record<string, unknown>;

/** A value of a JSON document as a message quotes it: its type, or at most 80 characters. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = show(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function weightSpec(value: unknown, where: string): TfjsWeightSpec {
  if (!isJsonObject(value))
    throw new ModelFileError(WHERE, `${where} should be an object; it is ${describeJson(value)}.`);
  const name = value['name'];
  if (typeof name !== 'string' || name === '') {
    throw new ModelFileError(WHERE, `${where} needs a 'name' string; it has ${describeJson(name)}.`);
  }
  const shape = value['shape'];
  if (
    !Array.isArray(shape) ||
    !shape.every((d): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= MAX_WEIGHT_ELEMENTS)
  ) {
    throw new ModelFileError(
      WHERE,
      `weight '${name.slice(0, 80)}' needs a 'shape' of non-negative integers; it has ${describeJson(shape)}.`,
    );
  }
  const elements = shape.reduce((a, b) => a * b, 1);
  if (elements > MAX_WEIGHT_ELEMENTS) {
    throw new ModelFileError(WHERE, `weight '${name.slice(0, 80)}' has ${elements} elements; at most 2^31 are read.`);
  }
  const dtype = value['dtype'] ?? 'float32';
  if (dtype !== 'float32') {
    throw new ModelFileError(
      WHERE,
      `weight '${name.slice(0, 80)}' is ${describeJson(dtype)}; only float32 weights are read.`,
    );
  }
  if (value['quantization'] !== undefined) {
    throw new ModelFileError(WHERE, `weight '${name.slice(0, 80)}' is quantized, which is not supported.`);
  }
  return { name, shape };
}

/** The weightsManifest of a parsed model.json, every field checked. */
export function readTfjsManifest(modelJson: unknown): TfjsWeightGroup[] {
  if (!isJsonObject(modelJson)) {
    throw new ModelFileError(
      WHERE,
      `model.json holds ${describeJson(modelJson)}; expected an object with modelTopology and weightsManifest.`,
    );
  }
  const manifest = modelJson['weightsManifest'];
  if (!Array.isArray(manifest)) {
    throw new ModelFileError(
      WHERE,
      `model.json's weightsManifest should be a list of weight groups; it is ${describeJson(manifest)}.`,
      'is this a model.json written by tf.LayersModel.save or tensorflowjs_converter?',
    );
  }
  return manifest.map((group: unknown, g): TfjsWeightGroup => {
    const where = `weight group ${g}`;
    if (!isJsonObject(group))
      throw new ModelFileError(WHERE, `${where} should be an object; it is ${describeJson(group)}.`);
    const paths = group['paths'];
    if (
      !Array.isArray(paths) ||
      !paths.every((p): p is string => typeof p === 'string' && p !== '' && !p.includes('\0'))
    ) {
      throw new ModelFileError(WHERE, `${where} needs 'paths', a list of file names; it has ${describeJson(paths)}.`);
    }
    const weights = group['weights'];
    if (!Array.isArray(weights)) {
      throw new ModelFileError(WHERE, `${where} needs 'weights', a list; it has ${describeJson(weights)}.`);
    }
    const specs = weights.map((w: unknown, i) => weightSpec(w, `weight ${i} of ${where}`));
    const bytes = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
    if (bytes > 0 && paths.length === 0) throw new ModelFileError(WHERE, `${where} has weights but no shard paths.`);
    return { paths, weights: specs, bytes };
  });
}

/**
 * The weight bytes of every group, concatenated in manifest order, from each group's shards
 * (`shards[g][i]` is the file `groups[g].paths[i]`); refuses shards whose lengths do not add up
 * to the manifest's weights, or that cannot be in the order listed.
 */
export function joinTfjsShards(
  groups: readonly TfjsWeightGroup[],
  shards: readonly (readonly Uint8Array[])[],
): Uint8Array {
  groups.forEach((group, g) => {
    const files = shards[g] ?? [];
    const sizes = files.map((s) => s.length);
    const total = sizes.reduce((a, b) => a + b, 0);
    const names = group.paths.slice(0, 3).join(', ') + (group.paths.length > 3 ? ' …' : '');
    if (total !== group.bytes) {
      throw new ModelFileError(
        WHERE,
        `weight group ${g} (${names}) holds ${total} bytes; its ${group.weights.length} float32 weights need ${group.bytes}.`,
        total > group.bytes
          ? 'extra bytes at the end of a shard, or a shard of another model?'
          : 'is a shard truncated or missing?',
      );
    }
    const pieceSize = sizes[0] ?? 0;
    const misplaced = sizes.findIndex((n, i) => (i < sizes.length - 1 ? n !== pieceSize : n > pieceSize));
    if (misplaced >= 0) {
      throw new ModelFileError(
        WHERE,
        `weight group ${g}: shard '${group.paths[misplaced]?.slice(0, 80)}' holds ${sizes[misplaced]} bytes, but every shard before the last holds as many as the first (${pieceSize}) and the last no more.`,
        'are the paths listed in the wrong order?',
      );
    }
  });
  const out = new Uint8Array(groups.reduce((n, g) => n + g.bytes, 0));
  let at = 0;
  for (const files of shards) {
    for (const s of files) {
      out.set(s, at);
      at += s.length;
    }
  }
  return out;
}
