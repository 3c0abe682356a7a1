/**
 * One deterministic computation on the WebAssembly backend, run in Node and in Chromium by
 * wasm-in-chromium.test.ts: every product variant (odd sizes, wide strides, beta 0 and 1, large
 * enough for the worker pool to split), the fused LSTM cell forward and backward (below and above
 * the size the pool splits), softmax cross-entropy, and a stacked LSTM forward and backward.
 * Imports only the browser-safe core, by relative path, so the page loads it from dist/ as is.
 * Inputs come from the library's seeded Rng (uniform only: plain float arithmetic, the same in
 * every engine). Returns a CRC-32 of every result's bytes, so the two sides compare bit for bit
 * without shipping megabytes of numbers out of the page.
 */
// the modules themselves, not the root index: the page loads dist/ as plain ES modules with no
// bundler, and the index also exports code that imports npm packages (wavefile) by bare name
import { crc32 } from '../../src/io/safetensors.js';
import { type Floats, WasmKernels } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';

export interface ComputationResult {
  backend: string;
  threads: number;
  parallelGemmCalls: number;
  /** Name of each result → CRC-32 of its float32 bytes (or of a float64, for the loss). */
  checksums: Record<string, number>;
  /** Name → [first element, float64 sum]: a readable message when checksums differ. */
  samples: Record<string, [number, number]>;
}

const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

/** [M, N, K, row padding, beta]: odd sizes around the tiles; the first is big enough to split. */
const GEMM_SIZES = [
  [67, 203, 131, 0, 0],
  [7, 13, 5, 3, 1],
] as const;

/** [B, H]: the first runs on one thread, the second is split by batch rows (B·H ≥ 4096). */
const CELL_SIZES = [
  [3, 37],
  [33, 131],
] as const;

function filled(k: WasmKernels, n: number, rng: Rng, scale = 1): Floats {
  const a = k.alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}

export async function runComputation(threads: number): Promise<ComputationResult> {
  const k = new WasmKernels({ threads });
  try {
    for (let waited = 0; k.readyThreads < k.threads; waited += 10) {
      if (waited > 15_000) throw new Error(`only ${k.readyThreads} of ${k.threads} kernel threads started`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const rng = new Rng(2024);
    const checksums: Record<string, number> = {};
    const samples: Record<string, [number, number]> = {};
    const record = (name: string, a: Floats): void => {
      checksums[name] = crc32(new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());
      let sum = 0;
      for (const v of a) sum += v;
      samples[name] = [a[0] as number, sum];
    };

    for (const [M, N, K, pad, beta] of GEMM_SIZES) {
      for (const [tA, tB] of TRANSPOSES) {
        const [lda, ldb, ldc] = [(tA ? M : K) + pad, (tB ? K : N) + pad, N + pad];
        const A = filled(k, (tA ? K : M) * lda, rng);
        const B = filled(k, (tB ? N : K) * ldb, rng);
        const C = filled(k, M * ldc, rng);
        k.gemm(tA, tB, M, N, K, A, lda, B, ldb, C, ldc, beta);
        record(`gemm ${tA ? 'At' : 'A'}${tB ? 'Bt' : 'B'} ${M}x${N}x${K} beta ${beta}`, C);
      }
    }

    for (const [B, H] of CELL_SIZES) {
      const gates = filled(k, B * 4 * H, rng, 3); // pre-activations, into the saturating range too
      const cPrev = filled(k, B * H, rng);
      const [c, tanhC, h] = [k.alloc(B * H), k.alloc(B * H), k.alloc(B * H)];
      k.lstmCellForward(B, H, gates, cPrev, c, tanhC, h);
      const [dh, dc, dGates] = [filled(k, B * H, rng), filled(k, B * H, rng), k.alloc(B * 4 * H)];
      k.lstmCellBackward(B, H, dh, dc, gates, cPrev, tanhC, dGates, dc); // dcPrev aliases dc
      for (const [name, a] of Object.entries({ gates, c, tanhC, h, dGates, dcPrev: dc })) {
        record(`cell ${B}x${H} ${name}`, a);
      }
    }

    const [N, V] = [19, 53];
    const logits = filled(k, N * V, rng, 4);
    const targets = Int32Array.from({ length: N }, () => rng.int(V));
    const loss = k.softmaxCrossEntropy(N, V, logits, targets, logits, 1 / N); // dLogits over logits
    record('softmax cross-entropy loss', Float64Array.of(loss));
    record('softmax cross-entropy dLogits', logits);

    const opts = { inputSize: 64, hiddenSize: 256, numLayers: 2 };
    const arena = new ParamArena(k, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
    for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.1, 0.1);
    const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
    const [T, Bt] = [6, 32];
    const x = filled(k, T * Bt * 64, rng);
    const dy = filled(k, T * Bt * 256, rng);
    record('lstm y', lstm.forward(x, T, Bt, null, null).y);
    arena.zeroGrads();
    record('lstm dx', lstm.backward(dy, null, null).dx);
    record('lstm grads', arena.grads);

    return { backend: k.name, threads: k.readyThreads, parallelGemmCalls: k.parallelGemmCalls, checksums, samples };
  } finally {
    k.dispose();
  }
}
