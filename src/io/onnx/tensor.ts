/**
 * Tensors as the ONNX importer and exporter hold them, and their TensorProto form. Two element
 * kinds cover the models here: 'float' (ONNX float and double, held as Float32Array) and 'int'
 * (ONNX int32 and int64: token ids, shapes, axes, lengths; held as Float64Array, exact to 2^53).
 * Row-major, `dims` as ONNX writes them.
 */
import { ModelFileError } from '../../errors.js';
import { DATA_TYPE, type TensorProto } from './proto.js';

export type ElementKind = 'float' | 'int';

export interface OnnxTensor {
  kind: ElementKind;
  dims: number[];
  data: Float32Array | Float64Array;
}

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function floatTensor(dims: number[], data: ArrayLike<number>): OnnxTensor {
  return { kind: 'float', dims, data: Float32Array.from(data) };
}

export function intTensor(dims: number[], data: ArrayLike<number>): OnnxTensor {
  return { kind: 'int', dims, data: Float64Array.from(data) };
}

const NAMES: Record<number, string> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'double',
  16: 'bfloat16',
};

export function dataTypeName(t: number | undefined): string {
  return NAMES[t ?? 0] ?? `data type ${t ?? 0}`;
}

/** Elements of one tensor at most: 2^31 (its data must be in the file, so a real one is far smaller). */
const MAX_ELEMENTS = 2 ** 31;

/** Little-endian raw bytes as numbers of one element type. */
function fromRaw(raw: Uint8Array, type: number, n: number, where: string): Float32Array | Float64Array {
  const width = type === DATA_TYPE.FLOAT || type === DATA_TYPE.INT32 ? 4 : 8;
  if (raw.length !== n * width) {
    throw new ModelFileError(
      where,
      `raw_data holds ${raw.length} bytes; its dims need ${n} × ${width} = ${n * width}.`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (type === DATA_TYPE.FLOAT) return Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true));
  if (type === DATA_TYPE.DOUBLE) return Float32Array.from({ length: n }, (_, i) => view.getFloat64(8 * i, true));
  if (type === DATA_TYPE.INT32) return Float64Array.from({ length: n }, (_, i) => view.getInt32(4 * i, true));
  return Float64Array.from({ length: n }, (_, i) => Number(view.getBigInt64(8 * i, true)));
}

/** A TensorProto (an initializer, a Constant's value, a test's input) as an OnnxTensor. */
export function readTensor(t: TensorProto, what = `tensor '${t.name ?? ''}'`): OnnxTensor {
  const where = `ONNX ${what}`;
  const type = t.data_type ?? 0;
  const dims = (t.dims ?? []).map(Number);
  if (!dims.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_ELEMENTS)) {
    throw new ModelFileError(where, `its dims [${dims.slice(0, 8).join(', ')}] must be non-negative integers.`);
  }
  const n = sizeOf(dims);
  if (n > MAX_ELEMENTS) {
    throw new ModelFileError(
      where,
      `its dims [${dims.slice(0, 8).join(', ')}] make ${n} elements; at most 2^31 are read.`,
    );
  }
  if (t.data_location === 1 || (t.external_data?.length ?? 0) > 0) {
    throw new ModelFileError(where, 'its data is stored in an external file, which this reader does not follow.');
  }
  const kind: ElementKind | undefined =
    type === DATA_TYPE.FLOAT || type === DATA_TYPE.DOUBLE
      ? 'float'
      : type === DATA_TYPE.INT32 || type === DATA_TYPE.INT64
        ? 'int'
        : undefined;
  if (kind === undefined) {
    throw new ModelFileError(
      where,
      `its element type is ${dataTypeName(type)}; expected float, double, int32 or int64.`,
    );
  }
  let data: Float32Array | Float64Array;
  if (t.raw_data !== undefined && t.raw_data.length > 0) data = fromRaw(t.raw_data, type, n, where);
  else {
    const list =
      type === DATA_TYPE.FLOAT
        ? t.float_data
        : type === DATA_TYPE.DOUBLE
          ? t.double_data
          : type === DATA_TYPE.INT32
            ? t.int32_data
            : t.int64_data;
    const values = list ?? [];
    if (values.length !== n) {
      throw new ModelFileError(where, `it holds ${values.length} values; its dims [${dims.join(', ')}] need ${n}.`);
    }
    data = kind === 'float' ? Float32Array.from(values) : Float64Array.from(values);
  }
  return { kind, dims, data };
}

/** An OnnxTensor as a TensorProto: floats as float32, ints as int64, both in raw_data. */
export function writeTensor(name: string, t: OnnxTensor): TensorProto {
  const n = t.data.length;
  const raw = new Uint8Array(n * (t.kind === 'float' ? 4 : 8));
  const view = new DataView(raw.buffer);
  for (let i = 0; i < n; i++) {
    if (t.kind === 'float') view.setFloat32(4 * i, t.data[i] as number, true);
    else view.setBigInt64(8 * i, BigInt(t.data[i] as number), true);
  }
  return { name, dims: t.dims, data_type: t.kind === 'float' ? DATA_TYPE.FLOAT : DATA_TYPE.INT64, raw_data: raw };
}

/** Refuse a float tensor holding NaN or ±Infinity (a stored weight: damaged, or saved after divergence). */
export function checkFinite(t: OnnxTensor, where: string): OnnxTensor {
  if (t.kind !== 'float') return t;
  const bad = t.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new ModelFileError(
      `ONNX ${where}`,
      `it holds ${t.data[bad]} at index ${bad}; stored weights must be finite numbers.`,
    );
  }
  return t;
}
