/**
 * The plain LSTM's fused path inside `Recurrent` (cells/lstm-fused.ts, taken through
 * cells/run-cell.ts): a stack over full-length sequences runs on the fused cell kernels, and gives
 * what the general LSTM cell (cells/lstm-cell.ts, taken here by passing every length explicitly)
 * gives: outputs, final states, input and state gradients and every weight gradient, in float64.
 * A layer with an option the fused kernels lack (recurrent dropout, projection) leaves them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kernels, RefKernels } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';

const [T, B, D, H, L] = [5, 3, 4, 6, 2];

/** float64 reference kernels that count the fused LSTM cell calls. */
function countingKernels(): { k: Kernels; fused: { forward: number; backward: number } } {
  const base = new RefKernels('float64');
  const fused = { forward: 0, backward: 0 };
  const k = new Proxy(base, {
    get(target, prop, receiver) {
      if (prop === 'lstmCellForward') fused.forward++;
      if (prop === 'lstmCellBackward') fused.backward++;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { k, fused };
}

function run(opts: Partial<RecurrentOptions>, lengths: Int32Array | null) {
  const { k, fused } = countingKernels();
  const options: RecurrentOptions = { kind: 'lstm', inputSize: D, hiddenSize: H, numLayers: L, ...opts };
  const arena = new ParamArena(k, Recurrent.paramSpecs(options));
  const rng = new Rng(21);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-0.6, 0.6);
  const stack = new Recurrent(k, arena, options);
  const R = stack.stateSize;
  const draw = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
  const [x, h0, c0] = [draw(T * B * D), draw(L * B * R), draw(L * B * H)];
  const [dy, dhN, dcN] = [draw(T * B * R), draw(L * B * R), draw(L * B * H)];
  const out = stack.forward(x, T, B, h0, c0, lengths);
  const forward = [out.y, out.hN, out.cN!].map((a) => Float64Array.from(a));
  arena.zeroGrads();
  const g = stack.backward(dy, dhN, dcN);
  const backward = [g.dx, g.dh0, g.dc0!, arena.grads].map((a) => Float64Array.from(a));
  return { forward, backward, fused };
}

function assertSame(a: Float64Array[], b: Float64Array[], what: string): void {
  a.forEach((values, n) => {
    const other = b[n] as Float64Array;
    assert.equal(values.length, other.length);
    const diff = Math.max(...values.map((v, i) => Math.abs(v - (other[i] as number))));
    assert.ok(diff < 1e-12, `${what} ${n}: max difference ${diff}`);
  });
}

describe('the fused LSTM path inside Recurrent', () => {
  it('runs a plain LSTM over full-length sequences on the fused cell kernels', () => {
    const { fused } = run({}, null);
    assert.equal(fused.forward, L * T, 'one fused cell forward per layer and step');
    assert.equal(fused.backward, L * T, 'one fused cell backward per layer and step');
  });

  it('gives what the general LSTM cell gives, forward and backward (float64)', () => {
    const fast = run({}, null);
    const general = run(
      {},
      Int32Array.from({ length: B }, () => T),
    );
    assert.equal(general.fused.forward, 0, 'explicit lengths take the general cell');
    assertSame(fast.forward, general.forward, 'forward');
    assertSame(fast.backward, general.backward, 'backward');
  });

  it('leaves the fused kernels for options they lack', () => {
    assert.equal(run({ projSize: 2 }, null).fused.forward, 0, 'projection');
    assert.equal(run({ peephole: true }, null).fused.forward, 0, 'peepholes');
  });
});
