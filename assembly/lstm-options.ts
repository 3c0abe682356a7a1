// The LSTM cell with options (peepholes, clip, coupled input-forget gate), forward and backward,
// one time step, f32 (equations and shapes: Kernels.lstmCellOptionsForward / Backward in
// src/kernels/types.ts). Four units at a time; the last H mod 4 units go through the same vector
// code one lane at a time (a splatted load, lane 0 stored), so a unit's value does not depend on
// where it sits. σ and tanh come from simd-math.ts. Without a clip the bound is +∞, so clipping
// and its slope need no branch. Checked against src/kernels/ref.ts (test/kernels/lstm-options-cell.test.ts).
import { sigmoid4, tanh4 } from './simd-math';

@inline function ld(p: usize, wide: bool): v128 {
  return wide ? v128.load(p) : v128.load32_splat(p);
}

@inline function st(p: usize, v: v128, wide: bool): void {
  if (wide) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}

// a bounded to [−bound, bound] (bound +∞: a itself)
@inline function clip4(a: v128, bound: v128): v128 {
  return f32x4.min(f32x4.max(a, f32x4.neg(bound)), bound);
}

// 1 where |a| ≤ bound, 0 where the clip held a at a bound
@inline function slope4(a: v128, bound: v128): v128 {
  return v128.and(f32x4.le(f32x4.abs(a), bound), f32x4.splat(1));
}

// The per-step gate rows of one batch row: pointers to its i, f, g, o blocks.
@inline function unitForward(
  pre: usize,
  act: usize,
  rowBytes: usize,
  cPrev: usize,
  c: usize,
  tanhC: usize,
  h: usize,
  peep: usize,
  bound: v128,
  coupled: bool,
  u: usize, // byte offset of the unit within a block
  s: usize, // byte offset of the unit within a (B, H) array
  wide: bool,
): void {
  const one = f32x4.splat(1);
  const cp = ld(cPrev + s, wide);
  let ai = ld(pre + u, wide);
  let af = ld(pre + rowBytes + u, wide);
  const ag = ld(pre + 2 * rowBytes + u, wide);
  let ao = ld(pre + 3 * rowBytes + u, wide);
  if (peep !== 0) {
    ai = f32x4.add(ai, f32x4.mul(ld(peep + u, wide), cp));
    af = f32x4.add(af, f32x4.mul(ld(peep + rowBytes + u, wide), cp));
    st(pre + u, ai, wide);
    st(pre + rowBytes + u, af, wide);
  }
  const i = sigmoid4(clip4(ai, bound));
  const f = coupled ? f32x4.sub(one, i) : sigmoid4(clip4(af, bound));
  const g = tanh4(clip4(ag, bound));
  const ct = f32x4.add(f32x4.mul(f, cp), f32x4.mul(i, g));
  if (peep !== 0) {
    ao = f32x4.add(ao, f32x4.mul(ld(peep + 2 * rowBytes + u, wide), ct));
    st(pre + 3 * rowBytes + u, ao, wide);
  }
  const o = sigmoid4(clip4(ao, bound));
  const th = tanh4(ct);
  st(act + u, i, wide);
  st(act + rowBytes + u, f, wide);
  st(act + 2 * rowBytes + u, g, wide);
  st(act + 3 * rowBytes + u, o, wide);
  st(c + s, ct, wide);
  st(tanhC + s, th, wide);
  st(h + s, f32x4.mul(o, th), wide);
}

export function lstmCellOptionsForward(
  B: i32,
  H: i32,
  pre: usize,
  act: usize,
  cPrev: usize,
  c: usize,
  tanhC: usize,
  h: usize,
  peep: usize,
  clip: f64,
  coupled: i32,
): void {
  const rowBytes = <usize>H << 2;
  const H4 = H - (H % 4);
  const bound = f32x4.splat(clip > 0 ? <f32>clip : Infinity);
  const cpl = coupled !== 0;
  for (let b = 0; b < B; b++) {
    const g0 = <usize>b * 4 * rowBytes;
    const s0 = <usize>b * rowBytes;
    for (let j = 0; j < H4; j += 4) {
      const u = <usize>j << 2;
      unitForward(pre + g0, act + g0, rowBytes, cPrev, c, tanhC, h, peep, bound, cpl, u, s0 + u, true);
    }
    for (let j = H4; j < H; j++) {
      const u = <usize>j << 2;
      unitForward(pre + g0, act + g0, rowBytes, cPrev, c, tanhC, h, peep, bound, cpl, u, s0 + u, false);
    }
  }
}

