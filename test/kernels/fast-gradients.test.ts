/**
 * The gradient-check suite, on the compiled backends (WebAssembly, native). A central-difference
 * check needs float64 (in float32 the difference quotient carries round-off near 1e-7 / eps); the
 * compiled kernels are float32. So each set-up of the float64 gradient checks (test/nn/lstm.test.ts,
 * test/models/lm-gradcheck.test.ts) runs here on both backends with the same weights and data:
 * the float64 reference's analytic gradients pass central differences there, and each compiled
 * backend's gradients must agree with them to float32 accuracy, every entry of every input and parameter.
 * Sizes are odd, so the SIMD kernels' edge paths are in play; 2 threads, so the pool is too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Floats, type Kernels, RefKernels } from '../../src/kernels/index.js';
import { LMNetwork } from '../../src/models/lm-network.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { ParamArena } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { FAST_BACKENDS } from '../helpers/fast-backends.js';

/** |fast − f64| ≤ TOL · (max |f64| over the array + 1e-3) for every entry. */
const TOL = 2e-5;

function assertAgree(wasm: ArrayLike<number>, f64: ArrayLike<number>, what: string): void {
  assert.equal(wasm.length, f64.length, `${what}: length`);
  let scale = 1e-3;
  for (let i = 0; i < f64.length; i++) scale = Math.max(scale, Math.abs(f64[i] as number));
  for (let i = 0; i < f64.length; i++) {
    const d = Math.abs((wasm[i] as number) - (f64[i] as number));
    assert.ok(d <= TOL * scale, `${what}[${i}]: fast ${wasm[i]} vs float64 ${f64[i]} (scale ${scale})`);
  }
}

function random(k: Kernels, n: number, rng: Rng): Floats {
  const a = k.alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

for (const backend of FAST_BACKENDS)
  describe(`gradients on the ${backend.label} backend agree with the float64 reference`, { skip: backend.skip }, () => {
    const backends = (): Kernels[] => [new RefKernels('float64'), backend.make(2)];

    it('stacked LSTM: x, h0, c0 and every parameter (loss = Σ y⊙Ry + Σ hN⊙Rh + Σ cN⊙Rc)', () => {
      const [T, B, D, H, L] = [7, 3, 5, 9, 2];
      const results = backends().map((k) => {
        const opts = { inputSize: D, hiddenSize: H, numLayers: L };
        const arena = new ParamArena(k, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
        const rng = new Rng(7);
        for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.6, 0.6);
        const lstm = new Recurrent(k, arena, { kind: 'lstm', ...opts });
        const x = random(k, T * B * D, rng);
        const h0 = random(k, L * B * H, rng);
        const c0 = random(k, L * B * H, rng);
        const Ry = random(k, T * B * H, rng);
        const Rh = random(k, L * B * H, rng);
        const Rc = random(k, L * B * H, rng);
        lstm.forward(x, T, B, h0, c0);
        arena.zeroGrads();
        const g = lstm.backward(Ry, Rh, Rc);
        return { arena, dx: Float64Array.from(g.dx), dh0: Float64Array.from(g.dh0), dc0: Float64Array.from(g.dc0!) };
      });
      const [ref, wasm] = results as [(typeof results)[0], (typeof results)[0]];
      assertAgree(wasm.dx, ref.dx, 'dx');
      assertAgree(wasm.dh0, ref.dh0, 'dh0');
      assertAgree(wasm.dc0, ref.dc0, 'dc0');
      for (const e of ref.arena.entries) assertAgree(wasm.arena.grad(e.name), ref.arena.grad(e.name), `d${e.name}`);
    });

    it('language model over two windows with carried state: every parameter', () => {
      const [V, E, H, L, T, B] = [13, 6, 11, 2, 5, 3];
      const shape = { vocabSize: V, embeddingSize: E, hiddenSize: H, numLayers: L };
      const results = backends().map((k) => {
        const arena = new ParamArena(k, LMNetwork.paramSpecs(shape));
        const rng = new Rng(11);
        for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.7, 0.7);
        const net1 = new LMNetwork(k, arena, shape);
        const net2 = new LMNetwork(k, arena, shape);
        const ids = (): Int32Array => Int32Array.from({ length: T * B }, () => rng.int(V));
        const [in1, tg1, in2, tg2] = [ids(), ids(), ids(), ids()];
        const w1 = net1.forward(in1, T, B, null, null);
        const loss1 = net1.loss(tg1, w1.logits);
        const h = k.alloc(L * B * H);
        const c = k.alloc(L * B * H);
        h.set(w1.hN);
        c.set(w1.cN!);
        const w2 = net2.forward(in2, T, B, h, c);
        const loss = loss1 + net2.loss(tg2, w2.logits);
        arena.zeroGrads();
        const g2 = net2.backward();
        const dhN = k.alloc(L * B * H);
        const dcN = k.alloc(L * B * H);
        dhN.set(g2.dh0);
        dcN.set(g2.dc0!);
        net1.backward(dhN, dcN);
        return { arena, loss };
      });
      const [ref, wasm] = results as [(typeof results)[0], (typeof results)[0]];
      assert.ok(Math.abs(wasm.loss - ref.loss) <= 1e-5 * ref.loss, `loss ${wasm.loss} vs ${ref.loss}`);
      for (const e of ref.arena.entries) assertAgree(wasm.arena.grad(e.name), ref.arena.grad(e.name), `d(${e.name})`);
    });
  });
