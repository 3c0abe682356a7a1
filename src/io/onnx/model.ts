/**
 * An imported ONNX model, run on the engine: `OnnxModel.fromBytes(bytes).run({ X: … })`. The
 * graph may use the recurrent operators (LSTM, GRU, RNN, with every attribute) and the operators
 * of src/io/onnx/ops.ts; anything else is refused when the model is read, all unsupported
 * operators named at once. Inference only.
 */
import { ModelFileError, ShapeError } from '../../errors.js';
import { defaultKernels, type Kernels } from '../../kernels/index.js';
import type { CellKind } from '../../nn/cell-config.js';
import { OnnxNode } from './node.js';
import { OPS, type OpContext } from './ops.js';
import { DATA_TYPE, type ModelProto, type ValueInfoProto, decodeOnnxModel } from './proto.js';
import { type RecurrentOp, recurrentOp } from './recurrent-op.js';
import { checkFinite, type ElementKind, type OnnxTensor, dataTypeName, readTensor, sizeOf } from './tensor.js';

const RECURRENT: Record<string, CellKind> = { LSTM: 'lstm', GRU: 'gru', RNN: 'rnn' };
export const SUPPORTED_OPS = [...Object.keys(RECURRENT), ...Object.keys(OPS)].sort();

/** A graph input or output: name, element kind and dims (a string for a named free dim). */
export interface OnnxValueInfo {
  name: string;
  kind: ElementKind;
  dims: (number | string | null)[];
}

/** What `run` accepts for an input: an OnnxTensor, or plain data with dims (kind from the graph). */
export type OnnxFeed = OnnxTensor | { data: ArrayLike<number>; dims: number[] };

function valueInfo(v: ValueInfoProto): OnnxValueInfo {
  const t = v.type?.tensor_type;
  const type = t?.elem_type ?? DATA_TYPE.FLOAT;
  const name = v.name ?? '';
  if (![DATA_TYPE.FLOAT, DATA_TYPE.DOUBLE, DATA_TYPE.INT32, DATA_TYPE.INT64].includes(type as 1)) {
    throw new ModelFileError(
      `ONNX graph value '${name}'`,
      `its element type is ${dataTypeName(type)}; expected float or int.`,
    );
  }
  const kind: ElementKind = type === DATA_TYPE.FLOAT || type === DATA_TYPE.DOUBLE ? 'float' : 'int';
  const dims = (t?.shape?.dim ?? []).map((d) =>
    d.dim_value !== undefined
      ? Number(d.dim_value)
      : d.dim_param !== undefined && d.dim_param !== ''
        ? d.dim_param
        : null,
  );
  return { name, kind, dims };
}

export class OnnxModel {
  readonly inputs: OnnxValueInfo[];
  readonly outputs: OnnxValueInfo[];
  /** The opset of ONNX's default domain the model was written for. */
  readonly opset: number;
  readonly producer: string;
  readonly metadata: Record<string, string>;
  private readonly nodes: OnnxNode[];
  private readonly constants = new Map<string, OnnxTensor>();
  private readonly recurrent = new Map<OnnxNode, RecurrentOp>();
  private readonly ctx: OpContext;

  static fromBytes(bytes: Uint8Array, kernels: Kernels = defaultKernels()): OnnxModel {
    return new OnnxModel(decodeOnnxModel(bytes), kernels);
  }

