/**
 * ONNX import (src/io/onnx/): models written by the official onnx package and by torch.onnx run
 * in OnnxModel on every backend and must give the reference outputs:
 * - the operator specification's own reference cases for LSTM, GRU and RNN (numpy reference,
 *   from onnx/backend/test/case/node; test/fixtures/make_onnx_cases.py);
 * - one-node models exercising every recurrent attribute, against onnxruntime-node (which refuses
 *   layout = 1: that case is compared with the same model rewritten to layout 0, inputs swapped);
 * - two models exported by torch.onnx (shape plumbing included), against PyTorch's outputs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { OnnxModel } from '../../src/io/onnx/model.js';
import { decodeOnnxModel, encodeOnnxModel } from '../../src/io/onnx/proto.js';
import type { OnnxTensor } from '../../src/io/onnx/tensor.js';
import { type Kernels, RefKernels } from '../../src/kernels/index.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';
import { type OrtFeed, runOnnxruntimeNode } from '../helpers/onnxruntime.js';

interface CaseTensor {
  dims: number[];
  kind: 'float' | 'int';
  data: number[];
}
interface Case {
  name: string;
  model: string;
  inputs: Record<string, CaseTensor>;
  outputs?: Record<string, CaseTensor>;
}

const cases = JSON.parse(readFileSync('test/fixtures/onnx_cases.json', 'utf8')) as { spec: Case[]; attributes: Case[] };

/** Largest difference, relative to the reference's largest magnitude (at least 1). */
function relDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length, 'length');
  let m = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    m = Math.max(m, Math.abs((got[i] as number) - (want[i] as number)));
    scale = Math.max(scale, Math.abs(want[i] as number));
  }
  return m / scale;
}

function assertClose(
  got: OnnxTensor | undefined,
  want: { dims: number[]; data: ArrayLike<number> },
  what: string,
): void {
  assert.ok(got !== undefined, `${what}: missing`);
  assert.deepEqual(got.dims, want.dims, `${what}: dims`);
  const d = relDiff(got.data, want.data);
  assert.ok(d < 1e-5, `${what}: differs by ${d}`);
}

const BACKENDS: { label: string; skip: string | undefined; make: () => Kernels }[] = [
  { label: 'js', skip: undefined, make: () => new RefKernels('float32') },
  ...FAST_BACKENDS.map((b) => ({ label: b.label, skip: b.skip, make: () => b.make(1) })),
];

/** (a, b, rest…) → (b, a, rest…) of a case tensor. */
function swapLeading(t: CaseTensor): CaseTensor {
  const [a, b, ...rest] = t.dims as [number, number, ...number[]];
  const inner = rest.reduce((x, y) => x * y, 1);
  const data = new Array<number>(t.data.length);
  for (let i = 0; i < a; i++)
    for (let j = 0; j < b; j++)
      for (let r = 0; r < inner; r++) data[(j * a + i) * inner + r] = t.data[(i * b + j) * inner + r] as number;
  return { kind: t.kind, dims: [b, a, ...rest], data };
}

/** A layout = 1 one-node model rewritten to layout 0: the attribute and the graph's declared shapes. */
function asLayout0(bytes: Uint8Array): Uint8Array {
  const m = decodeOnnxModel(bytes);
  const g = m.graph as NonNullable<typeof m.graph>;
  const node = g.node?.[0] as NonNullable<NonNullable<typeof g.node>[number]>;
  for (const a of node.attribute ?? []) if (a.name === 'layout') a.i = 0;
  for (const v of g.input ?? []) {
    const dims = v.type?.tensor_type?.shape?.dim;
    if (dims !== undefined && ['X', 'initial_h', 'initial_c'].includes(v.name ?? ''))
      dims.unshift(...dims.splice(1, 1));
  }
  // the outputs' declared shapes are left out (onnxruntime does not need them)
  for (const v of g.output ?? []) v.type = { tensor_type: { elem_type: 1 } };
  return encodeOnnxModel(m);
}

/** ONNX layout-0 outputs as layout 1: Y (T, dirs, B, H) → (B, T, dirs, H); states (dirs, B, H) → (B, dirs, H). */
function toLayout1(name: string, t: { dims: number[]; data: Float32Array }): { dims: number[]; data: Float32Array } {
  if (name !== 'Y') {
    const s = swapLeading({ kind: 'float', dims: t.dims, data: Array.from(t.data) });
    return { dims: s.dims, data: Float32Array.from(s.data) };
  }
  const [T, D, B, H] = t.dims as [number, number, number, number];
  const out = new Float32Array(t.data.length);
  for (let ti = 0; ti < T; ti++)
    for (let d = 0; d < D; d++)
      for (let b = 0; b < B; b++)
        out.set(
          t.data.subarray(((ti * D + d) * B + b) * H, ((ti * D + d) * B + b + 1) * H),
          ((b * T + ti) * D + d) * H,
        );
  return { dims: [B, T, D, H], data: out };
}

describe('ONNX import: the operator specification’s reference cases', () => {
  for (const backend of BACKENDS) {
    it(`all ${cases.spec.length} LSTM, GRU and RNN cases on ${backend.label}`, { skip: backend.skip }, () => {
      const k = backend.make();
      for (const c of cases.spec) {
        const model = OnnxModel.fromBytes(Buffer.from(c.model, 'base64'), k);
        const out = model.run(c.inputs);
        for (const [name, want] of Object.entries(c.outputs ?? {})) assertClose(out[name], want, `${c.name} ${name}`);
      }
    });
  }
});

