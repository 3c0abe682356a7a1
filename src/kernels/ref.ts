/**
 * The reference kernels: plain loops over typed arrays. They are the algorithmic reference every
 * faster backend is checked against, the fallback where nothing faster loads, and (with float64
 * storage) the engine of the gradient checks.
 *
 * The one concession to speed is the matrix product: every variant is computed in the
 * dot-product form C = A · Bᵀ (both operands read along contiguous rows) with a 4 × 2 block of
 * accumulators, after copying a transposed operand into a scratch buffer. That copy costs
 * O(K·N) against the product's O(M·N·K), and the form runs about 4x faster in V8 than the
 * textbook i-k-j loop.
 *
 * Each method names its parameters and takes their types from the interface (`KernelArgs`), where
 * the equations and shapes are written. The methods live on the prototype, so the compiled
 * backends' tests can trap a call that reaches them.
 */
import * as cells from './ref-cells.js';
import { sigmoid } from './ref-cells.js';
import type { DType, Floats, GemmOperands, KernelArgs, Kernels } from './types.js';

/**
 * C (M, N) (+)= A (M, K) · Bᵀ where B is (N, K); A, B, C with row strides lda, ldb, ldc.
 * Empty sizes need no special case: K = 0 writes zeros (beta 0) or leaves C (beta 1).
 * 4 rows of A × 2 rows of B per block; the K loop keeps 8 accumulators in registers.
 */
function gemmABt(...[M, N, K, A, lda, B, ldb, C, ldc, beta]: GemmOperands): void {
  const M4 = M - (M % 4);
  const N2 = N - (N % 2);
  for (let i = 0; i < M4; i += 4) {
    const a0 = i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = i * ldc;
    const c1 = c0 + ldc;
    const c2 = c1 + ldc;
    const c3 = c2 + ldc;
    for (let j = 0; j < N2; j += 2) {
      const b0 = j * ldb;
      const b1 = b0 + ldb;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = B[b0 + k];
        const x1 = B[b1 + k];
        const y0 = A[a0 + k];
        const y1 = A[a1 + k];
        const y2 = A[a2 + k];
        const y3 = A[a3 + k];
        s00 += y0 * x0;
        s01 += y0 * x1;
        s10 += y1 * x0;
        s11 += y1 * x1;
        s20 += y2 * x0;
        s21 += y2 * x1;
        s30 += y3 * x0;
        s31 += y3 * x1;
      }
      if (beta === 0) {
        C[c0 + j] = s00;
        C[c0 + j + 1] = s01;
        C[c1 + j] = s10;
        C[c1 + j + 1] = s11;
        C[c2 + j] = s20;
        C[c2 + j + 1] = s21;
        C[c3 + j] = s30;
        C[c3 + j + 1] = s31;
      } else {
        C[c0 + j] += s00;
        C[c0 + j + 1] += s01;
        C[c1 + j] += s10;
        C[c1 + j + 1] += s11;
        C[c2 + j] += s20;
        C[c2 + j + 1] += s21;
        C[c3 + j] += s30;
        C[c3 + j + 1] += s31;
      }
    }
    // odd last column of this 4-row block
    if (N2 < N) {
      for (let r = 0; r < 4; r++) dotInto(K, A, (i + r) * lda, B, N2 * ldb, C, (i + r) * ldc + N2, beta);
    }
  }
  // the last M % 4 rows (all of them for a matrix-vector product, batch 1): 4 columns at a time
  const N4 = N - (N % 4);
  for (let i = M4; i < M; i++) {
    const a = i * lda;
    const c = i * ldc;
    for (let j = 0; j < N4; j += 4) {
      const b0 = j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < K; k++) {
        const y = A[a + k];
        s0 += y * B[b0 + k];
        s1 += y * B[b1 + k];
        s2 += y * B[b2 + k];
        s3 += y * B[b3 + k];
      }
      if (beta === 0) {
        C[c + j] = s0;
        C[c + j + 1] = s1;
        C[c + j + 2] = s2;
        C[c + j + 3] = s3;
      } else {
        C[c + j] += s0;
        C[c + j + 1] += s1;
        C[c + j + 2] += s2;
        C[c + j + 3] += s3;
      }
    }
    for (let j = N4; j < N; j++) dotInto(K, A, a, B, j * ldb, C, c + j, beta);
  }
}

function dotInto(K: number, A: Floats, a: number, B: Floats, b: number, C: Floats, c: number, beta: 0 | 1): void {
  let s = 0;
  for (let k = 0; k < K; k++) s += A[a + k] * B[b + k];
  C[c] = beta === 0 ? s : C[c] + s;
}

/** out (cols, rows) = transpose of src (rows, cols) with row stride ld. */
function transposeInto(rows: number, cols: number, src: Floats, ld: number, out: Floats): void {
  for (let r = 0; r < rows; r++) {
    const s = r * ld;
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[s + c];
  }
}

