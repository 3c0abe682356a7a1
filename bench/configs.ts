/**
 * The fixed configurations. Each is a function of a Kernels object, so every backend (and, through
 * the same shapes, every peer) runs exactly the same work. Float32, random weights (PyTorch's
 * uniform initialisation) and random data from a seeded Rng.
 *
 *   C1  train     char LM: V 65, LSTM 2 × 128, T 50, B 50, linear + softmax CE every step, Adam
 *   C2  train     the same with H 512, T 100, B 64 (slow: a fixed number of steps)
 *   C3  generate  char LM 2 × 512, V 65, batch 1: feed a token, sample the next, 500 times
 *   C4  infer     LSTM 1 layer, input 64, H 256, T 100, B 32, forward only
 *   C5  train     LSTM 1 layer, 1 input feature, H 64, T 50, B 32, linear → 1 at the last step, MSE, Adam
 *   C6  train     char LM as C1 with a GRU: V 65, GRU 2 × 256, T 100, B 32, linear + softmax CE every step, Adam
 *   C7  train     classifier: V 65, bidirectional LSTM 1 × 128 over lengths uniform in 20–200, B 32,
 *                 max pooling over time, linear → 2 classes, softmax CE, Adam (SequenceClassifier)
 *   GEMM          C = A·B, A·Bᵀ, Aᵀ·B, square 256, 512, 1024
 *
 * The character models (and C7) read their tokens through an embedding of size E = V = 65, so the
 * first recurrent layer has the input size of a one-hot character (I = 65) and costs what it would
 * with one.
 */
import type { Floats, Kernels } from '../src/kernels/index.js';
import { LMNetwork, type NetworkShape } from '../src/models/lm-network.js';
import { sampleIndex } from '../src/models/sampling.js';
import { SequenceClassifier } from '../src/models/sequence-classifier.js';
import { Linear } from '../src/nn/linear.js';
import { Recurrent } from '../src/nn/recurrent.js';
import { ParamArena } from '../src/nn/params.js';
import { createOptimizer } from '../src/optim/optimizers.js';
import { Rng } from '../src/rng.js';
import { gemmFlops, lstmForwardFlops, recurrentForwardFlops, stack } from './flops.js';
import type { Budget, Workload } from './harness.js';
import type { RunMode } from './report.js';
import type {
  ClassifierTrainShape,
  GemmShape,
  LmGenerateShape,
  LmTrainShape,
  LstmInferShape,
  SeriesTrainShape,
  Shape,
} from './shapes.js';

/** Something one operation produces, counted per operation: 1 step, B·T characters … */
export interface Yield {
  unit: string;
  perOp: number;
}

export interface BenchConfig {
  /** Row name: 'C1', 'GEMM A·B 512'. */
  id: string;
  /** What --only selects: 'C1' … 'C7', 'GEMM'. */
  group: string;
  /** Short description for the table. */
  what: string;
  flopsPerOp: number;
  /** The first is the headline throughput. */
  yields: Yield[];
  /**
   * For configurations whose operation takes many seconds: one operation per repetition, `reps` of
   * them (`quickReps` with --quick), but no new repetition once `maxSeconds` have been timed.
   */
  slow?: { reps: number; quickReps: number; maxSeconds: number };
  /** What it computes, as data: the peers build their own models from it. */
  shape: Shape;
  create(k: Kernels): Workload;
}

/** A --quick run skips a slow configuration whose warm-up predicts a longer timed run than this. */
const QUICK_LIMIT_SECONDS = 60;
/** A slow configuration's operation also runs once untimed, at full size, when it lasts at most this. */
const FULL_WARMUP_UP_TO_SECONDS = 15;

