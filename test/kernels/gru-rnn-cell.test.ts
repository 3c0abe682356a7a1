/**
 * The GRU and RNN cell-step kernels of each compiled backend (on 1 and 2 threads) against the
 * TypeScript reference: batch and hidden sizes around the SIMD widths (4, 8, 16 lanes) and primes,
 * both GRU forms, tanh and relu, with and without clip and a recurrent-dropout mask, and a
 * sentinel tail past every array that must stay untouched. While the backend's method runs, the
 * reference method it could fall back to throws, so a silent fallback fails the test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Floats, Kernels } from '../../src/kernels/index.js';
import { RefKernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

const SIZES: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [1, 3],
  [3, 4],
  [2, 5],
  [5, 7],
  [1, 8],
  [3, 9],
  [2, 16],
  [3, 17],
  [2, 31],
  [1, 33],
];
const TAIL = 3;
const SENTINEL = -555;

type Method = keyof RefKernels & string;

function fastOnly<T>(method: Method, run: () => T): T {
  const proto = RefKernels.prototype as unknown as Record<string, unknown>;
  const original = proto[method];
  proto[method] = () => {
    throw new Error(`${method} fell back to the reference loop`);
  };
  try {
    return run();
  } finally {
    proto[method] = original;
  }
}

/** Sentinel tails included: a tail the kernel wrote to differs from the reference's untouched one. */
function close(actual: Floats, expected: Floats, tol: number, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const x = expected[i] as number;
    const y = actual[i] as number;
    assert.ok(Math.abs(x - y) <= tol * Math.max(1, Math.abs(x)), `${what}[${i}]: ref=${x} fast=${y}`);
  }
}

/** The same values in the reference's and the fast backend's memories, with a sentinel tail. */
class Pairs {
  constructor(
    private readonly ref: Kernels,
    private readonly fast: Kernels,
    private readonly rng: Rng,
  ) {}

  make(n: number, lo = -1, hi = 1): [Floats, Floats] {
    const a = this.ref.alloc(n + TAIL);
    const b = this.fast.alloc(n + TAIL);
    for (let i = 0; i < n; i++) a[i] = this.rng.uniform(lo, hi);
    a.fill(SENTINEL, n);
    b.set(a);
    return [a, b];
  }

  /** Gate rows (B, 3H) of activations: r, z in (0, 1), n in (−1, 1). */
  gates(B: number, H: number): [Floats, Floats] {
    const [a, b] = this.make(B * 3 * H, 0.01, 0.99);
    for (let r = 0; r < B; r++) for (let j = 0; j < H; j++) a[r * 3 * H + 2 * H + j] = this.rng.uniform(-0.99, 0.99);
    b.set(a);
    return [a, b];
  }
}

const TOL = 2e-6;

