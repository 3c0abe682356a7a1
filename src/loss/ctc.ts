/**
 * Connectionist temporal classification (Graves et al. 2006): the loss of a label sequence given
 * per-frame class scores, summed over every alignment, in log space, as PyTorch's nn.CTCLoss.
 *
 * For one sequence of T frames with log-probabilities lp[t, c] = log softmax(z_t)[c] and a target
 * l of length L, the extended target l' = (blank, l1, blank, l2, …, lL, blank) has S = 2L + 1
 * symbols, and
 *   α[0, 0] = lp[0, blank], α[0, 1] = lp[0, l1], α[0, s ≥ 2] = −∞
 *   α[t, s] = lse(α[t−1, s], α[t−1, s−1], α[t−1, s−2] when l'[s] ≠ blank and l'[s] ≠ l'[s−2]) + lp[t, l'[s]]
 *   β the same from the last frame back (β[T−1, S−1] = lp[T−1, blank], β[T−1, S−2] = lp[T−1, lL])
 *   loss = −log p(l | z) = −lse(α[T−1, S−1], α[T−1, S−2])
 *   ∂loss/∂z[t, c] = softmax(z_t)[c] − exp(lse_{s: l'[s] = c}(α[t, s] + β[t, s]) − lp[t, c] + loss)
 * An impossible alignment (T too short for the target and its repeats) has loss +∞, or 0 with
 * zeroInfinity (PyTorch's zero_infinity); its gradient is zero either way (PyTorch's is not finite
 * without zero_infinity). Frames past a sequence's
 * input length take no part and get no gradient. Reduction 'mean' divides each loss by its target
 * length (at least 1) and averages over the batch, 'sum' adds, 'none' returns each.
 * Float64 throughout.
 */
import { ShapeError } from '../errors.js';
import type { Floats } from '../kernels/index.js';
import { logSoftmaxInto } from './softmax.js';

export type CtcReduction = 'mean' | 'sum' | 'none';

export interface CtcOptions {
  /** The blank class (default 0). */
  blank?: number;
  /** Default 'mean' (PyTorch's). */
  reduction?: CtcReduction;
  /** An impossible alignment gives loss 0 and no gradient instead of +∞ (default false). */
  zeroInfinity?: boolean;
}

export interface CtcResult {
  /** The reduced loss ('none': the sum of the per-sequence losses). */
  loss: number;
  /** Each sequence's loss, −log p(target | input), before reduction (+∞ when impossible). */
  losses: Float64Array;
}

const NEG = -Infinity;

