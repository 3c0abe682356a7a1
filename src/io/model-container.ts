/**
 * The one container of every lstm model file, whatever model it holds (language model, classifier,
 * tagger, forecaster): the safetensors container, format = 'lstm-model', a format_version this
 * build reads, checksums, JSON metadata entries (strict JSON: no key named twice), config.type
 * naming the model (a file of another kind names the loader to use), the tensor set and shapes
 * the config implies (checked before the model is built, so a damaged size allocates nothing),
 * each weight's finiteness as it goes into a parameter arena, and a damaged config reported as a
 * ModelFileError.
 *
 * Versions: format_version 1 (release 0.1.0) carries data_crc32, the CRC-32 of the tensor bytes
 * only, so its header is unprotected; format_version 2, written from then on, adds file_crc32, the
 * CRC-32 of the whole file (header and data) with its own 8 digits read as '00000000'. Both load;
 * saving a version 1 file again writes version 2.
 */
import { ModelFileError } from '../errors.js';
import type { ParamArena, ParamSpec } from '../nn/params.js';
import { type ChecksumKeys, crc32, decodeSafetensors, encodeSafetensors, type TensorRecord } from './safetensors.js';
import { parseStrictJson } from './strict-json.js';

export const CONTAINER_FORMAT = 'lstm-model';
/** The version every model file is written in. */
export const CONTAINER_FORMAT_VERSION = 2;
/** The first version whose checksum covers the header. */
const HEADER_CHECKSUM_VERSION = 2;
/** The versions this build reads. */
const READABLE_VERSIONS = ['1', '2'];
const CHECKSUMS: ChecksumKeys = { data: 'data_crc32', file: 'file_crc32' };

/** How a file was written: its format_version, and whether a checksum covers its header. */
export interface ContainerVersion {
  formatVersion: number;
  headerProtected: boolean;
}

/** A tensor stored beside the arena's weights (a checkpoint's optimizer moments, carried state). */
export interface ExtraTensor {
  name: string;
  shape: readonly number[];
  data: ArrayLike<number>;
}

/**
 * A model's weights (every arena entry, then `extra`) and JSON metadata entries (in the order
 * given, after format and format_version), as file bytes of the current format_version with its
 * checksums.
 */
export function encodeContainer(
  arena: ParamArena,
  entries: Record<string, unknown>,
  extra: readonly ExtraTensor[] = [],
): Uint8Array {
  const tensors: ExtraTensor[] = arena.entries.map((e) => ({
    name: e.name,
    shape: e.shape,
    data: arena.value(e.name),
  }));
  tensors.push(...extra);
  const metadata: Record<string, string> = {
    format: CONTAINER_FORMAT,
    format_version: String(CONTAINER_FORMAT_VERSION),
  };
  for (const [key, value] of Object.entries(entries)) metadata[key] = JSON.stringify(value);
  return encodeSafetensors(tensors, metadata, CHECKSUMS);
}

/** The container's metadata and tensors once format, version and checksums are right. */
export function decodeContainer(
  bytes: Uint8Array,
  where: string,
): { metadata: Record<string, string>; tensors: Map<string, TensorRecord>; version: ContainerVersion } {
  const { metadata, tensors, dataSection } = decodeSafetensors(bytes, where, CHECKSUMS);
  if (metadata.format !== CONTAINER_FORMAT) {
    const names = [...tensors.keys()].slice(0, 4).join(', ');
    throw new ModelFileError(
      where,
      `this is a safetensors file but not an lstm model (format ${JSON.stringify(metadata.format ?? null)}; tensors: ${names || 'none'}).`,
      'to bring in PyTorch weights, use lstm convert or loadTorchRecurrent; this loader reads files saved by lstm.',
    );
  }
  const version = containerVersion(metadata, where);
  if (version.headerProtected && metadata.file_crc32 === undefined)
    throw new ModelFileError(
      where,
      `a format_version ${version.formatVersion} file carries file_crc32, the checksum of its header and data; this one has none.`,
      'the file is damaged; use an earlier copy.',
    );
  const actual = crc32(dataSection).toString(16).padStart(8, '0');
  if (metadata.data_crc32 !== actual)
    throw new ModelFileError(
      where,
      `the weights' checksum is ${actual}, the header says ${metadata.data_crc32}.`,
      'the file is damaged; use an earlier copy.',
    );
  return { metadata, tensors, version };
}

function containerVersion(metadata: Record<string, string>, where: string): ContainerVersion {
  const stated = metadata.format_version;
  if (stated === undefined || !READABLE_VERSIONS.includes(stated))
    throw new ModelFileError(
      where,
      `format_version ${JSON.stringify(stated ?? null).slice(0, 80)} is not supported (this build reads ${READABLE_VERSIONS.join(' and ')}).`,
      'upgrade lstm.',
    );
  const formatVersion = Number(stated);
  return { formatVersion, headerProtected: formatVersion >= HEADER_CHECKSUM_VERSION };
}

