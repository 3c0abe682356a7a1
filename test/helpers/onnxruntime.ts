/**
 * Running an .onnx model in onnxruntime, as a reference: onnxruntime-node (native, loaded through
 * require: the package ships no ESM type declarations) or onnxruntime-web (its WebAssembly build,
 * which runs in Node too). Both take the same feeds and give outputs as plain dims and numbers.
 */
import { createRequire } from 'node:module';

export interface OrtFeed {
  kind: 'float' | 'int' | 'int64';
  dims: number[];
  data: ArrayLike<number>;
}
export interface OrtOutput {
  dims: number[];
  data: Float32Array;
}

/** The part of onnxruntime's API used here (the same in -node and -web). */
interface OrtTensor {
  dims: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array;
}
interface Ort {
  Tensor: new (type: string, data: Float32Array | Int32Array | BigInt64Array, dims: number[]) => OrtTensor;
  InferenceSession: {
    create(bytes: Uint8Array): Promise<{ run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> }>;
  };
  env?: { wasm: { numThreads: number } };
}

async function runWith(
  ort: Ort,
  bytes: Uint8Array,
  feeds: Record<string, OrtFeed>,
): Promise<Record<string, OrtOutput>> {
  const session = await ort.InferenceSession.create(bytes);
  const tensors: Record<string, OrtTensor> = {};
  for (const [name, f] of Object.entries(feeds)) {
    tensors[name] =
      f.kind === 'float'
        ? new ort.Tensor('float32', Float32Array.from(f.data), f.dims)
        : f.kind === 'int'
          ? new ort.Tensor('int32', Int32Array.from(f.data), f.dims)
          : new ort.Tensor('int64', BigInt64Array.from(Array.from(f.data, (v) => BigInt(v))), f.dims);
  }
  const out = await session.run(tensors);
  return Object.fromEntries(
    Object.entries(out).map(([name, t]) => [
      name,
      { dims: [...t.dims], data: Float32Array.from(t.data as Float32Array) },
    ]),
  );
}

export function runOnnxruntimeNode(
  bytes: Uint8Array,
  feeds: Record<string, OrtFeed>,
): Promise<Record<string, OrtOutput>> {
  return runWith(createRequire(import.meta.url)('onnxruntime-node') as Ort, bytes, feeds);
}

export async function runOnnxruntimeWeb(
  bytes: Uint8Array,
  feeds: Record<string, OrtFeed>,
): Promise<Record<string, OrtOutput>> {
  const ort = (await import('onnxruntime-web')) as unknown as Ort;
  if (ort.env !== undefined) ort.env.wasm.numThreads = 1;
  return runWith(ort, bytes, feeds);
}
