/**
 * A graph node as the importer reads it: operator, inputs and outputs (an empty name, or a
 * missing trailing one, is an omitted optional input: undefined here), and typed attribute
 * readers that complain in the node's own terms.
 */
import { ModelFileError } from '../../errors.js';
import { ATTRIBUTE_TYPE, type AttributeProto, type NodeProto } from './proto.js';
import { type OnnxTensor, readTensor } from './tensor.js';

const decoder = new TextDecoder();

export class OnnxNode {
  readonly op: string;
  readonly name: string;
  /** Input names; undefined where an optional input is omitted. */
  readonly inputs: (string | undefined)[];
  readonly outputs: (string | undefined)[];
  private readonly attributes = new Map<string, AttributeProto>();

  constructor(proto: NodeProto, index: number) {
    this.op = proto.op_type ?? '';
    this.name = proto.name !== undefined && proto.name !== '' ? proto.name : `#${index}`;
    this.inputs = (proto.input ?? []).map((s) => (s === '' ? undefined : s));
    this.outputs = (proto.output ?? []).map((s) => (s === '' ? undefined : s));
    for (const a of proto.attribute ?? []) this.attributes.set(a.name ?? '', a);
    if (proto.domain !== undefined && proto.domain !== '' && proto.domain !== 'ai.onnx') {
      throw this.error(`its domain is '${proto.domain}'; only ONNX's default domain is supported.`);
    }
  }

  /** An error about this node, naming it. */
  error(problem: string): ModelFileError {
    return new ModelFileError(`ONNX node ${this.op} '${this.name}'`, problem);
  }

  has(name: string): boolean {
    return this.attributes.has(name);
  }

  private typed(name: string, type: number, typeName: string): AttributeProto | undefined {
    const a = this.attributes.get(name);
    if (a === undefined) return undefined;
    // files written before IR version 3 may leave the type out; trust the field then
    if (a.type !== undefined && a.type !== 0 && a.type !== type) {
      throw this.error(`attribute '${name}' should be ${typeName}; its type code is ${a.type}.`);
    }
    return a;
  }

  /** A float attribute; NaN and ±Infinity are refused (no attribute read here means them). */
  float(name: string): number | undefined {
    const a = this.typed(name, ATTRIBUTE_TYPE.FLOAT, 'a float');
    return a === undefined ? undefined : this.finite(name, [a.f ?? 0])[0];
  }
  int(name: string): number | undefined {
    const a = this.typed(name, ATTRIBUTE_TYPE.INT, 'an int');
    return a === undefined ? undefined : Number(a.i ?? 0);
  }
  string(name: string): string | undefined {
    const a = this.typed(name, ATTRIBUTE_TYPE.STRING, 'a string');
    return a === undefined ? undefined : decoder.decode(a.s ?? new Uint8Array(0));
  }
  floats(name: string): number[] | undefined {
    const a = this.typed(name, ATTRIBUTE_TYPE.FLOATS, 'a list of floats');
    return a === undefined ? undefined : this.finite(name, a.floats ?? []);
  }

  private finite(name: string, values: number[]): number[] {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw this.error(`attribute '${name}' holds ${values[bad]}; expected finite numbers.`);
    return values;
  }
  ints(name: string): number[] | undefined {
    const a = this.typed(name, ATTRIBUTE_TYPE.INTS, 'a list of ints');
    return a === undefined ? undefined : (a.ints ?? []).map(Number);
  }
  strings(name: string): string[] | undefined {
    const a = this.typed(name, ATTRIBUTE_TYPE.STRINGS, 'a list of strings');
    return a === undefined ? undefined : (a.strings ?? []).map((s) => decoder.decode(s));
  }
  tensor(name: string): OnnxTensor | undefined {
    const a = this.typed(name, ATTRIBUTE_TYPE.TENSOR, 'a tensor');
    return a?.t === undefined ? undefined : readTensor(a.t, `attribute '${name}' of node '${this.name}'`);
  }
}
