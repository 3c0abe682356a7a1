/**
 * The long-time-lag tasks produce what their papers describe: marker rules, targets, lengths,
 * grammar, and the trivial baselines the experiment tables print (measured on generated data).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/rng.js';
import {
  addingTask,
  addingTask1997,
  copyingTask,
  embeddedReberTask,
  longLagTask,
  makeTask,
  noisyLongLagTask,
  REBER_SYMBOLS,
  temporalOrderTask,
  TEMPORAL_SYMBOLS,
} from '../../src/tasks/index.js';

/** The one-hot symbol at (t, b), or −1 for an all-zero step. */
function symbolAt(x: ArrayLike<number>, t: number, b: number, B: number, K: number): number {
  for (let k = 0; k < K; k++) if (x[(t * B + b) * K + k] === 1) return k;
  return -1;
}

describe('adding problem', () => {
  it('modern form: two markers, one per half; target = their sum; predicting 1 gives MSE 0.167', () => {
    const task = addingTask(50);
    const batch = task.batch(new Rng(1), 4000);
    assert.equal(batch.target.kind, 'final-value');
    let se = 0;
    for (let b = 0; b < batch.B; b++) {
      const marks: number[] = [];
      for (let t = 0; t < 50; t++) {
        const v = batch.x[(t * batch.B + b) * 2] as number;
        assert.ok(v >= 0 && v < 1);
        if (batch.x[(t * batch.B + b) * 2 + 1] === 1) marks.push(t);
      }
      assert.equal(marks.length, 2);
      assert.ok((marks[0] as number) < 25 && (marks[1] as number) >= 25);
      const sum = marks.reduce((s, t) => s + (batch.x[(t * batch.B + b) * 2] as number), 0);
      const target = (batch.target as { values: Float32Array }).values[b] as number;
      assert.ok(Math.abs(target - sum) < 1e-6);
      se += (target - 1) ** 2;
    }
    assert.ok(Math.abs(se / batch.B - task.trivialError) < 0.01, `MSE of predicting 1: ${se / batch.B}`);
  });

  it('1997 form: lengths in [T, T + T/10], markers as the paper sets them, target 0.5 + (X1 + X2)/4', () => {
    const T = 100;
    const batch = addingTask1997(T).batch(new Rng(2), 500);
    const lengths = batch.lengths as Int32Array;
    let sum = 0;
    let sq = 0;
    for (let b = 0; b < batch.B; b++) {
      const L = lengths[b] as number;
      assert.ok(L >= T && L <= T + 10);
      const marker = (t: number): number => batch.x[(t * batch.B + b) * 2 + 1] as number;
      const value = (t: number): number => batch.x[(t * batch.B + b) * 2] as number;
      const ones = Array.from({ length: L }, (_, t) => t).filter((t) => marker(t) === 1);
      assert.equal(ones.length, 2);
      const [first, second] = ones as [number, number];
      assert.ok(
        ones.some((t) => t < 10),
        'one mark among the first ten',
      );
      assert.ok(ones.every((t) => t <= T / 2 - 2 || t < 10));
      if (!ones.includes(0)) assert.equal(marker(0), -1);
      if (ones.includes(0)) assert.equal(value(0), 0);
      assert.equal(marker(L - 1), -1);
      for (let t = L; t < batch.T; t++) assert.equal(value(t), 0, 'padding stays zero');
      const target = (batch.target as { values: Float32Array }).values[b] as number;
      assert.ok(Math.abs(target - (0.5 + (value(first) + value(second)) / 4)) < 1e-6);
      assert.ok(target >= 0 && target <= 1);
      sum += target;
      sq += target * target;
    }
    const variance = sq / batch.B - (sum / batch.B) ** 2;
    assert.ok(Math.abs(variance - 1 / 24) < 0.008, `target variance ${variance}`);
  });
});

describe('copying memory', () => {
  it('10 symbols, T − 1 blanks, the delimiter, 10 blanks; the memoryless loss is 10 ln 8 / (T + 20)', () => {
    const T = 30;
    const task = copyingTask(T);
    const batch = task.batch(new Rng(3), 8);
    assert.equal(batch.T, T + 20);
    const labels = (batch.target as { labels: Int32Array }).labels;
    let loss = 0;
    for (let b = 0; b < batch.B; b++) {
      for (let t = 0; t < batch.T; t++) {
        const s = symbolAt(batch.x, t, b, batch.B, 10);
        if (t < 10) assert.ok(s >= 1 && s <= 8);
        else assert.equal(s, t === T + 9 ? 9 : 0);
        const label = labels[t * batch.B + b] as number;
        if (t < T + 10) assert.equal(label, 0);
        else assert.equal(label, symbolAt(batch.x, t - T - 10, b, batch.B, 10));
        // the memoryless predictor: blank with certainty, then 1/8 for each data symbol
        loss += t < T + 10 ? 0 : Math.log(8);
      }
    }
    assert.ok(Math.abs(loss / (batch.B * batch.T) - task.trivialError) < 1e-12);
  });
});

