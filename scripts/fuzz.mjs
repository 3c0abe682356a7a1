// The long fuzz run (`npm run fuzz`; build first with `tsc -b`): every family (or FUZZ_FAMILIES=a,b)
// with FUZZ_RUNS inputs each from FUZZ_SEED, under the time and memory bounds of
// dist/test/fuzz/harness.js. Prints per family: inputs tried, successes, project errors,
// uncaught non-project errors, project errors with overlong messages, silently changed results, hangs, runs over the memory bound and
// crashes, then one line per root cause with its reproduction. Exits 1 when any input failed.
// FUZZ_FAMILY=NAME FUZZ_PLAN='{…}' replays one plan (a reproduction printed by a run).
// FUZZ_VERBOSE=1 prints every input's outcome. Other settings: FUZZ_MEMORY_MB (the child's resident bound, default 1024), FUZZ_TIME_SCALE
// (multiplies each family's time bound, default 1), FUZZ_MAX_SECONDS (per family).
import { describeFailure, familyNames, fuzzFamily, replay } from '../dist/test/fuzz/harness.js';

const env = process.env;
const settings = {
  seed: Number(env.FUZZ_SEED ?? 1),
  runs: Number(env.FUZZ_RUNS ?? 300),
  memoryMb: Number(env.FUZZ_MEMORY_MB ?? 1024),
  timeScale: Number(env.FUZZ_TIME_SCALE ?? 1),
  ...(env.FUZZ_MAX_SECONDS === undefined ? {} : { maxSeconds: Number(env.FUZZ_MAX_SECONDS) }),
};

if (env.FUZZ_PLAN !== undefined) {
  const family = env.FUZZ_FAMILY ?? '';
  const outcome = await replay(family, JSON.parse(env.FUZZ_PLAN), settings);
  console.log(JSON.stringify(outcome, null, 2));
  process.exit(['ok', 'project', 'altered'].includes(outcome.kind) ? 0 : 1);
}

const families = env.FUZZ_FAMILIES ? env.FUZZ_FAMILIES.split(',') : familyNames();
console.log(`fuzz: seed ${settings.seed}, ${settings.runs} inputs per family, memory bound ${settings.memoryMb} MB`);
const columns = ['tried', 'ok', 'project', 'uncaught', 'verbose', 'silent', 'hang', 'memory', 'crash', 'altered'];
console.log(['family'.padEnd(16), ...columns.map((c) => c.padStart(8))].join(''));
const reports = [];
for (const family of families) {
  // FUZZ_VERBOSE=1: every input's outcome; otherwise a progress line on stderr every 50 inputs
  const onCase =
    env.FUZZ_VERBOSE === '1'
      ? (i, o) => console.log(`  ${family} #${i}: ${o.kind} ${o.name ?? ''} ${o.message?.slice(0, 120) ?? ''}`)
      : (i) => {
          if ((i + 1) % 50 === 0) process.stderr.write(`  ${family}: ${i + 1} of ${settings.runs}\n`);
        };
  const r = await fuzzFamily(family, settings, onCase);
  reports.push(r);
  const row = columns.map((c) => String(c === 'tried' ? r.tried : r.counts[c]).padStart(8));
  console.log([family.padEnd(16), ...row].join(''));
}
let failed = false;
for (const r of reports) {
  for (const f of r.failures) {
    failed = true;
    console.log(describeFailure(f));
  }
}
const altered = reports.flatMap((r) => r.altered);
if (altered.length > 0) {
  console.log('\naccepted with other results, where that may be legitimate (a v0.1.0 header, an edited model.json):');
  for (const f of altered) console.log(describeFailure(f));
}
process.exit(failed ? 1 : 0);
