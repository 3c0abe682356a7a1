// Runs every compiled test file (dist/test/**/*.test.js) with Node's test runner.
// Node 20's `--test` takes no glob patterns, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { ensureChromium } from './ensure-chromium.mjs';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = find('dist/test').filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('run-tests: no compiled test files under dist/test; did `tsc -b` run?');
  process.exit(1);
}
// the browser tests (dist/test/browser/, not browser-safety.test.js) need Chromium: install it
// first where we may (CI runs as root)
if (files.some((f) => f.includes(join('test', 'browser') + sep))) ensureChromium();
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
