/**
 * Seeded damage for the ONNX and TF.js reader tests: one file's bytes with a few bits flipped,
 * bytes overwritten, a piece cut out or duplicated, or the end cut off — the kinds of damage a
 * bad download, a disk or a hostile user produce.
 */
import type { Rng } from '../../src/rng.js';

export type Mutation = 'flip' | 'overwrite' | 'truncate' | 'cut' | 'duplicate' | 'insert';
export const MUTATIONS: readonly Mutation[] = ['flip', 'overwrite', 'truncate', 'cut', 'duplicate', 'insert'];

/** A damaged copy of `bytes` (the input is not changed) and which damage it got. */
export function mutateBytes(bytes: Uint8Array, rng: Rng): { bytes: Uint8Array; mutation: Mutation } {
  const mutation = MUTATIONS[rng.int(MUTATIONS.length)] as Mutation;
  const n = bytes.length;
  const at = rng.int(Math.max(n, 1));
  const span = 1 + rng.int(Math.min(16, Math.max(n - at, 1)));
  let out: Uint8Array;
  if (mutation === 'flip' || mutation === 'overwrite') {
    out = Uint8Array.from(bytes);
    const count = 1 + rng.int(4);
    for (let i = 0; i < count; i++) {
      const j = rng.int(Math.max(n, 1));
      out[j] = mutation === 'flip' ? (out[j] as number) ^ (1 << rng.int(8)) : rng.int(256);
    }
  } else if (mutation === 'truncate') out = bytes.slice(0, at);
  else if (mutation === 'cut') out = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + span)]);
  else if (mutation === 'duplicate') {
    out = Uint8Array.from([
      ...bytes.subarray(0, at + span),
      ...bytes.subarray(at, at + span),
      ...bytes.subarray(at + span),
    ]);
  } else {
    const noise = Array.from({ length: span }, () => rng.int(256));
    out = Uint8Array.from([...bytes.subarray(0, at), ...noise, ...bytes.subarray(at)]);
  }
  return { bytes: out, mutation };
}
