/**
 * The benchmark's C6 (GRU language model training) and C7 (bidirectional classifier on variable
 * lengths): their shapes and FLOP counts, one step on each compiled backend, and the same
 * configurations through the PyTorch peer's script where a Python with torch is at hand
 * (LSTM_BENCH_PYTHON). One step each, at 1 thread: a smoke test, not a measurement.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetFor, CONFIGS } from '../../bench/configs.js';
import { runChild } from '../../bench/peers/child.js';
import { torchPythons } from '../../bench/peers/pytorch.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

const config = (id: string) => {
  const c = CONFIGS.find((x) => x.id === id);
  assert.ok(c !== undefined, `no configuration ${id}`);
  return c;
};

describe('bench: C6 and C7', () => {
  it('C6 is C1 with a GRU 2 × 256 at T 100, B 32, counted with 3 gate blocks', () => {
    const c = config('C6');
    assert.deepEqual(c.shape, { kind: 'lm-train', cell: 'gru', V: 65, E: 65, H: 256, L: 2, T: 100, B: 32, lr: 1e-3 });
    const forward = 100 * (2 * 32 * (65 + 256) * 3 * 256 + 2 * 32 * (256 + 256) * 3 * 256);
    assert.equal(c.flopsPerOp, 3 * forward + 3 * 100 * 2 * 32 * 256 * 65);
    assert.deepEqual(
      c.yields.map((y) => [y.unit, y.perOp]),
      [
        ['steps/s', 1],
        ['chars/s', 3200],
      ],
    );
  });

  it('C7 has 32 seeded lengths in [20, 200] and counts their real tokens, both directions', () => {
    const c = config('C7');
    assert.equal(c.shape.kind, 'classifier-train');
    if (c.shape.kind !== 'classifier-train') return;
    const { lengths } = c.shape;
    assert.equal(lengths.length, 32);
    assert.ok(lengths.every((n) => Number.isInteger(n) && n >= 20 && n <= 200));
    assert.ok(new Set(lengths).size > 16, 'the lengths vary');
    const tokens = lengths.reduce((a, b) => a + b, 0);
    assert.deepEqual(c.yields[0], { unit: 'tokens/s', perOp: tokens });
    assert.equal(c.flopsPerOp, 3 * 2 * (2 * tokens * (65 + 128) * 4 * 128) + 3 * 2 * 32 * 256 * 2);
  });

  for (const backend of FAST_BACKENDS) {
    it(`one step of C6 and C7 on ${backend.label}`, { skip: backend.skip }, () => {
      const k = backend.make(1);
      try {
        for (const id of ['C6', 'C7']) config(id).create(k).run(); // throws on a non-finite loss
      } finally {
        backend.dispose(k);
      }
    });
  }

  const python = torchPythons().pythons[0]?.python;
  it('the PyTorch script times C6 and C7', { skip: python === undefined && 'no Python with torch' }, async () => {
    const configs = [config('C6'), config('C7')];
    const mode = { quick: true };
    const cmd = { peer: 'pytorch', command: python as string, args: ['bench/pytorch/suite.py'], threads: 1 };
    const env = { ...process.env, OMP_NUM_THREADS: '1' };
    const run = await runChild({ ...cmd, env }, configs, mode);
    assert.deepEqual(run.skipped, []);
    assert.deepEqual(
      run.results.map((r) => [r.id, r.reps === budgetFor(config(r.id), mode).reps]),
      [
        ['C6', true],
        ['C7', true],
      ],
    );
  });
});
