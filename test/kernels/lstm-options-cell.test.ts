/**
 * The LSTM cell with options (lstmCellOptionsForward / Backward) and the element-wise product on
 * each compiled backend against the TypeScript reference: every combination of peepholes, clip
 * and coupled gates, act aliasing pre, hidden sizes around the SIMD widths (4, 8, 16 lanes) and a
 * step large enough to split over threads, on 1 and 2 threads. Every array is a view at an odd
 * offset with a sentinel tail that must stay untouched, and the reference is trapped while the
 * backend runs, so a silent fallback fails.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type Floats, type Kernels, RefKernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

const SHAPES: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [2, 3],
  [3, 5],
  [1, 17],
  [4, 33],
  [33, 131], // B·H over 4096: split over the threads where the backend splits
];
const TAIL = 3;
const SENTINEL = -555;

/** Run `body` with the reference's method throwing: the backend must not fall back to it. */
function trapped<T>(method: 'lstmCellOptionsForward' | 'lstmCellOptionsBackward' | 'multiply', body: () => T): T {
  const proto = RefKernels.prototype as unknown as Record<string, unknown>;
  const original = proto[method];
  proto[method] = () => {
    throw new Error(`${method} fell back to the reference loop`);
  };
  try {
    return body();
  } finally {
    proto[method] = original;
  }
}

/** n values from `fill` in both backends, each a view at offset 1 with a sentinel tail. */
function twin(ref: Kernels, fast: Kernels, n: number, fill: (i: number) => number): [Floats, Floats] {
  const a = ref.alloc(n + 1 + TAIL).subarray(1);
  const b = fast.alloc(n + 1 + TAIL).subarray(1);
  for (let i = 0; i < n; i++) a[i] = fill(i);
  a.fill(SENTINEL, n);
  b.set(a);
  return [a, b];
}

function assertClose(expected: Floats, actual: Floats, n: number, what: string, tol = 2e-6): void {
  for (let i = 0; i < n + TAIL; i++) {
    const x = expected[i] as number;
    const y = actual[i] as number;
    if (i >= n) assert.equal(y, SENTINEL, `${what}: the tail past ${n} was written at ${i}`);
    else assert.ok(Math.abs(x - y) <= tol * Math.max(1, Math.abs(x)), `${what}[${i}]: ref=${x} fast=${y}`);
  }
}

interface Variant {
  peep: boolean;
  clip: number;
  coupled: boolean;
  alias: boolean; // act is pre (only without a clip, as the interface allows)
}

const VARIANTS: Variant[] = [];
for (const peep of [false, true])
  for (const clip of [0, 0.8])
    for (const coupled of [false, true])
      for (const alias of clip === 0 ? [false, true] : [false]) VARIANTS.push({ peep, clip, coupled, alias });

const label = (v: Variant): string =>
  `${v.peep ? 'peepholes' : 'no peepholes'}, clip ${v.clip}, ${v.coupled ? 'coupled' : 'free'} gates${v.alias ? ', act = pre' : ''}`;