describe('ONNX import: every recurrent attribute against onnxruntime', () => {
  for (const c of cases.attributes) {
    it(c.name, async () => {
      const bytes = Buffer.from(c.model, 'base64');
      const layout1 = c.name.includes('layout=1');
      const feeds: Record<string, OrtFeed> = {};
      for (const [name, t] of Object.entries(c.inputs)) {
        feeds[name] = layout1 && ['X', 'initial_h', 'initial_c'].includes(name) ? swapLeading(t) : t;
      }
      const reference = await runOnnxruntimeNode(layout1 ? asLayout0(bytes) : bytes, feeds);
      for (const backend of BACKENDS) {
        if (backend.skip !== undefined) continue;
        const out = OnnxModel.fromBytes(bytes, backend.make()).run(c.inputs);
        for (const [name, want] of Object.entries(reference)) {
          assertClose(out[name], layout1 ? toLayout1(name, want) : want, `${backend.label} ${name}`);
        }
      }
    });
  }
});

describe('ONNX import: models exported by torch.onnx', () => {
  const ref = JSON.parse(readFileSync('test/fixtures/torch_onnx_export.json', 'utf8')) as Record<
    string,
    Record<string, { dims: number[]; data: number[] }>
  >;
  it('Embedding → 2-layer bidirectional LSTM → Linear → softmax gives PyTorch’s outputs', () => {
    const r = ref['classifier'] as Record<string, { dims: number[]; data: number[] }>;
    const model = OnnxModel.fromBytes(readFileSync('test/fixtures/torch_lstm_classifier.onnx'));
    assert.deepEqual(
      model.inputs.map((v) => [v.name, v.kind, v.dims]),
      [['ids', 'int', ['B', 'T']]],
    );
    const out = model.run({ ids: r['ids'] as { dims: number[]; data: number[] } });
    assertClose(out['probs'], r['probs'] as { dims: number[]; data: number[] }, 'probs');
    assertClose(out['h_n'], r['h_n'] as { dims: number[]; data: number[] }, 'h_n');
  });
  it('GRU → Linear gives PyTorch’s outputs', () => {
    const r = ref['tagger'] as Record<string, { dims: number[]; data: number[] }>;
    const out = OnnxModel.fromBytes(readFileSync('test/fixtures/torch_gru_tagger.onnx')).run({
      x: r['x'] as { dims: number[]; data: number[] },
    });
    assertClose(out['logits'], r['logits'] as { dims: number[]; data: number[] }, 'logits');
  });
});

describe('ONNX import: bad input', () => {
  const spec = cases.spec[0] as Case;
  const bytes = Buffer.from(spec.model, 'base64');
  it('bytes that are not a model', () => {
    assert.throws(() => OnnxModel.fromBytes(new TextEncoder().encode('hello, not a model')), /ONNX model/);
    assert.throws(() => OnnxModel.fromBytes(bytes.subarray(0, bytes.length - 7)), /ONNX model/);
  });
  it('an unsupported operator is named, with the supported list', () => {
    const m = decodeOnnxModel(bytes);
    (m.graph?.node?.[0] as { op_type?: string }).op_type = 'Conv';
    assert.throws(() => OnnxModel.fromBytes(encodeOnnxModel(m)), /does not run: Conv.*supported: .*LSTM/s);
  });
  it('missing, unknown and mis-shaped inputs', () => {
    const model = OnnxModel.fromBytes(bytes);
    const X = spec.inputs['X'] as CaseTensor;
    const others = Object.fromEntries(Object.entries(spec.inputs).filter(([n]) => n !== 'X'));
    assert.throws(() => model.run(others), /input 'X' is missing/);
    assert.throws(() => model.run({ ...spec.inputs, Z: X }), /'Z' is not an input/);
    assert.throws(
      () =>
        model.run({ ...others, X: { dims: [X.dims[0] as number, 9, 9], data: new Array(X.dims[0]! * 81).fill(0) } }),
      /shape \[.*\]; the model declares/,
    );
    assert.throws(() => model.run({ ...others, X: { dims: X.dims, data: [1, 2] } }), /has 2 values/);
  });
  it('a bad activation name and sequence lengths beyond T', () => {
    const m = decodeOnnxModel(bytes);
    const node = m.graph?.node?.[0] as NonNullable<NonNullable<NonNullable<typeof m.graph>['node']>[number]>;
    node.attribute = [
      ...(node.attribute ?? []),
      { name: 'activations', type: 8, strings: ['Sigmoid', 'Tanh', 'Swish'].map((s) => new TextEncoder().encode(s)) },
    ];
    assert.throws(() => OnnxModel.fromBytes(encodeOnnxModel(m)), /unknown activation 'Swish'/);
    const withLengths = cases.attributes.find((c) => c.name.startsWith('lstm reverse')) as Case;
    const lens = withLengths.inputs['sequence_lens'] as CaseTensor;
    assert.throws(
      () =>
        OnnxModel.fromBytes(Buffer.from(withLengths.model, 'base64')).run({
          ...withLengths.inputs,
          sequence_lens: { ...lens, data: lens.data.map(() => 99) },
        }),
      /sequence_lens\[0\] = 99 is outside/,
    );
  });
});
