/**
 * An upper bound on the work buffers of one training step (forward, loss, backward) of a network
 * over a batch of B sequences of T steps, read from its parameter entries alone, so every model
 * (language model, classifier, tagger, forecaster, task model) is estimated by one rule:
 *
 *   every recurrent layer·direction (weight_hh (G·H, R), weight_ih (G·H, D)), per row of (T + 1)·B:
 *     PER_UNIT[G] · H   gate pre-activations and activations, their gradients, c, h, tanh(c) …
 *                       (16 for the fused LSTM's 4 gates, 20 for the GRU's 3, 4 for the RNN; 1.6 times
 *                       that in the general cell: a projection, or sequences of their own lengths)
 *     WIDTH_ROW · (R + D)   its output y, the input gradient dx, dropout masks
 *     with lengths, PACKED_ROW · (G·H + R) + (PACKED_ROW + 1) · D more: the real rows packed for the
 *                       products over every step, and the batch sorted by length
 *   every other matrix (out, in) (embedding, linear head, input layer), per row of T·B:
 *     out + in          its output and its input gradient
 *   packed or transposed copies of every weight matrix: its size once
 *   a forward-only pass (an evaluation on its own caches): half of the above rows
 *
 * The coefficients were fitted to what a step really allocates on the js, wasm and native
 * backends for LSTM (with and without projection), GRU and RNN language models from H = 8 to 512,
 * T·B from 16 to 6,400 (test/nn/workspace-estimate.test.ts holds the bound): the estimate is at
 * least the real allocation (by 10 % or more) and at most about twice it.
 */
/** A parameter's name and shape (params.ts's ParamSpec, which imports this file: no cycle). */
interface ParamSpec {
  name: string;
  shape: readonly number[];
}

/** Work values per hidden unit per (step, sequence), by the number of gates G. */
const PER_UNIT: Readonly<Record<number, number>> = { 4: 16, 3: 20, 1: 4 };
const PER_UNIT_OTHER = 20;
/** The general cell (sequences of their own lengths, a projection) keeps more than the fused path. */
const GENERAL_CELL = 1.6;
const WIDTH_ROW = 5;
/** Sequences of their own lengths: packed and sorted copies per row, per value of a row's width. */
const PACKED_ROW = 3;

/** The batch shape a training step or an evaluation runs at: B sequences of T steps. */
export interface BatchShape {
  T: number;
  B: number;
  /** An evaluation: forward only, no gradients (default false). */
  forwardOnly?: boolean;
  /** Sequences of their own lengths: the general cell, which keeps more than the fused LSTM. */
  variableLengths?: boolean;
}

const RECURRENT = /^(.*)weight_(hh|ih|hr)_l(\d+(?:_reverse)?)$/;

/** Values (not bytes) of the work buffers of one training step at `shape`; see the file comment. */
export function trainingStepValues(specs: readonly ParamSpec[], shape: BatchShape): number {
  const rows = shape.T * shape.B;
  const stepRows = (shape.T + 1) * shape.B;
  const projectionInput = new Map<string, number>(); // layer·direction → H where weight_hr (P, H) exists
  for (const spec of specs) {
    const m = RECURRENT.exec(spec.name);
    if (m !== null && m[2] === 'hr') projectionInput.set(`${m[1]}|${m[3]}`, spec.shape[1] ?? 0);
  }
  let values = 0;
  let copies = 0;
  for (const spec of specs) {
    if (spec.shape.length !== 2) continue;
    const [out, inner] = spec.shape as [number, number];
    copies += out * inner;
    const m = RECURRENT.exec(spec.name);
    if (m === null) values += rows * (out + inner);
    else if (m[2] === 'hh') {
      const projectedFrom = projectionInput.get(`${m[1]}|${m[3]}`);
      const H = projectedFrom ?? inner;
      const general = projectedFrom !== undefined || shape.variableLengths === true;
      const perUnit = (PER_UNIT[out / H] ?? PER_UNIT_OTHER) * (general ? GENERAL_CELL : 1);
      values += stepRows * (perUnit * H + WIDTH_ROW * inner);
      // packed copies of the real rows (packed-rows.ts) and the batch sorted by length (length-order.ts)
      if (shape.variableLengths === true) values += stepRows * PACKED_ROW * (out + inner);
    } else if (m[2] === 'ih') {
      values += stepRows * (WIDTH_ROW + (shape.variableLengths === true ? PACKED_ROW + 1 : 0)) * inner;
    }
  }
  return Math.ceil((shape.forwardOnly === true ? values / 2 : values) + copies);
}

/** The sizes that drive a step's work buffers, for messages: "T 50 × B 64, widest recurrent layer 4 × 512". */
export function describeDrivers(specs: readonly ParamSpec[], shapes: readonly BatchShape[]): string {
  let widest: ParamSpec | undefined;
  let layers = 0;
  let largest: ParamSpec | undefined;
  const size = (s: ParamSpec): number => s.shape.reduce((a, b) => a * b, 1);
  for (const spec of specs) {
    if (/weight_hh_l\d+(_reverse)?$/.test(spec.name)) {
      layers++;
      if (widest === undefined || (spec.shape[0] ?? 0) > (widest.shape[0] ?? 0)) widest = spec;
    }
    if (largest === undefined || size(spec) > size(largest)) largest = spec;
  }
  const parts: string[] = [];
  const batch = shapes.map((s) => `${s.B} sequences × ${s.T} steps`).join(' and ');
  if (batch !== '') parts.push(`a batch of ${batch}`);
  if (widest !== undefined)
    parts.push(`${layers} recurrent layer·directions, ${widest.name} (${widest.shape.join(' × ')})`);
  if (largest !== undefined && largest !== widest)
    parts.push(`the largest parameter ${largest.name} (${largest.shape.join(' × ')})`);
  return parts.join('; ');
}
