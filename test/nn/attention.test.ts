/**
 * Attention (src/nn/attention.ts), dot, general and additive: float64 gradient checks on every
 * entry of the queries of several steps, the memory and the parameters, over a batch with
 * different source lengths (one of them empty); the weights are a softmax over each sequence's own
 * positions only; the same weights, contexts and gradients as PyTorch on frozen vectors
 * (test/fixtures/attention_reference.json, made by make_attention_reference.py); and the errors
 * for bad sizes and steps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Floats, type Kernels, RefKernels } from '../../src/kernels/index.js';
import { Attention, type AttentionOptions } from '../../src/nn/attention.js';
import { ParamArena } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';
import { describeReport, gradcheck, randomArray, weightedSum } from '../helpers/gradcheck.js';

const k64 = new RefKernels('float64');
const [Ts, B, Tt] = [4, 3, 3];
const LENGTHS = Int32Array.from([4, 2, 0]);

const CASES: AttentionOptions[] = [
  { kind: 'dot', querySize: 5, memorySize: 5 },
  { kind: 'general', querySize: 5, memorySize: 6 },
  { kind: 'additive', querySize: 5, memorySize: 6, attentionSize: 4 },
];

function setup(opts: AttentionOptions, seed: number): { attention: Attention; arena: ParamArena } {
  const arena = new ParamArena(k64, Attention.paramSpecs('att.', opts));
  const rng = new Rng(seed);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-1, 1);
  return { attention: new Attention(k64, arena, 'att.', opts), arena };
}

describe('Attention (float64)', () => {
  for (const opts of CASES) {
    it(`${opts.kind}: passes a gradient check on queries, memory and parameters`, () => {
      const { attention, arena } = setup(opts, 1);
      const rng = new Rng(2);
      const memory = randomArray(Ts * B * opts.memorySize, rng);
      const queries = Array.from({ length: Tt }, () => randomArray(B * opts.querySize, rng));
      const R = Array.from({ length: Tt }, () => randomArray(B * opts.memorySize, rng));
      const loss = (): number => {
        attention.setMemory(memory, Ts, B, LENGTHS, Tt);
        let sum = 0;
        for (let t = 0; t < Tt; t++)
          sum += weightedSum(attention.step(t, queries[t] as Float64Array).context, R[t] as Float64Array);
        return sum;
      };
      loss();
      arena.zeroGrads();
      const dQueries: Float64Array[] = [];
      for (let t = Tt - 1; t >= 0; t--)
        dQueries[t] = Float64Array.from(attention.stepBackward(t, R[t] as Float64Array));
      const dMemory = Float64Array.from(attention.memoryBackward());
      const targets = [
        { name: 'memory', values: memory, analytic: dMemory },
        ...queries.map((q, t) => ({ name: `query ${t}`, values: q, analytic: dQueries[t] as Float64Array })),
        ...arena.entries.map((e) => ({
          name: e.name,
          values: arena.value(e.name),
          analytic: Float64Array.from(arena.grad(e.name)),
        })),
      ];
      const report = gradcheck(targets, loss);
      assert.equal(report.failures.length, 0, describeReport(report));
    });
  }

  it('weights each sequence over its own positions only; an empty source gets a zero context', () => {
    const opts: AttentionOptions = { kind: 'general', querySize: 3, memorySize: 2 };
    const { attention } = setup(opts, 4);
    const rng = new Rng(5);
    attention.setMemory(randomArray(Ts * B * 2, rng), Ts, B, LENGTHS, 1);
    const { weights, context } = attention.step(0, randomArray(B * 3, rng));
    for (let b = 0; b < B; b++) {
      const row = Array.from(weights.subarray(b * Ts, (b + 1) * Ts));
      const n = LENGTHS[b] as number;
      assert.ok(
        row.slice(n).every((w) => w === 0),
        `row ${b}: no weight past its length`,
      );
      if (n > 0) assert.ok(Math.abs(row.reduce((a, w) => a + w, 0) - 1) < 1e-12);
    }
    assert.deepEqual(Array.from(context.subarray(2 * 2, 3 * 2)), [0, 0]);
  });

  it('refuses dot attention of unequal sizes, a wrong memory or query size, and a step past maxSteps', () => {
    assert.throws(
      () => Attention.paramSpecs('a.', { kind: 'dot', querySize: 4, memorySize: 5 }),
      /dot attention needs/,
    );
    assert.throws(
      () => Attention.paramSpecs('a.', { kind: 'luong' as 'dot', querySize: 4, memorySize: 4 }),
      /kind must be/,
    );
    const { attention } = setup({ kind: 'dot', querySize: 2, memorySize: 2 }, 1);
    assert.throws(() => attention.step(0, new Float64Array(2)), /call setMemory first/);
    assert.throws(() => attention.setMemory(new Float64Array(5), 2, 1, null, 1), /memory has 5 values/);
    assert.throws(() => attention.setMemory(new Float64Array(4), 2, 1, Int32Array.from([3]), 1), /lengths must be/);
    attention.setMemory(new Float64Array(4), 2, 1, null, 1);
    assert.throws(() => attention.step(0, new Float64Array(3)), /query has 3 values/);
    assert.throws(() => attention.step(1, new Float64Array(2)), /outside \[0, 1\)/);
  });
});

interface ReferenceCase {
  kind: AttentionOptions['kind'];
  Ts: number;
  B: number;
  Tt: number;
  querySize: number;
  memorySize: number;
  attentionSize: number;
  lengths: number[];
  memory: number[];
  queries: number[];
  R: number[];
  params: Record<string, number[]>;
  weights: number[];
  contexts: number[];
  grads: Record<string, number[]>;
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i] as number, expected[i] as number];
    assert.ok(Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} against PyTorch's ${e}`);
  }
}

describe('Attention against PyTorch (float64, frozen vectors)', () => {
  const fixture = JSON.parse(readFileSync('test/fixtures/attention_reference.json', 'utf8')) as {
    cases: ReferenceCase[];
  };
  for (const c of fixture.cases) {
    it(`${c.kind}: weights, contexts and every gradient`, () => {
      const opts: AttentionOptions = { kind: c.kind, querySize: c.querySize, memorySize: c.memorySize };
      if (c.kind === 'additive') opts.attentionSize = c.attentionSize;
      const arena = new ParamArena(k64, Attention.paramSpecs('att.', opts));
      for (const [name, values] of Object.entries(c.params)) arena.value(`att.${name}`).set(values);
      const attention = new Attention(k64, arena, 'att.', opts);
      const memory = Float64Array.from(c.memory);
      attention.setMemory(memory, c.Ts, c.B, Int32Array.from(c.lengths), c.Tt);
      const [Hd, Hm] = [c.querySize, c.memorySize];
      const weights: number[] = [];
      const contexts: number[] = [];
      for (let t = 0; t < c.Tt; t++) {
        const out = attention.step(t, Float64Array.from(c.queries.slice(t * c.B * Hd, (t + 1) * c.B * Hd)));
        weights.push(...out.weights);
        contexts.push(...out.context);
      }
      assertClose(weights, c.weights, 'weights');
      assertClose(contexts, c.contexts, 'contexts');
      arena.zeroGrads();
      const dQueries: number[][] = [];
      for (let t = c.Tt - 1; t >= 0; t--) {
        const R = Float64Array.from(c.R.slice(t * c.B * Hm, (t + 1) * c.B * Hm));
        dQueries[t] = Array.from(attention.stepBackward(t, R));
      }
      assertClose(attention.memoryBackward(), c.grads.memory as number[], 'd memory');
      assertClose(dQueries.flat(), c.grads.queries as number[], 'd queries');
      for (const name of Object.keys(c.params))
        assertClose(arena.grad(`att.${name}`), c.grads[name] as number[], `d ${name}`);
    });
  }
});

/** n values uniform in [−1, 1) in an array of k's memory. */
function uniformArray(k: Kernels, n: number, rng: Rng): Floats {
  const a = k.alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

for (const backend of FAST_BACKENDS)
  describe(`Attention on ${backend.label} (float32)`, { skip: backend.skip }, () => {
    for (const opts of CASES) {
      it(`${opts.kind}: the float64 reference's contexts and gradients to float32 round-off`, () => {
        const run = (k: Kernels): number[][] => {
          const arena = new ParamArena(k, Attention.paramSpecs('att.', opts));
          const rng = new Rng(7);
          for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-1, 1);
          const attention = new Attention(k, arena, 'att.', opts);
          const filled = (n: number) => uniformArray(k, n, rng);
          const memory = filled(Ts * B * opts.memorySize);
          attention.setMemory(memory, Ts, B, LENGTHS, Tt);
          const contexts: number[] = [];
          for (let t = 0; t < Tt; t++) contexts.push(...attention.step(t, filled(B * opts.querySize)).context);
          const dQueries: number[] = [];
          for (let t = Tt - 1; t >= 0; t--) dQueries.push(...attention.stepBackward(t, filled(B * opts.memorySize)));
          return [contexts, dQueries, Array.from(attention.memoryBackward()), Array.from(arena.grads)];
        };
        const fast = run(backend.make(1));
        const reference = run(k64);
        fast.forEach((values, i) => {
          const expected = reference[i] as number[];
          values.forEach((v, j) =>
            assert.ok(Math.abs(v - (expected[j] as number)) < 1e-5, `output ${i}[${j}]: ${v} against ${expected[j]}`),
          );
        });
      });
    }
  });

