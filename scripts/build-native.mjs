// Builds the optional native kernels (native/, an N-API addon) with node-gyp, for the host CPU.
// Run by `npm ci` (the package's install script) and by `npm test` with --if-stale (rebuild only
// when a source is newer than the addon). It never fails the install: when there is no compiler,
// no Node headers or the build breaks, it says so, records why in native/build/status.json, and
// the library uses the WebAssembly backend (`lstm info --backend` prints the reason).
// LSTM_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// LSTM_NATIVE_SOURCE: build a copy of native/ elsewhere (the test of a failing build uses it)
const nativeDir = process.env.LSTM_NATIVE_SOURCE ? resolve(process.env.LSTM_NATIVE_SOURCE) : join(root, 'native');
const addon = join(nativeDir, 'build', 'Release', 'lstm_native.node');
const statusFile = join(nativeDir, 'build', 'status.json');

function writeStatus(status) {
  mkdirSync(dirname(statusFile), { recursive: true });
  const tmp = `${statusFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(tmp, statusFile);
}

function newestSource() {
  let newest = statSync(join(nativeDir, 'binding.gyp')).mtimeMs;
  for (const name of readdirSync(join(nativeDir, 'src')))
    newest = Math.max(newest, statSync(join(nativeDir, 'src', name)).mtimeMs);
  return newest;
}

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((p) => p !== undefined && p.endsWith('.js') && existsSync(p));
}

function skip(reason) {
  writeStatus({ ok: false, reason, at: new Date().toISOString() });
  console.warn(`build-native: ${reason}; the WebAssembly backend will be used.`);
  process.exit(0);
}

if (process.env.LSTM_NATIVE === '0') skip('skipped (LSTM_NATIVE=0)');
if (process.argv.includes('--if-stale') && existsSync(addon) && statSync(addon).mtimeMs >= newestSource())
  process.exit(0);

const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) skip('node-gyp was not found (it comes with npm)');
const args = [nodeGyp, 'rebuild', '--directory', nativeDir];
// node-gyp would download Node's headers unless told where they are: npm passes its nodedir
// setting on; otherwise use the headers of the running Node when they are installed beside it.
const prefix = resolve(dirname(process.execPath), '..');
if (process.env.npm_config_nodedir === undefined && existsSync(join(prefix, 'include', 'node', 'node_api.h')))
  args.push(`--nodedir=${prefix}`);

const started = Date.now();
console.log('build-native: compiling the native kernels (node-gyp, -O3 -march=native where the compiler takes it) …');
const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
const seconds = (Date.now() - started) / 1000;
const log = `${result.stdout ?? ''}${result.stderr ?? ''}`;
mkdirSync(join(nativeDir, 'build'), { recursive: true });
writeFileSync(join(nativeDir, 'build', 'build.log'), log);
if (result.status !== 0 || !existsSync(addon)) {
  // the first lines that say what went wrong (a compiler error, a missing tool), not gyp's epilogue
  const lines = log.trim().split('\n');
  const epilogue = /^gyp ERR! (System|command|cwd|node -v|node-gyp -v|not ok|stack\s+at)/;
  const telling = lines.filter((l) => /error|not found|no such file|\*\*\*/i.test(l) && !epilogue.test(l));
  const summary = (telling.length > 0 ? telling.slice(0, 3) : lines.slice(-3)).join(' | ');
  skip(`the build failed after ${seconds.toFixed(0)} s (native/build/build.log): ${summary || result.error?.message}`);
}
writeStatus({ ok: true, seconds, at: new Date().toISOString() });
console.log(`build-native: built ${addon.slice(root.length + 1)} in ${seconds.toFixed(1)} s.`);
