/**
 * A bag of tokens beside a network (the "wide" half of a wide-and-deep model): every sequence's
 * token counts, through a linear map, added to the logits the network gives it.
 *   f(x)_v = log(1 + count of token v in x)                 sparse (V); ids below firstId ignored
 *   z (B, K) += f(x_b) · Wᵀ,  W (K, V)
 *   backward: dW[k, v] += Σ_b dz[b, k] · f(x_b)_v            only the tokens present
 * W starts at zero, so training starts from the network's logits alone. Order is ignored: this is
 * what a bag-of-words logistic regression knows, learned jointly with what the recurrence adds.
 */
import type { Floats } from '../kernels/index.js';
import type { ParamArena, ParamSpec } from './params.js';

/** One sequence's features: the distinct token ids present and log(1 + count) of each. */
interface SparseRow {
  ids: Int32Array;
  values: Float64Array;
}

export class BagOfTokens {
  private readonly weight: Floats;
  private readonly dWeight: Floats;
  private rows: SparseRow[] = [];

  static paramSpecs(prefix: string, vocabSize: number, classes: number): ParamSpec[] {
    return [{ name: `${prefix}weight`, shape: [classes, vocabSize] }];
  }

  /** firstId: the first id counted (a vocabulary's padding and unknown ids lie below it). */
  constructor(
    arena: ParamArena,
    prefix: string,
    readonly vocabSize: number,
    readonly classes: number,
    readonly firstId: number,
  ) {
    this.weight = arena.value(`${prefix}weight`);
    this.dWeight = arena.grad(`${prefix}weight`);
  }

  /** Zero: the network alone decides until training moves W. */
  init(): void {
    this.weight.fill(0);
  }

  /** logits (B, K) += the bag of each sequence ids[b]; the rows are kept for backward. */
  forward(ids: readonly Int32Array[], logits: Floats): void {
    const K = this.classes;
    const V = this.vocabSize;
    this.rows = ids.map((seq) => sparseCounts(seq, this.firstId));
    this.rows.forEach((row, b) => {
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < row.ids.length; j++)
          s += (this.weight[k * V + (row.ids[j] as number)] as number) * (row.values[j] as number);
        logits[b * K + k] = (logits[b * K + k] as number) + s;
      }
    });
  }

  /** dLogits (B, K) of the last forward → dW accumulated. */
  backward(dLogits: Floats): void {
    const K = this.classes;
    const V = this.vocabSize;
    this.rows.forEach((row, b) => {
      for (let k = 0; k < K; k++) {
        const d = dLogits[b * K + k] as number;
        if (d === 0) continue;
        for (let j = 0; j < row.ids.length; j++) {
          const at = k * V + (row.ids[j] as number);
          this.dWeight[at] = (this.dWeight[at] as number) + d * (row.values[j] as number);
        }
      }
    });
  }
}

function sparseCounts(ids: Int32Array, firstId: number): SparseRow {
  const counts = new Map<number, number>();
  for (const id of ids) if (id >= firstId) counts.set(id, (counts.get(id) ?? 0) + 1);
  const row = { ids: new Int32Array(counts.size), values: new Float64Array(counts.size) };
  let j = 0;
  for (const [id, c] of counts) {
    row.ids[j] = id;
    row.values[j++] = Math.log1p(c);
  }
  return row;
}
