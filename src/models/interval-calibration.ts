/**
 * Prediction intervals that keep their promised coverage when the future is rougher than the past.
 * The quantile head gives a raw interval [lo, hi] (e.g. the 0.1 and 0.9 quantiles, 80 %); its
 * conformity score on an outcome y is s = max(lo − y, y − hi) (Romano et al. 2019: conformalised
 * quantile regression), and the calibrated interval is [lo − Q, hi + Q] with Q a quantile of past
 * scores. Which quantile adapts online (Gibbs & Candès 2021, adaptive conformal inference): after
 * each outcome the miscoverage level α moves by γ · (α_target − missed), so a run of misses widens
 * the interval and a calm run narrows it. One calibrator per horizon step and target, since
 * errors grow with the horizon. Scores start from the validation windows; outcomes are fed in only
 * once observed, so a backtest never looks ahead.
 */
import { ConfigError } from '../errors.js';

export interface CalibrationState {
  /** The coverage promised, e.g. 0.8. */
  level: number;
  /** γ, the step of α per outcome. */
  gamma: number;
  /** α per (horizon step, target), index j·K + k. */
  alpha: number[];
  /** The most recent scores per (horizon step, target), oldest first. */
  scores: number[][];
}

/** Scores kept per calibrator: enough for a stable quantile, few enough to follow a change. */
const MAX_SCORES = 240;

export class IntervalCalibrator {
  private constructor(readonly state: CalibrationState) {}

  static start(level: number, gamma: number, scores: number[][]): IntervalCalibrator {
    if (!(level > 0 && level < 1))
      throw new ConfigError('IntervalCalibrator', `the level must be in (0, 1); got ${level}.`);
    if (!(gamma >= 0 && gamma < 1)) throw new ConfigError('IntervalCalibrator', `γ must be in [0, 1); got ${gamma}.`);
    return new IntervalCalibrator({
      level,
      gamma,
      alpha: scores.map(() => 1 - level),
      scores: scores.map((s) => s.filter(Number.isFinite).slice(-MAX_SCORES)),
    });
  }

  static fromState(state: CalibrationState): IntervalCalibrator {
    const ok =
      Array.isArray(state.alpha) &&
      Array.isArray(state.scores) &&
      state.alpha.length === state.scores.length &&
      state.alpha.every((a) => typeof a === 'number' && Number.isFinite(a)) &&
      state.scores.every((s) => Array.isArray(s) && s.every((x) => typeof x === 'number' && Number.isFinite(x)));
    if (!ok)
      throw new ConfigError('IntervalCalibrator', 'the stored calibration has mismatched or non-numeric entries.');
    return IntervalCalibrator.start(state.level, state.gamma, state.scores).withAlpha(state.alpha);
  }

  private withAlpha(alpha: number[]): IntervalCalibrator {
    this.state.alpha.splice(0, alpha.length, ...alpha);
    return this;
  }

  /** Q, the widening of calibrator i now (0 while it has no score yet). */
  widening(i: number): number {
    const scores = [...(this.state.scores[i] as number[])].sort((a, b) => a - b);
    const n = scores.length;
    if (n === 0) return 0;
    const p = 1 - (this.state.alpha[i] as number);
    const rank = Math.min(n, Math.max(1, Math.ceil(p * (n + 1))));
    return scores[rank - 1] as number;
  }

  /** [lo − Q, hi + Q], never crossing the median. */
  apply(i: number, lo: number, median: number, hi: number): [number, number] {
    const q = this.widening(i);
    return [Math.min(lo - q, median), Math.max(hi + q, median)];
  }

  /** An outcome y, once observed, against the raw interval it was forecast with and the Q then used. */
  observe(i: number, lo: number, hi: number, y: number, usedWidening: number): void {
    if (!Number.isFinite(y)) return;
    const score = Math.max(lo - y, y - hi);
    const missed = score > usedWidening ? 1 : 0;
    const { gamma, level } = this.state;
    this.state.alpha[i] = (this.state.alpha[i] as number) + gamma * (1 - level - missed);
    const s = this.state.scores[i] as number[];
    s.push(score);
    if (s.length > MAX_SCORES) s.shift();
  }
}
