/**
 * The least-squares fit of one exponential-smoothing model (the model itself: ets.ts).
 *
 * Estimation. With additive errors the maximum-likelihood fit is the least-squares fit of the
 * one-step errors (σ² = SSE/n), over the smoothing parameters α, β, γ, φ and the initial states
 * ℓ_0, b_0, s_{1−m} … s_0, within the usual admissible region 0 < α < 1, 0 < β < α, 0 < γ < 1 − α,
 * 0.8 ≤ φ ≤ 0.98 (statsmodels' ETSModel bounds; its ExponentialSmoothing allows only β ≤ α², so
 * our optimum can be lower than its). The smoothing parameters are searched in unconstrained
 * coordinates u that map into the region: α = σ(u₀), β = α σ(u₁), γ = (1 − α) σ(u₂),
 * φ = 0.8 + 0.18 σ(u₃) (σ the logistic function, |u| ≤ 18, i.e. within 1.5e-8 of an edge). The
 * initial seasons are normalised to sum to 0 (additive) or to m (multiplicative): shifting
 * (scaling) the seasons one way and the level the other leaves every forecast unchanged, so this
 * loses nothing and removes a flat direction.
 *
 * The SSE surface has several basins (a damped trend on CO2 has optima in opposite corners of the
 * region), so the search is global, then local:
 *   1. a grid of 24 points over (α, β/α, γ/(1 − α)), at each of which the initial states are solved
 *      for: the errors are affine in them without a multiplicative season, so one Gauss–Newton
 *      step (a linear least-squares solve) is exact; with one it is a good approximation. The
 *      grid's first states come from a classical decomposition of the first two or three periods;
 *   2. Levenberg–Marquardt over all parameters at once, by successive halving: 3 steps from each of
 *      the 4 best grid points, 4 more from the 2 best of those, then to convergence from the best.
 *      Its Jacobian comes from differentiating the recursion forward alongside it (one column per
 *      parameter). Gauss–Newton converges only linearly here (the residuals are large and curved
 *      in α), so the Hessian is augmented with the structured secant term of NL2SOL (Dennis, Gay &
 *      Welsch 1981), and an accepted step is tried at twice, four times … its length.
 * Against a slow, exhaustive search (Nelder–Mead over the smoothing parameters with the states
 * solved for at every point, restarted; over a second per autoEts of 700 values) on 243 fits of
 * monthly series, this finds the same SSE or a lower one (48 times) in all but one (0.09 % above),
 * in about a twentieth of the time. That is why nelder-mead.ts is not used here: with the states
 * solved for it needed 300–900 evaluations of an O(n·p²) objective per model, and over all 17
 * parameters at once it converges too slowly to be reliable.
 *
 */
import { DataError } from '../errors.js';
import { ETS_PHI_RANGE, type EtsFit, type EtsSpec, etsName, parameterCount } from './ets-model.js';

const [PHI_MIN, PHI_MAX] = ETS_PHI_RANGE;

const logistic = (u: number): number => 1 / (1 + Math.exp(-u));
const logit = (p: number): number => Math.log(p / (1 - p));

/** |u| at most this: σ(±18) is within 1.5e-8 of 0 or 1, as near the edge as any fit needs. */
const U_LIMIT = 18;
/** The longest Levenberg–Marquardt step along one smoothing coordinate. */
const MAX_U_STEP = 3;
/** The starting grid, as fractions of each parameter's range: α, β/α, γ/(1 − α); (φ − 0.8)/0.18 is 0.9. */
const GRID_ALPHA = [0.05, 0.2, 0.5, 0.85];
const GRID_BETA = [0.02, 0.3];
const GRID_GAMMA = [0.05, 0.5, 0.95];
const GRID_PHI = 0.9;
/** Successive halving: [how many candidates, how many accepted steps each], then one to convergence. */
const HALVING: readonly (readonly [number, number])[] = [
  [4, 3],
  [2, 4],
  [1, 500],
];
/** Converged when an accepted step lowers the SSE by less than this, relative. */
const RELATIVE_DECREASE = 1e-9;

/** A point of the search: smoothing coordinates, initial states, its SSE and Levenberg–Marquardt state. */
interface Candidate {
  u: Float64Array;
  x: Float64Array;
  value: number;
  lambda: number;
  converged: boolean;
}

const NO_SEASON = 0;
const ADDITIVE = 1;
const MULTIPLICATIVE = 2;

