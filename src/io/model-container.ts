/**
 * The one container of every lstm model file, whatever model it holds (language model, classifier,
 * tagger, forecaster): the safetensors container, format = 'lstm-model', a format_version this
 * build reads, the CRC-32 of the tensor bytes, JSON metadata entries, config.type naming the model
 * (a file of another kind names the loader to use), each weight's presence, shape and finiteness
 * as it goes into a parameter arena, and a damaged config reported as a ModelFileError.
 */
import { ModelFileError } from '../errors.js';
import type { ParamArena } from '../nn/params.js';
import { crc32, decodeSafetensors, encodeSafetensors, type TensorRecord } from './safetensors.js';

export const CONTAINER_FORMAT = 'lstm-model';

/** A tensor stored beside the arena's weights (a checkpoint's optimizer moments, carried state). */
export interface ExtraTensor {
  name: string;
  shape: readonly number[];
  data: ArrayLike<number>;
}

/**
 * A model's weights (every arena entry, then `extra`) and JSON metadata entries (in the order
 * given, after format and format_version), as file bytes with a checksum.
 */
export function encodeContainer(
  arena: ParamArena,
  entries: Record<string, unknown>,
  formatVersion: number,
  extra: readonly ExtraTensor[] = [],
): Uint8Array {
  const tensors: ExtraTensor[] = arena.entries.map((e) => ({
    name: e.name,
    shape: e.shape,
    data: arena.value(e.name),
  }));
  tensors.push(...extra);
  const metadata: Record<string, string> = { format: CONTAINER_FORMAT, format_version: String(formatVersion) };
  for (const [key, value] of Object.entries(entries)) metadata[key] = JSON.stringify(value);
  return encodeSafetensors(tensors, metadata, 'data_crc32');
}

/** The container's metadata and tensors once format, version and checksum are right. */
export function decodeContainer(
  bytes: Uint8Array,
  formatVersion: number,
  where: string,
): { metadata: Record<string, string>; tensors: Map<string, TensorRecord> } {
  const { metadata, tensors, dataSection } = decodeSafetensors(bytes, where);
  if (metadata.format !== CONTAINER_FORMAT) {
    const names = [...tensors.keys()].slice(0, 4).join(', ');
    throw new ModelFileError(
      where,
      `this is a safetensors file but not an lstm model (format ${JSON.stringify(metadata.format ?? null)}; tensors: ${names || 'none'}).`,
      'to bring in PyTorch weights, use lstm convert or loadTorchRecurrent; this loader reads files saved by lstm.',
    );
  }
  if (metadata.format_version !== String(formatVersion))
    throw new ModelFileError(
      where,
      `format_version ${metadata.format_version} is not supported (this build reads ${formatVersion}).`,
      'upgrade lstm.',
    );
  const actual = crc32(dataSection).toString(16).padStart(8, '0');
  if (metadata.data_crc32 !== actual)
    throw new ModelFileError(
      where,
      `the weights' checksum is ${actual}, the header says ${metadata.data_crc32}.`,
      'the file is damaged; use an earlier copy.',
    );
  return { metadata, tensors };
}

/** A JSON metadata entry, parsed; a missing or malformed one is a ModelFileError naming it. */
export function metadataJson(metadata: Record<string, string>, key: string, where: string): unknown {
  const text = metadata[key];
  if (text === undefined)
    throw new ModelFileError(where, `the header has no '${key}' entry.`, 'the file is not a complete lstm model.');
  try {
    return JSON.parse(text);
  } catch {
    throw new ModelFileError(where, `the '${key}' entry is not valid JSON.`, 'the file is damaged.');
  }
}

/** The loader of each model kind, named when a file of that kind reaches another loader. */
const LOADERS: Record<string, string> = {
  'char-lm': 'this is a language model: load it with loadModel (lstm generate --model).',
  'sequence-classifier': 'this is a classifier: load it with loadClassifier (lstm classify --model).',
  'sequence-tagger': 'this is a tagger: load it with loadTagger (lstm classify --model).',
  forecaster: 'this is a forecaster: load it with loadForecaster (lstm forecast --model).',
};

/** The config entry, checked to be an object whose type is `type`. */
export function metadataConfig(metadata: Record<string, string>, type: string, where: string): Record<string, unknown> {
  const config = metadataJson(metadata, 'config', where);
  const isObject = typeof config === 'object' && config !== null && !Array.isArray(config);
  const found = isObject ? (config as { type?: unknown }).type : undefined;
  if (!isObject || found !== type)
    throw new ModelFileError(
      where,
      `config.type must be '${type}'; got ${JSON.stringify(isObject ? found : config)}.`,
      LOADERS[String(found)] ?? 'this file holds another kind of model.',
    );
  return config as Record<string, unknown>;
}

/**
 * A model file opened: the container checked (decodeContainer) and its config, an object whose
 * type is `type` (metadataConfig); the other entries stay for the model's own checks.
 */
export function openModelFile(
  bytes: Uint8Array,
  formatVersion: number,
  type: string,
  where: string,
): { config: Record<string, unknown>; metadata: Record<string, string>; tensors: Map<string, TensorRecord> } {
  const { metadata, tensors } = decodeContainer(bytes, formatVersion, where);
  return { config: metadataConfig(metadata, type, where), metadata, tensors };
}

/**
 * A model built from a file's checked entries; another error from a damaged entry becomes a
 * ModelFileError saying `the ${what} is invalid: …`.
 */
export function buildFromFile<M>(where: string, what: string, make: () => M): M {
  try {
    return make();
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(where, `the ${what} is invalid: ${(e as Error).message}`);
  }
}

/** A whole number in [min, max]: the check of every size a config holds. */
export function isCount(v: unknown, min: number, max = 1 << 24): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/**
 * Copy every arena entry from the file's tensors, checking presence, shape and finiteness; with
 * `exact`, a tensor the arena does not use is refused too.
 */
export function loadArena(arena: ParamArena, tensors: Map<string, TensorRecord>, where: string, exact = false): void {
  for (const e of arena.entries) {
    const t = tensors.get(e.name);
    if (t === undefined) throw new ModelFileError(where, `tensor '${e.name}' is missing.`, 'the file is incomplete.');
    if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i]))
      throw new ModelFileError(where, `tensor '${e.name}' has shape [${t.shape}], the config needs [${e.shape}].`);
    if (!t.data.every(Number.isFinite))
      throw new ModelFileError(
        where,
        `tensor '${e.name}' holds NaN or infinite values.`,
        'the model was saved after training diverged; use an earlier copy.',
      );
    arena.value(e.name).set(t.data);
  }
  if (exact) {
    const extra = [...tensors.keys()].filter((name) => !arena.has(name));
    if (extra.length > 0)
      throw new ModelFileError(where, `the file holds tensors the config does not use: ${extra.join(', ')}.`);
  }
}

/** The kind of model a file holds (config.type: 'char-lm', 'forecaster', …), or null if it says none. */
export function modelFileType(bytes: Uint8Array, where = 'modelFileType'): string | null {
  const { metadata } = decodeSafetensors(bytes, where);
  try {
    const config = JSON.parse(metadata.config ?? 'null') as { type?: unknown } | null;
    return typeof config?.type === 'string' ? config.type : null;
  } catch {
    return null;
  }
}
