/**
 * The rows of a padded batch that hold real steps, for the products over every step at once (the
 * input projection before the loop, the weight gradients and dx after it): with sequences of
 * different lengths, the (T·B) rows of the time-major batch are partly padding, and these products
 * compute only the real ones, gathered into N = Σ min(lengths, T) packed rows (PyTorch's
 * PackedSequence computes the same way). The rows keep their time-major order: step t's rows
 * follow step t − 1's.
 */
/** Pack when the padding is at least this fraction of the rows: below it the copies cost more. */
const PACK_FROM_PADDING = 0.1;

export interface PackedRows {
  /** (N) the batch row t·B + b of each packed row, t < lengths[b]. */
  rows: Int32Array;
  /** (T·B) each batch row's packed row, or N for padding: the row of a packed array kept for it. */
  slots: Int32Array;
}

/**
 * The real rows of a (T, B) batch with these lengths, or null when every row is real or too few
 * are padding to pay (sequence.ts keeps the answer with its run).
 */
export function findPackedRows(T: number, B: number, lengths: Int32Array | null): PackedRows | null {
  if (lengths === null) return null;
  let n = 0;
  for (let b = 0; b < B; b++) n += Math.min(T, lengths[b] as number);
  if (n > (1 - PACK_FROM_PADDING) * T * B) return null;
  const rows = new Int32Array(n);
  const slots = new Int32Array(T * B).fill(n);
  let i = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (t >= (lengths[b] as number)) continue;
      rows[i] = t * B + b;
      slots[t * B + b] = i++;
    }
  }
  return { rows, slots };
}
