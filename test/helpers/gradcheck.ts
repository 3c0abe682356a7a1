/**
 * Central-difference gradient checks in float64. The loss is Σ out ⊙ R with R seeded-random
 * (a weighted sum: every output entry matters, with a different weight), and every entry of every
 * checked array is perturbed by ±eps.
 *   relative error = |analytic − numeric| / max(|analytic| + |numeric|, 1e-12)
 * Entries whose absolute difference is below 1e-9 count as equal: with eps = 1e-6 the
 * difference quotient carries round-off of about 1e-16 / 1e-6 = 1e-10 in absolute terms, which
 * on a gradient entry of 1e-4 is already a relative error above 1e-6.
 */
import type { Floats } from '../../src/kernels/index.js';

export interface GradcheckTarget {
  name: string;
  /** The array perturbed in place (a parameter, an input or an initial state). */
  values: Floats;
  /** The analytic gradient of the loss w.r.t. values, same length. */
  analytic: Floats | ArrayLike<number>;
}

export interface GradcheckFailure {
  name: string;
  index: number;
  analytic: number;
  numeric: number;
  relative: number;
}

export interface GradcheckReport {
  checked: number;
  failures: GradcheckFailure[];
  worst: GradcheckFailure | undefined;
}

/**
 * `loss()` must recompute the scalar loss from the current values of every target.
 * Returns every failure (relative error above tol); `worst` is the largest error seen.
 */
export function gradcheck(
  targets: readonly GradcheckTarget[],
  loss: () => number,
  eps = 1e-6,
  tol = 1e-6,
): GradcheckReport {
  const failures: GradcheckFailure[] = [];
  let worst: GradcheckFailure | undefined;
  let checked = 0;
  for (const t of targets) {
    for (let i = 0; i < t.values.length; i++) {
      const saved = t.values[i] as number;
      t.values[i] = saved + eps;
      const plus = loss();
      t.values[i] = saved - eps;
      const minus = loss();
      t.values[i] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const analytic = t.analytic[i] as number;
      const closeEnough = Math.abs(analytic - numeric) < 1e-9;
      const relative = closeEnough
        ? 0
        : Math.abs(analytic - numeric) / Math.max(Math.abs(analytic) + Math.abs(numeric), 1e-12);
      const entry = { name: t.name, index: i, analytic, numeric, relative };
      if (worst === undefined || relative > worst.relative) worst = entry;
      if (relative > tol) failures.push(entry);
      checked++;
    }
  }
  return { checked, failures, worst };
}

/** A readable one-line summary for assertion messages. */
export function describeReport(r: GradcheckReport): string {
  const w = r.worst;
  const worst =
    w === undefined
      ? 'none'
      : `${w.name}[${w.index}] analytic ${w.analytic} numeric ${w.numeric} rel ${w.relative.toExponential(2)}`;
  return `${r.failures.length} of ${r.checked} entries failed; worst: ${worst}`;
}

/** Σ a ⊙ r. */
export function weightedSum(a: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (r[i] as number);
  return s;
}

/** A Float64Array of n seeded values in [−1, 1). */
export function randomArray(n: number, rng: { uniform(lo: number, hi: number): number }): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}
