/**
 * Initialisers. Each fills an array in place from a seeded Rng, so a model built with the same
 * seed has the same weights on every machine.
 */
import type { Floats } from '../kernels/index.js';
import type { Rng } from '../rng.js';

/** out ~ U(−bound, bound). */
export function initUniform(out: Floats, rng: Rng, bound: number): void {
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-bound, bound);
}

/** out ~ N(0, std²). */
export function initNormal(out: Floats, rng: Rng, std: number): void {
  for (let i = 0; i < out.length; i++) out[i] = std * rng.normal();
}

/** Glorot & Bengio (2010): U(±√(6 / (fanIn + fanOut))), keeps activation variance level. */
export function initXavierUniform(out: Floats, rng: Rng, fanIn: number, fanOut: number): void {
  initUniform(out, rng, Math.sqrt(6 / (fanIn + fanOut)));
}

/**
 * A (rows, cols) matrix with orthonormal rows (rows <= cols) or columns (rows > cols), as
 * Saxe et al. (2014) recommend for recurrent weights: repeated products neither explode nor
 * vanish at the start of training. Gram-Schmidt (twice, for float accuracy) on a Gaussian matrix.
 * `out` may be a block of a wider matrix: row r starts at offset + r * ld.
 */
export function initOrthogonal(out: Floats, rng: Rng, rows: number, cols: number, offset = 0, ld = cols): void {
  // work on the wide orientation: n vectors of length len, n <= len
  const wide = rows <= cols;
  const n = wide ? rows : cols;
  const len = wide ? cols : rows;
  const q = new Float64Array(n * len);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let v = 0; v < n; v++) {
    const base = v * len;
    for (let pass = 0; pass < 2; pass++) {
      for (let u = 0; u < v; u++) {
        let dot = 0;
        for (let k = 0; k < len; k++) dot += (q[base + k] as number) * (q[u * len + k] as number);
        for (let k = 0; k < len; k++) q[base + k] = (q[base + k] as number) - dot * (q[u * len + k] as number);
      }
    }
    let norm = 0;
    for (let k = 0; k < len; k++) norm += (q[base + k] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let k = 0; k < len; k++) q[base + k] = (q[base + k] as number) / norm;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[offset + r * ld + c] = (wide ? q[r * len + c] : q[c * len + r]) as number;
    }
  }
}
