/**
 * The non-recurrent ONNX operators the importer runs: the heads around a recurrent stack
 * (Gather as an embedding, MatMul / Gemm / Add as a dense layer, Softmax) and the shape plumbing
 * that exporters such as torch.onnx put around them (Shape, Constant, ConstantOfShape, Slice,
 * Concat, Reshape, Transpose, Squeeze, Unsqueeze, Cast …). Inference only; numpy broadcasting
 * for the elementwise ones; the matrix products on the kernels.
 */
import type { Kernels } from '../../kernels/index.js';
import { logSoftmaxInto, softmaxInto } from '../../loss/softmax.js';
import type { OnnxNode } from './node.js';
import { DATA_TYPE } from './proto.js';
import { type OnnxTensor, floatTensor, intTensor, sizeOf } from './tensor.js';

export interface OpContext {
  k: Kernels;
  /** The model's opset for the default domain (several operators changed their inputs at 13). */
  opset: number;
}

export type Op = (ctx: OpContext, node: OnnxNode, inputs: (OnnxTensor | undefined)[]) => OnnxTensor[];

function need(node: OnnxNode, inputs: (OnnxTensor | undefined)[], i: number): OnnxTensor {
  const t = inputs[i];
  if (t === undefined) throw node.error(`input ${i} is required.`);
  return t;
}

function axisOf(node: OnnxNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) throw node.error(`axis ${axis} is outside a rank-${rank} tensor.`);
  return a;
}

/** Elements of one computed tensor at most (2^27: 1 GB as float64), checked before it is allocated. */
const MAX_ELEMENTS = 2 ** 27;

/** Dims read from a tensor's values (a shape): non-negative integers whose product is bounded. */
function shapeFromValues(node: OnnxNode, values: ArrayLike<number>): number[] {
  const dims = Array.from(values);
  if (!dims.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(dims) > MAX_ELEMENTS) {
    throw node.error(
      `the shape [${dims.slice(0, 8).join(', ')}] is not one of non-negative integers of at most 2^27 elements.`,
    );
  }
  return dims;
}

/** Refuse an output of more than MAX_ELEMENTS elements before it is allocated. */
function bounded(node: OnnxNode, n: number, dims: readonly number[]): void {
  if (!(n <= MAX_ELEMENTS)) {
    throw node.error(
      `its output [${dims.slice(0, 8).join(', ')}] would hold ${n} elements; at most 2^27 are computed.`,
    );
  }
}

function like(t: OnnxTensor, dims: number[], data: ArrayLike<number>): OnnxTensor {
  return t.kind === 'float' ? floatTensor(dims, data) : intTensor(dims, data);
}

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = (s[i + 1] as number) * (dims[i + 1] as number);
  return s;
}