for (const backend of FAST_BACKENDS)
  for (const threads of [1, 2])
    describe(`${backend.label} GRU and RNN cell kernels, ${threads} thread(s)`, { skip: backend.skip }, () => {
      const ref = new RefKernels('float32');

      it('GRU forward: gates, then candidate and state, both forms, clip 0 and 0.8', () => {
        const fast = backend.make(threads);
        const p = new Pairs(ref, fast, new Rng(21));
        for (const [B, H] of SIZES)
          for (const lbr of [true, false])
            for (const clip of [0, 0.8]) {
              const what = `B×H=${B}×${H} lbr=${lbr} clip=${clip}`;
              const [xpA, xpB] = p.make(B * 3 * H, -2, 2);
              const [hpA, hpB] = p.make(B * 3 * H, -2, 2);
              const [hRecA, hRecB] = p.make(B * H);
              const [hPrevA, hPrevB] = p.make(B * H);
              const [preA, preB] = p.make(B * 3 * H);
              const [actA, actB] = p.make(B * 3 * H);
              const [rhA, rhB] = p.make(B * H);
              const [hA, hB] = p.make(B * H);
              ref.gruGatesForward(B, H, xpA, hpA, hRecA, preA, actA, rhA, clip, lbr);
              fastOnly('gruGatesForward', () =>
                fast.gruGatesForward(B, H, xpB, hpB, hRecB, preB, actB, rhB, clip, lbr),
              );
              close(preB, preA, 1e-7, `gates pre ${what}`);
              close(actB, actA, TOL, `gates act ${what}`);
              close(rhB, rhA, TOL, `rh ${what}`);
              actB.set(actA); // the candidate step from the same gates on both sides
              ref.gruCandidateForward(B, H, xpA, hpA, hPrevA, preA, actA, hA, clip, lbr);
              fastOnly('gruCandidateForward', () =>
                fast.gruCandidateForward(B, H, xpB, hpB, hPrevB, preB, actB, hB, clip, lbr),
              );
              close(preB, preA, TOL, `candidate pre ${what}`);
              close(actB, actA, TOL, `candidate act ${what}`);
              close(hB, hA, TOL, `h ${what}`);
            }
        backend.dispose(fast);
      });

      it('GRU backward: candidate, gates and state, both forms, clip, with and without a mask', () => {
        const fast = backend.make(threads);
        const p = new Pairs(ref, fast, new Rng(22));
        for (const [B, H] of SIZES)
          for (const lbr of [true, false])
            for (const clip of [0, 0.8]) {
              const what = `B×H=${B}×${H} lbr=${lbr} clip=${clip}`;
              const [dhA, dhB] = p.make(B * H);
              const [preA, preB] = p.make(B * 3 * H, -2, 2);
              const [actA, actB] = p.gates(B, H);
              const [hpA, hpB] = p.make(B * 3 * H, -2, 2);
              const [hPrevA, hPrevB] = p.make(B * H);
              const [hRecA, hRecB] = p.make(B * H);
              const [dRhA, dRhB] = p.make(B * H);
              const [dXPA, dXPB] = p.make(B * 3 * H);
              const [dHPA, dHPB] = p.make(B * 3 * H);
              ref.gruCandidateBackward(B, H, dhA, preA, actA, dXPA, dHPA, clip, lbr);
              fastOnly('gruCandidateBackward', () =>
                fast.gruCandidateBackward(B, H, dhB, preB, actB, dXPB, dHPB, clip, lbr),
              );
              close(dXPB, dXPA, TOL, `candidate dXP ${what}`);
              close(dHPB, dHPA, TOL, `candidate dHP ${what}`);
              ref.gruGatesBackward(B, H, dhA, hPrevA, hRecA, hpA, preA, actA, dRhA, dXPA, dHPA, clip, lbr);
              fastOnly('gruGatesBackward', () =>
                fast.gruGatesBackward(B, H, dhB, hPrevB, hRecB, hpB, preB, actB, dRhB, dXPB, dHPB, clip, lbr),
              );
              close(dXPB, dXPA, TOL, `gates dXP ${what}`);
              close(dHPB, dHPA, TOL, `gates dHP ${what}`);
              for (const masked of [false, true]) {
                const [dhRecA, dhRecB] = p.make(B * H);
                const [maskA, maskB] = p.make(B * H, 0, 2);
                const [dhPrevA, dhPrevB] = p.make(B * H);
                ref.gruStateBackward(B, H, dhA, actA, dhRecA, dRhA, masked ? maskA : null, dhPrevA, lbr);
                fastOnly('gruStateBackward', () =>
                  fast.gruStateBackward(B, H, dhB, actB, dhRecB, dRhB, masked ? maskB : null, dhPrevB, lbr),
                );
                close(dhPrevB, dhPrevA, TOL, `dhPrev ${what} masked=${masked}`);
              }
            }
        backend.dispose(fast);
      });

      it('RNN forward and backward: tanh and relu, clip 0 and 0.8', () => {
        const fast = backend.make(threads);
        const p = new Pairs(ref, fast, new Rng(23));
        for (const [B, H] of SIZES)
          for (const relu of [false, true])
            for (const clip of [0, 0.8]) {
              const what = `B×H=${B}×${H} relu=${relu} clip=${clip}`;
              const [preA, preB] = p.make(B * H, -2, 2);
              const [hA, hB] = p.make(B * H);
              ref.rnnCellForward(B, H, preA, hA, relu, clip);
              fastOnly('rnnCellForward', () => fast.rnnCellForward(B, H, preB, hB, relu, clip));
              close(hB, hA, TOL, `h ${what}`);
              hB.set(hA);
              const [dhA, dhB] = p.make(B * H);
              const [dPreA, dPreB] = p.make(B * H);
              ref.rnnCellBackward(B, H, dhA, preA, hA, dPreA, relu, clip);
              fastOnly('rnnCellBackward', () => fast.rnnCellBackward(B, H, dhB, preB, hB, dPreB, relu, clip));
              close(dPreB, dPreA, TOL, `dPre ${what}`);
            }
        backend.dispose(fast);
      });
    });
