/**
 * The kernels the compiled backends delegate to the TypeScript reference by design: row copies
 * (gatherRows on WebAssembly; the native addon copies rows itself, for the bulk permutations of
 * length-order.ts), scatterAddRows and the one-row softmax of sampling, which move or touch a few
 * numbers per token and gain nothing from a call into WebAssembly or C++. They run the reference's
 * loops on arrays checked to be in the backend's memory, so they refuse what every kernel refuses.
 */
import type { BackendMemory } from './backend-memory.js';
import type { RefKernels } from './ref.js';
import type { Kernels } from './types.js';

export class ReferenceRows {
  constructor(
    private readonly mem: BackendMemory,
    private readonly reference: RefKernels,
  ) {}

  readonly gatherRows: Kernels['gatherRows'] = (N, E, table, ids, out) => {
    this.mem.check('gatherRows', 'table, out', table, out);
    this.reference.gatherRows(N, E, table, ids, out);
  };

  readonly scatterAddRows: Kernels['scatterAddRows'] = (N, E, dOut, ids, dTable) => {
    this.mem.check('scatterAddRows', 'dOut, dTable', dOut, dTable);
    this.reference.scatterAddRows(N, E, dOut, ids, dTable);
  };

  readonly softmaxRow: Kernels['softmaxRow'] = (V, logits, temperature, probs) => {
    this.mem.check('softmaxRow', 'logits, probs', logits, probs);
    this.reference.softmaxRow(V, logits, temperature, probs);
  };
}
