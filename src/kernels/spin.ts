/**
 * The wait before sleeping, shared by the WebAssembly pool's main thread and its workers: poll a
 * control word until it leaves `value` or about 100 µs have passed (by the clock, read every 64
 * polls: a poll's cost differs between engines and machines, so a count of polls is not a time).
 * 100 µs catch the next product of a time step; after them a waiting thread sleeps (Atomics.wait)
 * and hands its core to whoever it waits for.
 */
const SPIN_MS = 0.1;
const POLLS_PER_CLOCK_READ = 64;

/** The word's value when the polling stopped: changed, or still `value` after SPIN_MS. */
export function pollWhileEqual(words: Int32Array, index: number, value: number): number {
  let now = Atomics.load(words, index);
  if (now !== value) return now;
  const until = performance.now() + SPIN_MS;
  for (let polls = 1; ; polls++) {
    now = Atomics.load(words, index);
    if (now !== value) return now;
    if (polls % POLLS_PER_CLOCK_READ === 0 && performance.now() >= until) return now;
  }
}
