/**
 * Axis ticks: where they go and how their labels read. Linear axes step by 1, 2 or 5 × 10^k; log axes
 * by whole decades, thinned (every 2nd, 5th, 10th … decade) when there are many. Values come out as
 * exact decimals (0.3, never 0.30000000000000004), so labels and tests can compare them as written.
 */

/** About `target` multiples of a 1-2-5 × 10^k step inside [min, max]; exact decimals (0.3, not 0.30000000000000004). */
export function niceTicks(min: number, max: number, target: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, target);
  const exp = Math.floor(Math.log10(raw));
  // The 1-2-5 step nearest raw on a log scale (the thresholds are the geometric midpoints, as d3's).
  const factor = raw / 10 ** exp;
  const m = factor >= Math.sqrt(50) ? 10 : factor >= Math.sqrt(10) ? 5 : factor >= Math.sqrt(2) ? 2 : 1;
  // k·m·10^exp as integer × power (or ÷ power): correctly rounded, so it equals the decimal literal.
  const value = (k: number): number => (exp >= 0 ? k * m * 10 ** exp : (k * m) / 10 ** -exp) + 0;
  const step = value(1);
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k <= Math.floor(max / step + 1e-9); k++) ticks.push(value(k));
  return ticks;
}

/**
 * Ticks of a log axis spanning 10^lo .. 10^hi: powers of ten, every 2nd/5th/10th… decade when more than
 * `target` would show; with under two powers in view, 1-2-5 multiples; failing that, linear ticks.
 */
export function logTicks(lo: number, hi: number, target: number): number[] {
  const first = Math.ceil(lo - 1e-9);
  const last = Math.floor(hi + 1e-9);
  if (last - first >= 1) {
    const steps = [1, 2, 3, 5, 10, 20, 50, 100, 200, 500];
    const step = steps.find((s) => Math.floor(last / s) - Math.ceil(first / s) + 1 <= target) ?? 1000;
    const ticks: number[] = [];
    for (let e = Math.ceil(first / step) * step; e <= last; e += step) ticks.push(Number(`1e${e}`));
    return ticks;
  }
  const ticks: number[] = [];
  for (let e = first - 1; e <= last; e++) {
    for (const m of [1, 2, 5]) {
      const v = Number(`${m}e${e}`);
      if (Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9) ticks.push(v);
    }
  }
  return ticks.length >= 3 ? ticks : niceTicks(10 ** lo, 10 ** hi, target);
}

/** Compact tick text: 0, 0.25, 50k, 1.5M, 1e-6, 2.5e9. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e9 || a < 1e-3) return Number(v.toPrecision(3)).toExponential().replace('e+', 'e');
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(4))}M`;
  if (a >= 1e3) return `${Number((v / 1e3).toPrecision(4))}k`;
  return String(Number(v.toPrecision(4)));
}

/** Tick text without suffixes, for values read whole such as years: 2016, 2016.5, 0.25. */
export function plainTick(v: number): string {
  return String(Number(v.toPrecision(7)));
}
