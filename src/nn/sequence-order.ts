/**
 * Moving time-major data between the directions of a bidirectional layer, and dropout masks.
 * Everything is (T, B, width) row-major: step t of sequence b starts at (t·B + b)·width.
 */
import type { Floats } from '../kernels/index.js';
import type { Rng } from '../rng.js';

/**
 * out[s, b] = src[L_b − 1 − s, b] for s < L_b, and 0 for s ≥ L_b (L_b = lengths[b], or T).
 * Each sequence is reversed within its own length, as a reverse direction must see it; applying
 * it twice gives back the valid part. out must not alias src.
 */
export function reverseWithinLengths(
  src: Floats,
  T: number,
  B: number,
  width: number,
  lengths: Int32Array | null,
  out: Floats,
): void {
  for (let b = 0; b < B; b++) {
    const L = lengths === null ? T : (lengths[b] as number);
    for (let s = 0; s < T; s++) {
      const to = (s * B + b) * width;
      if (s >= L) {
        out.fill(0, to, to + width);
        continue;
      }
      const from = ((L - 1 - s) * B + b) * width;
      out.set(src.subarray(from, from + width), to);
    }
  }
}

/** out (rows, parts·width): part p of every row from parts[p] (rows, width). */
export function concatColumns(parts: readonly Floats[], rows: number, width: number, out: Floats): void {
  const n = parts.length;
  parts.forEach((part, p) => {
    for (let r = 0; r < rows; r++) out.set(part.subarray(r * width, (r + 1) * width), (r * n + p) * width);
  });
}

/** out (rows, width) = columns [p·width, (p+1)·width) of src (rows, parts·width). */
export function takeColumns(src: Floats, rows: number, width: number, parts: number, p: number, out: Floats): void {
  for (let r = 0; r < rows; r++) {
    const from = (r * parts + p) * width;
    out.set(src.subarray(from, from + width), r * width);
  }
}

/** Inverted dropout: out[i] = 0 with probability p, else 1 / (1 − p). */
export function dropoutMask(rng: Rng, p: number, out: Floats): void {
  const keep = 1 / (1 - p);
  // u / 2^32 < p exactly when u < p · 2^32 (a power-of-two scale is exact): the masks
  // rng.uniform(0, 1) < p drew, without a division per element
  const dropBelow = p * 4294967296;
  for (let i = 0; i < out.length; i++) out[i] = rng.nextUint32() < dropBelow ? 0 : keep;
}

/** (A, C, W) → (C, A, W): between batch-first and time-major. */
export function swapLeadingAxes(src: ArrayLike<number>, A: number, C: number, W: number, out: Floats): void {
  for (let a = 0; a < A; a++) {
    for (let c = 0; c < C; c++) {
      for (let w = 0; w < W; w++) out[(c * A + a) * W + w] = src[(a * C + c) * W + w] as number;
    }
  }
}