/**
 * One model on one series: the recursion and its forward derivatives, the searches, and a
 * workspace allocated once. The parameter vector has P = d + p coordinates: first the d smoothing
 * coordinates u (α, then β, γ, φ where the model has them), then the p initial states x = [ℓ_0,
 * b_0 (with a trend), s_{1−m} … s_{−1} (with a season)], with s_0 = (0 or m) − their sum.
 */
export class EtsEstimator {
  private readonly n: number;
  private readonly m: number; // 0 without a season
  private readonly kind: number;
  private readonly hasTrend: boolean;
  private readonly damped: boolean;
  private readonly d: number; // smoothing coordinates
  private readonly p: number; // free initial states
  private readonly P: number; // d + p
  private readonly seasonOffset: number; // index of the first free season in x
  // the smoothing parameters of the present u, and ∂(α, β, γ, φ)/∂u (d × d, row: parameter)
  private alpha = 0.5;
  private beta = 0;
  private gamma = 0;
  private phi = 1;
  private readonly chain: Float64Array;
  // which smoothing parameter each of the first d columns differentiates (1 or 0)
  private readonly isAlpha: Float64Array;
  private readonly isBeta: Float64Array;
  private readonly isGamma: Float64Array;
  private readonly isPhi: Float64Array;
  // one pass of the recursion
  private readonly seasons: Float64Array; // circular: slot t mod m holds s_{t−m} when y_t is read
  private finalLevel = 0;
  private finalTrend = 0;
  private readonly dLevel: Float64Array; // ∂ℓ/∂(column j)
  private readonly dTrend: Float64Array; // ∂b/∂(column j)
  private readonly dSeasons: Float64Array; // ∂s(slot k)/∂(column j) at j·m + k
  private readonly jacobian: Float64Array; // J: ∂e_t/∂(column j) at j·n + t
  private readonly errors: Float64Array; // e_t
  private readonly normal: Float64Array; // JᵀJ, P × P (upper triangle)
  private readonly gradient: Float64Array; // Jᵀe
  // the step
  private readonly secant: Float64Array; // NL2SOL's estimate of Σ e_t ∇²e_t, P × P
  private readonly factor: Float64Array; // Cholesky factor of the scaled, damped system
  private readonly scale: Float64Array;
  private readonly step: Float64Array;
  private readonly frozen: Uint8Array; // coordinates the present step leaves alone (at their limit)
  private skippedPivots = 0; // directions the last solve dropped as singular
  /** The initial states of the best profiled point so far (the warm start), that SSE, and those of the last one. */
  private readonly warmStates: Float64Array;
  private warmValue = Infinity;
  private readonly profiledStates: Float64Array;
  private readonly trialStates: Float64Array;

  constructor(
    private readonly y: Float64Array,
    private readonly spec: EtsSpec,
    private readonly where: string,
  ) {
    this.n = y.length;
    this.kind = spec.season === 'none' ? NO_SEASON : spec.season === 'additive' ? ADDITIVE : MULTIPLICATIVE;
    this.m = this.kind === NO_SEASON ? 0 : spec.period;
    this.hasTrend = spec.trend !== 'none';
    this.damped = spec.trend === 'damped';
    const d = 1 + (this.hasTrend ? 1 : 0) + (this.m > 0 ? 1 : 0) + (this.damped ? 1 : 0);
    this.d = d;
    this.seasonOffset = this.hasTrend ? 2 : 1;
    this.p = this.seasonOffset + Math.max(0, this.m - 1);
    const P = d + this.p;
    this.P = P;
    this.chain = new Float64Array(d * d);
    this.isAlpha = new Float64Array(d);
    this.isBeta = new Float64Array(d);
    this.isGamma = new Float64Array(d);
    this.isPhi = new Float64Array(d);
    let column = 0;
    this.isAlpha[column++] = 1;
    if (this.hasTrend) this.isBeta[column++] = 1;
    if (this.m > 0) this.isGamma[column++] = 1;
    if (this.damped) this.isPhi[column++] = 1;
    const slots = Math.max(1, this.m);
    this.seasons = new Float64Array(slots);
    this.dLevel = new Float64Array(P);
    this.dTrend = new Float64Array(P);
    this.dSeasons = new Float64Array(P * slots);
    this.jacobian = new Float64Array(P * this.n);
    this.errors = new Float64Array(this.n);
    this.normal = new Float64Array(P * P);
    this.gradient = new Float64Array(P);
    this.secant = new Float64Array(P * P);
    this.factor = new Float64Array(P * P);
    this.scale = new Float64Array(P);
    this.step = new Float64Array(P);
    this.frozen = new Uint8Array(P);
    this.warmStates = this.heuristicStates();
    this.profiledStates = this.warmStates.slice();
    this.trialStates = this.warmStates.slice();
  }