  constructor(proto: ModelProto, kernels: Kernels = defaultKernels()) {
    const graph = proto.graph;
    if (graph === undefined || (graph.node ?? []).length === 0) {
      throw new ModelFileError('ONNX model', 'it has no graph (or an empty one).', 'is this an .onnx model file?');
    }
    const opset = (proto.opset_import ?? []).find(
      (o) => o.domain === undefined || o.domain === '' || o.domain === 'ai.onnx',
    );
    this.opset = Number(opset?.version ?? 1);
    this.producer = [proto.producer_name, proto.producer_version].filter((s) => s).join(' ');
    this.metadata = Object.fromEntries((proto.metadata_props ?? []).map((p) => [p.key ?? '', p.value ?? '']));
    this.ctx = { k: kernels, opset: this.opset };
    for (const t of graph.initializer ?? [])
      this.constants.set(
        t.name ?? '',
        checkFinite(readTensor(t, `initializer '${t.name ?? ''}'`), `initializer '${t.name ?? ''}'`),
      );
    // before IR version 4, initializers are listed among the inputs too
    this.inputs = (graph.input ?? []).filter((v) => !this.constants.has(v.name ?? '')).map(valueInfo);
    this.outputs = (graph.output ?? []).map(valueInfo);
    this.nodes = (graph.node ?? []).map((n, i) => new OnnxNode(n, i));

    const unsupported = [...new Set(this.nodes.map((n) => n.op).filter((op) => !SUPPORTED_OPS.includes(op)))];
    if (unsupported.length > 0) {
      throw new ModelFileError(
        'ONNX model',
        `it uses operators this importer does not run: ${unsupported.join(', ')}.`,
        `supported: ${SUPPORTED_OPS.join(', ')}.`,
      );
    }
    const known = new Set([...this.constants.keys(), ...this.inputs.map((v) => v.name)]);
    for (const node of this.nodes) {
      for (const name of node.inputs) {
        if (name !== undefined && !known.has(name)) {
          throw node.error(`its input '${name}' is not a graph input, an initializer or an earlier node's output.`);
        }
      }
      for (const name of node.outputs) if (name !== undefined) known.add(name);
      if (node.op === 'Constant') {
        const [value] = (OPS['Constant'] as NonNullable<(typeof OPS)['Constant']>)(this.ctx, node, []);
        if (node.outputs[0] !== undefined && value !== undefined) this.constants.set(node.outputs[0], value);
      }
      const kind = RECURRENT[node.op];
      if (kind !== undefined) {
        const constantInputs = node.inputs.map((n) => (n === undefined ? undefined : this.constants.get(n)));
        this.recurrent.set(node, recurrentOp(kernels, node, kind, constantInputs));
      }
    }
    for (const v of this.outputs) {
      if (!known.has(v.name)) throw new ModelFileError('ONNX model', `graph output '${v.name}' is never computed.`);
    }
  }

  /** Run the graph on the given inputs; returns every graph output by name. */
  run(feeds: Record<string, OnnxFeed>): Record<string, OnnxTensor> {
    const values = new Map(this.constants);
    for (const info of this.inputs) values.set(info.name, this.feed(info, feeds[info.name]));
    for (const extra of Object.keys(feeds)) {
      if (!this.inputs.some((v) => v.name === extra)) {
        throw new ShapeError(
          'OnnxModel.run',
          `'${extra}' is not an input of this model; its inputs are ${this.inputs.map((v) => v.name).join(', ')}.`,
        );
      }
    }
    for (const node of this.nodes) {
      if (node.op === 'Constant') continue;
      const inputs = node.inputs.map((n) => (n === undefined ? undefined : values.get(n)));
      const rec = this.recurrent.get(node);
      const outs =
        rec !== undefined
          ? rec.run(inputs)
          : (OPS[node.op] as NonNullable<(typeof OPS)[string]>)(this.ctx, node, inputs);
      node.outputs.forEach((name, i) => {
        const value = outs[i];
        if (name !== undefined && value !== undefined) values.set(name, value);
      });
    }
    return Object.fromEntries(this.outputs.map((v) => [v.name, values.get(v.name) as OnnxTensor]));
  }

  private feed(info: OnnxValueInfo, given: OnnxFeed | undefined): OnnxTensor {
    const where = 'OnnxModel.run';
    if (given === undefined) {
      throw new ShapeError(
        where,
        `input '${info.name}' is missing; the model's inputs are ${this.inputs.map((v) => v.name).join(', ')}.`,
      );
    }
    const dims = [...given.dims];
    const declared = info.dims.map((d) => (typeof d === 'number' ? String(d) : (d ?? '?'))).join(', ');
    const fits =
      info.dims.length === 0 ||
      (dims.length === info.dims.length && info.dims.every((d, i) => typeof d !== 'number' || d === dims[i]));
    if (!fits)
      throw new ShapeError(
        where,
        `input '${info.name}' has shape [${dims.join(', ')}]; the model declares [${declared}].`,
      );
    if (sizeOf(dims) !== given.data.length) {
      throw new ShapeError(
        where,
        `input '${info.name}' has ${given.data.length} values; shape [${dims.join(', ')}] needs ${sizeOf(dims)}.`,
      );
    }
    const data = info.kind === 'float' ? Float32Array.from(given.data) : Float64Array.from(given.data);
    return { kind: info.kind, dims, data };
  }
}