export class RefKernels implements Kernels {
  readonly name: string;
  readonly dtype: DType;
  // Two scratch buffers for transposed operands; they grow and are reused across calls.
  private scratchA: Floats;
  private scratchB: Floats;

  constructor(dtype: DType = 'float32') {
    this.dtype = dtype;
    this.name = dtype === 'float32' ? 'js' : 'js-f64';
    this.scratchA = this.alloc(0);
    this.scratchB = this.alloc(0);
  }

  alloc(length: number): Floats {
    return this.dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  }

  private scratch(which: 'A' | 'B', length: number): Floats {
    const current = which === 'A' ? this.scratchA : this.scratchB;
    if (current.length >= length) return current;
    const grown = this.alloc(Math.max(length, current.length * 2));
    if (which === 'A') this.scratchA = grown;
    else this.scratchB = grown;
    return grown;
  }

  gemm(...[transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta]: KernelArgs<'gemm'>): void {
    let a = A;
    let aStride = lda;
    if (transA) {
      // A is (K, M): make it (M, K)
      a = this.scratch('A', M * K);
      transposeInto(K, M, A, lda, a);
      aStride = K;
    }
    let b = B;
    let bStride = ldb;
    if (!transB) {
      // B is (K, N): make it (N, K) so both operands are read along rows
      b = this.scratch('B', N * K);
      transposeInto(K, N, B, ldb, b);
      bStride = K;
    }
    gemmABt(M, N, K, a, aStride, b, bStride, C, ldc, beta);
  }

  packedLength(...[K, N]: KernelArgs<'packedLength'>): number {
    return K * N;
  }