  fit(): EtsFit {
    // 1. the grid, each point with its initial states solved for
    const point = new Float64Array(this.d);
    let field: Candidate[] = [];
    for (const a of GRID_ALPHA)
      for (const b of this.hasTrend ? GRID_BETA : [0])
        for (const g of this.m > 0 ? GRID_GAMMA : [0]) {
          this.fillCoordinates(point, a, b, g, GRID_PHI);
          const value = this.profiledSse(point);
          field.push({ u: point.slice(), x: this.profiledStates.slice(), value, lambda: 1e-3, converged: false });
        }
    // 2. Levenberg–Marquardt by successive halving
    for (const [keep, steps] of HALVING) {
      field.sort((a, b) => a.value - b.value);
      field = field.slice(0, keep);
      for (const candidate of field) this.levenbergMarquardt(candidate, steps);
    }
    const best = field[0] as Candidate;
    return this.finish(best.u, best.x);
  }

  /** Unconstrained coordinates for α and the fractions β/α, γ/(1 − α), (φ − 0.8)/0.18. */
  private fillCoordinates(u: Float64Array, a: number, b: number, g: number, f: number): void {
    let i = 0;
    u[i++] = logit(a);
    if (this.hasTrend) u[i++] = logit(b);
    if (this.m > 0) u[i++] = logit(g);
    if (this.damped) u[i++] = logit(f);
  }

  /** Sets α, β, γ, φ from u, and the chain matrix ∂(α, β, γ, φ)/∂u (lower triangular). */
  private setSmoothing(u: ArrayLike<number>): void {
    const { d, chain } = this;
    chain.fill(0);
    const a = logistic(u[0] as number);
    const da = a * (1 - a);
    this.alpha = a;
    chain[0] = da;
    this.beta = 0;
    this.gamma = 0;
    this.phi = 1;
    let i = 1;
    if (this.hasTrend) {
      const f = logistic(u[i] as number);
      this.beta = a * f;
      chain[i * d] = f * da;
      chain[i * d + i] = a * f * (1 - f);
      i++;
    }
    if (this.m > 0) {
      const f = logistic(u[i] as number);
      this.gamma = (1 - a) * f;
      chain[i * d] = -f * da;
      chain[i * d + i] = (1 - a) * f * (1 - f);
      i++;
    }
    if (this.damped) {
      const f = logistic(u[i] as number);
      this.phi = PHI_MIN + (PHI_MAX - PHI_MIN) * f;
      chain[i * d + i] = (PHI_MAX - PHI_MIN) * f * (1 - f);
    }
  }

  /**
   * The SSE at the smoothing coordinates u with the initial states solved for by one Gauss–Newton
   * step from the warm start (exact when the errors are affine in the states, without a
   * multiplicative season). Leaves the states in profiledStates; the best become the warm start.
   */
  private profiledSse(u: Float64Array): number {
    const { d, P, step } = this;
    this.setSmoothing(u);
    const x = this.profiledStates;
    x.set(this.warmStates);
    let sse = this.pass(x, d);
    if (!Number.isFinite(sse)) return Infinity;
    const predicted = this.solve(d, 0, sse, false);
    if (predicted < sse) {
      const trial = this.trialStates;
      for (let j = d; j < P; j++) trial[j - d] = (x[j - d] as number) + (step[j] as number);
      const next = this.kind === MULTIPLICATIVE ? this.pass(trial, P) : Math.max(0, predicted);
      if (next < sse) {
        x.set(trial);
        sse = next;
      }
    }
    if (sse < this.warmValue) {
      this.warmValue = sse;
      this.warmStates.set(x);
    }
    return sse;
  }

