// Finds Chromium for the browser test, installing Debian's `chromium` package when it is missing
// and this process may (root, with apt-get: how CI runs). Never downloads a browser any other way.
// Prints nothing when Chromium is already there; exits 0 either way (the test itself decides
// whether a missing browser fails, in CI, or skips, elsewhere, and says why).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.LSTM_CHROMIUM ?? '/usr/bin/chromium';

/** Chromium's path, after installing it if it is missing and we can; undefined when it is not there. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    console.error(`ensure-chromium: no Chromium at ${CHROMIUM}, and installing it needs root and apt-get.`);
    return undefined;
  }
  console.error('ensure-chromium: installing Debian chromium for the browser test (apt-get) …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'], timeout: 900_000 });
    if (r.status !== 0) {
      console.error(`ensure-chromium: apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal}).`);
      return undefined;
    }
  }
  return existsSync(CHROMIUM) ? CHROMIUM : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureChromium();