/** numpy broadcasting of two shapes. */
function broadcastDims(node: OnnxNode, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const dims = Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw node.error(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast.`);
    }
    return Math.max(x, y);
  });
  bounded(node, sizeOf(dims), dims);
  return dims;
}

/** For each element of `out` dims, the flat index into a tensor of `dims` broadcast to it. */
function broadcastIndices(dims: readonly number[], out: readonly number[]): Int32Array {
  const rank = out.length;
  const full = Array.from({ length: rank }, (_, i) => dims[dims.length - rank + i] ?? 1);
  const inStrides = stridesOf(full).map((s, i) => (full[i] === 1 ? 0 : s));
  const n = sizeOf(out);
  const idx = new Int32Array(n);
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d] = (counter[d] as number) + 1;
      offset += inStrides[d] as number;
      if ((counter[d] as number) < (out[d] as number)) break;
      offset -= (inStrides[d] as number) * (out[d] as number);
      counter[d] = 0;
    }
  }
  return idx;
}

/** For each element of an output of `dims` (row-major), base + Σ_d index_d · strides_d. */
function strided(dims: readonly number[], base: number, strides: readonly number[]): Int32Array {
  const n = sizeOf(dims);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let offset = base;
    for (let d = dims.length - 1; d >= 0; d--) {
      offset += (rest % (dims[d] as number)) * (strides[d] as number);
      rest = Math.floor(rest / (dims[d] as number));
    }
    out[i] = offset;
  }
  return out;
}

function elementwise(f: (x: number, y: number) => number, intF?: (x: number, y: number) => number): Op {
  return (_ctx, node, inputs) => {
    const a = need(node, inputs, 0);
    const b = need(node, inputs, 1);
    const dims = broadcastDims(node, a.dims, b.dims);
    const ia = broadcastIndices(a.dims, dims);
    const ib = broadcastIndices(b.dims, dims);
    const isInt = a.kind === 'int' && b.kind === 'int';
    const g = isInt && intF !== undefined ? intF : f;
    const out = Array.from(ia, (i, n) => g(a.data[i] as number, b.data[ib[n] as number] as number));
    return [isInt ? intTensor(dims, out) : floatTensor(dims, out)];
  };
}

function unary(f: (x: number) => number): Op {
  return (_ctx, node, inputs) => {
    const x = need(node, inputs, 0);
    return [floatTensor(x.dims, Array.from(x.data, f))];
  };
}

/** (outer, n, inner) view: softmax (or log-softmax) along the middle axis. */
function softmaxOp(log: boolean): Op {
  return (ctx, node, inputs) => {
    const x = need(node, inputs, 0);
    const rank = x.dims.length;
    const axis = axisOf(node, node.int('axis') ?? (ctx.opset >= 13 ? -1 : 1), rank);
    // before opset 13 the input is read as 2-D: (dims before axis, dims from axis on)
    const n = ctx.opset >= 13 ? (x.dims[axis] as number) : sizeOf(x.dims.slice(axis));
    const inner = ctx.opset >= 13 ? sizeOf(x.dims.slice(axis + 1)) : 1;
    const outer = x.data.length / (n * inner);
    const out = new Float32Array(x.data.length);
    const row = new Float64Array(n); // one (strided) row along the axis, gathered
    const result = new Float64Array(n);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const at = (j: number): number => (o * n + j) * inner + i;
        for (let j = 0; j < n; j++) row[j] = x.data[at(j)] as number;
        (log ? logSoftmaxInto : softmaxInto)(row, 0, n, result);
        for (let j = 0; j < n; j++) out[at(j)] = result[j] as number;
      }
    return [floatTensor(x.dims, out)];
  };
}

/** C (M, N) = op(A) · op(B) on the kernels; A and B are copied into the backend's memory. */
function product(
  k: Kernels,
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): Float32Array {
  const A = k.alloc(M * K);
  A.set(a);
  const B = k.alloc(K * N);
  B.set(b);
  const C = k.alloc(M * N);
  k.gemm(transA, transB, M, N, K, A, transA ? M : K, B, transB ? K : N, C, N, 0);
  return Float32Array.from(C);
}

const matMul: Op = (ctx, node, inputs) => {
  const a = need(node, inputs, 0);
  const b = need(node, inputs, 1);
  const aDims = a.dims.length === 1 ? [1, a.dims[0] as number] : a.dims;
  const bDims = b.dims.length === 1 ? [b.dims[0] as number, 1] : b.dims;
  const [M, K] = aDims.slice(-2) as [number, number];
  const [K2, N] = bDims.slice(-2) as [number, number];
  if (K !== K2) throw node.error(`cannot multiply [${a.dims.join(', ')}] by [${b.dims.join(', ')}].`);
  const batch = broadcastDims(node, aDims.slice(0, -2), bDims.slice(0, -2));
  const ia = broadcastIndices(aDims.slice(0, -2), batch);
  const ib = broadcastIndices(bDims.slice(0, -2), batch);
  bounded(node, sizeOf(batch) * M * N, [...batch, M, N]);
  const out = new Float32Array(sizeOf(batch) * M * N);
  ia.forEach((ai, n) => {
    const bi = ib[n] as number;
    const block = product(
      ctx.k,
      false,
      false,
      M,
      N,
      K,
      a.data.subarray(ai * M * K, (ai + 1) * M * K),
      b.data.subarray(bi * K * N, (bi + 1) * K * N),
    );
    out.set(block, n * M * N);
  });
  const dims = [...batch, ...(a.dims.length === 1 ? [] : [M]), ...(b.dims.length === 1 ? [] : [N])];
  return [floatTensor(dims, out)];
};

const gemm: Op = (ctx, node, inputs) => {
  const a = need(node, inputs, 0);
  const b = need(node, inputs, 1);
  const transA = (node.int('transA') ?? 0) !== 0;
  const transB = (node.int('transB') ?? 0) !== 0;
  const alpha = node.float('alpha') ?? 1;
  const beta = node.float('beta') ?? 1;
  if (a.dims.length !== 2 || b.dims.length !== 2) throw node.error('inputs A and B must be matrices.');
  const [M, K] = transA ? [a.dims[1] as number, a.dims[0] as number] : (a.dims as [number, number]);
  const [K2, N] = transB ? [b.dims[1] as number, b.dims[0] as number] : (b.dims as [number, number]);
  if (K !== K2) throw node.error(`op(A) is (${M}, ${K}) but op(B) is (${K2}, ${N}).`);
  bounded(node, M * N, [M, N]);
  const y = product(ctx.k, transA, transB, M, N, K, a.data, b.data);
  const c = inputs[2];
  const ic = c === undefined ? undefined : broadcastIndices(c.dims, [M, N]);
  for (let i = 0; i < y.length; i++) {
    y[i] =
      alpha * (y[i] as number) + (c === undefined ? 0 : beta * (c.data[(ic as Int32Array)[i] as number] as number));
  }
  return [floatTensor([M, N], y)];
};

/** Axes from the attribute (before opset 13) or the second input (from 13). */
function axesOf(ctx: OpContext, node: OnnxNode, inputs: (OnnxTensor | undefined)[]): number[] | undefined {
  if (ctx.opset < 13 || node.has('axes')) return node.ints('axes');
  const t = inputs[1];
  return t === undefined ? undefined : Array.from(t.data);
}

const squeeze: Op = (ctx, node, inputs) => {
  const x = need(node, inputs, 0);
  const axes = axesOf(ctx, node, inputs)?.map((a) => axisOf(node, a, x.dims.length));
  for (const a of axes ?? []) if (x.dims[a] !== 1) throw node.error(`axis ${a} has size ${x.dims[a]}, not 1.`);
  const dims = x.dims.filter((d, i) => (axes === undefined ? d !== 1 : !axes.includes(i)));
  return [like(x, dims, x.data)];
};

const unsqueeze: Op = (ctx, node, inputs) => {
  const x = need(node, inputs, 0);
  const axes = axesOf(ctx, node, inputs);
  if (axes === undefined) throw node.error('axes are required.');
  const rank = x.dims.length + axes.length;
  const at = axes.map((a) => axisOf(node, a, rank));
  if (new Set(at).size !== at.length) throw node.error(`axes [${axes.slice(0, 8).join(', ')}] repeat an axis.`);
  const dims: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) dims.push(at.includes(i) ? 1 : (x.dims[next++] as number));
  return [like(x, dims, x.data)];
};

const reshape: Op = (_ctx, node, inputs) => {
  const x = need(node, inputs, 0);
  const allowZero = (node.int('allowzero') ?? 0) !== 0;
  const shape = Array.from(need(node, inputs, 1).data, (d, i) => (d === 0 && !allowZero ? (x.dims[i] as number) : d));
  if (!shape.every((d) => Number.isInteger(d) && d >= -1)) {
    throw node.error(`cannot reshape [${x.dims.join(', ')}] to [${shape.slice(0, 8).join(', ')}].`);
  }
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const dims = shape.map((d) => (d === -1 ? x.data.length / known : d));
  if (sizeOf(dims) !== x.data.length || shape.filter((d) => d === -1).length > 1) {
    throw node.error(`cannot reshape [${x.dims.join(', ')}] to [${shape.join(', ')}].`);
  }
  return [like(x, dims, x.data)];
};

const transposeOp: Op = (_ctx, node, inputs) => {
  const x = need(node, inputs, 0);
  const rank = x.dims.length;
  const perm = node.ints('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw node.error(`perm [${perm.slice(0, 8).join(', ')}] is not a permutation of a rank-${rank} tensor's axes.`);
  }
  const dims = perm.map((p) => x.dims[p] as number);
  const inStrides = stridesOf(x.dims);
  const src = strided(
    dims,
    0,
    perm.map((p) => inStrides[p] as number),
  );
  return [
    like(
      x,
      dims,
      Array.from(src, (i) => x.data[i] as number),
    ),
  ];
};