/** log(e^a + e^b), −∞ when both are. */
function logAdd(a: number, b: number): number {
  if (a === NEG) return b;
  if (b === NEG) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * logits (T, B, C) time-major, inputLengths (B) in [0, T], targets (B, S) row-major with each row's
 * first targetLengths[b] entries its labels (none the blank; the rest ignored). When dLogits
 * (T, B, C) is given it receives the gradient of the reduced loss (zero past each input length).
 */
export function ctcLoss(
  logits: ArrayLike<number>,
  T: number,
  B: number,
  C: number,
  inputLengths: ArrayLike<number>,
  targets: ArrayLike<number>,
  S: number,
  targetLengths: ArrayLike<number>,
  opts: CtcOptions = {},
  dLogits: Floats | null = null,
): CtcResult {
  const where = 'ctcLoss';
  const blank = opts.blank ?? 0;
  const reduction = opts.reduction ?? 'mean';
  if (logits.length !== T * B * C)
    throw new ShapeError(
      where,
      `logits has ${logits.length} values; (T, B, C) = (${T}, ${B}, ${C}) needs ${T * B * C}.`,
    );
  if (targets.length !== B * S)
    throw new ShapeError(where, `targets has ${targets.length} values; (B, S) = (${B}, ${S}) needs ${B * S}.`);
  if (inputLengths.length !== B || targetLengths.length !== B)
    throw new ShapeError(
      where,
      `inputLengths and targetLengths need ${B} entries each; got ${inputLengths.length} and ${targetLengths.length}.`,
    );
  if (!(Number.isInteger(blank) && blank >= 0 && blank < C))
    throw new ShapeError(where, `blank must be a class in [0, ${C}); got ${blank}.`);
  for (let b = 0; b < B; b++) {
    const Tb = inputLengths[b] as number;
    const L = targetLengths[b] as number;
    if (!(Number.isInteger(Tb) && Tb >= 0 && Tb <= T))
      throw new ShapeError(where, `inputLengths[${b}] is ${Tb}; it must be a whole number in [0, ${T}].`);
    if (!(Number.isInteger(L) && L >= 0 && L <= S))
      throw new ShapeError(where, `targetLengths[${b}] is ${L}; it must be a whole number in [0, ${S}].`);
    for (let i = 0; i < L; i++) {
      const y = targets[b * S + i] as number;
      if (!(Number.isInteger(y) && y >= 0 && y < C && y !== blank))
        throw new ShapeError(
          where,
          `target ${i} of sequence ${b} is ${y}; labels must be classes in [0, ${C}) other than the blank (${blank}).`,
        );
    }
  }
  dLogits?.fill(0);
  const losses = new Float64Array(B);
  const logP = new Float64Array(T * C);
  for (let b = 0; b < B; b++) {
    const Tb = inputLengths[b] as number;
    const L = targetLengths[b] as number;
    const Se = 2 * L + 1;
    // l'[s]: blank at even s, label (s − 1) / 2 at odd s
    const ext = (s: number): number => (s % 2 === 0 ? blank : (targets[b * S + (s - 1) / 2] as number));
    const skips = (s: number): boolean => s >= 2 && s % 2 === 1 && ext(s) !== ext(s - 2);
    for (let t = 0; t < Tb; t++) logSoftmaxInto(logits, (t * B + b) * C, C, logP, t * C);
    const alpha = new Float64Array(Math.max(1, Tb) * Se).fill(NEG);
    const beta = new Float64Array(Math.max(1, Tb) * Se).fill(NEG);
    // no frames: only the empty target is possible, with probability 1
    let nll = L === 0 ? 0 : Infinity;
    if (Tb > 0) {
      alpha[0] = logP[blank] as number;
      if (Se > 1) alpha[1] = logP[ext(1)] as number;
      for (let t = 1; t < Tb; t++) {
        for (let s = 0; s < Se; s++) {
          const prev = (t - 1) * Se;
          let a = alpha[prev + s] as number;
          if (s >= 1) a = logAdd(a, alpha[prev + s - 1] as number);
          if (skips(s)) a = logAdd(a, alpha[prev + s - 2] as number);
          alpha[t * Se + s] = a === NEG ? NEG : a + (logP[t * C + ext(s)] as number);
        }
      }
      const last = (Tb - 1) * Se;
      nll = -logAdd(alpha[last + Se - 1] as number, Se > 1 ? (alpha[last + Se - 2] as number) : NEG);
    }
    losses[b] = nll;
    if (dLogits === null || Tb === 0) continue;
    if (nll === Infinity) continue; // zeroInfinity or not, no finite gradient to give (PyTorch: zeros or NaN)
    const last = (Tb - 1) * Se;
    beta[last + Se - 1] = logP[(Tb - 1) * C + blank] as number;
    if (Se > 1) beta[last + Se - 2] = logP[(Tb - 1) * C + ext(Se - 2)] as number;
    for (let t = Tb - 2; t >= 0; t--) {
      for (let s = 0; s < Se; s++) {
        const next = (t + 1) * Se;
        let v = beta[next + s] as number;
        if (s + 1 < Se) v = logAdd(v, beta[next + s + 1] as number);
        if (s + 2 < Se && skips(s + 2)) v = logAdd(v, beta[next + s + 2] as number);
        beta[t * Se + s] = v === NEG ? NEG : v + (logP[t * C + ext(s)] as number);
      }
    }
    const scale = reduction === 'mean' ? 1 / (Math.max(1, L) * B) : 1;
    const occupancy = new Float64Array(C);
    for (let t = 0; t < Tb; t++) {
      occupancy.fill(NEG);
      for (let s = 0; s < Se; s++) {
        const c = ext(s);
        occupancy[c] = logAdd(occupancy[c] as number, (alpha[t * Se + s] as number) + (beta[t * Se + s] as number));
      }
      const row = (t * B + b) * C;
      for (let c = 0; c < C; c++) {
        const lp = logP[t * C + c] as number;
        const o = occupancy[c] as number;
        // softmax − posterior of class c at frame t
        dLogits[row + c] = scale * (Math.exp(lp) - (o === NEG ? 0 : Math.exp(o - lp + nll)));
      }
    }
  }
  if (opts.zeroInfinity === true) for (let b = 0; b < B; b++) if (losses[b] === Infinity) losses[b] = 0;
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const each = losses[b] as number;
    loss += reduction === 'mean' ? each / Math.max(1, targetLengths[b] as number) : each;
  }
  if (reduction === 'mean') loss /= B;
  return { loss, losses };
}
