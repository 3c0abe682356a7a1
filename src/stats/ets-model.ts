/**
 * What an exponential-smoothing model is, as data: its spec (trend and season kinds, period), a
 * fit's parameters and final states, its name in the ETS(error, trend, season) taxonomy, and the
 * parameter count its AICc uses. The model equations are in ets.ts, the estimation in
 * ets-estimator.ts.
 */

export type EtsTrend = 'none' | 'additive' | 'damped';
export type EtsSeason = 'none' | 'additive' | 'multiplicative';

export interface EtsSpec {
  trend: EtsTrend;
  season: EtsSeason;
  /** The season's length in steps (12 for monthly data with a yearly season); ignored without a season. */
  period: number;
}

/** Level, trend and the last m seasonal states (oldest first; empty without a season). */
export interface EtsStates {
  level: number;
  trend: number;
  season: Float64Array;
}

export interface EtsFit {
  spec: EtsSpec;
  /** The smoothing parameters; the unused ones are 0 (φ is 1 without damping). */
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  /** The states after the last observation: ℓ_n, b_n (0 without a trend), s_{n−m+1} … s_n (oldest first; empty without a season). */
  level: number;
  trend: number;
  season: Float64Array;
  /** The estimated states before the first observation: ℓ_0, b_0, and s_{1−m} … s_0 (oldest first). */
  initial: EtsStates;
  /** The sum of squared one-step errors over the n observations, and the AICc of the fit. */
  sse: number;
  n: number;
  aicc: number;
}

/** The damping parameter's range (statsmodels' ETSModel bounds). */
export const ETS_PHI_RANGE: readonly [number, number] = [0.8, 0.98];
/** The longest season a seasonal model accepts: the fit costs grow with the square of the period. */
export const MAX_ETS_PERIOD = 52;

const TREND_CODE: Record<EtsTrend, string> = { none: 'N', additive: 'A', damped: 'Ad' };
const SEASON_CODE: Record<EtsSeason, string> = { none: 'N', additive: 'A', multiplicative: 'M' };

/** 'ETS(A,Ad,M)': error A (always additive here), trend N/A/Ad, season N/A/M. */
export function etsName(spec: EtsSpec): string {
  return `ETS(A,${TREND_CODE[spec.trend]},${SEASON_CODE[spec.season]})`;
}

/** k of the AICc: smoothing parameters, initial states (all m seasons) and σ². */
export function parameterCount(spec: EtsSpec): number {
  const trend = spec.trend === 'none' ? 0 : 1;
  const season = spec.season === 'none' ? 0 : 1;
  const damped = spec.trend === 'damped' ? 1 : 0;
  return 1 + trend + season + damped + (1 + trend + season * spec.period) + 1;
}
