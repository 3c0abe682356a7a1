/**
 * The memory budget: every model's arrays are counted from its configuration before any is
 * allocated, and a configuration that needs more than the limit is refused with a ConfigError
 * that says how many bytes it needs, for what, the limit, where the limit came from, and how to
 * change it. The checks sit where every construction passes: the parameter arena (parameters and
 * their gradients, so a model file whose config asks for a huge network is refused before its
 * arrays exist) and the updater (optimizer state and one training step's work buffers).
 *
 * The limit: setMemoryLimit (the library), `--max-memory SIZE` (any lstm command) or LSTM_MAX_MEMORY (Node),
 * else a default. In browsers the default is 1 GiB (the WebAssembly backend's whole memory);
 * lstm/node replaces it with half of the machine's memory (node/memory-limit.ts).
 */
import { ConfigError } from '../errors.js';
import type { Kernels } from '../kernels/index.js';

export interface MemoryLimit {
  bytes: number;
  /** Where the limit comes from, for messages: "--max-memory 4G", "half of this machine's 16 GiB" … */
  source: string;
}

/** One part of a need: what it is and its bytes. */
export interface MemoryPart {
  what: string;
  bytes: number;
}

const GIB = 2 ** 30;
const BROWSER_DEFAULT: MemoryLimit = { bytes: GIB, source: 'the default of 1 GiB' };

let explicit: MemoryLimit | undefined;
let defaultLimit: () => MemoryLimit = () => BROWSER_DEFAULT;

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * A size as people write it: bytes ("1000000"), or a number with K, M, G or T (powers of 1024;
 * an optional trailing B or iB: "512M", "4G", "1.5GiB"). Strict: no sign, spaces, hex or
 * exponent; at least 1 MiB (a smaller budget fits no model and is surely a typo).
 */
export function parseMemorySize(text: string, who = 'parseMemorySize'): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)(?:i?B)?$/i.exec(text);
  const unit = m === null ? undefined : UNITS[(m[2] ?? '').toUpperCase()];
  const bytes = m === null || unit === undefined ? Number.NaN : Math.floor(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes < 2 ** 20) {
    throw new ConfigError(
      who,
      `a memory size must be a number of bytes or a number with K, M, G or T (e.g. 512M, 4G), at least 1M; got ${JSON.stringify(text.slice(0, 80))}.`,
    );
  }
  return bytes;
}

/**
 * Set the memory limit: bytes, or a size string as parseMemorySize reads it; undefined goes back
 * to the default. `source` names it in messages (default "setMemoryLimit(…)").
 */
export function setMemoryLimit(limit: number | string | undefined, source?: string): void {
  if (limit === undefined) {
    explicit = undefined;
    return;
  }
  const bytes = typeof limit === 'string' ? parseMemorySize(limit, 'setMemoryLimit') : limit;
  if (!Number.isSafeInteger(bytes) || bytes < 2 ** 20) {
    throw new ConfigError('setMemoryLimit', `the limit must be a whole number of bytes, at least 1 MiB; got ${bytes}.`);
  }
  explicit = {
    bytes,
    source: source ?? `setMemoryLimit(${typeof limit === 'string' ? JSON.stringify(limit) : limit})`,
  };
}

/** Where the default limit comes from when none is set (lstm/node: the machine's memory). */
export function setDefaultMemoryLimit(provider: () => MemoryLimit): void {
  defaultLimit = provider;
}

/** The limit in force and where it comes from. */
export function memoryLimit(): MemoryLimit {
  return explicit ?? defaultLimit();
}

/** Bytes as people read them: 1536 → "1.5 KiB", 6.4e9 → "6.0 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} bytes` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[i]}`;
}

/** Bytes of one value in this backend's arrays (4 for float32, 8 for the float64 reference). */
export function bytesPerValue(k: Kernels): number {
  return k.dtype === 'float64' ? 8 : 4;
}

/**
 * Refuse a need above the limit, before anything is allocated. `drivers` names the sizes that
 * make it large (e.g. "hiddenSize 20000 × 2 layers"), so the message says what to shrink.
 */
export function checkMemory(who: string, parts: readonly MemoryPart[], drivers: string): void {
  const need = parts.reduce((sum, p) => sum + p.bytes, 0);
  const limit = memoryLimit();
  if (need <= limit.bytes) return;
  const breakdown = parts
    .filter((p) => p.bytes > 0)
    .map((p) => `${p.what} ${formatBytes(p.bytes)}`)
    .join(', ');
  const suggestion = need < GIB ? `${Math.ceil(need / 2 ** 20)}M` : `${Math.ceil(need / GIB)}G`;
  throw new ConfigError(
    who,
    `this needs ${formatBytes(need)} (${need} bytes: ${breakdown}), driven by ${drivers}; the memory limit is ${formatBytes(limit.bytes)} (${limit.source}).`,
    `choose smaller sizes, or raise the limit: the option --max-memory ${suggestion} (or LSTM_MAX_MEMORY=${suggestion}, or setMemoryLimit('${suggestion}') in code).`,
  );
}
