import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';

// The native addon is optional by construction: when the build cannot succeed (here the C++
// compiler is /bin/false), scripts/build-native.mjs still exits 0 (so `npm ci` succeeds), says so,
// and records a reason that names the failure, which `lstm info --backend` then shows.
const dir = mkdtempSync(join(tmpdir(), 'lstm-native-build-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('a failing native build leaves npm ci successful and records why', () => {
  // a copy of native/ beside a copy of the flags script its binding.gyp calls (../scripts/)
  cpSync('native/binding.gyp', join(dir, 'native', 'binding.gyp'));
  cpSync('native/src', join(dir, 'native', 'src'), { recursive: true });
  cpSync('scripts/native-arch-flags.mjs', join(dir, 'scripts', 'native-arch-flags.mjs'));
  const r = spawnSync(process.execPath, ['scripts/build-native.mjs'], {
    encoding: 'utf8',
    env: { ...process.env, CXX: '/bin/false', LSTM_NATIVE_SOURCE: join(dir, 'native') },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /the build failed .*; the WebAssembly backend will be used/);
  const status = JSON.parse(readFileSync(join(dir, 'native', 'build', 'status.json'), 'utf8'));
  assert.equal(status.ok, false);
  assert.match(status.reason, /make: \*\*\*|error/i);
});
