import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WasmKernels, wasmUnavailableReason } from '../../src/kernels/index.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { ParamArena } from '../../src/nn/params.js';
import '../../src/node/threads.js';
import { Rng } from '../../src/rng.js';

// The worker pool splits products by whole 8-column strips, each computed as on one thread, so
// the numbers must be bit-identical whatever the thread count, and identical run to run.

async function whenReady(k: WasmKernels): Promise<void> {
  for (let waited = 0; k.readyThreads < k.threads; waited += 10) {
    if (waited > 10000) throw new Error(`only ${k.readyThreads} of ${k.threads} threads started in 10 s`);
    await sleep(10);
  }
}

function fill(a: Float32Array | Float64Array, seed: number): void {
  const rng = new Rng(seed);
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-1, 1);
}

describe('WebAssembly backend with worker threads', { skip: wasmUnavailableReason() }, () => {
  const one = new WasmKernels({ threads: 1 });
  const three = new WasmKernels({ threads: 3 }); // more threads than cores here: still exact
  before(async () => whenReady(three));
  after(() => three.dispose());

  it('every product variant gives the same bits on 1 and 3 threads, over sizes that split unevenly', () => {
    const before = three.parallelGemmCalls;
    for (const [tA, tB] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      for (const [M, N, K] of [
        [67, 203, 131], // 26 strips, the last one partial, over 3 threads
        [64, 2048, 512], // the C2 recurrent product
        [9, 17, 7000], // small N: 3 strips
      ] as const) {
        for (const beta of [0, 1] as const) {
          const run = (k: WasmKernels) => {
            const A = k.alloc(M * K);
            const B = k.alloc(K * N);
            const C = k.alloc(M * N);
            fill(A, 1);
            fill(B, 2);
            fill(C, 3);
            k.gemm(tA, tB, M, N, K, A, tA ? M : K, B, tB ? K : N, C, N, beta);
            return C;
          };
          assert.deepEqual(run(three), run(one), `${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'} ${M}×${N}×${K} beta=${beta}`);
        }
      }
    }
    assert.ok(three.parallelGemmCalls - before >= 20, 'the large products must have been split over the pool');
  });

  it('thin products (batch-1 generation) split by rows of B give the same bits', () => {
    for (const [M, N, K] of [
      [1, 2048 + 5, 512],
      [3, 260, 1500],
    ] as const) {
      const run = (k: WasmKernels) => {
        const A = k.alloc(M * K);
        const B = k.alloc(N * K);
        const C = k.alloc(M * N);
        fill(A, 4);
        fill(B, 5);
        k.gemm(false, true, M, N, K, A, K, B, K, C, N, 0);
        return C;
      };
      const before = three.parallelGemmCalls;
      assert.deepEqual(run(three), run(one));
      assert.equal(three.parallelGemmCalls, before + 1);
    }
  });

  it('an LSTM forward and backward give the same bits on 1 and 3 threads', () => {
    const opts = { inputSize: 64, hiddenSize: 256, numLayers: 2 };
    const run = (k: WasmKernels) => {
      const arena = new ParamArena(k, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
      fill(arena.values, 6);
      const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
      const x = k.alloc(10 * 32 * 64);
      fill(x, 7);
      const dy = k.alloc(10 * 32 * 256);
      fill(dy, 8);
      const y = Float32Array.from(lstm.forward(x, 10, 32, null, null).y);
      const { dx } = lstm.backward(dy, null, null);
      return { y, dx: Float32Array.from(dx), grads: Float32Array.from(arena.grads) };
    };
    assert.deepEqual(run(three), run(one));
    assert.deepEqual(run(three), run(three), 'run to run');
  });

  it('rejects a bad thread count with a clear message', () => {
    assert.throws(() => new WasmKernels({ threads: 0 }), /threads must be an integer from 1 to 256; got 0/);
    assert.throws(() => new WasmKernels({ threads: 1.5 }), /got 1.5/);
  });

  it('after dispose, products still run, on the calling thread', () => {
    const k = new WasmKernels({ threads: 2 });
    k.dispose();
    const A = k.alloc(128 * 128);
    const C = k.alloc(128 * 128);
    fill(A, 9);
    k.gemm(false, false, 128, 128, 128, A, 128, A, 128, C, 128, 0);
    assert.equal(k.readyThreads, 1);
    assert.ok(Number.isFinite(C[0]));
  });
});
