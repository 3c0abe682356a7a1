/**
 * The mutations of plans.ts applied: byte-level edits of any file, and structured edits of a
 * safetensors model file's header (its metadata entries are JSON texts; its tensor records hold
 * dtype, shape and data_offsets), the header re-serialized with its length field.
 */
import type { ByteOp, HeaderOp } from './plans.js';

export function applyByteOp(bytes: Uint8Array, m: ByteOp): Uint8Array {
  const n = bytes.length;
  if (n === 0) return m.op === 'insert' ? Uint8Array.from(m.bytes) : bytes;
  switch (m.op) {
    case 'flip': {
      const out = bytes.slice();
      out[m.at % n] = (out[m.at % n] as number) ^ (1 << m.bit);
      return out;
    }
    case 'insert': {
      const at = m.at % (n + 1);
      const out = new Uint8Array(n + m.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(m.bytes, at);
      out.set(bytes.subarray(at), at + m.bytes.length);
      return out;
    }
    case 'delete': {
      const at = m.at % n;
      const out = new Uint8Array(n - Math.min(m.count, n - at));
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + m.count), at);
      return out;
    }
    case 'truncate':
      return bytes.slice(0, m.keep % n);
    case 'overwrite': {
      const out = bytes.slice();
      const at = m.at % n;
      m.bytes.forEach((b, i) => {
        if (at + i < n) out[at + i] = b;
      });
      return out;
    }
  }
}

const PLACEHOLDER = '"@@fuzz-placeholder@@"';

/** Every node of a JSON value (objects, arrays and leaves), as paths of keys, depth first; at most `limit`. */
function nodePaths(value: unknown, limit = 4000): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const walk = (v: unknown, path: Array<string | number>): void => {
    if (out.length >= limit) return;
    out.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  return out;
}

function parentOf(root: unknown, path: Array<string | number>): Record<string | number, unknown> | undefined {
  let at = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  return typeof at === 'object' && at !== null ? at : undefined;
}

/**
 * A JSON text with the node `index` (modulo the node count) replaced by the raw text `json`
 * (remove: taken out; duplicate: the object holding it gets the key a second time, with `json`).
 */
function editJsonText(text: string, index: number, how: 'set' | 'remove' | 'duplicate-key', json: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return how === 'set' ? json : text; // a plain string entry (format, data_crc32 …): replaced whole
  }
  const paths = nodePaths(value);
  const path = paths[index % paths.length] as Array<string | number>;
  if (path.length === 0) return how === 'set' ? json : how === 'remove' ? '' : text;
  const parent = parentOf(value, path);
  const key = path[path.length - 1] as string | number;
  if (parent === undefined) return text;
  if (how === 'set') {
    parent[key] = '@@fuzz-placeholder@@';
    return JSON.stringify(value).replace(PLACEHOLDER, json);
  }
  if (how === 'remove') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    return JSON.stringify(value);
  }
  if (Array.isArray(parent)) return text;
  // JSON.parse keeps the last of two equal keys: write the key again, after the original
  const marker = '@@fuzz-duplicate@@';
  parent[marker] = 0;
  return JSON.stringify(value).replace(`"${marker}":0`, `${JSON.stringify(key)}:${json}`);
}

/** A safetensors file split into its header object (parsed) and data section; null when the header is not readable JSON. */
function splitSafetensors(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } | null {
  if (bytes.length < 8) return null;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (n > bytes.length - 8) return null;
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as unknown;
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
    return { header: header as Record<string, unknown>, data: bytes.subarray(8 + n) };
  } catch {
    return null;
  }
}

