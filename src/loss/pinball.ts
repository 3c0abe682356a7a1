/**
 * The pinball (quantile) loss, which a model minimises by predicting the q-quantile of the target
 * (Koenker & Bassett 1978): for e = y − ŷ_q,  ρ_q(e) = max(q·e, (q − 1)·e).
 *   pred    (N, Q): for each of N target values, one prediction per quantile
 *   target  (N)
 *   loss    mean over the N·Q terms;  dŷ_q = (e < 0 ? 1 − q : −q) / (N·Q)
 * With quantiles 0.1, 0.5, 0.9 the outer two bound an 80 % interval and the middle is the median
 * forecast. Missing targets (NaN) contribute nothing.
 */
import { ConfigError, ShapeError } from '../errors.js';
import type { Floats } from '../kernels/index.js';

export function checkQuantiles(quantiles: readonly number[]): readonly number[] {
  if (
    quantiles.length === 0 ||
    quantiles.some((q, i) => !(q > 0 && q < 1) || (i > 0 && q <= (quantiles[i - 1] as number)))
  )
    throw new ConfigError(
      'quantiles',
      `quantiles must be increasing numbers in (0, 1), e.g. 0.1, 0.5, 0.9; got ${quantiles.join(', ')}.`,
    );
  return quantiles;
}

export function pinballLoss(
  pred: Floats,
  target: ArrayLike<number>,
  quantiles: readonly number[],
  dPred: Floats | null = null,
): number {
  const N = target.length;
  const Q = quantiles.length;
  if (pred.length !== N * Q || (dPred !== null && dPred.length !== N * Q))
    throw new ShapeError(
      'pinballLoss',
      `predictions have ${pred.length} values; ${N} targets × ${Q} quantiles need ${N * Q}.`,
    );
  let count = 0;
  for (let n = 0; n < N; n++) if (Number.isFinite(target[n] as number)) count += Q;
  let sum = 0;
  for (let n = 0; n < N; n++) {
    const y = target[n] as number;
    for (let j = 0; j < Q; j++) {
      const i = n * Q + j;
      if (!Number.isFinite(y)) {
        if (dPred !== null) dPred[i] = 0;
        continue;
      }
      const q = quantiles[j] as number;
      const e = y - (pred[i] as number);
      sum += e >= 0 ? q * e : (q - 1) * e;
      if (dPred !== null) dPred[i] = (e < 0 ? 1 - q : -q) / count;
    }
  }
  return count === 0 ? 0 : sum / count;
}
