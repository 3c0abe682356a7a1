import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initOrthogonal, initUniform, initXavierUniform } from '../../src/nn/init.js';
import { Rng } from '../../src/rng.js';

/** max |Σ_k a(i,k) a(j,k) − δ_ij| over vectors i, j of length len taken by `at(v, k)`. */
function gramError(n: number, len: number, at: (v: number, k: number) => number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < len; k++) dot += at(i, k) * at(j, k);
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('initialisers', () => {
  it('orthogonal gives orthonormal rows (wide) or columns (tall)', () => {
    const rng = new Rng(3);
    const wide = new Float64Array(5 * 9);
    initOrthogonal(wide, rng, 5, 9);
    assert.ok(gramError(5, 9, (r, k) => wide[r * 9 + k] as number) < 1e-12);
    const tall = new Float64Array(9 * 5);
    initOrthogonal(tall, rng, 9, 5);
    assert.ok(gramError(5, 9, (c, k) => tall[k * 5 + c] as number) < 1e-12);
  });

  it('orthogonal fills a block of a wider matrix and leaves the rest untouched', () => {
    const rng = new Rng(4);
    const H = 4;
    const W = new Float64Array(4 * H * H).fill(7); // (4H, H); fill the second gate's block
    initOrthogonal(W, rng, H, H, H * H, H);
    assert.ok(W.subarray(0, H * H).every((v) => v === 7));
    assert.ok(W.subarray(2 * H * H).every((v) => v === 7));
    assert.ok(gramError(H, H, (r, k) => W[H * H + r * H + k] as number) < 1e-12);
  });

  it('uniform and Xavier stay within their bounds and are not constant', () => {
    const rng = new Rng(5);
    const a = new Float64Array(1000);
    initUniform(a, rng, 0.25);
    assert.ok(a.every((v) => Math.abs(v) <= 0.25));
    assert.ok(Math.max(...a) - Math.min(...a) > 0.45);
    initXavierUniform(a, rng, 30, 120);
    const bound = Math.sqrt(6 / 150);
    assert.ok(a.every((v) => Math.abs(v) <= bound));
    assert.ok(Math.max(...a) > 0.9 * bound);
  });

  it('the same seed gives the same weights, another seed different ones', () => {
    const draw = (seed: number): number[] => {
      const a = new Float64Array(16);
      initOrthogonal(a, new Rng(seed), 4, 4);
      return Array.from(a);
    };
    assert.deepEqual(draw(9), draw(9));
    assert.notDeepEqual(draw(9), draw(10));
  });
});
