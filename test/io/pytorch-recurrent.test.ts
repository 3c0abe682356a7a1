/**
 * PyTorch state_dicts in and out: test/fixtures/torch_encoder.safetensors holds an nn.LSTM
 * (2 layers, bidirectional, proj_size 3, batch_first) under the prefix 'rnn.' beside a Linear
 * head, saved by test/fixtures/make_recurrent_reference.py, with its float32 forward and
 * gradients in torch_encoder.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { reorderGates, swapPeepholeOrder, gatePermutation, transpose } from '../../src/io/gate-order.js';
import {
  buildTorchRecurrent,
  decodeTorchStateDict,
  encodeTorchStateDict,
  loadTorchRecurrent,
  type TorchRecurrentArgs,
} from '../../src/io/pytorch-recurrent.js';
import { runTorchRecurrent } from '../../src/io/pytorch-run.js';
import { type Kernels, RefKernels } from '../../src/kernels/index.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

interface EncoderFixture {
  args: TorchRecurrentArgs;
  B: number;
  T: number;
  lengths: number[];
  inputs: Record<'x' | 'h0' | 'c0' | 'dy' | 'dhN', number[]>;
  outputs: Record<'y' | 'hN' | 'cN', number[]>;
  grads: Record<string, number[]>;
}

const bytes = new Uint8Array(readFileSync('test/fixtures/torch_encoder.safetensors'));
const fixture = JSON.parse(readFileSync('test/fixtures/torch_encoder.json', 'utf8')) as EncoderFixture;

function assertClose(actual: ArrayLike<number>, expected: readonly number[] | undefined, what: string): void {
  assert.ok(expected !== undefined, `${what} missing`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i] as number));
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  }
  assert.ok(worst <= 1e-5 * scale, `${what}: max |ours − PyTorch| = ${worst} of ${scale}`);
}

const BACKENDS: ReadonlyArray<{ label: string; make: () => Kernels; skip?: string | undefined }> = [
  { label: 'js, float32', make: () => new RefKernels('float32') },
  ...FAST_BACKENDS.map((b) => ({ label: b.label, make: () => b.make(1), skip: b.skip })),
];

for (const backend of BACKENDS) {
  describe(`a PyTorch state_dict from safetensors (${backend.label})`, { skip: backend.skip }, () => {
    it('finds the prefix, runs batch_first with lengths, and matches PyTorch forward and backward', () => {
      const model = loadTorchRecurrent(fixture.args, bytes, { kernels: backend.make() });
      assert.equal(model.prefix, 'rnn.');
      const { x, h0, c0, dy, dhN } = fixture.inputs;
      const r = runTorchRecurrent(
        model,
        { x, T: fixture.T, B: fixture.B, h0, c0, lengths: fixture.lengths },
        { dy, dhN },
      );
      assertClose(r.y, fixture.outputs.y, 'y');
      assertClose(r.hN, fixture.outputs.hN, 'hN');
      assertClose(r.cN ?? [], fixture.outputs.cN, 'cN');
      assert.ok(r.grads !== undefined);
      assertClose(r.grads.x, fixture.grads['x'], 'dx');
      assertClose(r.grads.h0, fixture.grads['h0'], 'dh0');
      assertClose(r.grads.c0 ?? [], fixture.grads['c0'], 'dc0');
      const names = Object.keys(fixture.grads).filter((n) => n.startsWith('rnn.'));
      assert.deepEqual([...r.grads.weights.keys()].sort(), names.sort());
      for (const name of names) assertClose(r.grads.weights.get(name) ?? [], fixture.grads[name], `d${name}`);
    });
  });
}

describe('PyTorch state_dict round trip', () => {
  it('PyTorch → lstm → PyTorch gives back every tensor bit for bit, under the same names and shapes', () => {
    const original = decodeTorchStateDict(bytes);
    const model = loadTorchRecurrent(fixture.args, bytes, { kernels: new RefKernels('float32') });
    const again = decodeTorchStateDict(encodeTorchStateDict(model));
    const recurrentNames = [...original.stateDict.keys()].filter((n) => n.startsWith('rnn.'));
    assert.equal(recurrentNames.length, 2 * 2 * 5); // 2 layers × 2 directions × (ih, hh, 2 biases, hr)
    assert.deepEqual([...again.stateDict.keys()].sort(), recurrentNames.sort());
    for (const name of recurrentNames) {
      const a = original.stateDict.get(name) as Float32Array;
      const b = again.stateDict.get(name) as Float32Array;
      assert.deepEqual(again.shapes.get(name), original.shapes.get(name), `shape of ${name}`);
      assert.deepEqual(
        new Uint32Array(b.buffer, b.byteOffset, b.length),
        new Uint32Array(a.buffer, a.byteOffset, a.length),
        name,
      );
    }
  });

  it('a module without biases loads with zero biases and writes none', () => {
    const args: TorchRecurrentArgs = { mode: 'GRU', input_size: 2, hidden_size: 3, bias: false };
    const sd = { weight_ih_l0: new Float32Array(18).fill(0.25), weight_hh_l0: new Float32Array(27).fill(-0.5) };
    const model = buildTorchRecurrent(args, sd, { kernels: new RefKernels('float64') });
    assert.ok(model.arena.value('bias_ih_l0').every((v) => v === 0));
    assert.deepEqual([...decodeTorchStateDict(encodeTorchStateDict(model)).stateDict.keys()].sort(), [
      'weight_hh_l0',
      'weight_ih_l0',
    ]);
  });
});

describe('PyTorch state_dict: wrong arguments get clear errors', () => {
  const { stateDict, shapes } = decodeTorchStateDict(bytes);
  const k = new RefKernels('float32');
  it('names the weights that proj_size would explain when it is left out', () => {
    const args = { ...fixture.args };
    delete args.proj_size;
    assert.throws(
      () => buildTorchRecurrent(args, stateDict, { kernels: k, shapes }),
      /names the arguments do not explain: rnn\.weight_hr_l0.*proj_size/,
    );
  });
  it('says which tensor has the wrong shape', () => {
    assert.throws(
      () => buildTorchRecurrent({ ...fixture.args, input_size: 4 }, stateDict, { kernels: k, shapes }),
      /'rnn\.weight_ih_l0' should be \(28, 4\).*it has shape \(28, 5\)/,
    );
  });
  it('says which tensor is missing', () => {
    const partial = new Map(stateDict);
    partial.delete('rnn.bias_hh_l1_reverse');
    assert.throws(
      () => buildTorchRecurrent(fixture.args, partial, { kernels: k }),
      /'rnn\.bias_hh_l1_reverse' \(28\) is missing/,
    );
  });
  it('says when no recurrent module is there', () => {
    assert.throws(
      () => buildTorchRecurrent(fixture.args, { 'fc.weight': new Float32Array(4) }, { kernels: k }),
      /no 'weight_ih_l0'/,
    );
  });
});

describe('gate orders (src/io/gate-order.ts)', () => {
  it('maps PyTorch to ONNX as i,f,g,o → i,o,f,c and r,z,n → z,r,h', () => {
    assert.deepEqual(gatePermutation('lstm', 'pytorch', 'onnx'), [0, 3, 1, 2]);
    assert.deepEqual(gatePermutation('gru', 'pytorch', 'onnx'), [1, 0, 2]);
    assert.deepEqual(gatePermutation('lstm', 'pytorch', 'keras'), [0, 1, 2, 3]);
    assert.deepEqual(gatePermutation('gru', 'pytorch', 'keras'), [1, 0, 2]);
  });
  it('reorders blocks and comes back, and the peephole swap is its own inverse', () => {
    const w = Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => i);
    const onnx = reorderGates(w, 'lstm', 'pytorch', 'onnx');
    assert.deepEqual(Array.from(onnx.subarray(6, 12)), [18, 19, 20, 21, 22, 23]); // ONNX's o is our 4th block
    assert.deepEqual(reorderGates(onnx, 'lstm', 'onnx', 'pytorch'), w);
    const p = Float64Array.from([1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(swapPeepholeOrder(p)), [1, 2, 5, 6, 3, 4]);
    assert.deepEqual(swapPeepholeOrder(swapPeepholeOrder(p)), p);
    assert.deepEqual(Array.from(transpose(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3)), [1, 4, 2, 5, 3, 6]);
  });
});

describe('PyTorch state_dict files (Node)', () => {
  it('writes atomically and reads back the same stack; a missing file gets a clear error', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadTorchRecurrentFile, saveTorchStateDict } = await import('../../src/node/files.js');
    const dir = mkdtempSync(join(tmpdir(), 'lstm-torch-'));
    try {
      const k = new RefKernels('float32');
      const model = loadTorchRecurrent(fixture.args, bytes, { kernels: k });
      const path = join(dir, 'rnn.safetensors');
      saveTorchStateDict(path, model);
      const back = loadTorchRecurrentFile(path, fixture.args, { kernels: k });
      assert.equal(back.prefix, 'rnn.');
      assert.deepEqual(Array.from(back.arena.values), Array.from(model.arena.values));
      assert.throws(() => loadTorchRecurrentFile(join(dir, 'none.safetensors'), fixture.args), /there is no file at/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