function joinSafetensors(headerText: string, data: Uint8Array): Uint8Array {
  const headerBytes = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

type Header = Record<string, unknown> & { __metadata__?: Record<string, string> };
type TensorRecordJson = { dtype?: unknown; shape?: unknown; data_offsets?: unknown };

/** Apply one header edit; a file whose header is no longer readable JSON is left as it is (byte ops made it so). */
export function applyHeaderOp(bytes: Uint8Array, m: HeaderOp): Uint8Array {
  const split = splitSafetensors(bytes);
  if (split === null) return bytes;
  const header = split.header as Header;
  const meta = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries = Object.keys(meta);
  const tensors = Object.keys(header).filter((k) => k !== '__metadata__');
  const entryName = (i: number): string | undefined => entries[i % Math.max(1, entries.length)];
  const tensorName = (i: number): string | undefined => tensors[i % Math.max(1, tensors.length)];
  const tensor = (i: number): TensorRecordJson | undefined => {
    const name = tensorName(i);
    return name === undefined ? undefined : (header[name] as TensorRecordJson);
  };
  let text: string | undefined; // the header's text when an edit must write it by hand (duplicate keys)
  switch (m.op) {
    case 'set':
    case 'remove':
    case 'duplicate-key': {
      const name = entryName(m.entry);
      if (name === undefined) break;
      const json = m.op === 'remove' ? '' : m.json;
      meta[name] = editJsonText(meta[name] as string, m.node, m.op, json);
      break;
    }
    case 'drop-entry': {
      const name = entryName(m.entry);
      if (name !== undefined) delete meta[name];
      break;
    }
    case 'shift-offsets': {
      const t = tensor(m.tensor);
      if (t !== undefined && Array.isArray(t.data_offsets))
        t.data_offsets = (t.data_offsets as number[]).map((o) => o + m.delta);
      break;
    }
    case 'alias-offsets': {
      const [t, u] = [tensor(m.tensor), tensor(m.other)];
      // alias: the tensor reads the other's bytes where their sizes allow, else just its start
      if (t !== undefined && u !== undefined && Array.isArray(t.data_offsets) && Array.isArray(u.data_offsets)) {
        const [b0, e0] = t.data_offsets as number[];
        const [b1] = u.data_offsets as number[];
        t.data_offsets = [b1, (b1 as number) + ((e0 as number) - (b0 as number))];
      }
      break;
    }
    case 'set-shape': {
      const t = tensor(m.tensor);
      if (t !== undefined && Array.isArray(t.shape) && t.shape.length > 0)
        (t.shape as unknown[])[m.dim % t.shape.length] = JSON.parse(m.json);
      break;
    }
    case 'set-dtype': {
      const t = tensor(m.tensor);
      if (t !== undefined) t.dtype = m.dtype;
      break;
    }
    case 'drop-tensor': {
      const name = tensorName(m.tensor);
      if (name !== undefined) delete header[name];
      break;
    }
    case 'duplicate-tensor-key': {
      const [name, other] = [tensorName(m.tensor), tensorName(m.other)];
      if (name === undefined || other === undefined) break;
      // the name written twice: the second record (another tensor's) wins in JSON.parse
      const marker = '@@fuzz-duplicate@@';
      header[marker] = 0;
      text = JSON.stringify(header).replace(
        `"${marker}":0`,
        `${JSON.stringify(name)}:${JSON.stringify(header[other])}`,
      );
      break;
    }
    case 'config-size': {
      // a size the model is built from (hiddenSize, numLayers, lookback …): the allocation comes before any shape check
      let config: unknown;
      try {
        config = JSON.parse(meta['config'] ?? '');
      } catch {
        break;
      }
      if (typeof config !== 'object' || config === null) break;
      const sizes = Object.keys(config).filter((k) => typeof (config as Record<string, unknown>)[k] === 'number');
      const field = sizes[m.field % Math.max(1, sizes.length)];
      if (field === undefined) break;
      (config as Record<string, unknown>)[field] = '@@fuzz-placeholder@@';
      meta['config'] = JSON.stringify(config).replace(PLACEHOLDER, m.json);
      break;
    }
    case 'vocab': {
      const name = entries.find((e) => e === 'vocab' || e === 'classes');
      if (name === undefined) break;
      let list: unknown;
      try {
        list = JSON.parse(meta[name] as string);
      } catch {
        break;
      }
      if (!Array.isArray(list) || list.length === 0) break;
      const [i, j] = [m.i % list.length, m.j % list.length];
      if (m.how === 'reverse') list.reverse();
      else if (m.how === 'swap') [list[i], list[j]] = [list[j], list[i]];
      else if (m.how === 'duplicate') list[i] = list[j];
      else list.splice(i, 1);
      meta[name] = JSON.stringify(list);
      break;
    }
  }
  return joinSafetensors(text ?? JSON.stringify(header), split.data);
}

/**
 * Edits a strict reader refuses in any file, even one whose header no checksum covers (v0.1.0):
 * offsets that leave gaps or overlap, a tensor named twice, a JSON key written twice, a tensor
 * missing or of another type or shape, a vocabulary entry repeated.
 */
export function detectableWithoutChecksum(m: { op: string; how?: string }): boolean {
  return (
    [
      'shift-offsets',
      'alias-offsets',
      'duplicate-tensor-key',
      'duplicate-key',
      'drop-tensor',
      'set-dtype',
      'set-shape',
    ].includes(m.op) ||
    (m.op === 'vocab' && m.how === 'duplicate')
  );
}

const BYTE_OPS = new Set(['flip', 'insert', 'delete', 'truncate', 'overwrite']);

export function isByteOp(m: { op: string }): m is ByteOp {
  return BYTE_OPS.has(m.op);
}