const concat: Op = (_ctx, node, inputs) => {
  const parts = inputs.filter((t): t is OnnxTensor => t !== undefined);
  const first = parts[0];
  if (first === undefined) throw node.error('needs at least one input.');
  const axis = axisOf(node, node.int('axis') ?? 0, first.dims.length);
  for (const p of parts) {
    if (p.dims.length !== first.dims.length || p.dims.some((d, i) => i !== axis && d !== first.dims[i])) {
      throw node.error(`cannot join [${p.dims.join(', ')}] to [${first.dims.join(', ')}] along axis ${axis}.`);
    }
  }
  const outer = sizeOf(first.dims.slice(0, axis));
  const inner = sizeOf(first.dims.slice(axis + 1));
  const total = parts.reduce((s, p) => s + (p.dims[axis] as number), 0);
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const p of parts) {
      const n = (p.dims[axis] as number) * inner;
      for (let i = 0; i < n; i++) out.push(p.data[o * n + i] as number);
    }
  const dims = first.dims.map((d, i) => (i === axis ? total : d));
  return [like(first, dims, out)];
};

const slice: Op = (ctx, node, inputs) => {
  const x = need(node, inputs, 0);
  const rank = x.dims.length;
  const list = (i: number, attr: string): number[] | undefined =>
    ctx.opset < 10 ? node.ints(attr) : inputs[i] === undefined ? undefined : Array.from((inputs[i] as OnnxTensor).data);
  const starts = list(1, 'starts') ?? [];
  const ends = list(2, 'ends') ?? [];
  const axes = (list(3, 'axes') ?? starts.map((_, i) => i)).map((a) => axisOf(node, a, rank));
  const steps = list(4, 'steps') ?? starts.map(() => 1);
  const lists = [starts, ends, axes, steps];
  if (!lists.every((l) => l.length === starts.length && l.every((v) => Number.isInteger(v)))) {
    throw node.error('starts, ends, axes and steps must be integer lists of one length.');
  }
  const begin = x.dims.map(() => 0);
  const step = x.dims.map(() => 1);
  const dims = [...x.dims];
  axes.forEach((a, i) => {
    const n = x.dims[a] as number;
    const s = steps[i] as number;
    if (s === 0) throw node.error('a step of 0 is not allowed.');
    const clampTo = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const b = s > 0 ? clampTo(starts[i] as number, 0, n) : clampTo(starts[i] as number, -1, n - 1);
    const e = s > 0 ? clampTo(ends[i] as number, 0, n) : clampTo(ends[i] as number, -1, n - 1);
    begin[a] = b;
    step[a] = s;
    dims[a] = Math.max(0, Math.ceil((e - b) / s));
  });
  const inStrides = stridesOf(x.dims);
  const first = begin.reduce((sum, b, d) => sum + b * (inStrides[d] as number), 0);
  const src = strided(
    dims,
    first,
    step.map((st, d) => st * (inStrides[d] as number)),
  );
  const out = Array.from(src, (i) => x.data[i] as number);
  return [like(x, dims, out)];
};

