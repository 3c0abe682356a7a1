/**
 * Malformed ONNX files (issue 17): every one ends in a ModelFileError (or another of the
 * project's errors) that says what is wrong, never a TypeError, a RangeError, a hang or a huge
 * allocation; weights that disagree with their attributes are refused, not believed. Then a
 * seeded loop damages the ONNX fixtures (bytes flipped, overwritten, cut, duplicated, inserted,
 * truncated; and decoded fields changed) and runs each through the reader, the graph and the
 * ONNX → PyTorch conversion.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LstmError, ModelFileError } from '../../src/errors.js';
import { OnnxModel, type OnnxFeed } from '../../src/io/onnx/model.js';
import {
  type AttributeProto,
  decodeOnnxModel,
  encodeOnnxModel,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../../src/io/onnx/proto.js';
import { torchRecurrentFromOnnx } from '../../src/io/onnx/to-torch.js';
import { RefKernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';
import { mutateBytes } from './interchange-mutations.js';

const CLASSIFIER = readFileSync('test/fixtures/torch_lstm_classifier.onnx');
const cases = JSON.parse(readFileSync('test/fixtures/onnx_cases.json', 'utf8')) as {
  spec: { model: string }[];
  attributes: { model: string }[];
};
const FIXTURES: Uint8Array[] = [
  CLASSIFIER,
  readFileSync('test/fixtures/torch_gru_tagger.onnx'),
  readFileSync('test/fixtures/onnx_lstm_peephole_clip.onnx'),
  ...[...cases.spec, ...cases.attributes].map((c) => Buffer.from(c.model, 'base64')),
];

/** The classifier fixture with each LSTM node changed by `change`. */
function classifierWith(change: (node: NodeProto) => void): Uint8Array {
  const proto = decodeOnnxModel(CLASSIFIER);
  for (const node of proto.graph?.node ?? []) if (node.op_type === 'LSTM') change(node);
  return encodeOnnxModel(proto);
}

function setHiddenSize(node: NodeProto, size: number): void {
  const attribute = (node.attribute ?? []).find((a) => a.name === 'hidden_size');
  assert.ok(attribute !== undefined);
  attribute.i = size;
}

