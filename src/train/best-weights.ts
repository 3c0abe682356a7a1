/**
 * Early stopping: the weights of the evaluation with the lowest loss are copied aside, training
 * stops once `patience` evaluations in a row brought no lower one, and restore() puts the best
 * weights back. Before any evaluation the initial weights count as the best.
 */
import type { Floats } from '../kernels/index.js';
import type { ParamArena } from '../nn/params.js';

export class BestWeights {
  private readonly copy: Floats;
  /** The lowest loss offered so far (Infinity before the first). */
  bestLoss = Infinity;
  /** Evaluations since the best one. */
  sinceBest = 0;

  constructor(
    private readonly arena: ParamArena,
    readonly patience: number,
  ) {
    this.copy = arena.values.slice();
  }

  /** Record an evaluation's loss; when it is the lowest so far (NaN never is) keep the weights. */
  offer(loss: number): boolean {
    if (loss < this.bestLoss) {
      this.bestLoss = loss;
      this.copy.set(this.arena.values);
      this.sinceBest = 0;
      return true;
    }
    this.sinceBest++;
    return false;
  }

  /** Whether `patience` evaluations have passed without a lower loss. */
  get exhausted(): boolean {
    return this.sinceBest >= this.patience;
  }

  /** The kept weights (a view), e.g. for a checkpoint. */
  get weights(): Floats {
    return this.copy;
  }

  /** Continue a keeper a checkpoint saved: its lowest loss, evaluations since, and weights. */
  resumeFrom(bestLoss: number, sinceBest: number, weights: ArrayLike<number>): void {
    this.bestLoss = bestLoss;
    this.sinceBest = sinceBest;
    this.copy.set(weights);
  }

  restore(): void {
    this.arena.values.set(this.copy);
  }
}