const gather: Op = (_ctx, node, inputs) => {
  const data = need(node, inputs, 0);
  const indices = need(node, inputs, 1);
  const axis = axisOf(node, node.int('axis') ?? 0, data.dims.length);
  const n = data.dims[axis] as number;
  const outer = sizeOf(data.dims.slice(0, axis));
  const inner = sizeOf(data.dims.slice(axis + 1));
  bounded(node, outer * indices.data.length * inner, [
    ...data.dims.slice(0, axis),
    ...indices.dims,
    ...data.dims.slice(axis + 1),
  ]);
  const out = new Float64Array(outer * indices.data.length * inner);
  indices.data.forEach((raw, j) => {
    const i = raw < 0 ? raw + n : raw;
    if (!(Number.isInteger(i) && i >= 0 && i < n)) {
      throw node.error(`index ${raw} at position ${j} is outside [${-n}, ${n}) along axis ${axis}.`);
    }
    for (let o = 0; o < outer; o++) {
      const from = (o * n + i) * inner;
      out.set(data.data.subarray(from, from + inner), (o * indices.data.length + j) * inner);
    }
  });
  const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
  return [like(data, dims, out)];
};

const constant: Op = (_ctx, node) => {
  const t = node.tensor('value');
  if (t !== undefined) return [t];
  const f = node.float('value_float');
  if (f !== undefined) return [floatTensor([], [f])];
  const fs = node.floats('value_floats');
  if (fs !== undefined) return [floatTensor([fs.length], fs)];
  const i = node.int('value_int');
  if (i !== undefined) return [intTensor([], [i])];
  const is = node.ints('value_ints');
  if (is !== undefined) return [intTensor([is.length], is)];
  throw node.error('needs a value attribute (value, value_float(s) or value_int(s)).');
};