for (const backend of FAST_BACKENDS)
  for (const threads of [1, 2])
    describe(`${backend.label}, ${threads} thread(s): the LSTM cell with options`, { skip: backend.skip }, () => {
      const fast = backend.make(threads);
      const ref = new RefKernels('float32');
      after(() => backend.dispose(fast));

      for (const v of VARIANTS)
        it(`forward and backward match the reference: ${label(v)}`, () => {
          const rng = new Rng(7);
          for (const [B, H] of SHAPES) {
            const G = B * 4 * H;
            const S = B * H;
            const draw = (lo: number, hi: number) => () => rng.uniform(lo, hi);
            // pre-activations over ±4 with some at ±300 (saturating; clipped when there is a clip)
            const [preA, preB] = twin(ref, fast, G, (i) => (i % 13 === 0 ? (i % 2 ? 300 : -300) : rng.uniform(-4, 4)));
            const [actA, actB] = v.alias ? [preA, preB] : twin(ref, fast, G, () => 0);
            const [cPrevA, cPrevB] = twin(ref, fast, S, draw(-2, 2));
            const [cA, cB] = twin(ref, fast, S, () => 0);
            const [thA, thB] = twin(ref, fast, S, () => 0);
            const [hA, hB] = twin(ref, fast, S, () => 0);
            const [peepA, peepB] = v.peep ? twin(ref, fast, 3 * H, draw(-0.8, 0.8)) : [null, null];
            ref.lstmCellOptionsForward(B, H, preA, actA, cPrevA, cA, thA, hA, peepA, v.clip, v.coupled);
            trapped('lstmCellOptionsForward', () =>
              fast.lstmCellOptionsForward(B, H, preB, actB, cPrevB, cB, thB, hB, peepB, v.clip, v.coupled),
            );
            const shape = `B×H=${B}×${H}`;
            if (!v.alias) assertClose(preA, preB, G, `pre ${shape}`);
            assertClose(actA, actB, G, `act ${shape}`);
            for (const [a, b, what] of [
              [cA, cB, 'c'],
              [thA, thB, 'tanhC'],
              [hA, hB, 'h'],
            ] as const)
              assertClose(a, b, S, `${what} ${shape}`);

            // backward from the forward's own outputs (the reference's, copied: both start equal)
            preB.set(preA.subarray(0, G));
            actB.set(actA.subarray(0, G));
            cB.set(cA.subarray(0, S));
            thB.set(thA.subarray(0, S));
            const [dhA, dhB] = twin(ref, fast, S, draw(-1, 1));
            const [dcA, dcB] = twin(ref, fast, S, draw(-1, 1));
            const [dPreA, dPreB] = twin(ref, fast, G, () => 0);
            const [dPeepA, dPeepB] = v.peep ? twin(ref, fast, 3 * H, draw(-1, 1)) : [null, null];
            // dcPrev written over dc (the alias every caller uses)
            ref.lstmCellOptionsBackward(
              B,
              H,
              dhA,
              dcA,
              preA,
              actA,
              cPrevA,
              cA,
              thA,
              peepA,
              v.clip,
              v.coupled,
              dPreA,
              dcA,
              dPeepA,
            );
            trapped('lstmCellOptionsBackward', () =>
              fast.lstmCellOptionsBackward(
                B,
                H,
                dhB,
                dcB,
                preB,
                actB,
                cPrevB,
                cB,
                thB,
                peepB,
                v.clip,
                v.coupled,
                dPreB,
                dcB,
                dPeepB,
              ),
            );
            assertClose(dPreA, dPreB, G, `dPre ${shape}`);
            assertClose(dcA, dcB, S, `dcPrev ${shape}`);
            // B rows summed in float32 against the reference's float64 sums rounded per row
            if (dPeepA !== null && dPeepB !== null) assertClose(dPeepA, dPeepB, 3 * H, `dPeep ${shape}`, 1e-5 * B);
          }
        });

      it('multiply matches the reference, in place too', () => {
        const rng = new Rng(9);
        for (const n of [1, 3, 4, 5, 7, 8, 9, 17, 1031]) {
          const [xA, xB] = twin(ref, fast, n, () => rng.uniform(-2, 2));
          const [yA, yB] = twin(ref, fast, n, () => rng.uniform(-2, 2));
          const [oA, oB] = twin(ref, fast, n, () => 0);
          ref.multiply(n, xA, yA, oA);
          trapped('multiply', () => fast.multiply(n, xB, yB, oB));
          assertClose(oA, oB, n, `multiply n=${n}`, 0);
          ref.multiply(n, xA, yA, xA);
          trapped('multiply', () => fast.multiply(n, xB, yB, xB));
          assertClose(xA, xB, n, `multiply in place n=${n}`, 0);
        }
      });
    });
