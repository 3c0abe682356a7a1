/**
 * Named work buffers for a layer: caches for backward and temporaries. A buffer is allocated on
 * first use and grows when a larger (T, B) arrives; `get` returns a view of exactly the asked
 * length, so stale values past it are never read. Views from `get` are invalid after the next
 * `get` of the same name with a larger length.
 */
import type { Floats, Kernels } from '../kernels/index.js';

export class Scratch {
  private readonly buffers = new Map<string, Floats>();
  constructor(private readonly kernels: Kernels) {}

  get(name: string, length: number): Floats {
    let buf = this.buffers.get(name);
    if (buf === undefined || buf.length < length) {
      buf = this.kernels.alloc(length);
      this.buffers.set(name, buf);
    }
    return buf.subarray(0, length);
  }

  /** Like get, but the view is zero-filled. */
  zeros(name: string, length: number): Floats {
    const view = this.get(name, length);
    view.fill(0);
    return view;
  }
}