const cast: Op = (_ctx, node, inputs) => {
  const x = need(node, inputs, 0);
  const to = node.int('to');
  if (to === DATA_TYPE.FLOAT || to === DATA_TYPE.DOUBLE) return [floatTensor(x.dims, x.data)];
  if (to === DATA_TYPE.INT32 || to === DATA_TYPE.INT64) return [intTensor(x.dims, Array.from(x.data, Math.trunc))];
  throw node.error(`casting to data type ${to} is not supported (float, double, int32, int64 are).`);
};

export const OPS: Record<string, Op> = {
  Add: elementwise((x, y) => x + y),
  Sub: elementwise((x, y) => x - y),
  Mul: elementwise((x, y) => x * y),
  Div: elementwise(
    (x, y) => x / y,
    (x, y) => Math.trunc(x / y),
  ),
  Relu: unary((x) => (x > 0 ? x : 0)),
  Tanh: unary(Math.tanh),
  Sigmoid: unary((x) => 1 / (1 + Math.exp(-x))),
  Softmax: softmaxOp(false),
  LogSoftmax: softmaxOp(true),
  MatMul: matMul,
  Gemm: gemm,
  Gather: gather,
  Identity: (_ctx, node, inputs) => [need(node, inputs, 0)],
  Dropout: (_ctx, node, inputs) => [need(node, inputs, 0)], // inference: the identity
  Constant: constant,
  ConstantOfShape: (_ctx, node, inputs) => {
    const dims = shapeFromValues(node, need(node, inputs, 0).data);
    const v = node.tensor('value') ?? floatTensor([1], [0]);
    return [like(v, dims, new Float64Array(sizeOf(dims)).fill(v.data[0] as number))];
  },
  Shape: (_ctx, node, inputs) => {
    const dims = need(node, inputs, 0).dims;
    const start = node.int('start') ?? 0;
    const end = node.int('end') ?? dims.length;
    const picked = dims.slice(start < 0 ? start + dims.length : start, end < 0 ? end + dims.length : end);
    return [intTensor([picked.length], picked)];
  },
  Cast: cast,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Reshape: reshape,
  Flatten: (_ctx, node, inputs) => {
    const x = need(node, inputs, 0);
    const axis = node.int('axis') ?? 1;
    const a = axis < 0 ? axis + x.dims.length : axis;
    return [like(x, [sizeOf(x.dims.slice(0, a)), sizeOf(x.dims.slice(a))], x.data)];
  },
  Transpose: transposeOp,
  Concat: concat,
  Slice: slice,
};