  /**
   * Levenberg–Marquardt over the smoothing coordinates and the initial states together, from the
   * candidate's point, for at most maxSteps accepted steps; updates the candidate. A step solves
   * (JᵀJ + S + λ·diag JᵀJ) δ = −Jᵀe, S the secant term (dropped when it makes the system
   * indefinite or a step fails); a smoothing coordinate at its limit that the step would push
   * further out is held. Converged when the errors are orthogonal to every column of J, an
   * accepted step gains less than RELATIVE_DECREASE, or no damping makes a step succeed.
   */
  private levenbergMarquardt(candidate: Candidate, maxSteps: number): void {
    if (candidate.converged) return;
    const { n, d, p, P, step, frozen, secant, jacobian: jac, errors, gradient } = this;
    const { u, x } = candidate;
    const trialU = new Float64Array(d);
    const trialX = new Float64Array(p);
    const moved = new Float64Array(P);
    const oldGradient = new Float64Array(P);
    const oldJacobianErrors = new Float64Array(P);
    for (let j = 0; j < d; j++) u[j] = Math.min(U_LIMIT, Math.max(-U_LIMIT, u[j] as number));
    this.setSmoothing(u);
    let sse = this.pass(x, 0);
    let lambda = candidate.lambda;
    let accepted = 0;
    let converged = false;
    let useSecant = false;
    secant.fill(0);
    for (let tries = 0; accepted < maxSteps && tries < 4 * maxSteps + 20 && Number.isFinite(sse); tries++) {
      frozen.fill(0);
      let augmented = useSecant;
      for (let round = 0; round <= d; round++) {
        this.solve(0, lambda, sse, augmented);
        if (augmented && this.skippedPivots > 0) {
          augmented = false;
          this.solve(0, lambda, sse, false);
        }
        let added = false;
        for (let j = 0; j < d; j++) {
          const uj = u[j] as number;
          if (frozen[j] === 0 && Math.abs(uj) >= U_LIMIT && (step[j] as number) * uj > 0) {
            frozen[j] = 1;
            added = true;
          }
        }
        if (!added) break;
      }
      if (this.stationary(sse)) {
        converged = true;
        break;
      }
      let next = this.trialPass(u, x, 1, trialU, trialX);
      if (!(next < sse)) {
        if (augmented) {
          secant.fill(0); // the second-order model misled: back to Gauss–Newton
          useSecant = false;
        } else if ((lambda *= 10) > 1e12) {
          converged = true;
          break;
        }
        continue;
      }
      // the step helped: try it twice, four times … its length while that helps more
      let length = 1;
      let atChosen = true;
      while (length < 64) {
        const further = this.trialPass(u, x, 2 * length, trialU, trialX);
        atChosen = further < next;
        if (!atChosen) break;
        next = further;
        length *= 2;
      }
      if (!atChosen) next = this.trialPass(u, x, length, trialU, trialX);
      for (let j = 0; j < d; j++) moved[j] = (trialU[j] as number) - (u[j] as number);
      for (let j = d; j < P; j++) moved[j] = (trialX[j - d] as number) - (x[j - d] as number);
      u.set(trialU);
      x.set(trialX);
      converged = sse - next <= RELATIVE_DECREASE * sse;
      sse = next;
      accepted++;
      lambda = Math.max(lambda / 5, 1e-12);
      if (converged) break;
      // (J_old)ᵀ e_new while J_old is still at hand, for the secant update
      for (let j = 0; j < P; j++) {
        let dot = 0;
        for (let t = 0; t < n; t++) dot += (jac[j * n + t] as number) * (errors[t] as number);
        oldJacobianErrors[j] = dot;
      }
      oldGradient.set(gradient);
      this.setSmoothing(u);
      this.pass(x, 0);
      if (this.updateSecant(moved, oldGradient, oldJacobianErrors)) useSecant = true;
    }
    this.setSmoothing(u);
    candidate.value = sse;
    candidate.lambda = lambda;
    candidate.converged = converged;
  }

  /** The SSE at (u, x) + length · step, the smoothing coordinates kept within their limits; leaves the point in trialU, trialX. */
  private trialPass(
    u: Float64Array,
    x: Float64Array,
    length: number,
    trialU: Float64Array,
    trialX: Float64Array,
  ): number {
    const { d, P, step } = this;
    for (let j = 0; j < d; j++) {
      const sj = length * Math.min(MAX_U_STEP, Math.max(-MAX_U_STEP, step[j] as number));
      trialU[j] = Math.min(U_LIMIT, Math.max(-U_LIMIT, (u[j] as number) + sj));
    }
    for (let j = d; j < P; j++) trialX[j - d] = (x[j - d] as number) + length * (step[j] as number);
    this.setSmoothing(trialU);
    return this.pass(trialX, P);
  }

