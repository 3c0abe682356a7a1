/**
 * Linear (fully connected): y (N, out) = x (N, in) · Wᵀ + b, W (out, in) as PyTorch stores it.
 *   backward: dW += dyᵀ · x;  db += Σ_rows dy;  dx = dy · W
 */
import { ShapeError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import type { Rng } from '../rng.js';
import { initUniform } from './init.js';
import type { ParamArena, ParamSpec } from './params.js';
import { Scratch } from './scratch.js';

export class Linear {
  private readonly weight: Floats;
  private readonly bias: Floats;
  private readonly dWeight: Floats;
  private readonly dBias: Floats;
  private readonly scratch: Scratch;
  private x: Floats | undefined;
  private rows = 0;

  static paramSpecs(prefix: string, inFeatures: number, outFeatures: number): ParamSpec[] {
    return [
      { name: `${prefix}weight`, shape: [outFeatures, inFeatures] },
      { name: `${prefix}bias`, shape: [outFeatures] },
    ];
  }

  constructor(
    private readonly k: Kernels,
    arena: ParamArena,
    readonly prefix: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
  ) {
    this.weight = arena.value(`${prefix}weight`);
    this.bias = arena.value(`${prefix}bias`);
    this.dWeight = arena.grad(`${prefix}weight`);
    this.dBias = arena.grad(`${prefix}bias`);
    this.scratch = new Scratch(k);
  }

  /** PyTorch's default: W and b ~ U(±1/√in). */
  init(rng: Rng): void {
    const bound = 1 / Math.sqrt(this.inFeatures);
    initUniform(this.weight, rng, bound);
    initUniform(this.bias, rng, bound);
  }

  /** x (N, in) → y (N, out), a view valid until the next forward. */
  forward(x: Floats, N: number): Floats {
    if (x.length !== N * this.inFeatures) {
      throw new ShapeError(
        'Linear.forward',
        `x has ${x.length} values, but (N, in) = (${N}, ${this.inFeatures}) needs ${N * this.inFeatures}.`,
      );
    }
    this.x = x;
    this.rows = N;
    const y = this.scratch.get('y', N * this.outFeatures);
    this.k.fillRows(N, this.outFeatures, this.bias, y, this.outFeatures);
    this.k.gemm(
      false,
      true,
      N,
      this.outFeatures,
      this.inFeatures,
      x,
      this.inFeatures,
      this.weight,
      this.inFeatures,
      y,
      this.outFeatures,
      1,
    );
    return y;
  }

  /** dy (N, out) → dx (N, in), a view valid until the next backward; accumulates dW, db. */
  backward(dy: Floats): Floats {
    const x = this.x;
    if (x === undefined) throw new ShapeError('Linear.backward', 'no forward pass to go back through.');
    const N = this.rows;
    const I = this.inFeatures;
    const O = this.outFeatures;
    this.k.gemm(true, false, O, I, N, dy, O, x, I, this.dWeight, I, 1);
    this.k.addColumnSums(N, O, dy, this.dBias);
    const dx = this.scratch.get('dx', N * I);
    this.k.gemm(false, false, N, I, O, dy, O, this.weight, I, dx, I, 0);
    return dx;
  }
}
