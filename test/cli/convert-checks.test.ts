/**
 * `lstm convert` on damaged inputs (issue 17): the converted file is written only after its
 * check passes. A TF.js model whose shards are in the wrong order or have extra bytes, or whose
 * weight is all NaN, and ONNX models with an LSTM node without inputs or a hidden_size that
 * disagrees with the weights, a PyTorch state_dict with a NaN weight or a hidden size far from its
 * weights: each exits 1 with the reader's clear message (no stack trace) and
 * leaves no output file, not even a temporary one.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { decodeOnnxModel, encodeOnnxModel, type NodeProto } from '../../src/io/onnx/proto.js';
import { Rng } from '../../src/rng.js';
import { type CliRun, runCli } from '../helpers/cli.js';
import { smallTfjsModel } from '../io/tfjs-small-model.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-convert-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let folders = 0;
/** A fresh folder holding model.json (as given) and the shards; the model.json path. */
function tfjsModel(json: unknown, shards: Record<string, Uint8Array>, text?: string): string {
  const folder = join(dir, `tfjs${folders++}`);
  mkdirSync(folder);
  writeFileSync(join(folder, 'model.json'), text ?? JSON.stringify(json));
  for (const [name, bytes] of Object.entries(shards)) writeFileSync(join(folder, name), bytes);
  return join(folder, 'model.json');
}

/** The classifier fixture with each LSTM node changed, written to a fresh .onnx file. */
function onnxWith(change: (node: NodeProto) => void): string {
  const proto = decodeOnnxModel(readFileSync('test/fixtures/torch_lstm_classifier.onnx'));
  for (const node of proto.graph?.node ?? []) if (node.op_type === 'LSTM') change(node);
  const path = join(dir, `onnx${folders++}.onnx`);
  writeFileSync(path, encodeOnnxModel(proto));
  return path;
}

function setHiddenSize(node: NodeProto, size: number): void {
  for (const a of node.attribute ?? []) if (a.name === 'hidden_size') a.i = size;
}

/** `lstm convert IN OUT` fails with exit 1 and `pattern` on stderr, and leaves nothing at OUT or beside it. */
function assertRefused(input: string, out: string, pattern: RegExp, options: string[] = []): CliRun {
  const folder = join(dir, `out${folders++}`);
  mkdirSync(folder);
  const r = runCli(['convert', input, join(folder, out), ...options]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /TypeError|RangeError|\n\s+at /);
  assert.doesNotMatch(r.stdout, /wrote|checked/);
  assert.deepEqual(readdirSync(folder), [], 'no file is left behind');
  return r;
}

