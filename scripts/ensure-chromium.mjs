// Finds Chromium for the browser test (test/browser/wasm-in-chromium.test.ts), installing Debian's
// `chromium` package when /usr/bin/chromium is missing and this process may: root, with apt-get,
// which is how CI runs (`bash .ci/run` as root, CI=true, no terminal). Never downloads a browser
// any other way (no `playwright install`). Prints nothing when Chromium is already there and
// always exits 0: the test itself decides whether a missing browser fails (CI) or skips
// (elsewhere), and says why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM = process.env.LSTM_CHROMIUM ?? DEBIAN_CHROMIUM;

/** Chromium's path, after installing it if it is missing and we can; undefined when it is not there. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const say = (line) => console.error(`ensure-chromium: ${line}`);
  if (CHROMIUM !== DEBIAN_CHROMIUM) {
    say(`LSTM_CHROMIUM names ${CHROMIUM}, which does not exist; installing nothing.`);
    return undefined;
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    say(`no Chromium at ${CHROMIUM}; installing it needs root and apt-get (apt-get install chromium).`);
    return undefined;
  }
  say('installing Debian chromium for the browser test (apt-get update, apt-get install) …');
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    // stdin closed (no prompts); apt's progress to stderr is dropped, its errors are kept
    const r = spawnSync('apt-get', ['-q', ...args], { env, stdio: ['ignore', 'ignore', 'inherit'], timeout: 900_000 });
    if (r.status !== 0) {
      say(`apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}).`);
      return undefined;
    }
  }
  if (!existsSync(CHROMIUM)) {
    say(`apt-get installed chromium, but ${CHROMIUM} is still missing.`);
    return undefined;
  }
  say(`installed ${CHROMIUM} in ${Math.round((Date.now() - started) / 1000)} s.`);
  return CHROMIUM;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) ensureChromium();
