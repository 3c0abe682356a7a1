/**
 * The timing loop's rules for slow configurations (a fixed count of operations after a cheaper
 * warm-up): which calls are timed, and when one full operation runs untimed first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measure, type Workload } from '../../bench/harness.js';

/** A workload that records its calls: 'w' for a warm-up, 'r' for a full operation. */
function recording(): { calls: string[]; workload: Workload } {
  const calls: string[] = [];
  return {
    calls,
    workload: { run: () => void calls.push('r'), warmup: () => void calls.push('w'), warmupShare: 0.02 },
  };
}

describe('bench harness: slow configurations', () => {
  it('runs one full operation untimed when the warm-up predicts it is short enough', async () => {
    const { calls, workload } = recording();
    const timing = await measure(workload, {
      reps: 3,
      minRepSeconds: 0,
      warmupSeconds: 0,
      fixedOps: 1,
      fullWarmupUpToSeconds: 15,
    });
    assert.deepEqual(calls, ['w', 'r', 'r', 'r', 'r']);
    assert.equal(timing.repSeconds.length, 3);
  });

  it('skips the untimed full operation when the warm-up predicts a long one', async () => {
    const calls: string[] = [];
    const slowWarmup: Workload = {
      run: () => void calls.push('r'),
      // 2 ms for 1 % of the work predicts 0.2 s per operation, over the 0.1 s allowed
      warmup: () => {
        const until = performance.now() + 2;
        while (performance.now() < until);
        calls.push('w');
      },
      warmupShare: 0.01,
    };
    await measure(slowWarmup, { reps: 2, minRepSeconds: 0, warmupSeconds: 0, fixedOps: 1, fullWarmupUpToSeconds: 0.1 });
    assert.deepEqual(calls, ['w', 'r', 'r']);
  });

  it('times only the repetitions without the option (quick runs)', async () => {
    const { calls, workload } = recording();
    await measure(workload, { reps: 2, minRepSeconds: 0, warmupSeconds: 0, fixedOps: 1 });
    assert.deepEqual(calls, ['w', 'r', 'r']);
  });
});
