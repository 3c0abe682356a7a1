/**
 * `lstm convert`: a trained model file to ONNX (checked by the command against its source, and
 * here by onnxruntime-node) and to a state_dict; an ONNX model's LSTM stack to a PyTorch
 * state_dict and back to ONNX; clear errors for what cannot be converted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeSafetensors, LanguageModel } from '../../src/index.js';
import { saveModel } from '../../src/node/index.js';
import { runOnnxruntimeNode } from '../helpers/onnxruntime.js';
import { type CliRun, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-convert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lstm(...args: string[]): CliRun {
  return runCli(args);
}

describe('lstm convert', () => {
  const model = LanguageModel.create({
    text: 'abcdefgh ijk\n',
    embeddingSize: 4,
    hiddenSize: 6,
    numLayers: 2,
    seed: 2,
  });
  const modelPath = join(dir, 'm.lstm');
  saveModel(modelPath, model);

  it('a model file → ONNX that onnxruntime runs, and → a state_dict', async () => {
    const onnxPath = join(dir, 'm.onnx');
    const r = lstm('convert', modelPath, onnxPath);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /checked: .* matches m\.lstm to \d/);
    const [T, B, L, H, V] = [3, 1, 2, 6, model.vocab.size];
    const out = await runOnnxruntimeNode(readFileSync(onnxPath), {
      ids: { kind: 'int64', dims: [T, B], data: [3, 4, 5] },
      h0: { kind: 'float', dims: [L, B, H], data: new Array(L * B * H).fill(0) },
      c0: { kind: 'float', dims: [L, B, H], data: new Array(L * B * H).fill(0) },
    });
    const probs = out['probs']?.data ?? new Float32Array(0);
    assert.equal(probs.length, T * B * V);
    const sum = probs.subarray(0, V).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `a row of probabilities sums to ${sum}`);
    // after reading ids 3 and 4, the next-character distribution is the library's
    const ours = model.nextCharProbabilities(`${model.vocab.chars[3]}${model.vocab.chars[4]}`);
    for (const { char, probability } of ours) {
      const id = model.vocab.chars.indexOf(char);
      assert.ok(Math.abs((probs[V + id] as number) - probability) < 1e-5, `P(${JSON.stringify(char)})`);
    }

    const stPath = join(dir, 'm.safetensors');
    assert.equal(lstm('convert', modelPath, stPath).code, 0);
    const st = decodeSafetensors(readFileSync(stPath), 'test');
    assert.deepEqual([...st.tensors.keys()].sort(), model.arena.entries.map((e) => e.name).sort());
  });

  it('ONNX (a torch.onnx export) → PyTorch state_dict → ONNX', () => {
    const st = join(dir, 'enc.safetensors');
    const r = lstm('convert', 'test/fixtures/torch_lstm_classifier.onnx', st);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /torch\.nn\.LSTM\(input_size=6, hidden_size=5, num_layers=2, bidirectional=True\)/);
    const back = lstm(
      'convert',
      st,
      join(dir, 'enc.onnx'),
      '--mode',
      'LSTM',
      '--input-size',
      '6',
      '--hidden-size',
      '5',
      '--num-layers',
      '2',
      '--bidirectional',
      '--batch-first',
      '--lengths',
    );
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /input \(B, T, D\), h0, c0, lengths \(B\)/);
    // a different path through the kernels (one direction at a time, with lengths): round-off only
    const diff = Number(/checked: .* to (\S+)\n/.exec(back.stdout)?.[1]);
    assert.ok(diff < 1e-6, back.stdout);
  });

  it('says what is wrong', () => {
    const noMode = lstm('convert', join(dir, 'enc.safetensors'), join(dir, 'x.onnx'));
    assert.equal(noMode.code, 2);
    assert.match(noMode.stderr, /needs --mode LSTM, GRU or RNN/);
    const wrongSize = lstm(
      'convert',
      join(dir, 'enc.safetensors'),
      join(dir, 'x.onnx'),
      '--mode',
      'LSTM',
      '--input-size',
      '6',
      '--hidden-size',
      '5',
    );
    assert.equal(wrongSize.code, 1);
    assert.match(wrongSize.stderr, /names the arguments do not explain: weight_ih_l0_reverse/);
    const badOut = lstm('convert', modelPath, join(dir, 'm.txt'));
    assert.equal(badOut.code, 2);
    assert.match(badOut.stderr, /OUT must end in \.onnx or \.safetensors/);
    const clip = lstm('convert', 'test/fixtures/onnx_lstm_peephole_clip.onnx', join(dir, 'p.safetensors'));
    assert.equal(clip.code, 1);
    assert.match(clip.stderr, /cannot hold this layer: it clips/);
    const missing = lstm('convert', join(dir, 'nope.onnx'), join(dir, 'p.safetensors'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.onnx/);
  });
});
