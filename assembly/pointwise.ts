// Element-wise and row-wise kernels, f32, WebAssembly 128-bit SIMD where the arithmetic is plain
// (4 lanes at a time, then a scalar tail). The formulas and shapes are those of the Kernels
// interface (src/kernels/types.ts); each is checked against the TypeScript reference over odd
// sizes in test/kernels/wasm.test.ts.
import { expNonPositive, expNonPositive4 } from './simd-math';

@inline function at(ptr: usize, i: i32): usize {
  return ptr + (<usize>i << 2);
}

// C (M, N), row stride ldc: every row = bias (N).
export function fillRows(M: i32, N: i32, bias: usize, C: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) memory.copy(at(C, i * ldc), bias, <usize>N << 2);
}

// out (N) += Σ_rows A (M, N), A contiguous.
export function addColumnSums(M: i32, N: i32, A: usize, out: usize): void {
  for (let i = 0; i < M; i++) addInPlace(N, at(A, i * N), out);
}

// Fused LSTM cell, backward, one time step (gate order i, f, g, o): see Kernels.lstmCellBackward.
//   dcTotal = dc + dh ⊙ o ⊙ (1 − tanh²c)
//   dGates = [dcTotal ⊙ g ⊙ i(1−i), dcTotal ⊙ cPrev ⊙ f(1−f), dcTotal ⊙ i ⊙ (1−g²), dh ⊙ tanh c ⊙ o(1−o)]
//   dcPrev = dcTotal ⊙ f   (dcPrev may alias dc: each element is read before it is written)
export function lstmCellBackward(
  B: i32,
  H: i32,
  dh: usize,
  dc: usize,
  gates: usize,
  cPrev: usize,
  tanhC: usize,
  dGates: usize,
  dcPrev: usize,
): void {
  const rowBytes = <usize>H << 2;
  const H4 = H - (H % 4);
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const gi = gates + <usize>b * 4 * rowBytes;
    const gf = gi + rowBytes;
    const gg = gf + rowBytes;
    const go = gg + rowBytes;
    const di = dGates + <usize>b * 4 * rowBytes;
    const df = di + rowBytes;
    const dg = df + rowBytes;
    const dout = dg + rowBytes;
    const s = <usize>b * rowBytes;
    for (let j = 0; j < H4; j += 4) {
      const o4 = <usize>j << 2;
      const i = v128.load(gi + o4);
      const f = v128.load(gf + o4);
      const g = v128.load(gg + o4);
      const o = v128.load(go + o4);
      const th = v128.load(tanhC + s + o4);
      const dhj = v128.load(dh + s + o4);
      const dcTotal = f32x4.add(
        v128.load(dc + s + o4),
        f32x4.mul(f32x4.mul(dhj, o), f32x4.sub(one, f32x4.mul(th, th))),
      );
      v128.store(di + o4, f32x4.mul(f32x4.mul(dcTotal, g), f32x4.mul(i, f32x4.sub(one, i))));
      v128.store(
        df + o4,
        f32x4.mul(f32x4.mul(dcTotal, v128.load(cPrev + s + o4)), f32x4.mul(f, f32x4.sub(one, f))),
      );
      v128.store(dg + o4, f32x4.mul(f32x4.mul(dcTotal, i), f32x4.sub(one, f32x4.mul(g, g))));
      v128.store(dout + o4, f32x4.mul(f32x4.mul(dhj, th), f32x4.mul(o, f32x4.sub(one, o))));
      v128.store(dcPrev + s + o4, f32x4.mul(dcTotal, f));
    }
    for (let j = H4; j < H; j++) {
      const o4 = <usize>j << 2;
      const i = load<f32>(gi + o4);
      const f = load<f32>(gf + o4);
      const g = load<f32>(gg + o4);
      const o = load<f32>(go + o4);
      const th = load<f32>(tanhC + s + o4);
      const dhj = load<f32>(dh + s + o4);
      const dcTotal = load<f32>(dc + s + o4) + dhj * o * (<f32>1 - th * th);
      store<f32>(di + o4, dcTotal * g * (i * (<f32>1 - i)));
      store<f32>(df + o4, dcTotal * load<f32>(cPrev + s + o4) * (f * (<f32>1 - f)));
      store<f32>(dg + o4, dcTotal * i * (<f32>1 - g * g));
      store<f32>(dout + o4, dhj * th * (o * (<f32>1 - o)));
      store<f32>(dcPrev + s + o4, dcTotal * f);
    }
  }
}

// Softmax cross-entropy over N rows of V logits (see Kernels.softmaxCrossEntropy): writes
// dLogits = (softmax − onehot(target)) · gradScale (may alias logits) and returns the summed
// loss in nats, accumulated in f64. The exponentials are f32, four at a time (simd-math.ts; the
// argument z − max is never positive), kept in dLogits between the sum and the scaling; the row
// sums are f64, added in element order.
export function softmaxCrossEntropy(N: i32, V: i32, logits: usize, targets: usize, dLogits: usize, gradScale: f64): f64 {
  let loss: f64 = 0;
  const V4 = V - (V % 4);
  for (let n = 0; n < N; n++) {
    const z = at(logits, n * V);
    const d = at(dLogits, n * V);
    let max: f32 = -Infinity;
    for (let v = 0; v < V; v++) max = Mathf.max(max, load<f32>(at(z, v)));
    const target = load<i32>(at(targets, n));
    const zTarget = load<f32>(at(z, target)); // read before d (which may alias z) is written
    const maxv = f32x4.splat(max);
    let sum: f64 = 0;
    for (let v = 0; v < V4; v += 4) {
      const e = expNonPositive4(f32x4.sub(v128.load(at(z, v)), maxv));
      v128.store(at(d, v), e);
      sum += <f64>f32x4.extract_lane(e, 0);
      sum += <f64>f32x4.extract_lane(e, 1);
      sum += <f64>f32x4.extract_lane(e, 2);
      sum += <f64>f32x4.extract_lane(e, 3);
    }
    for (let v = V4; v < V; v++) {
      const e = expNonPositive(load<f32>(at(z, v)) - max);
      store<f32>(at(d, v), e);
      sum += <f64>e;
    }
    // −log softmax = log Σ exp(z − max) − (z_target − max)
    loss += Math.log(sum) - (<f64>zTarget - <f64>max);
    const inv = <f32>(gradScale / sum);
    scale(V, d, inv);
    store<f32>(at(d, target), load<f32>(at(d, target)) - <f32>gradScale);
  }
  return loss;
}