/** Both readers (the graph and ONNX → PyTorch) refuse `bytes` with a ModelFileError matching `pattern`. */
function assertBothRefuse(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => OnnxModel.fromBytes(bytes, new RefKernels('float32')),
    (e: unknown) => {
      assert.ok(e instanceof ModelFileError, String(e));
      assert.match(e.message, pattern);
      return true;
    },
  );
  assert.throws(
    () => torchRecurrentFromOnnx(decodeOnnxModel(bytes)),
    (e: unknown) => {
      assert.ok(e instanceof ModelFileError, String(e));
      assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('ONNX reader: malformed models (issue 17)', () => {
  it('an LSTM node with no inputs', () => {
    assertBothRefuse(
      classifierWith((n) => (n.input = [])),
      /LSTM '\/lstm\/LSTM': inputs W and R are required/,
    );
  });

  it('a hidden_size that disagrees with the weights is refused, not believed', () => {
    assertBothRefuse(
      classifierWith((n) => setHiddenSize(n, 4)),
      /its hidden_size is 4, but input R is \[2, 20, 5\] \(hidden size 5\)/,
    );
  });

  it('hidden_size 100,000 with small weights is refused before anything is allocated', () => {
    const started = Date.now();
    assertBothRefuse(
      classifierWith((n) => setHiddenSize(n, 100_000)),
      /its hidden_size is 100000, but input R is \[2, 20, 5\]/,
    );
    assert.ok(Date.now() - started < 2000);
  });

  it('a non-finite weight', () => {
    const proto = decodeOnnxModel(CLASSIFIER);
    const w = proto.graph?.initializer?.find((t) => t.name === 'onnx::LSTM_356');
    assert.ok(w?.raw_data !== undefined);
    w.raw_data = new Uint8Array(new Float32Array(w.raw_data.length / 4).fill(NaN).buffer);
    assertBothRefuse(encodeOnnxModel(proto), /holds NaN at index 0/);
  });

  it('a NaN float attribute (activation_alpha) is refused, not run into NaN outputs', () => {
    const proto = decodeOnnxModel(Buffer.from(cases.attributes[0]?.model ?? '', 'base64'));
    const alpha = proto.graph?.node?.[0]?.attribute?.find((a) => a.name === 'activation_alpha');
    assert.ok(alpha !== undefined);
    alpha.floats = [NaN, NaN, NaN];
    assert.throws(() => new OnnxModel(proto), /attribute 'activation_alpha' holds NaN; expected finite numbers/);
  });

  it('negative dims whose product still matches the data', () => {
    const proto = decodeOnnxModel(CLASSIFIER);
    const w = proto.graph?.initializer?.find((t) => t.name === 'head.bias');
    assert.ok(w !== undefined);
    w.dims = [-2, -2];
    assert.throws(() => new OnnxModel(proto), /its dims \[-2, -2\] must be non-negative integers/);
  });

  it('a corrupt length, an over-long varint and unbounded nesting are refused by the wire check', () => {
    // field 7 (graph), length-delimited, claiming 2^40 bytes
    const hugeLength = Uint8Array.from([0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1, 2, 3]);
    assert.throws(() => decodeOnnxModel(hugeLength), /the field at byte 0 claims 1099511627776 bytes; only 3 remain/);
    const longVarint = Uint8Array.from([0x08, ...new Array<number>(11).fill(0xff), 0x01]);
    assert.throws(() => decodeOnnxModel(longVarint), /the varint at byte 1 is longer than 10 bytes/);
    // model → graph → node → attribute → graph → node → … 200 levels deep
    let inner: Uint8Array = new Uint8Array(0);
    const wrap = (field: number, body: Uint8Array): Uint8Array => {
      const length: number[] = [];
      for (let n = body.length; ; n >>>= 7) {
        length.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
        if (n < 0x80) break;
      }
      return Uint8Array.from([(field << 3) | 2, ...length, ...body]);
    };
    for (let level = 0; level < 200; level++) inner = wrap(1, wrap(5, wrap(6, inner))); // node.attribute.g
    const deep = wrap(7, inner);
    assert.throws(
      () => decodeOnnxModel(deep),
      (e: unknown) => {
        assert.ok(e instanceof ModelFileError);
        assert.match(e.message, /nested more than 64 deep/);
        return true;
      },
    );
    assert.throws(() => decodeOnnxModel(CLASSIFIER.subarray(0, 100)), ModelFileError);
  });
});

/** Every input of the model with its free dims at 2 (ints 0, floats 0.5); undefined when too large to feed. */
function feedsFor(model: OnnxModel): Record<string, OnnxFeed> | undefined {
  const feeds: Record<string, OnnxFeed> = {};
  for (const v of model.inputs) {
    const dims = v.dims.map((d) => (typeof d === 'number' ? d : 2));
    const n = dims.reduce((a, b) => a * b, 1);
    if (!(n <= 1e5) || dims.some((d) => d < 0)) return undefined;
    feeds[v.name] = { dims, data: new Array<number>(n).fill(v.kind === 'int' ? 0 : 0.5) };
  }
  return feeds;
}

/** Run `read`: 'ok', or 'refused' for a project error; anything else throws. */
function outcome(read: () => void): 'ok' | 'refused' {
  try {
    read();
    return 'ok';
  } catch (e) {
    if (e instanceof LstmError) return 'refused';
    throw e;
  }
}

/**
 * One file through both readers, each on its own: decoded, built and run as a graph; decoded and
 * converted to a PyTorch state_dict. Counts each reader's outcome.
 */
function tryModel(bytes: Uint8Array, counts: { ok: number; refused: number }): void {
  counts[
    outcome(() => {
      const model = new OnnxModel(decodeOnnxModel(bytes), new RefKernels('float32'));
      const feeds = feedsFor(model);
      if (feeds !== undefined) model.run(feeds);
    })
  ]++;
  counts[outcome(() => torchRecurrentFromOnnx(decodeOnnxModel(bytes)))]++;
}

const EDGE_VALUES = [0, 1, -1, 2, 3, 7, 100_000, 2 ** 31, 2 ** 40, -5];

/** Change one decoded field: a node's inputs, an attribute, a tensor's dims, type or values, a declared shape. */
function mutateProto(proto: ModelProto, rng: Rng): void {
  const pick = <T>(list: readonly T[]): T => list[rng.int(list.length)] as T;
  const graph = proto.graph ?? {};
  const node = pick<NodeProto | undefined>(graph.node ?? []);
  const tensor = pick<TensorProto | undefined>(graph.initializer ?? []);
  const what = rng.int(7);
  if (what === 0 && node !== undefined)
    node.input = (node.input ?? []).slice(0, rng.int((node.input?.length ?? 0) + 1));
  else if (what === 1 && node !== undefined && (node.input?.length ?? 0) > 0) {
    (node.input as string[])[rng.int(node.input?.length ?? 1)] = pick(['', 'nowhere', ...(node.output ?? [])]);
  } else if (what === 2 && node !== undefined) {
    const a = pick<AttributeProto | undefined>(node.attribute ?? []);
    const value = pick(EDGE_VALUES);
    if (a === undefined) node.attribute = [{ name: 'hidden_size', type: 2, i: value }];
    else if (a.i !== undefined) a.i = value;
    else if (a.ints !== undefined) a.ints[rng.int(a.ints.length || 1)] = value;
    else a.type = pick([0, 1, 2, 3, 7, 99]);
  } else if (what === 3 && tensor?.dims !== undefined && tensor.dims.length > 0) {
    tensor.dims[rng.int(tensor.dims.length)] = pick(EDGE_VALUES);
  } else if (what === 4 && tensor !== undefined) tensor.data_type = pick([1, 6, 7, 11, 10, 0, 99]);
  else if (what === 5 && node !== undefined) {
    node.op_type = pick([
      'LSTM',
      'GRU',
      'RNN',
      'Gemm',
      'MatMul',
      'Reshape',
      'Slice',
      'Gather',
      'ConstantOfShape',
      'Concat',
    ]);
  } else if (tensor?.raw_data !== undefined && tensor.raw_data.length % 4 === 0 && tensor.raw_data.length > 0) {
    const values = new Float32Array(Uint8Array.from(tensor.raw_data).buffer);
    values[rng.int(values.length)] = pick([NaN, Infinity, 1e30, 0]);
    tensor.raw_data = new Uint8Array(values.buffer);
  }
}

describe('ONNX reader: seeded damage to the fixtures (issue 17)', () => {
  it('300 byte-level mutations: each is read (run as a graph, converted to PyTorch), or refused with a project error', (t) => {
    const rng = new Rng(17);
    const counts = { ok: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const { bytes } = mutateBytes(FIXTURES[rng.int(FIXTURES.length)] as Uint8Array, rng);
      tryModel(bytes, counts);
    }
    t.diagnostic(
      `300 byte mutations, two readers each: ${counts.ok} read, ${counts.refused} refused with a project error`,
    );
    assert.equal(counts.ok + counts.refused, 600);
  });

  it('300 field-level mutations: each is read (run as a graph, converted to PyTorch), or refused with a project error', (t) => {
    const rng = new Rng(18);
    const counts = { ok: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const proto = decodeOnnxModel(FIXTURES[rng.int(FIXTURES.length)] as Uint8Array);
      for (let m = 1 + rng.int(3); m > 0; m--) mutateProto(proto, rng);
      tryModel(encodeOnnxModel(proto), counts);
    }
    t.diagnostic(
      `300 field mutations, two readers each: ${counts.ok} read, ${counts.refused} refused with a project error`,
    );
    assert.equal(counts.ok + counts.refused, 600);
  });
});