  /**
   * The structured secant update of Dennis, Gay & Welsch (NL2SOL) for the part S of the Hessian
   * that Gauss–Newton leaves out: after a step s it makes S s = y# = (J_new − J_old)ᵀ e_new, with
   * the least change (weighted by y = Jᵀ_new e_new − Jᵀ_old e_old), after shrinking S by
   * min(1, |sᵀy#| / sᵀS s). Returns whether it updated (not when sᵀy ≤ 0).
   */
  private updateSecant(moved: Float64Array, oldGradient: Float64Array, oldJacobianErrors: Float64Array): boolean {
    const { P, secant: S, gradient } = this;
    const sS = this.scale; // scratch: S s, then y# − τ S s
    let sSs = 0;
    let sYsharp = 0;
    let sY = 0;
    for (let i = 0; i < P; i++) {
      let v = 0;
      for (let j = 0; j < P; j++) v += (S[i * P + j] as number) * (moved[j] as number);
      sS[i] = v;
      const si = moved[i] as number;
      sSs += si * v;
      sYsharp += si * ((gradient[i] as number) - (oldJacobianErrors[i] as number));
      sY += si * ((gradient[i] as number) - (oldGradient[i] as number));
    }
    if (!(sY > 0)) return false;
    const shrink = sSs > 0 ? Math.min(1, Math.abs(sYsharp) / sSs) : 1;
    let ws = 0;
    for (let i = 0; i < P; i++) {
      const w = (gradient[i] as number) - (oldJacobianErrors[i] as number) - shrink * (sS[i] as number);
      sS[i] = w;
      ws += w * (moved[i] as number);
    }
    for (let i = 0; i < P; i++) {
      const yi = (gradient[i] as number) - (oldGradient[i] as number);
      const wi = sS[i] as number;
      for (let j = 0; j < P; j++) {
        const yj = (gradient[j] as number) - (oldGradient[j] as number);
        const wj = sS[j] as number;
        S[i * P + j] = shrink * (S[i * P + j] as number) + (wi * yj + yi * wj) / sY - (ws * yi * yj) / (sY * sY);
      }
    }
    return true;
  }

  /** Whether the errors are (numerically) orthogonal to every free column of the Jacobian. */
  private stationary(sse: number): boolean {
    const { P, normal, gradient, frozen } = this;
    for (let j = 0; j < P; j++) {
      if (frozen[j] === 1) continue;
      const norm = normal[j * P + j] as number;
      if (norm > 0 && Math.abs(gradient[j] as number) > 1e-8 * Math.sqrt(norm * sse)) return false;
    }
    return true;
  }

  /**
   * The damped Gauss–Newton step on the coordinates from … P−1 (the others held): solves
   * (JᵀJ [+ S] + λ·diag JᵀJ) δ = −Jᵀe by Cholesky on the Jacobi-scaled system into this.step
   * (directions with a vanishing pivot are left alone and counted in skippedPivots), and returns
   * the SSE the linearised model predicts after it, SSE + 2 Jᵀe·δ + δᵀJᵀJ δ.
   */
  private solve(from: number, lambda: number, sse: number, augmented: boolean): number {
    const { P, normal: a, factor: r, gradient: g, step, scale, frozen, secant } = this;
    this.skippedPivots = 0;
    for (let i = from; i < P; i++) {
      const diagonal = a[i * P + i] as number;
      scale[i] = diagonal > 0 && frozen[i] === 0 ? 1 / Math.sqrt(diagonal) : 0;
    }
    for (let i = from; i < P; i++) {
      const si = scale[i] as number;
      for (let j = i; j < P; j++) {
        const entry = (a[i * P + j] as number) + (augmented ? (secant[i * P + j] as number) : 0);
        r[i * P + j] = entry * si * (scale[j] as number);
      }
      r[i * P + i] = (r[i * P + i] as number) + lambda * (a[i * P + i] as number) * si * si + 1e-12;
    }
    for (let i = from; i < P; i++) {
      let pivot = r[i * P + i] as number;
      for (let k = from; k < i; k++) pivot -= (r[k * P + i] as number) ** 2;
      if (!(pivot > 1e-11)) {
        if (scale[i] !== 0) this.skippedPivots++;
        for (let j = i; j < P; j++) r[i * P + j] = 0;
        continue;
      }
      const root = Math.sqrt(pivot);
      r[i * P + i] = root;
      for (let j = i + 1; j < P; j++) {
        let v = r[i * P + j] as number;
        for (let k = from; k < i; k++) v -= (r[k * P + i] as number) * (r[k * P + j] as number);
        r[i * P + j] = v / root;
      }
    }
    // Rᵀ z = −D Jᵀe, then R w = z, δ = D w (D = diag(scale))
    for (let i = from; i < P; i++) {
      const root = r[i * P + i] as number;
      let v = -(g[i] as number) * (scale[i] as number);
      for (let k = from; k < i; k++) v -= (r[k * P + i] as number) * (step[k] as number);
      step[i] = root === 0 ? 0 : v / root;
    }
    for (let i = P - 1; i >= from; i--) {
      const root = r[i * P + i] as number;
      let v = step[i] as number;
      for (let k = i + 1; k < P; k++) v -= (r[i * P + k] as number) * (step[k] as number);
      step[i] = root === 0 ? 0 : v / root;
    }
    for (let i = from; i < P; i++) step[i] = (step[i] as number) * (scale[i] as number);
    let predicted = sse;
    for (let i = from; i < P; i++) {
      const si = step[i] as number;
      let row = (a[i * P + i] as number) * si;
      for (let j = i + 1; j < P; j++) row += 2 * (a[i * P + j] as number) * (step[j] as number);
      predicted += si * (2 * (g[i] as number) + row);
    }
    return Number.isFinite(predicted) ? predicted : Infinity;
  }

