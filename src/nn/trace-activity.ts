/** Which units of a traced layer (src/nn/inspect.ts) do the most over a sequence. */
import type { LayerTrace } from './inspect.js';

/**
 * The `count` units whose cell state (h for a GRU or RNN) varies most over the traced steps, most
 * varying first: the sum over t of (c_t[j] − mean_j)², per unit j.
 */
export function mostActiveUnits(trace: LayerTrace, count: number): number[] {
  const states = trace.cell ?? trace.hidden; // T × H
  const H = (states[0] as number[]).length;
  const variation = Array.from({ length: H }, (_, j) => {
    const v = states.map((row) => row[j] as number);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return v.reduce((a, b) => a + (b - mean) ** 2, 0);
  });
  return variation
    .map((v, j) => [v, j] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, count)
    .map(([, j]) => j);
}
