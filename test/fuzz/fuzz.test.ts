/**
 * The short fuzz run of `npm test` (under a minute): every family of plans.ts from a fixed seed,
 * each input in a watched child process (harness.ts). The property: every input ends in success
 * or one of the project's errors (LstmError and its subclasses, UsageError), never another
 * exception, within its family's time bound and the memory bound, and a damaged file of this
 * build is never accepted with changed results. A failure prints one line per root cause with its
 * reproduction (FUZZ_FAMILY=… FUZZ_PLAN='…' npm run fuzz); `npm run fuzz` is the long run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFailure, type FuzzSettings, fuzzFamily } from './harness.js';

/**
 * Inputs per family and a cap on its seconds: the model files and readers take milliseconds an
 * input; CSV and option runs train tiny models (up to half a second each).
 */
const RUNS: Record<string, { runs: number; seconds: number }> = {
  'lm-file': { runs: 1500, seconds: 12 },
  'classifier-file': { runs: 1500, seconds: 8 },
  'tagger-file': { runs: 1500, seconds: 8 },
  'forecaster-file': { runs: 1500, seconds: 8 },
  onnx: { runs: 1500, seconds: 8 },
  tfjs: { runs: 1500, seconds: 8 },
  csv: { runs: 300, seconds: 25 },
  options: { runs: 1000, seconds: 15 },
};

const SETTINGS: Omit<FuzzSettings, 'runs' | 'maxSeconds'> = {
  seed: 20261206,
  memoryMb: 1024,
  // the bounds of plans.ts halved: a tiny model trains in well under a second
  timeScale: 0.5,
};

describe('fuzz (short run; npm run fuzz for the long one)', () => {
  for (const [family, { runs, seconds }] of Object.entries(RUNS)) {
    it(`${family}: every input ends in success or a project error, in time and memory`, async () => {
      const report = await fuzzFamily(family, { ...SETTINGS, runs, maxSeconds: seconds });
      const c = report.counts;
      const summary = `${report.tried} tried: ${c.ok} ok, ${c.project} project errors, ${c.uncaught} uncaught, ${c.verbose} overlong messages, ${c.silent} silently wrong, ${c.hang} hangs, ${c.memory} over memory, ${c.crash} crashes`;
      assert.ok(report.tried > 0, `${family}: no input was tried`);
      assert.equal(
        report.failures.length,
        0,
        `${family}: ${summary}\n${report.failures.map(describeFailure).join('\n')}`,
      );
    });
  }
});
