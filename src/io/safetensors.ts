/**
 * The safetensors container (Hugging Face): 8 bytes little-endian header length N, N bytes of
 * UTF-8 JSON, then the raw tensor bytes. The header maps each tensor name to
 * {dtype, shape, data_offsets: [begin, end]} (offsets into the data section) and may hold a
 * `__metadata__` object of string values. Only F32 is written here; F32 and F64 are read.
 */
import { ModelFileError } from '../errors.js';
import { parseStrictJson } from './strict-json.js';

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

/**
 * The checksums a model file carries in its metadata, each 8 hex digits of CRC-32:
 *   data  over the data section (every format_version);
 *   file  over the whole file, header included, with its own 8 digits read as '00000000'
 *         (format_version 2 on), written first in __metadata__.
 */
export interface ChecksumKeys {
  data?: string | undefined;
  file?: string | undefined;
}

const BLANK_CHECKSUM = '00000000';
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** Serialize tensors (written as F32, in the given order) and string metadata. */
export function encodeSafetensors(
  tensors: ReadonlyArray<{ name: string; shape: readonly number[]; data: ArrayLike<number> }>,
  metadata: Record<string, string>,
  checksums: ChecksumKeys = {},
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
  const meta: Record<string, string> = {};
  if (checksums.file !== undefined) meta[checksums.file] = BLANK_CHECKSUM;
  Object.assign(meta, metadata);
  if (checksums.data !== undefined) meta[checksums.data] = hex8(crc32(data));
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
  if (checksums.file !== undefined) {
    const digits = checksumDigitsAt(out, headerBytes.length, checksums.file) as number;
    out.set(new TextEncoder().encode(hex8(crc32(out))), digits);
  }
  return out;
}

/**
 * Where the 8 digits of metadata entry `key` lie in the file: the one place its header text reads
 * `"key":"` (a quote inside a JSON string is escaped, so nothing else reads so); null if none.
 */
function checksumDigitsAt(bytes: Uint8Array, headerLength: number, key: string): number | null {
  const pattern = new TextEncoder().encode(`"${key}":"`);
  const header = bytes.subarray(8, 8 + headerLength);
  let found: number | null = null;
  for (let from = 0; ;) {
    const i = header.indexOf(pattern[0] as number, from);
    if (i < 0 || i + pattern.length > header.length) break;
    if (pattern.every((b, j) => header[i + j] === b)) {
      if (found !== null) return null;
      found = 8 + i + pattern.length;
    }
    from = i + 1;
  }
  return found;
}

/** The CRC-32 of the whole file with the digits at `digits` read as '00000000'. */
function fileCrc32(bytes: Uint8Array, digits: number): number {
  const blank = new TextEncoder().encode(BLANK_CHECKSUM);
  return crc32(bytes.subarray(digits + 8), crc32(blank, crc32(bytes.subarray(0, digits))));
}

/** A tensor's header entry, checked for kind and size but not yet read. */
interface TensorEntry {
  name: string;
  dtype: 'F32' | 'F64';
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parse and check the container: header length, strict JSON (no key named twice), the metadata's
 * string values, the file checksum when `checksums.file` names one the metadata holds (before
 * anything else is read), every tensor's dtype, shape and extent, and tensor extents that tile the
 * data section exactly (from byte 0, no gap, no overlap, nothing after), so no two tensors share
 * bytes and no byte goes unread. Only then are the tensors read.
 */
export function decodeSafetensors(bytes: Uint8Array, where: string, checksums: ChecksumKeys = {}): SafetensorsContent {
  if (bytes.length < 9) {
    throw new ModelFileError(
      where,
      `the file has ${bytes.length} bytes; a safetensors file has at least 9.`,
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
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw new ModelFileError(where, 'the header is not valid UTF-8.', 'the file is damaged, or not a model file.');
  }
  const parsed = parseStrictJson(text);
  if ('problem' in parsed)
    throw new ModelFileError(where, `the header ${parsed.problem}.`, 'the file is damaged, or not a model file.');
  const header = parsed.value as Record<string, unknown>;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new ModelFileError(where, 'the header is not a JSON object.');
  }
  const dataSection = bytes.subarray(8 + headerLength);
  // a null-prototype object: a key such as "__proto__" or "constructor" is just a key
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const rawMeta = header.__metadata__;
  if (rawMeta !== undefined) {
    if (typeof rawMeta !== 'object' || rawMeta === null || Array.isArray(rawMeta))
      throw new ModelFileError(where, '__metadata__ is not an object.');
    for (const [key, value] of Object.entries(rawMeta)) {
      if (typeof value !== 'string') throw new ModelFileError(where, `metadata '${key.slice(0, 80)}' is not a string.`);
      metadata[key] = value;
    }
  }
  const fileKey = checksums.file;
  if (fileKey !== undefined && metadata[fileKey] !== undefined)
    checkFileChecksum(bytes, headerLength, fileKey, metadata[fileKey], where);
  const entries: TensorEntry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name !== '__metadata__') entries.push(readTensorEntry(name, raw, where));
  }
  checkTiling(entries, dataSection.length, where);
  const tensors = new Map<string, TensorRecord>();
  for (const e of entries) tensors.set(e.name, readTensor(e, dataSection));
  return { metadata, tensors, dataSection };
}