// Σ x² over n elements: f32x4 partial sums of 4-element blocks, each block's sum added in f64.
export function sumSquares(n: i32, x: usize): f64 {
  const n4 = n - (n % 4);
  let total: f64 = 0;
  for (let i = 0; i < n4; i += 4) {
    const v = v128.load(at(x, i));
    const sq = f32x4.mul(v, v);
    total +=
      <f64>f32x4.extract_lane(sq, 0) +
      <f64>f32x4.extract_lane(sq, 1) +
      <f64>f32x4.extract_lane(sq, 2) +
      <f64>f32x4.extract_lane(sq, 3);
  }
  for (let i = n4; i < n; i++) {
    const v = <f64>load<f32>(at(x, i));
    total += v * v;
  }
  return total;
}

// x (n) *= s
export function scale(n: i32, x: usize, s: f32): void {
  const n4 = n - (n % 4);
  const sv = f32x4.splat(s);
  for (let i = 0; i < n4; i += 4) v128.store(at(x, i), f32x4.mul(v128.load(at(x, i)), sv));
  for (let i = n4; i < n; i++) store<f32>(at(x, i), load<f32>(at(x, i)) * s);
}

// y (n) += x (n)
export function addInPlace(n: i32, x: usize, y: usize): void {
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) v128.store(at(y, i), f32x4.add(v128.load(at(y, i)), v128.load(at(x, i))));
  for (let i = n4; i < n; i++) store<f32>(at(y, i), load<f32>(at(y, i)) + load<f32>(at(x, i)));
}

// One Adam/AdamW step over n parameters (see Kernels.adamUpdate), f32 arithmetic:
//   g' = g + l2·p; m = β1 m + (1−β1) g'; v = β2 v + (1−β2) g'²
//   p −= (lr/bc1) · m / (√v / √bc2 + eps) + lr·decoupled · p
export function adamUpdate(
  n: i32,
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  lr: f64,
  beta1: f64,
  beta2: f64,
  eps: f64,
  l2: f64,
  decoupled: f64,
  bc1: f64,
  bc2: f64,
): void {
  const b1 = <f32>beta1;
  const b2 = <f32>beta2;
  const c1 = <f32>(1 - beta1);
  const c2 = <f32>(1 - beta2);
  const stepSize = <f32>(lr / bc1);
  const invSqrtBc2 = <f32>(1 / Math.sqrt(bc2));
  const epsilon = <f32>eps;
  const l2f = <f32>l2;
  const decay = <f32>(lr * decoupled);
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    const pi = v128.load(at(p, i));
    const gi = f32x4.add(v128.load(at(g, i)), f32x4.mul(f32x4.splat(l2f), pi));
    const mi = f32x4.add(f32x4.mul(f32x4.splat(b1), v128.load(at(m, i))), f32x4.mul(f32x4.splat(c1), gi));
    const vi = f32x4.add(f32x4.mul(f32x4.splat(b2), v128.load(at(v, i))), f32x4.mul(f32x4.splat(c2), f32x4.mul(gi, gi)));
    v128.store(at(m, i), mi);
    v128.store(at(v, i), vi);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vi), f32x4.splat(invSqrtBc2)), f32x4.splat(epsilon));
    const step = f32x4.add(f32x4.mul(f32x4.splat(stepSize), f32x4.div(mi, denom)), f32x4.mul(f32x4.splat(decay), pi));
    v128.store(at(p, i), f32x4.sub(pi, step));
  }
  for (let i = n4; i < n; i++) {
    const pi = load<f32>(at(p, i));
    const gi = load<f32>(at(g, i)) + l2f * pi;
    const mi = b1 * load<f32>(at(m, i)) + c1 * gi;
    const vi = b2 * load<f32>(at(v, i)) + c2 * gi * gi;
    store<f32>(at(m, i), mi);
    store<f32>(at(v, i), vi);
    store<f32>(at(p, i), pi - (stepSize * (mi / (Mathf.sqrt(vi) * invSqrtBc2 + epsilon)) + decay * pi));
  }
}

// One SGD step with momentum (PyTorch's form, dampening 0; see Kernels.sgdUpdate):
//   g' = g + l2·p; buf = μ buf + g'; p −= lr · (nesterov ? g' + μ buf : buf)
export function sgdUpdate(n: i32, p: usize, g: usize, buf: usize, lr: f64, momentum: f64, l2: f64, nesterov: i32): void {
  const mu = <f32>momentum;
  const rate = <f32>lr;
  const l2f = <f32>l2;
  for (let i = 0; i < n; i++) {
    const pi = load<f32>(at(p, i));
    const gi = load<f32>(at(g, i)) + l2f * pi;
    const bi = mu * load<f32>(at(buf, i)) + gi;
    store<f32>(at(buf, i), bi);
    store<f32>(at(p, i), pi - rate * (nesterov != 0 ? gi + mu * bi : bi));
  }
}
