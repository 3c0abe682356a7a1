/**
 * The checks every lstm model file shares, whatever model it holds (language model, forecaster,
 * classifier): the safetensors container, format = 'lstm-model', a format_version this build
 * reads, the CRC-32 of the tensor bytes, JSON metadata entries, and each weight's presence, shape
 * and finiteness as it goes into a parameter arena.
 */
import { ModelFileError } from '../errors.js';
import type { ParamArena } from '../nn/params.js';
import { crc32, decodeSafetensors, encodeSafetensors, type TensorRecord } from './safetensors.js';

export const CONTAINER_FORMAT = 'lstm-model';

/** A model's weights (every arena entry) and JSON metadata entries, as file bytes with a checksum. */
export function encodeContainer(
  arena: ParamArena,
  entries: Record<string, unknown>,
  formatVersion: number,
): Uint8Array {
  const tensors = arena.entries.map((e) => ({ name: e.name, shape: e.shape, data: arena.value(e.name) }));
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

/** Copy every arena entry from the file's tensors, checking presence, shape and finiteness. */
export function loadArena(arena: ParamArena, tensors: Map<string, TensorRecord>, where: string): void {
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