  /**
   * One pass of the recursion from the initial states x at the present smoothing parameters;
   * returns the SSE (+∞ if not finite) and leaves the final states in finalLevel, finalTrend and
   * seasons. With from < P it also differentiates the errors with respect to the coordinates
   * from … P−1 (from 0: the smoothing coordinates too; from d: only the initial states), forward,
   * alongside the recursion, and forms JᵀJ and Jᵀe over them. from = P: the SSE alone, O(n).
   */
  private pass(x: ArrayLike<number>, from: number): number {
    const { y, n, m, d, P, kind, alpha, beta, gamma, phi, seasons: s } = this;
    const { dLevel: dl, dTrend: db, dSeasons: ds, jacobian: jac, errors } = this;
    const { isAlpha, isBeta, isGamma, isPhi } = this;
    let level = x[0] as number;
    let trend = this.hasTrend ? (x[1] as number) : 0;
    if (m > 0) {
      let sum = 0;
      for (let i = 0; i < m - 1; i++) {
        s[i] = x[this.seasonOffset + i] as number;
        sum += s[i] as number;
      }
      s[m - 1] = (kind === MULTIPLICATIVE ? m : 0) - sum;
    }
    const derivatives = from < P;
    const firstState = Math.max(from, d);
    if (derivatives) {
      dl.fill(0);
      db.fill(0);
      ds.fill(0);
      dl[d] = 1;
      if (this.hasTrend) db[d + 1] = 1;
      for (let i = 0; i < m - 1; i++) {
        const j = d + this.seasonOffset + i;
        ds[j * m + i] = 1;
        ds[j * m + m - 1] = -1;
      }
    }
    let sse = 0;
    let slot = 0;
    for (let t = 0; t < n; t++) {
      const base = level + phi * trend;
      const yt = y[t] as number;
      let e: number;
      if (kind === NO_SEASON) {
        e = yt - base;
        if (derivatives) {
          for (let j = from; j < d; j++) {
            const dBase = (dl[j] as number) + phi * (db[j] as number) + (isPhi[j] as number) * trend;
            const dE = -dBase;
            dl[j] = dBase + alpha * dE + (isAlpha[j] as number) * e;
            db[j] = phi * (db[j] as number) + (isPhi[j] as number) * trend + beta * dE + (isBeta[j] as number) * e;
            jac[j * n + t] = dE;
          }
          for (let j = firstState; j < P; j++) {
            const dBase = (dl[j] as number) + phi * (db[j] as number);
            const dE = -dBase;
            dl[j] = dBase + alpha * dE;
            db[j] = phi * (db[j] as number) + beta * dE;
            jac[j * n + t] = dE;
          }
        }
        level = base + alpha * e;
        trend = phi * trend + beta * e;
      } else if (kind === ADDITIVE) {
        const old = s[slot] as number;
        e = yt - base - old;
        if (derivatives) {
          for (let j = from; j < d; j++) {
            const at = j * m + slot;
            const dTrendPart = phi * (db[j] as number) + (isPhi[j] as number) * trend;
            const dBase = (dl[j] as number) + dTrendPart;
            const dOld = ds[at] as number;
            const dE = -dBase - dOld;
            dl[j] = dBase + alpha * dE + (isAlpha[j] as number) * e;
            db[j] = dTrendPart + beta * dE + (isBeta[j] as number) * e;
            ds[at] = dOld + gamma * dE + (isGamma[j] as number) * e;
            jac[j * n + t] = dE;
          }
          for (let j = firstState; j < P; j++) {
            const at = j * m + slot;
            const dTrendPart = phi * (db[j] as number);
            const dBase = (dl[j] as number) + dTrendPart;
            const dOld = ds[at] as number;
            const dE = -dBase - dOld;
            dl[j] = dBase + alpha * dE;
            db[j] = dTrendPart + beta * dE;
            ds[at] = dOld + gamma * dE;
            jac[j * n + t] = dE;
          }
        }
        level = base + alpha * e;
        trend = phi * trend + beta * e;
        s[slot] = old + gamma * e;
      } else {
        const old = s[slot] as number;
        e = yt - base * old;
        const q = e / old; // the error relative to the season
        const r = e / base; // the error relative to the level
        if (derivatives)
          for (let j = from; j < P; j++) {
            const at = j * m + slot;
            const source = j < d;
            const dTrendPart = phi * (db[j] as number) + (source ? (isPhi[j] as number) * trend : 0);
            const dBase = (dl[j] as number) + dTrendPart;
            const dOld = ds[at] as number;
            const dE = -(dBase * old + base * dOld);
            const dQ = (dE - q * dOld) / old;
            dl[j] = dBase + alpha * dQ + (source ? (isAlpha[j] as number) * q : 0);
            db[j] = dTrendPart + beta * dQ + (source ? (isBeta[j] as number) * q : 0);
            ds[at] = dOld + (gamma * (dE - r * dBase)) / base + (source ? (isGamma[j] as number) * r : 0);
            jac[j * n + t] = dE;
          }
        level = base + alpha * q;
        trend = phi * trend + beta * q;
        s[slot] = old + gamma * r;
      }
      errors[t] = e;
      sse += e * e;
      if (++slot === m) slot = 0;
    }
    this.finalLevel = level;
    this.finalTrend = trend;
    if (!Number.isFinite(sse)) return Infinity;
    if (derivatives) this.normalEquations(from);
    return sse;
  }

