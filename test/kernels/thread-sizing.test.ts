import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism } from 'node:os';
import {
  type Floats,
  type Kernels,
  NativeKernels,
  nativeUnavailableReason,
  WasmKernels,
  wasmUnavailableReason,
} from '../../src/kernels/index.js';
import {
  ARGS,
  CONTROL_WORDS,
  JOB_CELL_FORWARD,
  JOB_GEMM_ABT_ROWS,
  JOB_GEMM_PACKED,
  jobShares,
  KIND,
} from '../../src/kernels/thread-protocol.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { ParamArena } from '../../src/nn/params.js';
import '../../src/node/native-addon.js';
import '../../src/node/threads.js';
import { Rng } from '../../src/rng.js';

// How many threads a call uses comes from its size (small work stays on the calling thread), and
// asking for more threads than there are cores, or sharing the cores with a busy process, must
// neither deadlock nor change a bit.

function filled(k: Kernels, n: number, seed: number): Floats {
  const a = k.alloc(n);
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

function product(k: Kernels, M: number, N: number, K: number): number[] {
  const C = k.alloc(M * N);
  k.gemm(false, false, M, N, K, filled(k, M * K, 1), K, filled(k, K * N, 2), N, C, N, 0);
  return Array.from(C);
}

/** A 1-layer LSTM forward and backward; H 64 is whole native tiles: one barrier job per layer. */
function lstmRun(k: Kernels, T: number, B: number): number[] {
  const opts = { kind: 'lstm' as const, inputSize: 7, hiddenSize: 64, numLayers: 1 };
  const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
  const rng = new Rng(3);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.3, 0.3);
  const lstm = new Recurrent(k, arena, opts);
  const y = Array.from(lstm.forward(filled(k, T * B * 7, 4), T, B, null, null).y);
  const { dx } = lstm.backward(filled(k, T * B * 64, 5), null, null);
  return [...y, ...dx, ...arena.grads];
}

describe('native pool: threads per call', { skip: nativeUnavailableReason() }, () => {
  it('a small product runs on the calling thread alone; a large one is split', () => {
    const k = new NativeKernels({ threads: 2 });
    product(k, 16, 16, 16);
    product(k, 1, 256, 64); // batch-1 matrix-vector
    assert.equal(k.parallelCalls, 0, 'small products are not split');
    product(k, 64, 2048, 512); // the C2 recurrent product
    assert.equal(k.parallelCalls, k.poolThreads >= 2 ? 1 : 0, 'a large product is split where there are 2 cores');
  });

  it('more threads than cores: at most one per core runs, nothing deadlocks, the bits do not change', () => {
    const one = new NativeKernels({ threads: 1 });
    const many = new NativeKernels({ threads: 4 * availableParallelism() });
    assert.ok(
      many.poolThreads <= availableParallelism(),
      `${many.poolThreads} threads on ${availableParallelism()} cores`,
    );
    assert.deepEqual(product(many, 64, 2048, 512), product(one, 64, 2048, 512));
    assert.deepEqual(lstmRun(many, 20, 32), lstmRun(one, 20, 32));
  });

  it('a job or an exit right after the pool is made (its worker not yet running) neither deadlocks nor hangs', () => {
    const expected = lstmRun(new NativeKernels({ threads: 1 }), 3, 32);
    // the layer's shares wait for each other at every step: the new worker must see the first job
    for (let i = 0; i < 10; i++) assert.deepEqual(lstmRun(new NativeKernels({ threads: 2 }), 3, 32), expected);
    const addon = new URL('../../src/node/native-addon.js', import.meta.url).href;
    const kernels = new URL('../../src/kernels/index.js', import.meta.url).href;
    const script = `await import(${JSON.stringify(addon)}); const { NativeKernels } = await import(${JSON.stringify(kernels)}); for (let i = 0; i < 20; i++) new NativeKernels({ threads: 2 });`;
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
      assert.equal(r.status, 0, `exit ${String(r.status)} ${String(r.signal)}: ${String(r.stderr)}`);
    }
  });

  it('a busy process on the same cores does not stall two threads, and the bits do not change', async () => {
    const busy = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    try {
      await sleep(50);
      const two = new NativeKernels({ threads: 2 });
      const expected = lstmRun(new NativeKernels({ threads: 1 }), 20, 32);
      for (let i = 0; i < 5; i++) assert.deepEqual(lstmRun(two, 20, 32), expected);
    } finally {
      busy.kill();
    }
  });
});

describe('WebAssembly pool: shares per job', { skip: wasmUnavailableReason() }, () => {
  function shares(kind: number, args: number[], threads: number): number {
    const control = new Int32Array(CONTROL_WORDS);
    control[KIND] = kind;
    control.set(args, ARGS);
    return jobShares(control, threads);
  }

  it('small jobs run on the calling thread; large ones split into shares for every ready thread', () => {
    assert.equal(shares(JOB_GEMM_PACKED, [16, 64, 64], 2), 1);
    assert.equal(shares(JOB_GEMM_ABT_ROWS, [1, 256, 64], 2), 1); // a small matrix-vector product
    assert.equal(shares(JOB_GEMM_PACKED, [64, 2048, 512], 1), 1); // one ready thread
    assert.equal(shares(JOB_GEMM_PACKED, [64, 2048, 512], 2), 4); // two shares a thread
    assert.equal(shares(JOB_GEMM_PACKED, [64, 2048, 512], 3), 6);
    assert.equal(shares(JOB_GEMM_PACKED, [1 << 12, 8, 512], 2), 1); // one strip of columns: nothing to split
    assert.equal(shares(JOB_CELL_FORWARD, [1, 4096], 2), 1); // one batch row
    assert.equal(shares(JOB_CELL_FORWARD, [8, 256], 2), 1); // 2,048 cells: too few
    assert.equal(shares(JOB_CELL_FORWARD, [64, 512], 2), 4);
  });

  it('more worker threads than cores: nothing deadlocks, the bits do not change', async () => {
    const one = new WasmKernels({ threads: 1 });
    const many = new WasmKernels({ threads: 2 * availableParallelism() + 1 });
    try {
      for (let waited = 0; many.readyThreads < many.threads && waited < 10000; waited += 10) await sleep(10);
      assert.deepEqual(product(many, 64, 2048, 512), product(one, 64, 2048, 512));
      assert.deepEqual(lstmRun(many, 20, 32), lstmRun(one, 20, 32));
      assert.ok(many.parallelGemmCalls > 0);
    } finally {
      many.dispose();
    }
  });
});