describe('lstm convert writes only a checked file (issue 17)', () => {
  const { json, shards } = smallTfjsModel();
  const group = (j: Record<string, unknown>, g: number): Record<string, unknown> =>
    (j['weightsManifest'] as Record<string, unknown>[])[g] as Record<string, unknown>;

  it('a sound TF.js model converts, checked before it is written', () => {
    const out = join(dir, 'small.onnx');
    const r = runCli(['convert', tfjsModel(json, shards), out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote .*small\.onnx[^\n]*\nchecked: .* matches model\.json to \d/);
    assert.ok(existsSync(out));
  });

  it('model.json holding null', () => {
    assertRefused(tfjsModel(null, shards, 'null'), 'x.onnx', /model\.json holds null; expected an object/);
  });

  it('shards listed in the wrong order, or with extra bytes at the end', () => {
    const swapped = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
    group(swapped, 0)['paths'] = ['group2-shard1of1.bin'];
    group(swapped, 1)['paths'] = ['group1-shard1of1.bin'];
    assertRefused(
      tfjsModel(swapped, shards),
      'x.onnx',
      /weight shard 'group1-shard1of1\.bin' holds 192 bytes, more than its whole group's weights need \(12\)/,
    );
    const extra = new Uint8Array(16);
    extra.set(shards['group2-shard1of1.bin'] as Uint8Array);
    assertRefused(
      tfjsModel(json, { ...shards, 'group2-shard1of1.bin': extra }),
      'x.onnx',
      /holds 16 bytes, more than its whole group's weights need \(12\).*extra bytes/,
    );
  });

  it('an all-NaN weight is refused and no file is written', () => {
    const nan = new Uint8Array(new Float32Array(48).fill(NaN).buffer);
    assertRefused(
      tfjsModel(json, { ...shards, 'group1-shard1of1.bin': nan }),
      'x.onnx',
      /weight 'lstm1\/kernel' holds NaN at index 0/,
    );
  });

  it('a model whose outputs overflow fails the check on the bytes in memory: nothing is written', () => {
    // every LSTM bias 1e30 (gates open, cell growing: h > 0), Dense weights and bias near float32's maximum
    const lstm = new Float32Array(48).fill(1e30, 40);
    const dense = new Float32Array([3.4e38, 3.4e38, 3.4e38]);
    const overflowing = {
      'group1-shard1of1.bin': new Uint8Array(lstm.buffer),
      'group2-shard1of1.bin': new Uint8Array(dense.buffer),
    };
    assertRefused(
      tfjsModel(json, overflowing),
      'x.onnx',
      /model\.json and its conversion give outputs that are not finite numbers on a random batch; nothing was written/,
    );
  });

  it('ONNX: an LSTM node without inputs, a hidden_size that disagrees, hidden_size 100,000', () => {
    assertRefused(
      onnxWith((n) => (n.input = [])),
      'x.safetensors',
      /LSTM '\/lstm\/LSTM': inputs W and R are required/,
    );
    assertRefused(
      onnxWith((n) => setHiddenSize(n, 4)),
      'x.safetensors',
      /its hidden_size is 4, but input R is \[2, 20, 5\]/,
    );
    const started = Date.now();
    assertRefused(
      onnxWith((n) => setHiddenSize(n, 100_000)),
      'x.safetensors',
      /its hidden_size is 100000, but input R is \[2, 20, 5\]/,
    );
    assert.ok(Date.now() - started < 20_000);
  });

  it('a PyTorch state_dict: an all-NaN weight, and a --hidden-size far from the weights', () => {
    const rng = new Rng(4);
    const values = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-0.5, 0.5));
    const stateDict = (hh: Float32Array): Uint8Array =>
      encodeSafetensors(
        [
          { name: 'weight_ih_l0', shape: [12, 2], data: values(24) },
          { name: 'weight_hh_l0', shape: [12, 3], data: hh },
          { name: 'bias_ih_l0', shape: [12], data: values(12) },
          { name: 'bias_hh_l0', shape: [12], data: values(12) },
        ],
        { format: 'pt' },
      );
    const sizes = (hidden: string): string[] => ['--mode', 'LSTM', '--input-size', '2', '--hidden-size', hidden];
    const sound = join(dir, 'sound.safetensors');
    writeFileSync(sound, stateDict(values(36)));
    const nan = join(dir, 'nan.safetensors');
    writeFileSync(nan, stateDict(new Float32Array(36).fill(NaN)));
    assertRefused(nan, 'x.onnx', /'weight_hh_l0' holds NaN at index 0; weights must be finite/, sizes('3'));
    // 4·100,000 × 100,000 floats would be 160 GB: the memory budget refuses it before anything is
    // allocated, and under a limit large enough, the shapes do
    assertRefused(sound, 'x.onnx', /this needs 298 GiB .*hiddenSize 100000; the memory limit is/, sizes('100000'));
    assertRefused(sound, 'x.onnx', /'weight_ih_l0' should be \(400000, 2\) for these arguments/, [
      ...sizes('100000'),
      '--max-memory',
      '1024G',
    ]);
    assert.equal(runCli(['convert', sound, join(dir, 'sound.onnx'), ...sizes('3')]).code, 0);
  });
});