  /** The reference layout is op(B)ᵀ, (N, K) row-major, for the dot-product form A·Bᵀ. */
  packB(...[transB, K, N, B, ldb, packed]: KernelArgs<'packB'>): void {
    if (transB) {
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) packed[n * K + k] = B[n * ldb + k];
    } else {
      transposeInto(K, N, B, ldb, packed);
    }
  }

  gemmPrepacked(...[M, N, K, A, lda, packed, C, ldc, beta]: KernelArgs<'gemmPrepacked'>): void {
    gemmABt(M, N, K, A, lda, packed, K, C, ldc, beta);
  }

  fillRows(...[M, N, bias, C, ldc]: KernelArgs<'fillRows'>): void {
    for (let i = 0; i < M; i++) {
      const c = i * ldc;
      for (let j = 0; j < N; j++) C[c + j] = bias[j];
    }
  }

  addColumnSums(...[M, N, A, out]: KernelArgs<'addColumnSums'>): void {
    for (let i = 0; i < M; i++) {
      const a = i * N;
      for (let j = 0; j < N; j++) out[j] += A[a + j];
    }
  }

  lstmCellForward(...[B, H, gates, cPrev, c, tanhC, h]: KernelArgs<'lstmCellForward'>): void {
    const G = 4 * H;
    for (let b = 0; b < B; b++) {
      const g0 = b * G; // this row's [i | f | g | o] blocks of H
      const s0 = b * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(gates[g0 + j]);
        const f = sigmoid(gates[g0 + H + j]);
        const g = Math.tanh(gates[g0 + 2 * H + j]);
        const o = sigmoid(gates[g0 + 3 * H + j]);
        gates[g0 + j] = i;
        gates[g0 + H + j] = f;
        gates[g0 + 2 * H + j] = g;
        gates[g0 + 3 * H + j] = o;
        const ct = f * cPrev[s0 + j] + i * g;
        const th = Math.tanh(ct);
        c[s0 + j] = ct;
        tanhC[s0 + j] = th;
        h[s0 + j] = o * th;
      }
    }
  }

  lstmCellBackward(...[B, H, dh, dc, gates, cPrev, tanhC, dGates, dcPrev]: KernelArgs<'lstmCellBackward'>): void {
    const G = 4 * H;
    for (let b = 0; b < B; b++) {
      const g0 = b * G;
      const s0 = b * H;
      for (let j = 0; j < H; j++) {
        const i = gates[g0 + j];
        const f = gates[g0 + H + j];
        const g = gates[g0 + 2 * H + j];
        const o = gates[g0 + 3 * H + j];
        const th = tanhC[s0 + j];
        const dhj = dh[s0 + j];
        // through h = o ⊙ tanh(c): into c (adding the carried dc) and into o
        const dcTotal = dc[s0 + j] + dhj * o * (1 - th * th);
        // through c = f ⊙ cPrev + i ⊙ g, then each gate's nonlinearity
        dGates[g0 + j] = dcTotal * g * i * (1 - i);
        dGates[g0 + H + j] = dcTotal * cPrev[s0 + j] * f * (1 - f);
        dGates[g0 + 2 * H + j] = dcTotal * i * (1 - g * g);
        dGates[g0 + 3 * H + j] = dhj * th * o * (1 - o);
        dcPrev[s0 + j] = dcTotal * f;
      }
    }
  }

  gatherRows(...[N, E, table, ids, out]: KernelArgs<'gatherRows'>): void {
    for (let n = 0; n < N; n++) {
      const src = ids[n] * E;
      const dst = n * E;
      // wide rows in one copy (the batch permutations of length-order.ts), narrow ones by element
      if (E >= 16 && src >= 0 && src + E <= table.length) out.set(table.subarray(src, src + E), dst);
      else for (let e = 0; e < E; e++) out[dst + e] = table[src + e];
    }
  }

  scatterAddRows(...[N, E, dOut, ids, dTable]: KernelArgs<'scatterAddRows'>): void {
    for (let n = 0; n < N; n++) {
      const dst = ids[n] * E;
      const src = n * E;
      for (let e = 0; e < E; e++) dTable[dst + e] += dOut[src + e];
    }
  }

  softmaxCrossEntropy(...[N, V, logits, targets, dLogits, gradScale]: KernelArgs<'softmaxCrossEntropy'>): number {
    let loss = 0;
    for (let n = 0; n < N; n++) {
      const r = n * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) if (logits[r + v] > max) max = logits[r + v];
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(logits[r + v] - max);
      const target = targets[n];
      // −log softmax = log Σ exp(z − max) − (z_target − max)
      loss += Math.log(sum) - (logits[r + target] - max);
      const inv = gradScale / sum;
      for (let v = 0; v < V; v++) dLogits[r + v] = Math.exp(logits[r + v] - max) * inv;
      dLogits[r + target] -= gradScale;
    }
    return loss;
  }

  softmaxRow(...[V, logits, temperature, probs]: KernelArgs<'softmaxRow'>): void {
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[v] > max) max = logits[v];
    let sum = 0;
    for (let v = 0; v < V; v++) {
      const e = Math.exp((logits[v] - max) / temperature);
      probs[v] = e;
      sum += e;
    }
    for (let v = 0; v < V; v++) probs[v] /= sum;
  }

  sumSquares(...[n, x]: KernelArgs<'sumSquares'>): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i] * x[i];
    return s;
  }

  scale(...[n, x, s]: KernelArgs<'scale'>): void {
    for (let i = 0; i < n; i++) x[i] *= s;
  }

  addInPlace(...[n, x, y]: KernelArgs<'addInPlace'>): void {
    for (let i = 0; i < n; i++) y[i] += x[i];
  }

  adamUpdate(...[n, p, g, m, v, lr, beta1, beta2, eps, l2, decoupled, bc1, bc2]: KernelArgs<'adamUpdate'>): void {
    const stepSize = lr / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    const decay = lr * decoupled;
    for (let i = 0; i < n; i++) {
      const gi = g[i] + l2 * p[i];
      const mi = beta1 * m[i] + (1 - beta1) * gi;
      const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      // decoupled decay uses the weight before this step's update (as PyTorch's AdamW)
      p[i] -= stepSize * (mi / (Math.sqrt(vi) / sqrtBc2 + eps)) + decay * p[i];
    }
  }

  sgdUpdate(...[n, p, g, buf, lr, momentum, l2, nesterov]: KernelArgs<'sgdUpdate'>): void {
    for (let i = 0; i < n; i++) {
      const gi = g[i] + l2 * p[i];
      const bi = momentum * buf[i] + gi;
      buf[i] = bi;
      p[i] -= lr * (nesterov ? gi + momentum * bi : bi);
    }
  }

  // the recurrent cells' pointwise steps (ref-cells.ts)
  gruGatesForward(...args: KernelArgs<'gruGatesForward'>): void {
    cells.gruGatesForward(...args);
  }

  gruCandidateForward(...args: KernelArgs<'gruCandidateForward'>): void {
    cells.gruCandidateForward(...args);
  }

  gruCandidateBackward(...args: KernelArgs<'gruCandidateBackward'>): void {
    cells.gruCandidateBackward(...args);
  }

  gruGatesBackward(...args: KernelArgs<'gruGatesBackward'>): void {
    cells.gruGatesBackward(...args);
  }

  gruStateBackward(...args: KernelArgs<'gruStateBackward'>): void {
    cells.gruStateBackward(...args);
  }

  rnnCellForward(...args: KernelArgs<'rnnCellForward'>): void {
    cells.rnnCellForward(...args);
  }

  rnnCellBackward(...args: KernelArgs<'rnnCellBackward'>): void {
    cells.rnnCellBackward(...args);
  }

  lstmCellOptionsForward(...args: KernelArgs<'lstmCellOptionsForward'>): void {
    cells.lstmCellOptionsForward(...args);
  }

  lstmCellOptionsBackward(...args: KernelArgs<'lstmCellOptionsBackward'>): void {
    cells.lstmCellOptionsBackward(...args);
  }

  multiply(...[n, x, y, out]: KernelArgs<'multiply'>): void {
    for (let i = 0; i < n; i++) out[i] = x[i] * y[i];
  }
}
