/**
 * verifyOnnxExport (src/io/onnx/verify-export.ts), the check `lstm convert` runs after an ONNX
 * export: an export of the model itself matches it to float precision; an export of another
 * model does not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportLanguageModelOnnx, exportRecurrentOnnx } from '../../src/io/onnx/export-sources.js';
import { OnnxModel } from '../../src/io/onnx/model.js';
import { verifyOnnxExport } from '../../src/io/onnx/verify-export.js';
import { buildTorchRecurrent, type TorchRecurrentArgs, torchStateDictSpecs } from '../../src/io/pytorch-recurrent.js';
import { RefKernels } from '../../src/kernels/index.js';
import { LanguageModel } from '../../src/models/language-model.js';
import { Rng } from '../../src/rng.js';

const k = new RefKernels('float32');

function languageModel(seed: number): LanguageModel {
  const text = 'the quick brown fox jumps over the lazy dog';
  return LanguageModel.create({ text, embeddingSize: 4, hiddenSize: 6, numLayers: 2, kernels: k, seed });
}

function torchStack(args: TorchRecurrentArgs, seed: number) {
  const rng = new Rng(seed);
  const stateDict = Object.fromEntries(
    torchStateDictSpecs(args).map((s) => [
      s.name,
      Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-0.5, 0.5)),
    ]),
  );
  return buildTorchRecurrent(args, stateDict, { kernels: k, prefix: '' });
}

describe('verifyOnnxExport', () => {
  for (const cell of ['gru', 'rnn'] as const) {
    it(`exports a language model with a ${cell.toUpperCase()} stack that its ONNX graph matches`, () => {
      const text = 'the quick brown fox jumps over the lazy dog';
      const model = LanguageModel.create({ text, embeddingSize: 4, hiddenSize: 6, numLayers: 2, cell, kernels: k });
      const exported = OnnxModel.fromBytes(exportLanguageModelOnnx(model));
      assert.deepEqual(
        exported.inputs.map((v) => v.name),
        ['ids', 'h0'],
      );
      assert.ok(verifyOnnxExport({ kind: 'language-model', model }, exported) < 1e-5);
    });
  }

  it("finds the language model's export equal to it, and another model's export not", () => {
    const model = languageModel(1);
    const exported = exportLanguageModelOnnx(model);
    const source = { kind: 'language-model', model } as const;
    assert.ok(verifyOnnxExport(source, exported) < 1e-5);
    assert.ok(verifyOnnxExport(source, OnnxModel.fromBytes(exported), { steps: 3, batch: 4 }) < 1e-5);
    assert.ok(verifyOnnxExport(source, exportLanguageModelOnnx(languageModel(2))) > 1e-3);
  });

  it('checks recurrent stacks time-major and batch-first, with lengths', () => {
    for (const args of [
      { mode: 'GRU', input_size: 3, hidden_size: 4, num_layers: 2 },
      { mode: 'LSTM', input_size: 3, hidden_size: 4, bidirectional: true, batch_first: true },
    ] as TorchRecurrentArgs[]) {
      const stack = torchStack(args, 5);
      const batchFirst = args.batch_first === true;
      const exported = exportRecurrentOnnx(stack.net, stack.arena, { states: true, batchFirst, lengths: true });
      const source = { kind: 'torch-recurrent', model: stack } as const;
      assert.ok(verifyOnnxExport(source, exported) < 1e-5, args.mode);
      const other = torchStack(args, 6);
      const wrong = exportRecurrentOnnx(other.net, other.arena, { states: true, batchFirst, lengths: true });
      assert.ok(verifyOnnxExport(source, wrong) > 1e-3, args.mode);
    }
  });
});
