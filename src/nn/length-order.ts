/**
 * A batch's rows in order of non-increasing length, as PyTorch's pack_padded_sequence with
 * enforce_sorted=False sorts them: Recurrent runs an unsorted batch in this order and gives every
 * result back in the caller's. Sorted, the rows still running at step t are exactly rows
 * [0, n_t), so each step computes only them (the cells compute the rows from the first to the last
 * still running; in a shuffled batch that range holds ended rows too, computed and then undone).
 *
 * Every array is a stack of (blocks, B, width) rows of `width` values: (T, B, D) inputs and
 * outputs, (L·dirs, B, R) states. The order is stable: rows of equal length keep theirs.
 */
import type { Floats, Kernels } from '../kernels/index.js';
import type { Scratch } from './scratch.js';

export class LengthOrder {
  private readonly order: Int32Array; // sorted row i is the caller's row order[i]
  private readonly inverse: Int32Array; // the caller's row b is sorted row inverse[b]
  private readonly ids = new Map<string, Int32Array>(); // gatherRows' row indices by (blocks, direction)

  private constructor(
    order: Int32Array,
    /** The lengths in the sorted order. */
    readonly lengths: Int32Array,
  ) {
    this.order = order;
    this.inverse = new Int32Array(order.length);
    order.forEach((b, i) => (this.inverse[b] = i));
  }

  /** The order that sorts `lengths` (B), or null when they are already non-increasing (or absent). */
  static of(lengths: Int32Array | null): LengthOrder | null {
    if (lengths === null) return null;
    let sorted = true;
    for (let b = 1; b < lengths.length && sorted; b++) sorted = (lengths[b - 1] as number) >= (lengths[b] as number);
    if (sorted) return null;
    const rows = Array.from(lengths.keys()).sort((a, b) => (lengths[b] as number) - (lengths[a] as number) || a - b);
    return new LengthOrder(
      Int32Array.from(rows),
      Int32Array.from(rows, (b) => lengths[b] as number),
    );
  }

  /** out (blocks, B, width) = src's rows in the sorted order. */
  sort(k: Kernels, src: Floats, blocks: number, width: number, out: Floats): void {
    k.gatherRows(blocks * this.order.length, width, src, this.rowIds(blocks, true), out);
  }

  /** out (blocks, B, width) = src's rows (in the sorted order) back in the caller's order. */
  unsort(k: Kernels, src: Floats, blocks: number, width: number, out: Floats): void {
    k.gatherRows(blocks * this.order.length, width, src, this.rowIds(blocks, false), out);
  }

  /** scratch[name] = a (blocks, B, width) in the sorted order; null for a missing (null) array. */
  sortedCopy(
    k: Kernels,
    scratch: Scratch,
    name: string,
    a: Floats | null,
    blocks: number,
    width: number,
  ): Floats | null {
    return this.copy(k, scratch, name, a, blocks, width, true);
  }

  /** scratch[name] = a (blocks, B, width) back in the caller's order; null for a missing array. */
  unsortedCopy(
    k: Kernels,
    scratch: Scratch,
    name: string,
    a: Floats | null,
    blocks: number,
    width: number,
  ): Floats | null {
    return this.copy(k, scratch, name, a, blocks, width, false);
  }

  private copy(
    k: Kernels,
    scratch: Scratch,
    name: string,
    a: Floats | null,
    blocks: number,
    width: number,
    sorting: boolean,
  ): Floats | null {
    if (a === null) return null;
    const out = scratch.get(name, blocks * this.order.length * width);
    k.gatherRows(blocks * this.order.length, width, a, this.rowIds(blocks, sorting), out);
    return out;
  }

  /** Row indices into (blocks, B): block-major, each block's B rows through order or its inverse. */
  private rowIds(blocks: number, sorting: boolean): Int32Array {
    const key = `${blocks}:${sorting}`;
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const B = this.order.length;
    const map = sorting ? this.order : this.inverse;
    const ids = new Int32Array(blocks * B);
    for (let t = 0; t < blocks; t++) for (let i = 0; i < B; i++) ids[t * B + i] = t * B + (map[i] as number);
    this.ids.set(key, ids);
    return ids;
  }
}
