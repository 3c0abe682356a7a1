/**
 * gatherRows on every compiled backend equals the reference's row copies over row widths from 1
 * to 130 (the embedding lookups and the length-sorting permutations of Recurrent); the native
 * addon, which copies in C++, refuses an id outside the table or a short output with a RangeError
 * and writes nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NativeKernels, RefKernels, nativeUnavailableReason } from '../../src/kernels/index.js';
import '../../src/node/native-addon.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

for (const backend of FAST_BACKENDS)
  describe(`gatherRows on ${backend.label}`, { skip: backend.skip }, () => {
    it('copies the rows the reference copies, any width, repeated and permuted ids', () => {
      const k = backend.make(1);
      const ref = new RefKernels('float32');
      const rng = new Rng(5);
      for (const [rows, E, N] of [
        [7, 1, 20],
        [13, 5, 13],
        [65, 65, 300],
        [40, 128, 40],
        [3, 130, 9],
      ] as const) {
        const table = k.alloc(rows * E);
        for (let i = 0; i < table.length; i++) table[i] = rng.uniform(-1, 1);
        const ids = Int32Array.from({ length: N }, () => rng.int(rows));
        const [out, expected] = [k.alloc(N * E), new Float32Array(N * E)];
        k.gatherRows(N, E, table, ids, out);
        ref.gatherRows(N, E, Float32Array.from(table), ids, expected);
        assert.deepEqual(Array.from(out), Array.from(expected), `${rows} rows of ${E}, ${N} ids`);
      }
    });
  });

describe('native gatherRows', { skip: nativeUnavailableReason() }, () => {
  it('refuses ids outside the table and short arrays with a RangeError, writing nothing', () => {
    const k = new NativeKernels({ threads: 1 });
    const table = k.alloc(4 * 3).fill(1);
    const out = k.alloc(2 * 3).fill(7);
    for (const ids of [Int32Array.from([0, 4]), Int32Array.from([-1, 0])])
      assert.throws(() => k.gatherRows(2, 3, table, ids, out), RangeError);
    assert.throws(() => k.gatherRows(3, 3, table, Int32Array.from([0, 1, 2]), out), RangeError);
    assert.throws(() => k.gatherRows(2, 3, table, Int32Array.from([0]), out), RangeError);
    assert.ok(out.every((v) => v === 7));
  });
});