/** A JSON metadata entry, parsed (strict JSON); a missing or malformed one is a ModelFileError naming it. */
export function metadataJson(metadata: Record<string, string>, key: string, where: string): unknown {
  const text = metadata[key];
  if (text === undefined)
    throw new ModelFileError(where, `the header has no '${key}' entry.`, 'the file is not a complete lstm model.');
  const parsed = parseStrictJson(text);
  if ('problem' in parsed)
    throw new ModelFileError(where, `the '${key}' entry ${parsed.problem}.`, 'the file is damaged.');
  return parsed.value;
}

/** The loader of each model kind, named when a file of that kind reaches another loader. */
const LOADERS: Record<string, string> = {
  'char-lm': 'this is a language model: load it with loadModel (lstm generate --model).',
  'sequence-classifier': 'this is a classifier: load it with loadClassifier (lstm classify --model).',
  'sequence-tagger': 'this is a tagger: load it with loadTagger (lstm classify --model).',
  forecaster: 'this is a forecaster: load it with loadForecaster (lstm forecast --model).',
  'global-forecaster': 'this is a global forecaster: load it with loadGlobalForecaster (lstm forecast --model).',
  seq2seq: 'this is a sequence-to-sequence model: load it with loadSeq2Seq.',
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
  type: string,
  where: string,
): {
  config: Record<string, unknown>;
  metadata: Record<string, string>;
  tensors: Map<string, TensorRecord>;
  version: ContainerVersion;
} {
  const { metadata, tensors, version } = decodeContainer(bytes, where);
  return { config: metadataConfig(metadata, type, where), metadata, tensors, version };
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
 * The file's tensors against the parameters its config implies (`specs`, computed from the
 * checked config before anything is allocated): each present with the shape the config needs, and
 * no other tensor but those `others` accepts (a checkpoint's training tensors).
 */
export function checkTensorSet(
  specs: readonly ParamSpec[],
  tensors: Map<string, TensorRecord>,
  where: string,
  others: (name: string) => boolean = () => false,
): void {
  const wanted = new Set<string>();
  for (const spec of specs) {
    wanted.add(spec.name);
    const t = tensors.get(spec.name);
    if (t === undefined)
      throw new ModelFileError(where, `tensor '${spec.name}' is missing.`, 'the file is incomplete.');
    if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i]))
      throw new ModelFileError(
        where,
        `tensor '${spec.name}' has shape [${t.shape.join(', ')}], the config needs [${spec.shape.join(', ')}].`,
        'the config or the tensors are damaged.',
      );
  }
  const extra = [...tensors.keys()].filter((name) => !wanted.has(name) && !others(name));
  if (extra.length > 0)
    throw new ModelFileError(
      where,
      `the file holds tensors the config does not use: ${extra
        .slice(0, 4)
        .map((n) => n.slice(0, 80))
        .join(', ')}${extra.length > 4 ? ` and ${extra.length - 4} more` : ''}.`,
    );
}

/**
 * Copy every arena entry from the file's tensors (already checked by checkTensorSet), checking
 * finiteness.
 */
export function loadArena(arena: ParamArena, tensors: Map<string, TensorRecord>, where: string): void {
  for (const e of arena.entries) {
    const t = tensors.get(e.name);
    if (t === undefined || t.data.length !== e.length)
      throw new ModelFileError(where, `tensor '${e.name}' is missing or of the wrong size.`);
    if (!t.data.every(Number.isFinite))
      throw new ModelFileError(
        where,
        `tensor '${e.name}' holds NaN or infinite values.`,
        'the model was saved after training diverged; use an earlier copy.',
      );
    arena.value(e.name).set(t.data);
  }
}

/** The kind of model a file holds (config.type: 'char-lm', 'forecaster', …), or null if it says none. */
export function modelFileType(bytes: Uint8Array, where = 'modelFileType'): string | null {
  const { metadata } = decodeSafetensors(bytes, where);
  const parsed = parseStrictJson(metadata.config ?? 'null');
  const config = 'value' in parsed ? (parsed.value as { type?: unknown } | null) : null;
  return typeof config === 'object' && config !== null && typeof config.type === 'string' ? config.type : null;
}

/** How an lstm model file was written (format_version, header protected or not), its container checked. */
export function modelFileVersion(bytes: Uint8Array, where = 'modelFileVersion'): ContainerVersion {
  return decodeContainer(bytes, where).version;
}
