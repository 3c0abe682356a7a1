/**
 * The suite's configurations written as a TensorFlow.js user would write them: tf.layers models,
 * training steps by optimizer.minimize with tf.train.adam, inference by model.predict / apply, and
 * tf.matMul for the products. Batch-major (B, T, ·), as tf.layers expects.
 *
 * The character models take one-hot input (B, T, V) instead of an embedding: the configurations
 * have E = V, so the first LSTM layer has the same width, and tfjs-backend-wasm has no kernel for
 * the embedding's gradient (UnsortedSegmentSum). Weights start uniform in ±1/√fan-in (PyTorch's
 * initialisation, as this library's workloads), data from the same seeded Rng.
 *
 * The cpu and wasm backends compute each op when it is called, so a workload is done when its
 * function returns; outputs are disposed unread, except the training loss (read and checked, as
 * this library's workloads do) and the generation's probabilities (needed to sample).
 */
import type { Optimizer, Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { LSTMLayerArgs, RNN, Sequential } from '@tensorflow/tfjs-layers';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers.js';
import { sampleIndex } from '../../src/models/sampling.js';
import { Rng } from '../../src/rng.js';
import type { Workload } from '../harness.js';
import type { LmGenerateShape, LmTrainShape, LstmInferShape, SeriesTrainShape, Shape } from '../shapes.js';
import type { Tfjs } from './tfjs-load.js';

const SEED = 1234;

/**
 * Why no TensorFlow.js workload is written for a configuration (the GRU LM, C6, and the
 * variable-length classifier, C7), or null when one is.
 */
export function tfjsMissing(shape: Shape): string | null {
  const written = shape.kind !== 'classifier-train' && !(shape.kind === 'lm-train' && shape.cell !== undefined);
  return written ? null : NOT_WRITTEN;
}

const NOT_WRITTEN = 'no TensorFlow.js workload is written for it (the LSTM models and GEMM only)';

/** The workload of one configuration; its tensors belong to the caller's scope. */
export function tfjsWorkload(t: Tfjs, shape: Shape): Workload {
  if (tfjsMissing(shape) !== null) throw new Error(NOT_WRITTEN);
  switch (shape.kind) {
    case 'classifier-train':
      throw new Error(NOT_WRITTEN);
    case 'lm-train':
      return lmTrain(t, shape);
    case 'lm-generate':
      return lmGenerate(t, shape);
    case 'lstm-infer':
      return lstmInfer(t, shape);
    case 'series-train':
      return seriesTrain(t, shape);
    case 'gemm': {
      const { tf } = t;
      const rng = new Rng(SEED);
      const a = tf.tensor2d(uniforms(rng, shape.n * shape.n), [shape.n, shape.n]);
      const b = tf.tensor2d(uniforms(rng, shape.n * shape.n), [shape.n, shape.n]);
      return { run: () => tf.tidy(() => void tf.matMul(a, b, shape.transA, shape.transB)) };
    }
  }
}

function uniforms(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

function ids(rng: Rng, n: number, V: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(V);
  return a;
}

/** Seeds of the weight initialisers: one each, so that no two weights are copies. */
let nextSeed = SEED;

/** PyTorch's initialisation: uniform in ±1/√fanIn. */
function uniformInit(t: Tfjs, fanIn: number): Initializer {
  const k = 1 / Math.sqrt(fanIn);
  return t.tfl.initializers.randomUniform({ minval: -k, maxval: k, seed: nextSeed++ });
}

/** An LSTM layer, PyTorch's initialisation for its three weights; every step's output by default. */
function lstmLayer(t: Tfjs, H: number, args: Partial<LSTMLayerArgs>): RNN {
  return t.tfl.layers.lstm({
    units: H,
    returnSequences: true,
    kernelInitializer: uniformInit(t, H),
    recurrentInitializer: uniformInit(t, H),
    biasInitializer: uniformInit(t, H),
    ...args,
  });
}

/** A dense layer H → units, PyTorch's initialisation. */
function denseLayer(
  t: Tfjs,
  H: number,
  units: number,
  activation?: 'softmax',
): ReturnType<Tfjs['tfl']['layers']['dense']> {
  const init = { kernelInitializer: uniformInit(t, H), biasInitializer: uniformInit(t, H) };
  return t.tfl.layers.dense({ units, ...init, ...(activation === undefined ? {} : { activation }) });
}

/** The character LM: LSTM L × H over one-hot (B, T, V) → dense V (logits). */
function charModel(t: Tfjs, s: { V: number; E: number; H: number; L: number }, stateful: boolean): Sequential {
  if (s.E !== s.V) throw new Error(`one-hot input needs E = V (E ${s.E}, V ${s.V})`);
  const model = t.tfl.sequential();
  const input = stateful ? { batchInputShape: [1, 1, s.V] } : { inputShape: [null, s.V] };
  for (let l = 0; l < s.L; l++) model.add(lstmLayer(t, s.H, { stateful, ...(l === 0 ? input : {}) }));
  model.add(denseLayer(t, s.H, s.V, stateful ? 'softmax' : undefined));
  return model;
}

/** A training step by optimizer.minimize, the loss read back and checked. */
function minimizeStep(opt: Optimizer, loss: () => Tensor): void {
  const cost = opt.minimize(() => loss() as Scalar, true);
  if (cost === null) throw new Error('optimizer.minimize returned no cost');
  const value = cost.dataSync()[0];
  cost.dispose();
  if (value === undefined || !Number.isFinite(value)) throw new Error(`the loss is ${value}`);
}

/** C1, C2: one-hot ids and targets (B, T) → logits (B, T, V), softmax cross-entropy, Adam. */
function lmTrain(t: Tfjs, s: LmTrainShape): Workload {
  const { tf } = t;
  const rng = new Rng(SEED);
  const model = charModel(t, s, false);
  const opt = tf.train.adam(s.lr);
  const x = tf.tensor2d(ids(rng, s.B * s.T, s.V), [s.B, s.T], 'int32');
  const y = tf.tensor2d(ids(rng, s.B * s.T, s.V), [s.B, s.T], 'int32');
  const step = (T: number): void =>
    tf.tidy(() => {
      const xs = tf.oneHot(T === s.T ? x : tf.slice(x, [0, 0], [s.B, T]), s.V, 1, 0, 'float32');
      const ys = tf.oneHot(T === s.T ? y : tf.slice(y, [0, 0], [s.B, T]), s.V, 1, 0, 'float32');
      minimizeStep(opt, () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as Tensor));
    });
  const warmT = s.warmupT;
  return warmT === undefined
    ? { run: () => step(s.T) }
    : { run: () => step(s.T), warmup: () => step(warmT), warmupShare: warmT / s.T };
}

/**
 * C3: a stateful model at batch 1 (batchInputShape [1, 1, V]); each token is one model.apply (what
 * model.predict calls, less its batching; it carries the LSTM state the same way), probabilities
 * read back and sampled in JavaScript with this library's sampler.
 */
function lmGenerate(t: Tfjs, s: LmGenerateShape): Workload {
  const { tf } = t;
  const rng = new Rng(SEED);
  const model = charModel(t, s, true);
  const sampling = { temperature: 1, topK: 0, topP: 1 };
  return {
    run() {
      model.resetStates();
      let token = 0;
      for (let i = 0; i < s.N; i++) {
        const p = tf.tidy(
          () => model.apply(tf.oneHot(tf.tensor2d([[token]], [1, 1], 'int32'), s.V, 1, 0, 'float32')) as Tensor,
        );
        const probs = p.dataSync() as Float32Array;
        p.dispose();
        token = sampleIndex(probs, sampling, rng, -1);
      }
    },
  };
}

/** C4: model.predict of one LSTM layer over (B, T, D), every step's output. */
function lstmInfer(t: Tfjs, s: LstmInferShape): Workload {
  const { tf } = t;
  const model = t.tfl.sequential({ layers: [lstmLayer(t, s.H, { inputShape: [s.T, s.D] })] });
  const x = tf.tensor3d(uniforms(new Rng(SEED), s.B * s.T * s.D), [s.B, s.T, s.D]);
  return { run: () => tf.tidy(() => void model.predict(x, { batchSize: s.B })) };
}

/** C5: LSTM (B, T, D) → its last step's output → dense 1, MSE, Adam. */
function seriesTrain(t: Tfjs, s: SeriesTrainShape): Workload {
  const { tf, tfl } = t;
  const rng = new Rng(SEED);
  const model = tfl.sequential();
  model.add(lstmLayer(t, s.H, { returnSequences: false, inputShape: [s.T, s.D] }));
  model.add(denseLayer(t, s.H, 1));
  const opt = tf.train.adam(s.lr);
  const x = tf.tensor3d(uniforms(rng, s.B * s.T * s.D), [s.B, s.T, s.D]);
  const target = tf.tensor2d(uniforms(rng, s.B), [s.B, 1]);
  const step = (): void =>
    tf.tidy(() =>
      minimizeStep(opt, () => tf.losses.meanSquaredError(target, model.apply(x, { training: true }) as Tensor)),
    );
  return { run: step };
}
