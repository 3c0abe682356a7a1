/**
 * Per-column standardisation, z = (x − mean) / std, fitted on the training rows only (so nothing
 * from the held-out future leaks into the inputs) and stored with the model as plain numbers.
 * A constant column gets std 1 (z = x − mean) instead of a division by zero.
 */
import { DataError } from '../errors.js';

export interface ScalerState {
  columns: string[];
  mean: number[];
  std: number[];
}

export class StandardScaler {
  private constructor(readonly state: ScalerState) {}

  /** Fit on rows (N, C) given column by column; NaN (missing) values are left out of the fit. */
  static fit(columns: Record<string, ArrayLike<number>>): StandardScaler {
    const names = Object.keys(columns);
    const mean: number[] = [];
    const std: number[] = [];
    for (const name of names) {
      const v = Array.from(columns[name] as ArrayLike<number>).filter(Number.isFinite);
      if (v.length === 0)
        throw new DataError('StandardScaler.fit', `column '${name}' has no numeric value in the training rows.`);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
      mean.push(m);
      std.push(s > 0 ? s : 1);
    }
    return new StandardScaler({ columns: names, mean, std });
  }

  /** A stored scaler: one finite mean and one positive finite std per column, each column named once. */
  static fromState(state: ScalerState): StandardScaler {
    const { columns, mean, std } = state;
    const ok =
      Array.isArray(columns) &&
      Array.isArray(mean) &&
      Array.isArray(std) &&
      columns.length === mean.length &&
      columns.length === std.length &&
      columns.every((c) => typeof c === 'string') &&
      new Set(columns).size === columns.length &&
      mean.every((m) => typeof m === 'number' && Number.isFinite(m)) &&
      std.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0);
    if (!ok)
      throw new DataError(
        'StandardScaler',
        `a stored scaler needs distinct column names, one finite mean and one positive finite std per column; got ${String(columns?.length)} columns, ${String(mean?.length)} means, ${String(std?.length)} stds.`,
      );
    return new StandardScaler({ columns: [...columns], mean: [...mean], std: [...std] });
  }

  private index(column: string): number {
    const i = this.state.columns.indexOf(column);
    if (i < 0)
      throw new DataError(
        'StandardScaler',
        `no column '${column}'; the scaler knows ${this.state.columns.join(', ')}.`,
      );
    return i;
  }

  transform(column: string, values: ArrayLike<number>): Float64Array {
    const i = this.index(column);
    const [m, s] = [this.state.mean[i] as number, this.state.std[i] as number];
    return Float64Array.from(values, (v) => (v - m) / s);
  }

  inverse(column: string, values: ArrayLike<number>): Float64Array {
    const i = this.index(column);
    const [m, s] = [this.state.mean[i] as number, this.state.std[i] as number];
    return Float64Array.from(values, (v) => v * s + m);
  }
}