@inline function unitBackward(
  dh: usize,
  dc: usize,
  pre: usize,
  act: usize,
  rowBytes: usize,
  cPrev: usize,
  c: usize,
  tanhC: usize,
  peep: usize,
  bound: v128,
  coupled: bool,
  dPre: usize,
  dcPrev: usize,
  dPeep: usize,
  u: usize,
  s: usize,
  wide: bool,
): void {
  const one = f32x4.splat(1);
  const i = ld(act + u, wide);
  const f = ld(act + rowBytes + u, wide);
  const g = ld(act + 2 * rowBytes + u, wide);
  const o = ld(act + 3 * rowBytes + u, wide);
  const cp = ld(cPrev + s, wide);
  const th = ld(tanhC + s, wide);
  const dhj = ld(dh + s, wide);
  const dao = f32x4.mul(
    f32x4.mul(f32x4.mul(dhj, th), f32x4.mul(o, f32x4.sub(one, o))),
    slope4(ld(pre + 3 * rowBytes + u, wide), bound),
  );
  let dcTotal = f32x4.add(ld(dc + s, wide), f32x4.mul(f32x4.mul(dhj, o), f32x4.sub(one, f32x4.mul(th, th))));
  if (peep !== 0) dcTotal = f32x4.add(dcTotal, f32x4.mul(dao, ld(peep + 2 * rowBytes + u, wide)));
  const dag = f32x4.mul(
    f32x4.mul(f32x4.mul(dcTotal, i), f32x4.sub(one, f32x4.mul(g, g))),
    slope4(ld(pre + 2 * rowBytes + u, wide), bound),
  );
  const dfGate = f32x4.mul(dcTotal, cp);
  let di = f32x4.mul(dcTotal, g);
  let daf = f32x4.splat(0);
  if (coupled) di = f32x4.sub(di, dfGate);
  else daf = f32x4.mul(f32x4.mul(dfGate, f32x4.mul(f, f32x4.sub(one, f))), slope4(ld(pre + rowBytes + u, wide), bound));
  const dai = f32x4.mul(f32x4.mul(di, f32x4.mul(i, f32x4.sub(one, i))), slope4(ld(pre + u, wide), bound));
  let dcp = f32x4.mul(dcTotal, f);
  if (peep !== 0) {
    dcp = f32x4.add(
      dcp,
      f32x4.add(f32x4.mul(dai, ld(peep + u, wide)), f32x4.mul(daf, ld(peep + rowBytes + u, wide))),
    );
    if (dPeep !== 0) {
      st(dPeep + u, f32x4.add(ld(dPeep + u, wide), f32x4.mul(dai, cp)), wide);
      st(dPeep + rowBytes + u, f32x4.add(ld(dPeep + rowBytes + u, wide), f32x4.mul(daf, cp)), wide);
      const cn = ld(c + s, wide);
      st(dPeep + 2 * rowBytes + u, f32x4.add(ld(dPeep + 2 * rowBytes + u, wide), f32x4.mul(dao, cn)), wide);
    }
  }
  st(dPre + u, dai, wide);
  st(dPre + rowBytes + u, daf, wide);
  st(dPre + 2 * rowBytes + u, dag, wide);
  st(dPre + 3 * rowBytes + u, dao, wide);
  st(dcPrev + s, dcp, wide); // last: dcPrev may alias dc
}

export function lstmCellOptionsBackward(
  B: i32,
  H: i32,
  dh: usize,
  dc: usize,
  pre: usize,
  act: usize,
  cPrev: usize,
  c: usize,
  tanhC: usize,
  peep: usize,
  clip: f64,
  coupled: i32,
  dPre: usize,
  dcPrev: usize,
  dPeep: usize,
): void {
  const rowBytes = <usize>H << 2;
  const H4 = H - (H % 4);
  const bound = f32x4.splat(clip > 0 ? <f32>clip : Infinity);
  const cpl = coupled !== 0;
  for (let b = 0; b < B; b++) {
    const g0 = <usize>b * 4 * rowBytes;
    const s0 = <usize>b * rowBytes;
    for (let j = 0; j < H4; j += 4) {
      const u = <usize>j << 2;
      unitBackward(dh, dc, pre + g0, act + g0, rowBytes, cPrev, c, tanhC, peep, bound, cpl, dPre + g0, dcPrev, dPeep, u, s0 + u, true);
    }
    for (let j = H4; j < H; j++) {
      const u = <usize>j << 2;
      unitBackward(dh, dc, pre + g0, act + g0, rowBytes, cPrev, c, tanhC, peep, bound, cpl, dPre + g0, dcPrev, dPeep, u, s0 + u, false);
    }
  }
}

// out (n) = x ⊙ y; out may alias x or y.
export function multiply(n: i32, x: usize, y: usize, out: usize): void {
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(x + o) * load<f32>(y + o));
  }
}
