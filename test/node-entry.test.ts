import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { it } from 'node:test';

// `import 'lstm'` in Node resolves to the node entry (package.json "exports", condition "node"),
// which registers worker_threads, so the WebAssembly backend uses every core without any set-up.
it("import 'lstm' in Node enables kernel worker threads on every core", () => {
  const script = `import('lstm').then((m) => console.log(JSON.stringify({ cores: m.defaultThreadCount(), backend: m.describeBackend() })))`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const { cores, backend } = JSON.parse(r.stdout);
  assert.equal(cores, availableParallelism());
  assert.equal(backend.name, 'wasm');
  assert.equal(backend.threads, availableParallelism());
});
