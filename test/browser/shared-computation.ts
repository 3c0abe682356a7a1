/**
 * One deterministic computation on the WebAssembly backend, run in Node and in Chromium by
 * wasm-in-chromium.test.ts: every product variant at sizes the worker pool splits, and a stacked
 * LSTM forward and backward whose cell steps it splits too. Imports only the browser-safe core.
 * Returns a CRC-32 of every result's bytes, so the two sides can be compared bit for bit without
 * shipping megabytes of numbers out of the page.
 */
import { crc32, LSTM, ParamArena, Rng, WasmKernels } from '../../src/index.js';

export interface ComputationResult {
  backend: string;
  threads: number;
  parallelGemmCalls: number;
  /** Name of each result → CRC-32 of its float32 bytes. */
  checksums: Record<string, number>;
  /** A few plain numbers, for a readable message when checksums differ. */
  samples: Record<string, number>;
}

function fill(a: Float32Array | Float64Array, rng: Rng): void {
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-1, 1);
}

function crcOf(a: Float32Array | Float64Array): number {
  return crc32(new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());
}

async function whenReady(k: WasmKernels): Promise<void> {
  for (let waited = 0; k.readyThreads < k.threads; waited += 10) {
    if (waited > 15_000) throw new Error(`only ${k.readyThreads} of ${k.threads} kernel threads started`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function runComputation(threads: number): Promise<ComputationResult> {
  const k = new WasmKernels({ threads });
  await whenReady(k);
  const rng = new Rng(2024);
  const checksums: Record<string, number> = {};
  const samples: Record<string, number> = {};
  const [M, N, K] = [67, 203, 131];
  for (const [tA, tB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    const A = k.alloc(M * K);
    const B = k.alloc(K * N);
    const C = k.alloc(M * N);
    fill(A, rng);
    fill(B, rng);
    k.gemm(tA, tB, M, N, K, A, tA ? M : K, B, tB ? K : N, C, N, 0);
    const name = `gemm ${tA ? 'At' : 'A'}${tB ? 'Bt' : 'B'}`;
    checksums[name] = crcOf(C);
    samples[name] = C[0] as number;
  }
  const opts = { inputSize: 64, hiddenSize: 256, numLayers: 2 };
  const arena = new ParamArena(k, LSTM.paramSpecs(opts));
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.1, 0.1);
  const lstm = new LSTM(k, arena, opts);
  const [T, Bt] = [6, 32];
  const x = k.alloc(T * Bt * 64);
  const dy = k.alloc(T * Bt * 256);
  fill(x, rng);
  fill(dy, rng);
  const y = lstm.forward(x, T, Bt, null, null).y;
  checksums['lstm y'] = crcOf(y);
  samples['lstm y'] = y[0] as number;
  arena.zeroGrads();
  const { dx } = lstm.backward(dy, null, null);
  checksums['lstm dx'] = crcOf(dx);
  checksums['lstm grads'] = crcOf(arena.grads);
  samples['lstm dx'] = dx[0] as number;
  const result = {
    backend: k.name,
    threads: k.readyThreads,
    parallelGemmCalls: k.parallelGemmCalls,
    checksums,
    samples,
  };
  k.dispose();
  return result;
}
