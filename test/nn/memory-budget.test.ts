import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import '../../src/node/index.js'; // the native addon, where npm ci built it
import {
  ConfigError,
  decodeModel,
  encodeModel,
  fit,
  LanguageModel,
  LstmError,
  memoryLimit,
  ParamArena,
  parseMemorySize,
  Recurrent,
  RefKernels,
  setMemoryLimit,
  Vocab,
} from '../../src/index.js';
import { NativeKernels, nativeUnavailableReason } from '../../src/kernels/index.js';
import { exportRecurrentOnnx, OnnxModel } from '../../src/onnx.js';

/** Run f, which must throw before allocating: its error, how long it took, how much array memory grew. */
function refused(f: () => unknown): { error: unknown; ms: number; grew: number } {
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  try {
    f();
  } catch (error) {
    return { error, ms: performance.now() - started, grew: process.memoryUsage().arrayBuffers - before };
  }
  assert.fail('expected a refusal');
}

describe('parseMemorySize', () => {
  it('reads bytes and K, M, G, T sizes', () => {
    assert.equal(parseMemorySize('1048576'), 2 ** 20);
    assert.equal(parseMemorySize('512M'), 512 * 2 ** 20);
    assert.equal(parseMemorySize('4G'), 4 * 2 ** 30);
    assert.equal(parseMemorySize('4g'), 4 * 2 ** 30);
    assert.equal(parseMemorySize('1.5GiB'), 1.5 * 2 ** 30);
    assert.equal(parseMemorySize('2TB'), 2 * 2 ** 40);
  });
  it('refuses hex, padded, empty, signed, exponent and tiny sizes', () => {
    for (const bad of ['0x10', ' 8G', '8G ', '', '-1G', '1e9', '512', '4X', 'G', '1.G', 'NaN', '99999999999T']) {
      assert.throws(() => parseMemorySize(bad), ConfigError, bad);
    }
  });
});

describe('the memory budget', () => {
  after(() => setMemoryLimit(undefined));

  it('refuses a language model with hidden size 20000 at once, saying bytes, limit and how to change it', () => {
    setMemoryLimit('1G');
    const vocab = Vocab.fromText('abc');
    const { error, ms, grew } = refused(
      () => new LanguageModel(vocab, { embeddingSize: 64, hiddenSize: 20000, numLayers: 2 }, new RefKernels()),
    );
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /needs \d+(\.\d)? GiB \(\d+ bytes: parameters .*, their gradients/);
    assert.match(error.message, /driven by numLayers 2 × hiddenSize 20000/);
    assert.match(error.message, /memory limit is 1\.0 GiB \(setMemoryLimit\("1G"\)\)/);
    assert.match(error.message, /--max-memory \d+G .*LSTM_MAX_MEMORY/);
    assert.ok(ms < 500, `${ms} ms`);
    assert.ok(grew < 16 * 2 ** 20, `array memory grew by ${grew} bytes`);
  });

  it('refuses hidden size 65536 (the flag maximum) with a ConfigError, not a RangeError', () => {
    setMemoryLimit(undefined);
    const vocab = Vocab.fromText('abc');
    const { error } = refused(() => new LanguageModel(vocab, { embeddingSize: 64, hiddenSize: 65536, numLayers: 2 }));
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /memory limit is/);
  });

  it('refuses a training run whose activations exceed the limit before the optimizer allocates', async () => {
    setMemoryLimit('8M');
    const text = 'abcdefgh '.repeat(3000);
    const model = LanguageModel.create({
      text,
      hiddenSize: 64,
      numLayers: 1,
      embeddingSize: 8,
      kernels: new RefKernels(),
    });
    await assert.rejects(
      fit(model, text, { seqLength: 200, batchSize: 100, maxSteps: 1, validationFraction: 0 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /^train: this needs .*optimizer state .*activations and work buffers/.test(e.message) &&
        /100 sequences × 200 steps/.test(e.message),
    );
  });

  it('refuses a model file whose config asks for a huge network before allocating its arrays', () => {
    setMemoryLimit(undefined);
    const model = LanguageModel.create({ text: 'abcabc', hiddenSize: 4, numLayers: 1, embeddingSize: 2 });
    const bytes = encodeModel(model);
    // rewrite the safetensors header's config: hiddenSize 4 → 100000 (the header has no checksum in 0.1)
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const headerLength = Number(view.getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    const bomb = header.replace(/\\"hiddenSize\\":4/, '\\"hiddenSize\\":100000');
    assert.notEqual(bomb, header, 'the config was found in the header');
    const encoded = new TextEncoder().encode(bomb);
    const out = new Uint8Array(8 + encoded.length + bytes.length - 8 - headerLength);
    new DataView(out.buffer).setBigUint64(0, BigInt(encoded.length), true);
    out.set(encoded, 8);
    out.set(bytes.subarray(8 + headerLength), 8 + encoded.length);
    const { error, ms, grew } = refused(() => decodeModel(out));
    assert.ok(error instanceof LstmError, String(error));
    assert.ok(ms < 1000, `${ms} ms`);
    assert.ok(grew < 64 * 2 ** 20, `array memory grew by ${grew} bytes`);
  });

  it('names where the limit comes from', () => {
    setMemoryLimit(64 * 2 ** 20, 'a test');
    assert.deepEqual(memoryLimit(), { bytes: 64 * 2 ** 20, source: 'a test' });
    assert.throws(() => setMemoryLimit(-1), ConfigError);
    assert.throws(() => setMemoryLimit('lots'), ConfigError);
  });
});

describe('the memory budget on the ONNX import path', () => {
  after(() => setMemoryLimit(undefined));
  it('an ONNX recurrent node is built through the budget-checked arena', () => {
    const k = new RefKernels();
    const opts = { kind: 'lstm' as const, inputSize: 256, hiddenSize: 256 };
    const arena = new ParamArena(k, Recurrent.paramSpecs(opts));
    const bytes = exportRecurrentOnnx(new Recurrent(k, arena, opts), arena);
    setMemoryLimit('1M'); // the node's weights and gradients need 4 MiB
    assert.throws(
      () => OnnxModel.fromBytes(bytes, k),
      (e: unknown) => e instanceof ConfigError && /memory limit is 1\.0 MiB/.test(e.message),
    );
    setMemoryLimit(undefined);
    assert.ok(OnnxModel.fromBytes(bytes, k));
  });
});

describe('a failed native allocation', () => {
  it('is a ConfigError, not a crash or a raw RangeError', { skip: nativeUnavailableReason() ?? false }, () => {
    const k = new NativeKernels({ threads: 1 });
    assert.throws(
      () => k.alloc(2 ** 35),
      (e: unknown) =>
        e instanceof ConfigError && /NativeKernels\.alloc: 34359738368 floats could not be allocated/.test(e.message),
    );
  });
});

describe('a recurrent stack of 1e9 layers (a forecaster file said so)', () => {
  it('is refused before its layer configs are built', () => {
    const { error, ms, grew } = refused(() =>
      Recurrent.paramSpecs({ kind: 'lstm', inputSize: 3, hiddenSize: 8, numLayers: 1e9 }),
    );
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /numLayers 1000000000 × hiddenSize 8; the memory limit is/);
    assert.ok(ms < 500, `${ms} ms`);
    assert.ok(grew < 16 * 2 ** 20, `array memory grew by ${grew} bytes`);
  });
});