describe('embedded Reber grammar', () => {
  // the grammar written as state transitions, independently of src/tasks/reber.ts
  const EDGES = ['1T2', '1P3', '2S2', '2X4', '3T3', '3V5', '4X3', '4S6', '5P4', '5V6'];
  function isReber(s: string): boolean {
    if (!s.startsWith('B') || !s.endsWith('E')) return false;
    let state = 1;
    for (const c of s.slice(1, -1)) {
      const edge = EDGES.find((e) => e[0] === String(state) && e[1] === c);
      if (edge === undefined) return false;
      state = Number(edge[2]);
    }
    return state === 6;
  }

  it('strings are embedded Reber strings; targets are next symbols; the long-lag step is pinned down', () => {
    const batch = embeddedReberTask().batch(new Rng(4), 300);
    const K = REBER_SYMBOLS.length;
    const { labels, legal } = batch.target as { labels: Int32Array; legal: Uint8Array };
    const lengths = batch.lengths as Int32Array;
    for (let b = 0; b < batch.B; b++) {
      const L = lengths[b] as number;
      const symbols = Array.from({ length: L }, (_, t) => REBER_SYMBOLS[symbolAt(batch.x, t, b, batch.B, K)]);
      const full = `${symbols.join('')}${REBER_SYMBOLS[labels[(L - 1) * batch.B + b] as number]}`;
      assert.ok(/^B[TP]/.test(full) && full.endsWith(`${full[1]}E`), full);
      assert.ok(isReber(full.slice(2, -2)), `inner string ${full.slice(2, -2)}`);
      for (let t = 0; t < L; t++) {
        const label = labels[t * batch.B + b] as number;
        assert.equal(legal[(t * batch.B + b) * K + label], 1, 'the actual next symbol is legal');
      }
      // the second-to-last prediction: exactly the second symbol
      const set = Array.from({ length: K }, (_, k) => legal[((L - 2) * batch.B + b) * K + k]);
      assert.deepEqual(
        set,
        REBER_SYMBOLS.map((s) => (s === full[1] ? 1 : 0)),
      );
      for (let t = L; t < batch.T; t++) assert.equal(labels[t * batch.B + b], -1, 'no loss past the end');
    }
  });
});

describe('temporal order and long lags', () => {
  it('temporal order: E … B, X/Y at t1 in [10, 20] and t2 in [50, 60], class = their order', () => {
    const batch = temporalOrderTask().batch(new Rng(5), 200);
    const K = TEMPORAL_SYMBOLS.length;
    const labels = (batch.target as { labels: Int32Array }).labels;
    for (let b = 0; b < batch.B; b++) {
      const L = (batch.lengths as Int32Array)[b] as number;
      assert.ok(L >= 100 && L <= 110);
      const s = Array.from({ length: L }, (_, t) => TEMPORAL_SYMBOLS[symbolAt(batch.x, t, b, batch.B, K)]);
      assert.equal(s[0], 'E');
      assert.equal(s[L - 1], 'B');
      const marks = s.map((c, t) => [c, t] as const).filter(([c]) => c === 'X' || c === 'Y');
      assert.equal(marks.length, 2);
      const [[c1, t1], [c2, t2]] = marks as [readonly [string, number], readonly [string, number]];
      assert.ok(t1 >= 10 && t1 <= 20 && t2 >= 50 && t2 <= 60);
      assert.equal(['XX', 'XY', 'YX', 'YY'][labels[b] as number], `${c1}${c2}`);
    }
  });

  it('long lag (2a): every target follows from the step before except the last, which repeats the first', () => {
    const p = 20;
    const batch = longLagTask(p).batch(new Rng(6), 50);
    const labels = (batch.target as { labels: Int32Array }).labels;
    for (let b = 0; b < batch.B; b++) {
      const first = symbolAt(batch.x, 0, b, batch.B, p + 1);
      assert.ok(first === p - 1 || first === p);
      for (let t = 0; t < p - 1; t++) assert.equal(labels[t * batch.B + b], t);
      assert.equal(labels[(p - 1) * batch.B + b], first);
    }
  });

  it('noisy long lag (2c): b, the class symbol, ≥ q distractors, the trigger e last; the target repeats the second symbol', () => {
    const q = 30;
    const p = 10;
    const K = p + 4;
    const batch = noisyLongLagTask(q, p).batch(new Rng(7), 200);
    const lengths = batch.lengths as Int32Array;
    const labels = (batch.target as { labels: Int32Array }).labels;
    let extra = 0;
    for (let b = 0; b < batch.B; b++) {
      const L = lengths[b] as number;
      assert.ok(L >= q + 3 && L <= q + 63, `length ${L}`);
      extra += L - (q + 3);
      const s = Array.from({ length: L }, (_, t) => symbolAt(batch.x, t, b, batch.B, K));
      assert.equal(s[0], p + 1); // b
      assert.equal(s[1], labels[b] === 1 ? p + 3 : p + 2); // y or x, the answer
      assert.equal(s[L - 1], p); // the trigger e
      for (let t = 2; t < L - 1; t++) assert.ok((s[t] as number) < p, 'only distractors between');
      for (let t = L; t < batch.T; t++) assert.equal(symbolAt(batch.x, t, b, batch.B, K), -1);
    }
    // the extra distractors are geometric with mean 9 (0.9 / 0.1), capped at 60
    assert.ok(Math.abs(extra / batch.B - 9) < 2, `mean extra ${extra / batch.B}`);
  });

  it('the same seed gives the same batch; unknown names are refused', () => {
    const a = makeTask('adding', 20).batch(new Rng(9), 3);
    const b = makeTask('adding', 20).batch(new Rng(9), 3);
    assert.deepEqual(a.x, b.x);
    assert.throws(() => makeTask('parity'), /unknown task 'parity'. Known: adding/);
  });
});
