/**
 * ONNX → PyTorch (src/io/onnx/to-torch.ts): the LSTM stack inside a model exported by torch.onnx
 * comes back as the constructor arguments and the exact state_dict PyTorch saved (bit for bit);
 * what PyTorch cannot hold is refused by name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeOnnxModel } from '../../src/io/onnx/proto.js';
import { torchRecurrentFromOnnx } from '../../src/io/onnx/to-torch.js';
import { buildTorchRecurrent, encodeTorchStateDict, loadTorchRecurrent } from '../../src/io/pytorch-recurrent.js';

describe('ONNX → PyTorch state_dict', () => {
  it('recovers nn.LSTM(6, 5, num_layers=2, bidirectional=True) from a torch.onnx export, bit for bit', () => {
    const ref = JSON.parse(readFileSync('test/fixtures/torch_onnx_export.json', 'utf8')) as {
      classifier: { lstm_state_dict: Record<string, number[]> };
    };
    const { args, stateDict } = torchRecurrentFromOnnx(
      decodeOnnxModel(readFileSync('test/fixtures/torch_lstm_classifier.onnx')),
    );
    assert.deepEqual(args, { mode: 'LSTM', input_size: 6, hidden_size: 5, num_layers: 2, bidirectional: true });
    const want = ref.classifier.lstm_state_dict;
    assert.deepEqual([...stateDict.keys()].sort(), Object.keys(want).sort());
    for (const [name, values] of stateDict)
      assert.deepEqual(Array.from(values), Array.from(Float32Array.from(want[name] as number[])), name);
    // and it builds a stack whose safetensors file reads back the same
    const model = buildTorchRecurrent(args, stateDict, { prefix: '' });
    const again = loadTorchRecurrent(args, encodeTorchStateDict(model), { prefix: '' });
    assert.deepEqual(
      Array.from(again.arena.value('weight_hh_l1_reverse')),
      Array.from(stateDict.get('weight_hh_l1_reverse') ?? []),
    );
  });

  it('a GRU export keeps PyTorch’s reset form', () => {
    const { args } = torchRecurrentFromOnnx(decodeOnnxModel(readFileSync('test/fixtures/torch_gru_tagger.onnx')));
    assert.deepEqual(args, { mode: 'GRU', input_size: 3, hidden_size: 4, num_layers: 1, bidirectional: false });
  });

  it('refuses what nn.LSTM cannot hold, naming it', () => {
    const clipped = decodeOnnxModel(readFileSync('test/fixtures/onnx_lstm_peephole_clip.onnx'));
    assert.throws(() => torchRecurrentFromOnnx(clipped), /cannot hold this layer: it clips/);
    const cases = JSON.parse(readFileSync('test/fixtures/onnx_cases.json', 'utf8')) as {
      attributes: { name: string; model: string }[];
    };
    const model = (prefix: string): ReturnType<typeof decodeOnnxModel> =>
      decodeOnnxModel(
        Buffer.from((cases.attributes.find((c) => c.name.startsWith(prefix)) as { model: string }).model, 'base64'),
      );
    assert.throws(
      () => torchRecurrentFromOnnx(model('gru linear_before_reset=0')),
      /reset gate before the recurrent product/,
    );
    assert.throws(() => torchRecurrentFromOnnx(model('lstm reverse')), /reverse-only layer/);
    assert.throws(
      () => torchRecurrentFromOnnx(model('rnn bidirectional')),
      /activations \(elu, thresholdedrelu\) are not PyTorch's/,
    );
  });
});
