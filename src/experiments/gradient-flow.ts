/**
 * The vanishing gradient, measured: how strongly the loss at the end of a sequence still depends
 * on the input d steps before it. For a batch, backward from the task loss gives dL/dx (T, B, D);
 * for each sequence b of length L_b, the input at step t = L_b − 1 − d is d steps before the end,
 * and
 *   norm(d) = mean over the sequences with L_b > d of ‖dL/dx_{L_b−1−d, b}‖₂
 * For tasks with a label at many steps, only the loss at each sequence's last labelled step is
 * kept, so "distance" is the distance to that loss. The loss is the batch mean, so the values
 * scale as 1/B; the curves compare cell types and
 * trained with untrained networks on the same batch, where the scale cancels.
 */
import type { Floats } from '../kernels/index.js';
import { taskLoss } from '../loss/task-loss.js';
import type { TaskModel } from '../models/task-model.js';
import type { TaskBatch } from '../tasks/index.js';

export interface GradientFlow {
  /** norms[d] for d = 0 … T − 1 (the distance from the sequence's last step). */
  norms: Float64Array;
}

/** The input-gradient norm by distance to the end, for `model` on `batch`; leaves the parameter gradients zeroed. */
export function gradientFlow(model: TaskModel, batch: TaskBatch): GradientFlow {
  const { T, B, D } = batch;
  model.arena.zeroGrads();
  const out = model.forward(batch);
  const dOut = out.slice().fill(0); // the kernels' float type
  taskLoss(batch, out, model.task.tolerance ?? 0, dOut);
  if (batch.target.kind === 'step-class') keepLastLabelledStep(batch, batch.target.labels, dOut);
  const dx = model.backward(dOut);
  model.arena.zeroGrads();
  const sums = new Float64Array(T);
  const counts = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    const L = batch.lengths === null ? T : (batch.lengths[b] as number);
    for (let d = 0; d < L; d++) {
      const at = ((L - 1 - d) * B + b) * D;
      let sq = 0;
      for (let j = 0; j < D; j++) sq += (dx[at + j] as number) ** 2;
      sums[d] = (sums[d] as number) + Math.sqrt(sq);
      counts[d] = (counts[d] as number) + 1;
    }
  }
  return { norms: sums.map((s, d) => ((counts[d] as number) > 0 ? s / (counts[d] as number) : Number.NaN)) };
}

/** The distances a table shows: 0, 1, 2, 5, 10, 20, 50, … up to T − 1 (1-2-5 steps). */
export function tableDistances(T: number): number[] {
  const out: number[] = [];
  for (let decade = 1; decade < T; decade *= 10) for (const m of [1, 2, 5]) if (m * decade < T) out.push(m * decade);
  if (T > 1 && out[out.length - 1] !== T - 1) out.push(T - 1);
  return [0, ...out];
}

/** Zero the output gradient (T, B, K) everywhere but each sequence's last labelled step. */
function keepLastLabelledStep(batch: TaskBatch, labels: Int32Array, dOut: Floats): void {
  const { T, B } = batch;
  const K = dOut.length / (T * B);
  for (let b = 0; b < B; b++) {
    let last = T - 1;
    while (last > 0 && (labels[last * B + b] as number) < 0) last--;
    for (let t = 0; t < T; t++) if (t !== last) dOut.fill(0, (t * B + b) * K, (t * B + b + 1) * K);
  }
}
