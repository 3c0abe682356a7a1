/**
 * A compiled backend's memory: the ArrayBuffers its `alloc` handed out views of, and the one rule
 * for every other float array, the same in every kernel: refused with a ShapeError that names the
 * kernel and the argument. No kernel copies a foreign array in or falls back to slower code for
 * it, so a caller never runs at JavaScript speed without knowing (see types.ts).
 */
import { ShapeError } from '../errors.js';
import type { Floats, KernelMethod } from './types.js';

/** An array or, for optional arguments (lstmLayerForward's packed weights), null: nothing to check. */
type Argument = Floats | null;

export class BackendMemory {
  // a buffer is remembered, not a range: a WebAssembly memory's `buffer` is a new object after each
  // growth, and views on the older objects still address the same memory
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  /**
   * @param backend the class name that starts each message ('WasmKernels')
   * @param memory what its memory is, for the message ('the WebAssembly memory')
   */
  constructor(
    private readonly backend: string,
    private readonly memory: string,
  ) {}

  /** `view`, a fresh array from `alloc`, with its buffer remembered as this backend's. */
  adopt(view: Float32Array): Float32Array {
    this.buffers.add(view.buffer);
    return view;
  }

  /** Whether `a` is a view of this memory (null counts: an optional argument left out). */
  holds(a: Argument): boolean {
    return a === null || (a instanceof Float32Array && this.buffers.has(a.buffer));
  }

  /**
   * Refuse the first array that is not a view of this memory. `names` lists the arguments in the
   * order given ('A, B, C'); it is split only to write the message, so a call allocates nothing.
   * Fixed arity up to ten arrays (lstmLayerForward's), unused ones null.
   */
  check(
    kernel: KernelMethod,
    names: string,
    a0: Argument,
    a1: Argument = null,
    a2: Argument = null,
    a3: Argument = null,
    a4: Argument = null,
    a5: Argument = null,
    a6: Argument = null,
    a7: Argument = null,
    a8: Argument = null,
    a9: Argument = null,
  ): void {
    const all = this.holds(a0) && this.holds(a1) && this.holds(a2) && this.holds(a3) && this.holds(a4);
    if (all && this.holds(a5) && this.holds(a6) && this.holds(a7) && this.holds(a8) && this.holds(a9)) return;
    const arrays = [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9];
    const i = arrays.findIndex((a) => !this.holds(a));
    const name = names.split(',')[i]?.trim() ?? `number ${i + 1}`;
    throw new ShapeError(
      `${this.backend}.${kernel}`,
      `the array ${name} (${describe(arrays[i] as Floats)}) is not in this backend's memory (${this.memory}): ` +
        'kernels neither copy arrays in nor fall back to slower code.',
      'allocate it with kernels.alloc, or copy it into an array from kernels.alloc once, where it enters the layer.',
    );
  }
}

function describe(a: Floats): string {
  const kind = (a as object).constructor?.name ?? typeof a;
  return `a ${kind} of ${a.length} elements`;
}