function checkFileChecksum(bytes: Uint8Array, headerLength: number, key: string, stated: string, where: string): void {
  const digits = checksumDigitsAt(bytes, headerLength, key);
  if (digits === null || !/^[0-9a-f]{8}$/.test(stated))
    throw new ModelFileError(where, `the ${key} entry is not 8 hex digits named once.`, 'the file is damaged.');
  const actual = hex8(fileCrc32(bytes, digits));
  if (actual !== stated)
    throw new ModelFileError(
      where,
      `the file's checksum (header and weights) is ${actual}, the header says ${stated}.`,
      'the file is damaged; use an earlier copy.',
    );
}

function readTensorEntry(name: string, raw: unknown, where: string): TensorEntry {
  const bad = (what: string): never => {
    throw new ModelFileError(where, `tensor '${name.slice(0, 80)}': ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('its entry is not an object.');
  const r = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const dtype = r.dtype;
  if (dtype !== 'F32' && dtype !== 'F64') return bad(`dtype must be F32 or F64, got ${JSON.stringify(dtype)}.`);
  const shape = r.shape;
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    return bad('shape is not a list of at most 8 sizes.');
  const offsets = r.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0))
    return bad('data_offsets is not [begin, end].');
  const [begin, end] = offsets as [number, number];
  const width = dtype === 'F32' ? 4 : 8;
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (end < begin || end - begin !== count * width)
    bad(`shape ${JSON.stringify(shape)} needs ${count * width} bytes, the offsets span ${end - begin}.`);
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The extents, in order of their offsets, must cover [0, dataLength) exactly. */
function checkTiling(entries: TensorEntry[], dataLength: number, where: string): void {
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of byOffset) {
    if (e.begin !== at)
      throw new ModelFileError(
        where,
        `tensor '${e.name.slice(0, 80)}' starts at data byte ${e.begin}, but ${at === 0 ? 'the data starts' : 'the tensor before it ends'} at ${at}: ` +
          `tensor offsets must be contiguous, without gaps or shared bytes.`,
        'the header is damaged.',
      );
    at = e.end;
  }
  if (at > dataLength)
    throw new ModelFileError(
      where,
      `the tensors end at byte ${at} of the data, but the file holds only ${dataLength} data bytes.`,
      'the file is truncated (an interrupted copy or download?).',
    );
  if (at < dataLength)
    throw new ModelFileError(
      where,
      `the tensors end at byte ${at} of the data, but the file holds ${dataLength} data bytes.`,
      'the file is damaged, or has bytes appended.',
    );
}

function readTensor(e: TensorEntry, data: Uint8Array): TensorRecord {
  const dv = new DataView(data.buffer, data.byteOffset + e.begin, e.end - e.begin);
  const F32 = e.dtype === 'F32';
  const count = (e.end - e.begin) / (F32 ? 4 : 8);
  const out = F32 ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = F32 ? dv.getFloat32(i * 4, true) : dv.getFloat64(i * 8, true);
  return { dtype: e.dtype, shape: e.shape, data: out };
}

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (IEEE 802.3, as zlib) of bytes: detects a damaged file. Chained as zlib's:
 * crc32(b, crc32(a)) is the CRC-32 of a followed by b.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = (crcTable[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
