/**
 * The check after an ONNX export: run the source model and the exported graph (read back by
 * OnnxModel) on the same small random batch and report the largest difference of their outputs.
 * `lstm convert` refuses an export that does not reproduce its source.
 */
import type { LanguageModel } from '../../models/language-model.js';
import type { SequentialModel } from '../../models/sequential.js';
import { swapLeadingAxes } from '../../nn/sequence-order.js';
import { Rng } from '../../rng.js';
import type { TorchRecurrent } from '../pytorch-recurrent.js';
import { type OnnxFeed, OnnxModel } from './model.js';

/** A model that exports to ONNX, by kind (exportLanguageModelOnnx, exportRecurrentOnnx, exportSequentialOnnx). */
export type OnnxExportSource =
  | { kind: 'language-model'; model: LanguageModel }
  | { kind: 'torch-recurrent'; model: TorchRecurrent }
  | { kind: 'sequential'; model: SequentialModel };

export interface VerifyOnnxExportOptions {
  /** Time steps of the random batch (default 5). */
  steps?: number;
  /** Sequences in the random batch (default 2). */
  batch?: number;
  /** Seed of the random inputs (default 7). */
  seed?: number;
}

/**
 * The largest absolute difference between the source's outputs and the exported graph's on one
 * random batch (Infinity when their sizes differ): the language model's next-character
 * probabilities (T, B, V), the recurrent stack's output, the Sequential model's output.
 */
export function verifyOnnxExport(
  source: OnnxExportSource,
  exported: Uint8Array | OnnxModel,
  opts: VerifyOnnxExportOptions = {},
): number {
  const onnx = exported instanceof OnnxModel ? exported : OnnxModel.fromBytes(exported);
  const T = opts.steps ?? 5;
  const B = opts.batch ?? 2;
  const rng = new Rng(opts.seed ?? 7);
  if (source.kind === 'language-model') return languageModelDifference(source.model, onnx, T, B);
  if (source.kind === 'torch-recurrent') return recurrentDifference(source.model, onnx, T, B, rng);
  return sequentialDifference(source.model, onnx, T, B, rng);
}

/** Ids (T, B) and zero states into both; the softmax of the model's logits against the graph's probs. */
function languageModelDifference(model: LanguageModel, onnx: OnnxModel, T: number, B: number): number {
  const V = model.shape.vocabSize;
  const ids = Int32Array.from({ length: T * B }, (_, i) => (i * 5) % V);
  const k = model.kernels;
  const stack = model.network.recurrent;
  const [L, H] = [stack.numLayers, stack.hiddenSize];
  const sizes = model.network.stateSizes(B);
  const { logits } = model.network.forward(ids, T, B, k.alloc(sizes.h), sizes.c === 0 ? null : k.alloc(sizes.c));
  const probs = k.alloc(T * B * V); // kernel memory: the fast kernels refuse arrays from elsewhere
  for (let r = 0; r < T * B; r++)
    k.softmaxRow(V, logits.subarray(r * V, (r + 1) * V), 1, probs.subarray(r * V, (r + 1) * V));
  const zeros = { dims: [L, B, H], data: new Float32Array(L * B * H) };
  const out = onnx.run({
    ids: { dims: [T, B], data: ids },
    h0: zeros,
    ...(stack.kind === 'lstm' ? { c0: zeros } : {}),
  });
  return maxDifference(out['probs']?.data ?? [], probs);
}

/** Uniform input (T, B, D) (batch-first when the stack is) and zero states; the outputs compared time-major. */
function recurrentDifference(source: TorchRecurrent, onnx: OnnxModel, T: number, B: number, rng: Rng): number {
  const net = source.net;
  const D = net.inputSize;
  const N = net.numLayers * net.dirs;
  const x = uniform(rng, T * B * D);
  const xk = net.kernels.alloc(x.length);
  xk.set(x);
  const y = net.forward(xk, T, B).y;
  const zeros = { dims: [N, B, net.hiddenSize], data: new Float32Array(N * B * net.hiddenSize) };
  const feeds: Record<string, OnnxFeed> = {
    input: { dims: [T, B, D], data: x },
    h0: zeros,
    ...(net.kind === 'lstm' ? { c0: zeros } : {}),
    ...(onnx.inputs.some((v) => v.name === 'lengths')
      ? { lengths: { dims: [B], data: new Array<number>(B).fill(T) } }
      : {}),
  };
  if (source.args.batch_first !== true) return maxDifference(onnx.run(feeds)['output']?.data ?? [], y);
  const batchFirst = new Float32Array(x.length);
  swapLeadingAxes(x, T, B, D, batchFirst);
  feeds['input'] = { dims: [B, T, D], data: batchFirst };
  const out = onnx.run(feeds)['output']?.data ?? new Float32Array(0);
  const timeMajor = new Float32Array(out.length);
  swapLeadingAxes(out, B, T, net.outputSize, timeMajor);
  return maxDifference(timeMajor, y);
}

/** Token ids (B, T) for an embedding model, else uniform features (B, T, D); the outputs compared. */
function sequentialDifference(model: SequentialModel, onnx: OnnxModel, T: number, B: number, rng: Rng): number {
  const plan = model.plan;
  const n = B * T * plan.inputFeatures;
  const first = plan.layers[0];
  const input =
    plan.tokens && first?.type === 'embedding'
      ? Array.from({ length: n }, (_, i) => (i * 3) % first.inputDim)
      : Array.from(uniform(rng, n));
  const ours = model.predict(input, B, T);
  const dims = plan.tokens ? [B, T] : [B, T, plan.inputFeatures];
  const name = onnx.inputs[0]?.name ?? 'input';
  return maxDifference(onnx.run({ [name]: { dims, data: input } })['output']?.data ?? [], ours);
}

function uniform(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

/** max |a − b| over the elements; Infinity when the lengths differ. */
function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