  /**
   * JᵀJ and Jᵀe over the columns from … P−1, after taking the smoothing columns from derivatives
   * by (α, β, γ, φ) to derivatives by u through the chain matrix.
   */
  private normalEquations(from: number): void {
    const { n, d, P, jacobian: jac, errors, normal, gradient, chain } = this;
    if (from < d) {
      // column k of u: Σ_r (column r of α, β, γ, φ) · ∂r/∂u_k; the chain matrix is lower triangular
      for (let t = 0; t < n; t++)
        for (let k = 0; k < d; k++) {
          let v = 0;
          for (let r = k; r < d; r++) v += (jac[r * n + t] as number) * (chain[r * d + k] as number);
          jac[k * n + t] = v;
        }
    }
    // dot products four at a time: independent sums keep the adder busy
    for (let i = from; i < P; i++) {
      const ci = i * n;
      let j = i;
      for (; j + 3 < P; j += 4) {
        const [c0, c1, c2, c3] = [j * n, (j + 1) * n, (j + 2) * n, (j + 3) * n];
        let [s0, s1, s2, s3] = [0, 0, 0, 0];
        for (let t = 0; t < n; t++) {
          const v = jac[ci + t] as number;
          s0 += v * (jac[c0 + t] as number);
          s1 += v * (jac[c1 + t] as number);
          s2 += v * (jac[c2 + t] as number);
          s3 += v * (jac[c3 + t] as number);
        }
        normal[i * P + j] = s0;
        normal[i * P + j + 1] = s1;
        normal[i * P + j + 2] = s2;
        normal[i * P + j + 3] = s3;
      }
      let [s0, s1, s2, ge] = [0, 0, 0, 0];
      const rest = P - j;
      const [c0, c1, c2] = [j * n, (j + 1) * n, (j + 2) * n];
      for (let t = 0; t < n; t++) {
        const v = jac[ci + t] as number;
        ge += v * (errors[t] as number);
        if (rest > 0) s0 += v * (jac[c0 + t] as number);
        if (rest > 1) s1 += v * (jac[c1 + t] as number);
        if (rest > 2) s2 += v * (jac[c2 + t] as number);
      }
      gradient[i] = ge;
      if (rest > 0) normal[i * P + j] = s0;
      if (rest > 1) normal[i * P + j + 1] = s1;
      if (rest > 2) normal[i * P + j + 2] = s2;
    }
  }

