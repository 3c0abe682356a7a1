/**
 * Embedding: a lookup table (V, E); token n's row is its vector.
 *   forward:  out (N, E), row n = W[ids[n]]
 *   backward: dW[ids[n]] += dOut row n  (rows of tokens that never appear get nothing)
 */
import { ShapeError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import type { Rng } from '../rng.js';
import { initNormal } from './init.js';
import type { ParamArena, ParamSpec } from './params.js';
import { Scratch } from './scratch.js';

export class Embedding {
  private readonly weight: Floats;
  private readonly dWeight: Floats;
  private readonly scratch: Scratch;
  private ids: Int32Array | undefined;

  static paramSpecs(name: string, numEmbeddings: number, embeddingSize: number): ParamSpec[] {
    return [{ name, shape: [numEmbeddings, embeddingSize] }];
  }

  constructor(
    private readonly k: Kernels,
    arena: ParamArena,
    readonly name: string,
    readonly numEmbeddings: number,
    readonly embeddingSize: number,
  ) {
    this.weight = arena.value(name);
    this.dWeight = arena.grad(name);
    this.scratch = new Scratch(k);
  }

  /** N(0, 1), as PyTorch's nn.Embedding. */
  init(rng: Rng): void {
    initNormal(this.weight, rng, 1);
  }

  /** ids (N) in [0, V) → (N, E), a view valid until the next forward. */
  forward(ids: Int32Array): Floats {
    const V = this.numEmbeddings;
    for (let n = 0; n < ids.length; n++) {
      const id = ids[n] as number;
      if (!(id >= 0 && id < V)) {
        throw new ShapeError(
          'Embedding.forward',
          `token ${n} is ${id}, but ids must be integers in [0, ${V}).`,
          'encode text with the model vocabulary; unknown characters map to its <unk> id.',
        );
      }
    }
    this.ids = ids;
    const out = this.scratch.get('out', ids.length * this.embeddingSize);
    this.k.gatherRows(ids.length, this.embeddingSize, this.weight, ids, out);
    return out;
  }

  /** dOut (N, E) → accumulates into the table's gradient. */
  backward(dOut: Floats): void {
    const ids = this.ids;
    if (ids === undefined) {
      throw new ShapeError('Embedding.backward', 'no forward pass to go back through.');
    }
    this.k.scatterAddRows(ids.length, this.embeddingSize, dOut, ids, this.dWeight);
  }
}
