/**
 * The safetensors container (Hugging Face): 8 bytes little-endian header length N, N bytes of
 * UTF-8 JSON, then the raw tensor bytes. The header maps each tensor name to
 * {dtype, shape, data_offsets: [begin, end]} (offsets into the data section) and may hold a
 * `__metadata__` object of string values. Only F32 is written here; F32 and F64 are read.
 */
import { ModelFileError } from '../errors.js';

export interface TensorRecord {
  dtype: 'F32' | 'F64';
  shape: number[];
  data: Float32Array | Float64Array;
}

export interface SafetensorsContent {
  metadata: Record<string, string>;
  tensors: Map<string, TensorRecord>;
  /** The raw data section, for checksums. */
  dataSection: Uint8Array;
}

const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** Serialize tensors (written as F32, in the given order) and string metadata. */
export function encodeSafetensors(
  tensors: ReadonlyArray<{ name: string; shape: readonly number[]; data: ArrayLike<number> }>,
  metadata: Record<string, string>,
  dataChecksumKey?: string,
): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const t of tensors) {
    const bytes = t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const data = new Uint8Array(offset);
  const view = new DataView(data.buffer);
  let at = 0;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i] as number, true);
  }
  const meta = { ...metadata };
  if (dataChecksumKey !== undefined) meta[dataChecksumKey] = crc32(data).toString(16).padStart(8, '0');
  const json = JSON.stringify({ __metadata__: meta, ...header });
  // pad the header with spaces to a multiple of 8 bytes, so the data section is aligned
  let headerBytes = new TextEncoder().encode(json);
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length)
    headerBytes = new TextEncoder().encode(json + ' '.repeat(padded - headerBytes.length));
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

/** Parse and check the container: header length, JSON, every tensor's dtype, shape and extent. */
export function decodeSafetensors(bytes: Uint8Array, where: string): SafetensorsContent {
  if (bytes.length < 8) {
    throw new ModelFileError(
      where,
      `the file has ${bytes.length} bytes; a safetensors file has at least 8.`,
      'it is empty or truncated.',
    );
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(dv.getBigUint64(0, true));
  if (bytes[8] !== 0x7b) {
    // every safetensors header is a JSON object, so its first byte is '{'
    throw new ModelFileError(
      where,
      'the file does not start with a safetensors header.',
      'is this a model file saved by lstm?',
    );
  }
  if (headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8) {
    throw new ModelFileError(
      where,
      `the header claims ${headerLength} bytes but the file has ${bytes.length - 8} after the length field.`,
      'the file is truncated, or not a safetensors model file.',
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new ModelFileError(where, 'the header is not valid UTF-8 JSON.', 'the file is damaged, or not a model file.');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new ModelFileError(where, 'the header is not a JSON object.');
  }
  const dataSection = bytes.subarray(8 + headerLength);
  const metadata: Record<string, string> = {};
  const rawMeta = header.__metadata__;
  if (rawMeta !== undefined) {
    if (typeof rawMeta !== 'object' || rawMeta === null)
      throw new ModelFileError(where, '__metadata__ is not an object.');
    for (const [key, value] of Object.entries(rawMeta)) {
      if (typeof value !== 'string') throw new ModelFileError(where, `metadata '${key}' is not a string.`);
      metadata[key] = value;
    }
  }
  const tensors = new Map<string, TensorRecord>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    tensors.set(name, readTensor(name, raw, dataSection, where));
  }
  return { metadata, tensors, dataSection };
}

function readTensor(name: string, raw: unknown, data: Uint8Array, where: string): TensorRecord {
  const r = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const bad = (what: string): never => {
    throw new ModelFileError(where, `tensor '${name}': ${what}`);
  };
  if (r.dtype !== 'F32' && r.dtype !== 'F64') bad(`dtype must be F32 or F64, got ${JSON.stringify(r.dtype)}.`);
  const shape = r.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) bad('shape is not a list of sizes.');
  const offsets = r.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
    bad('data_offsets is not [begin, end].');
  }
  const [begin, end] = offsets as [number, number];
  const width = r.dtype === 'F32' ? 4 : 8;
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (end - begin !== count * width)
    bad(`shape ${JSON.stringify(shape)} needs ${count * width} bytes, the offsets span ${end - begin}.`);
  if (end > data.length) {
    throw new ModelFileError(
      where,
      `tensor '${name}' ends at byte ${end} of the data, but the file holds only ${data.length} data bytes.`,
      'the file is truncated (an interrupted copy or download?).',
    );
  }
  const dv = new DataView(data.buffer, data.byteOffset + begin, end - begin);
  const out = r.dtype === 'F32' ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = r.dtype === 'F32' ? dv.getFloat32(i * 4, true) : dv.getFloat64(i * 8, true);
  return { dtype: r.dtype as 'F32' | 'F64', shape: shape as number[], data: out };
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zlib) of bytes: detects a damaged weight section. */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = (crcTable[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
