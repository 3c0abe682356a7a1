/**
 * The fuzz child process: receives one case at a time over IPC, runs it in-process and reports
 * what it did. The parent (harness.ts) watches its time and memory and kills it on a hang or a
 * blow-up, so nothing here guards against those.
 */
import '../../src/node/index.js'; // the kernels' worker threads and native addon, as the CLI loads them
import { outcomeOf } from './classify-error.js';
import type { FuzzCase, Outcome } from './outcome.js';
import { runTarget } from './targets/index.js';

// the commands print; the parent ignores stdout, and stderr is kept only as a crash's last words
console.log = (): void => {};
console.info = (): void => {};
console.warn = (): void => {};
console.error = (): void => {};

let current: number | undefined;
process.on('unhandledRejection', (e) => report(current, outcomeOf(e)));
process.on('uncaughtException', (e) => report(current, outcomeOf(e)));

function report(id: number | undefined, outcome: Outcome): void {
  if (id === undefined) return;
  current = undefined;
  const rss = process.memoryUsage();
  process.send?.({ id, outcome, rssMb: rss.rss / 2 ** 20, arrayBuffersMb: rss.arrayBuffers / 2 ** 20 });
}

process.on('message', (msg: { id: number; case: FuzzCase }) => {
  current = msg.id;
  runTarget(msg.case).then(
    (o) => report(msg.id, o),
    (e: unknown) => report(msg.id, outcomeOf(e)),
  );
});
process.send?.({ ready: true });