  /** The fit at (u, x): a last pass for the final states, and the AICc. */
  private finish(u: Float64Array, x: Float64Array): EtsFit {
    this.setSmoothing(u);
    const sse = this.pass(x, this.P);
    if (!Number.isFinite(sse))
      throw new DataError(this.where, `${etsName(this.spec)} found no parameters with a finite SSE on this series.`);
    const { n, m } = this;
    const season = new Float64Array(m);
    for (let i = 0; i < m; i++) season[i] = this.seasons[(n + i) % m] as number;
    const k = parameterCount(this.spec);
    // a perfect fit (SSE 0) would have log L = +∞: σ² is floored at (1e-12 · max |y|)² to keep the AICc finite
    let largest = 0;
    for (let t = 0; t < n; t++) largest = Math.max(largest, Math.abs(this.y[t] as number));
    const floored = Math.max(sse, n * (1e-12 * largest) ** 2, Number.MIN_VALUE);
    const logLikelihood = (-n / 2) * (Math.log((2 * Math.PI * floored) / n) + 1);
    const aicc = -2 * logLikelihood + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
    const initialSeason = new Float64Array(m);
    let seasonSum = 0;
    for (let i = 0; i < m - 1; i++) seasonSum += initialSeason[i] = x[this.seasonOffset + i] as number;
    if (m > 0) initialSeason[m - 1] = (this.kind === MULTIPLICATIVE ? m : 0) - seasonSum;
    return {
      spec: { ...this.spec },
      initial: { level: x[0] as number, trend: this.hasTrend ? (x[1] as number) : 0, season: initialSeason },
      alpha: this.alpha,
      beta: this.beta,
      gamma: this.gamma,
      phi: this.phi,
      level: this.finalLevel,
      trend: this.finalTrend,
      season,
      sse,
      n,
      aicc,
    };
  }

  /**
   * Starting states by a classical decomposition of the first two or three periods: a line through
   * the period means gives ℓ_0 and b_0, the average deviation (or ratio) from it at each position of
   * the period gives the seasons. Without a season, a line through the first (up to) ten values.
   */
  private heuristicStates(): Float64Array {
    const { y, n, m, p } = this;
    const x = new Float64Array(p);
    if (m === 0) {
      const k = Math.min(n, 10);
      let sumT = 0;
      let sumY = 0;
      for (let t = 0; t < k; t++) [sumT, sumY] = [sumT + t + 1, sumY + (y[t] as number)];
      const [meanT, meanY] = [sumT / k, sumY / k];
      let sxy = 0;
      let sxx = 0;
      for (let t = 0; t < k; t++) {
        sxy += (t + 1 - meanT) * ((y[t] as number) - meanY);
        sxx += (t + 1 - meanT) ** 2;
      }
      const slope = this.hasTrend && sxx > 0 ? sxy / sxx : 0;
      x[0] = meanY - slope * meanT;
      if (this.hasTrend) x[1] = slope;
      return x;
    }
    const periods = Math.min(3, Math.floor(n / m));
    const means = Array.from({ length: periods }, (_, j) => {
      let sum = 0;
      for (let i = 0; i < m; i++) sum += y[j * m + i] as number;
      return sum / m;
    });
    const first = means[0] as number;
    const slope = this.hasTrend ? ((means[periods - 1] as number) - first) / ((periods - 1) * m) : 0;
    const level0 = first - (slope * (m + 1)) / 2;
    const multiplicative = this.kind === MULTIPLICATIVE;
    const raw = Array.from({ length: m }, (_, i) => {
      let sum = 0;
      for (let j = 0; j < periods; j++) {
        const line = this.hasTrend ? level0 + slope * (j * m + i + 1) : (means[j] as number);
        sum += multiplicative ? (y[j * m + i] as number) / line : (y[j * m + i] as number) - line;
      }
      return sum / periods;
    });
    const mean = raw.reduce((a, b) => a + b, 0) / m;
    x[0] = level0;
    if (this.hasTrend) x[1] = slope;
    for (let i = 0; i < m - 1; i++)
      x[this.seasonOffset + i] = multiplicative ? (raw[i] as number) / mean : (raw[i] as number) - mean;
    return x;
  }
}
