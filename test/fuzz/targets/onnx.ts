/**
 * Mutated ONNX files (the committed fixtures, and the v0.1.0 language model exported by this
 * build): byte edits, and edits of the decoded protobuf (attributes, node inputs, op types,
 * initializer dims and values, graph input/output dims, whole parts dropped), read by
 * OnnxModel.fromBytes and, when they load, run once on a small batch.
 */
import { readFileSync } from 'node:fs';
import { decodeModelFile } from '../../../src/io/model-file.js';
import { exportLanguageModelOnnx } from '../../../src/io/onnx/export-sources.js';
import { OnnxModel } from '../../../src/io/onnx/model.js';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../../../src/io/onnx/proto.js';
import { defaultKernels } from '../../../src/kernels/index.js';
import type { Outcome } from '../outcome.js';
import { applyByteOp, isByteOp } from '../mutate.js';
import type { OnnxPlan, ProtoOp } from '../plans.js';

const FIXTURES = ['onnx_lstm_peephole_clip.onnx', 'torch_gru_tagger.onnx', 'torch_lstm_classifier.onnx'];

let bases: Uint8Array[] | undefined;

function baseFiles(): Uint8Array[] {
  if (bases === undefined) {
    bases = FIXTURES.map((f) => new Uint8Array(readFileSync(`test/fixtures/${f}`)));
    const lm = decodeModelFile(new Uint8Array(readFileSync('test/fixtures/lm-v0.1.0.lstm')), defaultKernels()).model;
    bases.push(exportLanguageModelOnnx(lm));
  }
  return bases;
}

const pick = <T>(xs: T[] | undefined, i: number): T | undefined =>
  xs === undefined || xs.length === 0 ? undefined : xs[i % xs.length];

/** The JSON texts of plans.ts as protobuf values: numbers stay (an int field gets a whole number), others become 0. */
function numberOf(json: string): number {
  const v = JSON.parse(json) as unknown;
  return typeof v === 'number' && Number.isFinite(v) ? v : Array.isArray(v) && typeof v[0] === 'number' ? v[0] : 0;
}

function applyProtoOp(m: ModelProto, op: ProtoOp): void {
  const g = m.graph;
  const node = (i: number): NodeProto | undefined => pick(g?.node, i);
  const init = (i: number): TensorProto | undefined => pick(g?.initializer, i);
  switch (op.op) {
    case 'attribute': {
      const a = pick(node(op.node)?.attribute, op.attribute);
      if (a === undefined) return;
      const v = numberOf(op.json);
      if (a.i !== undefined) a.i = Math.trunc(v);
      else if (a.f !== undefined) a.f = v;
      else if (a.ints !== undefined) a.ints = a.ints.map(() => Math.trunc(v));
      else if (a.floats !== undefined) a.floats = a.floats.map(() => v);
      else if (a.s !== undefined) a.s = new TextEncoder().encode(op.json);
      return;
    }
    case 'drop-input': {
      const n = node(op.node);
      if (n?.input !== undefined && n.input.length > 0) n.input.splice(op.input % n.input.length, 1);
      return;
    }
    case 'rename-input': {
      const n = node(op.node);
      if (n?.input !== undefined && n.input.length > 0) n.input[op.input % n.input.length] = op.name;
      return;
    }
    case 'op-type': {
      const n = node(op.node);
      if (n !== undefined) n.op_type = op.opType;
      return;
    }
    case 'dims': {
      const t = init(op.initializer);
      if (t?.dims !== undefined && t.dims.length > 0) t.dims[op.dim % t.dims.length] = Math.trunc(numberOf(op.json));
      return;
    }
    case 'weights': {
      const t = init(op.initializer);
      if (t === undefined) return;
      if (t.raw_data !== undefined && t.raw_data.length >= 4) {
        const raw = t.raw_data.slice();
        if (op.value === 'nan') raw.set([0, 0, 0xc0, 0x7f], 0);
        else if (op.value === 'inf') raw.set([0, 0, 0x80, 0x7f], 0);
        t.raw_data =
          op.value === 'truncate'
            ? raw.slice(0, raw.length - 4)
            : op.value === 'extend'
              ? Uint8Array.from([...raw, 0, 0, 0, 0])
              : raw;
      } else if (t.float_data !== undefined && t.float_data.length > 0) {
        if (op.value === 'nan') t.float_data[0] = Number.NaN;
        else if (op.value === 'inf') t.float_data[0] = Number.POSITIVE_INFINITY;
        else if (op.value === 'truncate') t.float_data.pop();
        else t.float_data.push(0);
      }
      return;
    }
    case 'graph-io': {
      const v = pick(op.which === 'input' ? g?.input : g?.output, op.index);
      const dims = v?.type?.tensor_type?.shape?.dim;
      if (dims !== undefined && dims.length > 0)
        dims[op.dim % dims.length] = { dim_value: Math.trunc(numberOf(op.json)) };
      return;
    }
    case 'drop': {
      if (op.what === 'graph') delete m.graph;
      else if (op.what === 'opset') delete m.opset_import;
      else if (g !== undefined) {
        const field = { nodes: 'node', initializers: 'initializer', inputs: 'input', outputs: 'output' }[
          op.what
        ] as 'node';
        delete g[field];
      }
    }
  }
}

/** A batch for each input: declared sizes kept, free ones 2; ints are token ids 1, floats a ramp. */
function feedsFor(model: OnnxModel): Record<string, { data: number[]; dims: number[] }> | undefined {
  const feeds: Record<string, { data: number[]; dims: number[] }> = {};
  for (const v of model.inputs) {
    const dims = v.dims.map((d) => (typeof d === 'number' ? d : 2));
    const size = dims.reduce((a, b) => a * b, 1);
    if (!(size >= 0 && size <= 1e6)) return undefined; // the graph declares a batch too big to feed here
    feeds[v.name] = { dims, data: Array.from({ length: size }, (_, i) => (v.kind === 'int' ? 1 : ((i % 7) - 3) / 4)) };
  }
  return feeds;
}

export function runOnnx(plan: OnnxPlan): Outcome {
  const all = baseFiles();
  let bytes = all[plan.base % all.length] as Uint8Array;
  for (const op of plan.ops) {
    if (isByteOp(op)) bytes = applyByteOp(bytes, op);
    else {
      let proto: ModelProto;
      try {
        proto = decodeOnnxModel(bytes);
      } catch {
        continue; // a byte edit made it unreadable: the edit of the structure has nothing to act on
      }
      applyProtoOp(proto, op);
      bytes = encodeOnnxModel(proto);
    }
  }
  const model = OnnxModel.fromBytes(bytes, defaultKernels());
  const feeds = feedsFor(model);
  if (feeds !== undefined) model.run(feeds);
  return { kind: 'ok' };
}
