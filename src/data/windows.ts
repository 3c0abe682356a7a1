/**
 * Supervised windows from a series, for direct multi-step forecasting: with lookback L and
 * horizon h, the window ending at row t (t = L − 1 … N − h − 1) reads inputs rows t − L + 1 … t
 * and predicts the targets at rows t + 1 … t + h, all at once.
 *   inputs  (N, F) row-major (the features of each row: scaled targets, exogenous columns, …)
 *   targets (N, K) row-major
 *   x       (L, B, F) time-major, as the recurrent layers read it
 *   y       (B, h, K)
 * Windows whose inputs or targets hold a NaN (a missing value) are skipped, and counted.
 */
import { DataError } from '../errors.js';

export interface WindowSet {
  x: Float32Array;
  y: Float32Array;
  /** The row each window ends at (its last input row). */
  ends: Int32Array;
  L: number;
  B: number;
  F: number;
  h: number;
  K: number;
  skipped: number;
}

export function makeWindows(
  inputs: ArrayLike<number>,
  targets: ArrayLike<number>,
  N: number,
  F: number,
  K: number,
  L: number,
  h: number,
  rows: { from: number; to: number } = { from: 0, to: N },
): WindowSet {
  if (inputs.length !== N * F || targets.length !== N * K)
    throw new DataError(
      'makeWindows',
      `inputs have ${inputs.length} values and targets ${targets.length}; (N, F) = (${N}, ${F}) and (N, K) = (${N}, ${K}) need ${N * F} and ${N * K}.`,
    );
  const available = rows.to - rows.from;
  if (available < L + h)
    throw new DataError(
      'makeWindows',
      `a lookback of ${L} and a horizon of ${h} need at least ${L + h} rows; there are ${available}.`,
      'shorten --lookback or --horizon, or give more data.',
    );
  const ends: number[] = [];
  let skipped = 0;
  for (let t = rows.from + L - 1; t + h < rows.to; t++) {
    let ok = true;
    for (let r = t - L + 1; r <= t && ok; r++)
      for (let f = 0; f < F; f++) if (!Number.isFinite(inputs[r * F + f] as number)) ok = false;
    for (let r = t + 1; r <= t + h && ok; r++)
      for (let k = 0; k < K; k++) if (!Number.isFinite(targets[r * K + k] as number)) ok = false;
    if (ok) ends.push(t);
    else skipped++;
  }
  const B = ends.length;
  const x = new Float32Array(L * B * F);
  const y = new Float32Array(B * h * K);
  ends.forEach((t, b) => {
    for (let s = 0; s < L; s++)
      for (let f = 0; f < F; f++) x[(s * B + b) * F + f] = inputs[(t - L + 1 + s) * F + f] as number;
    for (let j = 0; j < h; j++)
      for (let k = 0; k < K; k++) y[(b * h + j) * K + k] = targets[(t + 1 + j) * K + k] as number;
  });
  return { x, y, ends: Int32Array.from(ends), L, B, F, h, K, skipped };
}