/** How long to measure a configuration: the same for every backend and peer. */
export function budgetFor(c: BenchConfig, mode: RunMode): Budget {
  if (c.slow !== undefined) {
    return {
      reps: mode.quick ? c.slow.quickReps : c.slow.reps,
      minRepSeconds: 0,
      warmupSeconds: 0,
      fixedOps: 1,
      maxSeconds: c.slow.maxSeconds,
      ...(mode.quick
        ? { skipAboveSeconds: QUICK_LIMIT_SECONDS }
        : { fullWarmupUpToSeconds: FULL_WARMUP_UP_TO_SECONDS }),
    };
  }
  return mode.quick
    ? { reps: 2, minRepSeconds: 0.1, warmupSeconds: 0.05 }
    : { reps: 5, minRepSeconds: 1, warmupSeconds: 0.5 };
}

const SEED = 1234;
const LR = 1e-3;

function randomIds(rng: Rng, n: number, V: number): Int32Array {
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = rng.int(V);
  return ids;
}

function randomFloats(k: Kernels, rng: Rng, n: number): Floats {
  const a = k.alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/**
 * C1, C2 (LSTM), C6 (GRU): one training step of the character LM = zero grads, forward, loss,
 * backward, Adam.
 */
function lmTrain(
  id: string,
  H: number,
  T: number,
  B: number,
  opts: { slow?: BenchConfig['slow']; cell?: 'gru' } = {},
): BenchConfig {
  const { slow, cell } = opts;
  const V = 65;
  const L = 2;
  const s: LmTrainShape = {
    kind: 'lm-train',
    ...(cell === undefined ? {} : { cell }),
    V,
    E: V,
    H,
    L,
    T,
    B,
    lr: LR,
    ...(slow === undefined ? {} : { warmupT: 2 }),
  };
  const shape: NetworkShape = {
    vocabSize: V,
    embeddingSize: s.E,
    hiddenSize: H,
    numLayers: L,
    ...(cell === undefined ? {} : { cell }),
  };
  const forward = recurrentForwardFlops(cell ?? 'lstm', T, B, stack(s.E, H, L));
  return {
    id,
    group: id,
    what: `train ${cell === undefined ? '' : 'GRU '}LM V${V}, ${L}×${H}, T${T}, B${B}`,
    flopsPerOp: 3 * forward + 3 * T * 2 * B * H * V,
    yields: [
      { unit: 'steps/s', perOp: 1 },
      { unit: 'chars/s', perOp: B * T },
    ],
    ...(slow === undefined ? {} : { slow }),
    shape: s,
    create(k) {
      const rng = new Rng(SEED);
      const arena = new ParamArena(k, LMNetwork.paramSpecs(shape));
      const net = new LMNetwork(k, arena, shape);
      net.init(rng, 'pytorch');
      const opt = createOptimizer(k, arena, { name: 'adam' });
      const ids = randomIds(rng, T * B, V);
      const targets = randomIds(rng, T * B, V);
      const step = (t: number): void => {
        arena.zeroGrads();
        const { logits } = net.forward(ids.subarray(0, t * B), t, B, null, null);
        const loss = net.loss(targets.subarray(0, t * B), logits);
        if (!Number.isFinite(loss)) throw new Error(`${id}: the loss is ${loss}.`);
        net.backward();
        opt.step(s.lr);
      };
      // the warm-up of the slow configuration runs warmupT time steps: same code, same matrix widths
      const warmT = s.warmupT;
      return warmT === undefined
        ? { run: () => step(T) }
        : { run: () => step(T), warmup: () => step(warmT), warmupShare: warmT / T };
    },
  };
}

/** C3: generation, batch 1: forward one token through the network, softmax, sample; N times. */
function lmGenerate(): BenchConfig {
  const V = 65;
  const H = 512;
  const L = 2;
  const N = 500;
  const s: LmGenerateShape = { kind: 'lm-generate', V, E: V, H, L, N };
  const shape: NetworkShape = { vocabSize: V, embeddingSize: s.E, hiddenSize: H, numLayers: L };
  return {
    id: 'C3',
    group: 'C3',
    what: `generate LM V${V}, ${L}×${H}, B1, ${N} tokens`,
    flopsPerOp: lstmForwardFlops(N, 1, stack(s.E, H, L)) + N * 2 * H * V,
    yields: [{ unit: 'tokens/s', perOp: N }],
    shape: s,
    create(k) {
      const rng = new Rng(SEED);
      const arena = new ParamArena(k, LMNetwork.paramSpecs(shape));
      const net = new LMNetwork(k, arena, shape);
      net.init(rng, 'pytorch');
      const h = k.alloc(L * H);
      const c = k.alloc(L * H);
      const probs = k.alloc(V);
      const ids = new Int32Array(1);
      const sampling = { temperature: 1, topK: 0, topP: 1 };
      return {
        run() {
          h.fill(0);
          c.fill(0);
          ids[0] = 0;
          for (let i = 0; i < N; i++) {
            const { logits, hN, cN } = net.forward(ids, 1, 1, h, c);
            h.set(hN);
            c.set(cN!);
            k.softmaxRow(V, logits, 1, probs);
            ids[0] = sampleIndex(probs, sampling, rng, -1);
          }
        },
      };
    },
  };
}

/** C4: inference, forward only through one LSTM layer. */
function lstmInfer(): BenchConfig {
  const [D, H, T, B] = [64, 256, 100, 32];
  return {
    id: 'C4',
    group: 'C4',
    what: `infer LSTM 1×${H}, I${D}, T${T}, B${B}`,
    flopsPerOp: lstmForwardFlops(T, B, [[D, H]]),
    yields: [{ unit: 'seq/s', perOp: B }],
    shape: { kind: 'lstm-infer', D, H, T, B } satisfies LstmInferShape,
    create(k) {
      const rng = new Rng(SEED);
      const opts = { inputSize: D, hiddenSize: H, numLayers: 1 };
      const arena = new ParamArena(k, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
      const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
      lstm.init(rng, 'pytorch');
      const x = randomFloats(k, rng, T * B * D);
      return { run: () => void lstm.forward(x, T, B, null, null) };
    },
  };
}

/**
 * C5: a forecaster's training step: LSTM (1 feature → H), Linear H → 1 on the last step's output,
 * MSE = mean over B of (pred − target)², backward with dy nonzero only at the last step, Adam.
 */
function seriesTrain(): BenchConfig {
  const [D, H, T, B] = [1, 64, 50, 32];
  return {
    id: 'C5',
    group: 'C5',
    what: `train LSTM 1×${H}, I${D}, T${T}, B${B}, dense→1, MSE`,
    flopsPerOp: 3 * lstmForwardFlops(T, B, [[D, H]]) + 3 * 2 * B * H,
    yields: [{ unit: 'steps/s', perOp: 1 }],
    shape: { kind: 'series-train', D, H, T, B, lr: LR } satisfies SeriesTrainShape,
    create(k) {
      const rng = new Rng(SEED);
      const opts = { inputSize: D, hiddenSize: H, numLayers: 1 };
      const arena = new ParamArena(k, [
        ...Recurrent.paramSpecs({ kind: 'lstm', ...opts }),
        ...Linear.paramSpecs('head.', H, 1),
      ]);
      const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
      const head = new Linear(k, arena, 'head.', H, 1);
      lstm.init(rng, 'pytorch');
      head.init(rng);
      const opt = createOptimizer(k, arena, { name: 'adam' });
      const x = randomFloats(k, rng, T * B * D);
      const target = randomFloats(k, rng, B);
      const dPred = k.alloc(B);
      const dy = k.alloc(T * B * H);
      const lastStep = (T - 1) * B * H;
      return {
        run() {
          arena.zeroGrads();
          const { y } = lstm.forward(x, T, B, null, null);
          const pred = head.forward(y.subarray(lastStep), B); // (B, 1)
          let loss = 0;
          for (let b = 0; b < B; b++) {
            const e = (pred[b] as number) - (target[b] as number);
            loss += e * e;
            dPred[b] = (2 * e) / B;
          }
          if (!Number.isFinite(loss)) throw new Error(`C5: the loss is ${loss / B}.`);
          dy.fill(0);
          dy.set(head.backward(dPred), lastStep);
          lstm.backward(dy, null, null);
          opt.step(LR);
        },
      };
    },
  };
}

/**
 * C7: one training step of a text classifier on sequences of different lengths, through the
 * classify command's path: SequenceClassifier.gradients (embedding → bidirectional Recurrent with
 * the batch's lengths → max pooling over each sequence's own steps → Linear → softmax
 * cross-entropy, backward into the arena), then Adam on its arena. Throughput counts the real
 * tokens, not the padding.
 */
function classifierTrain(): BenchConfig {
  const [V, E, H, L, K, B] = [65, 65, 128, 1, 2, 32];
  const lengthRng = new Rng(SEED);
  const lengths = Array.from({ length: B }, () => 20 + lengthRng.int(181)); // uniform in [20, 200]
  const tokens = lengths.reduce((sum, n) => sum + n, 0);
  const s: ClassifierTrainShape = { kind: 'classifier-train', V, E, H, L, K, B, lengths, lr: LR };
  const forward = 2 * recurrentForwardFlops('lstm', 1, tokens, stack(E, H, L, 2)); // both directions
  return {
    id: 'C7',
    group: 'C7',
    what: `train classifier V${V}, bi-LSTM ${L}×${H}, lengths 20–200, B${B}, max pool, K${K}`,
    flopsPerOp: 3 * forward + 3 * 2 * B * 2 * H * K,
    yields: [
      { unit: 'tokens/s', perOp: tokens },
      { unit: 'steps/s', perOp: 1 },
    ],
    shape: s,
    create(k) {
      const rng = new Rng(SEED);
      const classifier = new SequenceClassifier({
        classes: Array.from({ length: K }, (_, i) => `class ${i}`),
        vocabSize: V,
        embeddingSize: E,
        hiddenSize: H,
        numLayers: L,
        bidirectional: true,
        pooling: 'max',
        seed: SEED,
        kernels: k,
      });
      const opt = createOptimizer(k, classifier.arena, { name: 'adam' });
      const batch = {
        inputs: lengths.map((n) => randomIds(rng, n, V)),
        labels: randomIds(rng, B, K),
      };
      return {
        run() {
          const loss = classifier.gradients(batch); // zeroes the gradients first
          if (!Number.isFinite(loss)) throw new Error(`C7: the loss is ${loss}.`);
          opt.step(LR);
        },
      };
    },
  };
}

type Variant = { name: string; transA: boolean; transB: boolean };
const VARIANTS: Variant[] = [
  { name: 'A·B', transA: false, transB: false },
  { name: 'A·Bᵀ', transA: false, transB: true },
  { name: 'Aᵀ·B', transA: true, transB: false },
];

/** GEMM: C (n, n) = op(A) · op(B), beta 0, every operand square and contiguous. */
function gemm(v: Variant, n: number): BenchConfig {
  return {
    id: `GEMM ${v.name} ${n}`,
    group: 'GEMM',
    what: `C = ${v.name}, ${n}×${n}×${n}`,
    flopsPerOp: gemmFlops(n, n, n),
    yields: [{ unit: 'products/s', perOp: 1 }],
    shape: { kind: 'gemm', n, transA: v.transA, transB: v.transB } satisfies GemmShape,
    create(k) {
      const rng = new Rng(SEED);
      const A = randomFloats(k, rng, n * n);
      const Bm = randomFloats(k, rng, n * n);
      const C = k.alloc(n * n);
      return { run: () => k.gemm(v.transA, v.transB, n, n, n, A, n, Bm, n, C, n, 0) };
    },
  };
}

export const CONFIGS: readonly BenchConfig[] = [
  lmTrain('C1', 128, 50, 50),
  lmTrain('C2', 512, 100, 64, { slow: { reps: 5, quickReps: 1, maxSeconds: 120 } }),
  lmGenerate(),
  lstmInfer(),
  seriesTrain(),
  lmTrain('C6', 256, 100, 32, { cell: 'gru' }),
  classifierTrain(),
  ...[256, 512, 1024].flatMap((n) => VARIANTS.map((v) => gemm(v, n))),
];

export const GROUPS: readonly string[] = [...new Set(CONFIGS.map((c) => c.group))];