describe('Attention kernels on a pool', () => {
  it('split over threads, a step gives the one-thread results bit for bit (with and without lengths)', () => {
    const [bigTs, bigB, H] = [9, 64, 48]; // B · Ts · 2H = 55,296 multiply-adds: enough to split
    for (const backend of FAST_BACKENDS.filter((b) => b.skip === undefined)) {
      for (const kind of ['dot', 'general'] as const) {
        for (const lengths of [null, Int32Array.from({ length: bigB }, (_, b) => b % (bigTs + 1))]) {
          const run = (threads: number): number[][] => {
            const k = backend.make(threads);
            const opts = { kind, querySize: H, memorySize: H };
            const arena = new ParamArena(k, Attention.paramSpecs('att.', opts));
            const rng = new Rng(3);
            for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-1, 1);
            const attention = new Attention(k, arena, 'att.', opts);
            const filled = (n: number) => uniformArray(k, n, rng);
            attention.setMemory(filled(bigTs * bigB * H), bigTs, bigB, lengths, 2);
            const out = [0, 1].map((t) => Array.from(attention.step(t, filled(bigB * H)).context));
            const back = [1, 0].map((t) => Array.from(attention.stepBackward(t, filled(bigB * H))));
            const result = [...out, ...back, Array.from(attention.memoryBackward()), Array.from(arena.grads)];
            backend.dispose(k);
            return result;
          };
          assert.deepEqual(run(2), run(1), `${backend.label} ${kind} lengths ${lengths !== null}`);
        }
      }
    }
  });
});
