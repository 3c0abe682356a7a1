import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { it } from 'node:test';

// `import 'lstm'` in Node resolves to the node entry (package.json "exports", condition "node"),
// which loads the native kernels (when npm ci built them) and registers worker_threads, so either
// backend uses every core without any set-up.
it("import 'lstm' in Node picks the native kernels where built, else WebAssembly, on every core", () => {
  const script = `import('lstm').then((m) => console.log(JSON.stringify({ cores: m.defaultThreadCount(), backend: m.describeBackend() })))`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const { cores, backend } = JSON.parse(r.stdout);
  assert.equal(cores, availableParallelism());
  const native = backend.available.find((b: { name: string }) => b.name === 'native');
  assert.equal(backend.name, native.loaded ? 'native' : 'wasm', native.note);
  assert.equal(backend.threads, availableParallelism());
  // worker threads are registered either way, for the WebAssembly backend
  const wasm = `import('lstm').then((m) => { m.useBackend('wasm'); console.log(JSON.stringify(m.describeBackend())); })`;
  const w = spawnSync(process.execPath, ['--input-type=module', '-e', wasm], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(w.status, 0, w.stderr);
  const report = JSON.parse(w.stdout);
  assert.deepEqual([report.name, report.threads], ['wasm', availableParallelism()]);
  assert.match(report.threadNote, /worker_threads/);
});

// `lstm/onnx` is its own entry (it needs protobufjs); in Node it resolves and reads a model.
it("import 'lstm/onnx' resolves and reads an .onnx file", () => {
  const script = `import('lstm/onnx').then((m) => { const fs = require('node:fs'); const model = m.OnnxModel.fromBytes(fs.readFileSync('test/fixtures/torch_gru_tagger.onnx')); console.log(model.inputs.map((v) => v.name).join()); })`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'x');
});
