/**
 * Supervised windows from a series, for direct multi-step forecasting: with lookback L and
 * horizon h, the window ending at row t reads inputs rows t − L + 1 … t and predicts the targets
 * at rows t + 1 … t + h, all at once. Every window is encoded once, by an encoder that says
 * whether it can be used (null: a missing value), and the windows kept are stacked into batches:
 *   one window  x (L, F) its input rows in order, y (h, K)
 *   a set       x (L, B, F) time-major, as the recurrent layers read it; y (B, h, K)
 * The forecaster encodes its windows with src/forecast/encoding.ts; makeWindows is the plain
 * form, for a series whose rows are already the network's inputs and targets.
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

/** The sizes of one window: lookback L, F inputs a row, horizon h, K targets a row. */
export type WindowShape = Pick<WindowSet, 'L' | 'F' | 'h' | 'K'>;

/** One window, encoded: x (L, F), y (h, K). */
export interface EncodedWindow {
  end: number;
  x: Float32Array;
  y: Float32Array;
}

/** Encodes the window ending at row `end`, or says (null) that it cannot be used. */
export type WindowEncodeFn = (end: number) => EncodedWindow | null;

/** Each of `ends` encoded once: the windows kept, in order, and how many were not. */
export function encodeWindows(
  ends: Iterable<number>,
  encode: WindowEncodeFn,
): { kept: EncodedWindow[]; skipped: number } {
  const kept: EncodedWindow[] = [];
  let skipped = 0;
  for (const end of ends) {
    const window = encode(end);
    if (window === null) skipped++;
    else kept.push(window);
  }
  return { kept, skipped };
}

/** Rows from … to − 1, as the window ends to try. */
export function* rowRange(from: number, to: number): Generator<number> {
  for (let r = from; r < to; r++) yield r;
}

/** Encoded windows (each x (L, F), y (h, K)) stacked into one set: x (L, B, F), y (B, h, K). */
export function stackWindows(windows: readonly EncodedWindow[], shape: WindowShape, skipped = 0): WindowSet {
  const { L, F, h, K } = shape;
  const B = windows.length;
  const x = new Float32Array(L * B * F);
  const y = new Float32Array(B * h * K);
  windows.forEach((w, b) => {
    if (w.x.length !== L * F || w.y.length !== h * K)
      throw new DataError(
        'stackWindows',
        `the window ending at row ${w.end} has ${w.x.length} inputs and ${w.y.length} targets; (L, F) = (${L}, ${F}) and (h, K) = (${h}, ${K}) need ${L * F} and ${h * K}.`,
      );
    for (let s = 0; s < L; s++) x.set(w.x.subarray(s * F, (s + 1) * F), (s * B + b) * F);
    y.set(w.y, b * h * K);
  });
  return { x, y, ends: Int32Array.from(windows, (w) => w.end), L, B, F, h, K, skipped };
}

/**
 * The windows of rows.from … rows.to − 1 of a series whose rows are the inputs (N, F) and targets
 * (N, K), row-major; windows whose inputs or targets hold a NaN (a missing value) are skipped, and
 * counted.
 */
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
  // the rows of window `end` lie at inputs[(end − L + 1)·F …] and targets[(end + 1)·K …], in order
  const slice = (values: ArrayLike<number>, from: number, n: number): number[] =>
    Array.from({ length: n }, (_, i) => values[from + i] as number);
  const encodeRows: WindowEncodeFn = (end) => {
    const x = slice(inputs, (end - L + 1) * F, L * F);
    const y = slice(targets, (end + 1) * K, h * K);
    return x.every(Number.isFinite) && y.every(Number.isFinite)
      ? { end, x: Float32Array.from(x), y: Float32Array.from(y) }
      : null;
  };
  const { kept, skipped } = encodeWindows(rowRange(rows.from + L - 1, rows.to - h), encodeRows);
  return stackWindows(kept, { L, F, h, K }, skipped);
}
