/**
 * The loss and its gradient for each kind of task target, and whether each sequence was
 * processed correctly. Outputs are the head's raw values:
 *   final-value   out (B, 1)       loss = mean over B of (out − target)²;  correct: |err| < tolerance
 *   final-class   out (B, K)       loss = mean softmax cross-entropy;       correct: argmax = label
 *   step-class    out (T, B, K)    loss = mean cross-entropy over the steps with a label (≥ 0);
 *                                  correct: every labelled step right, where "right" is argmax =
 *                                  label, or with a legal mask, the |legal| most probable classes
 *                                  are exactly the legal ones (the Reber criterion)
 * Class losses are in nats, over src/loss/softmax.ts; the value loss is src/loss/mse.ts. Plain loops: K ≤ a few dozen, and the recurrent layer dominates.
 */
import type { TaskBatch } from '../data/task-batch.js';
import { ShapeError } from '../errors.js';
import type { Floats } from '../kernels/index.js';
import { meanSquaredError } from './mse.js';
import { softmaxInto } from './softmax.js';

export interface TaskLoss {
  /** The mean loss over the batch (per labelled step for step-class). */
  loss: number;
  /** Sequences processed correctly. */
  correct: number;
  /** Sequences in the batch. */
  count: number;
}

/**
 * Loss and correctness of `out` on `batch`; when `dOut` is given, it receives the gradient of the
 * mean loss with respect to `out` (same length).
 */
export function taskLoss(batch: TaskBatch, out: Floats, tolerance: number, dOut: Floats | null = null): TaskLoss {
  const { B, T, target } = batch;
  const expected =
    target.kind === 'final-value' ? B : target.kind === 'final-class' ? B * target.classes : T * B * target.classes;
  if (out.length !== expected || (dOut !== null && dOut.length !== expected)) {
    throw new ShapeError(
      'taskLoss',
      `the outputs have ${out.length} values; a ${target.kind} batch of ${B} needs ${expected}.`,
    );
  }
  if (target.kind === 'final-value') {
    const { loss, within } = meanSquaredError(out, target.values, dOut, tolerance);
    return { loss, correct: within, count: B };
  }
  const K = target.classes;
  if (target.kind === 'final-class') {
    let sum = 0;
    let correct = 0;
    for (let b = 0; b < B; b++) {
      const row = softmaxRow(out, b * K, K, dOut);
      const label = target.labels[b] as number;
      sum -= Math.log(Math.max(row[label] as number, 1e-30));
      if (argmax(row) === label) correct++;
      if (dOut !== null) {
        dOut[b * K + label] = (dOut[b * K + label] as number) - 1;
        for (let j = 0; j < K; j++) dOut[b * K + j] = (dOut[b * K + j] as number) / B;
      }
    }
    return { loss: sum / B, correct, count: B };
  }
  const { labels, legal } = target;
  let labelled = 0;
  for (const label of labels) if (label >= 0) labelled++;
  const wrong = new Uint8Array(B);
  let sum = 0;
  for (let n = 0; n < T * B; n++) {
    const label = labels[n] as number;
    if (label < 0) {
      if (dOut !== null) dOut.fill(0, n * K, (n + 1) * K);
      continue;
    }
    const row = softmaxRow(out, n * K, K, dOut);
    sum -= Math.log(Math.max(row[label] as number, 1e-30));
    const right = legal === undefined ? argmax(row) === label : legalOnTop(row, legal.subarray(n * K, (n + 1) * K));
    if (!right) wrong[n % B] = 1;
    if (dOut !== null) {
      dOut[n * K + label] = (dOut[n * K + label] as number) - 1;
      for (let j = 0; j < K; j++) dOut[n * K + j] = (dOut[n * K + j] as number) / labelled;
    }
  }
  let correct = 0;
  for (let b = 0; b < B; b++) if (wrong[b] === 0) correct++;
  return { loss: sum / Math.max(labelled, 1), correct, count: B };
}

/** softmax of out[at … at + K) in float64; also written to dOut there when given. */
function softmaxRow(out: Floats, at: number, K: number, dOut: Floats | null): Float64Array {
  const row = new Float64Array(K);
  softmaxInto(out, at, K, row);
  if (dOut !== null) dOut.set(row, at);
  return row;
}

function argmax(row: Float64Array): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if ((row[j] as number) > (row[best] as number)) best = j;
  return best;
}

/** True when every legal class is more probable than every illegal one. */
function legalOnTop(row: Float64Array, legal: Uint8Array): boolean {
  let lowestLegal = Infinity;
  let highestIllegal = -Infinity;
  for (let j = 0; j < row.length; j++) {
    if (legal[j] === 1) lowestLegal = Math.min(lowestLegal, row[j] as number);
    else highestIllegal = Math.max(highestIllegal, row[j] as number);
  }
  return lowestLegal > highestIllegal;
}
