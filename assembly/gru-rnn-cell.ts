// The GRU and RNN cells' pointwise work for one time step, f32 (equations and shapes: the Kernels
// interface, src/kernels/types.ts, gruGatesForward … rnnCellBackward). Gate rows are (B, 3H) in
// the order r, z, n. Four units at a time; the last H mod 4 units go through the same vector code
// one lane at a time (loaded by splat, stored lane 0), so a unit's value does not depend on where
// it sits. σ and tanh come from simd-math.ts. clip 0 means none; clip′ is 0 where the clip holds a
// value at a bound. Checked against src/kernels/ref.ts (test/kernels/gru-rnn-cell.test.ts).
import { sigmoid4, tanh4 } from './simd-math';

// four lanes at p, or one lane splatted (the row's tail)
@inline function ld(p: usize, full: bool): v128 {
  return full ? v128.load(p) : v128.load32_splat(p);
}
@inline function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}

@inline function clipped(a: v128, clip: f32): v128 {
  return clip > 0 ? f32x4.min(f32x4.splat(clip), f32x4.max(f32x4.splat(-clip), a)) : a;
}

// d clip(a) / da as 0 or 1 per lane
@inline function clipSlope(a: v128, clip: f32): v128 {
  if (clip <= 0) return f32x4.splat(1);
  const out = v128.or(f32x4.gt(a, f32x4.splat(clip)), f32x4.lt(a, f32x4.splat(-clip)));
  return v128.andnot(f32x4.splat(1), out);
}

// one row's units [j, j + 4) or unit j alone, at byte offset o = 4j in every (·, H) block
@inline function gatesForward(xp: usize, hp: usize, hRec: usize, pre: usize, act: usize, rh: usize, o: usize, rowBytes: usize, clip: f32, lbr: bool, full: bool): void {
  const ar = f32x4.add(ld(xp + o, full), ld(hp + o, full));
  const az = f32x4.add(ld(xp + rowBytes + o, full), ld(hp + rowBytes + o, full));
  st(pre + o, ar, full);
  st(pre + rowBytes + o, az, full);
  const r = sigmoid4(clipped(ar, clip));
  st(act + o, r, full);
  st(act + rowBytes + o, sigmoid4(clipped(az, clip)), full);
  if (!lbr) st(rh + o, f32x4.mul(r, ld(hRec + o, full)), full);
}

export function gruGatesForward(B: i32, H: i32, xp: usize, hp: usize, hRec: usize, pre: usize, act: usize, rh: usize, clip: f32, linearBeforeReset: i32): void {
  const rowBytes = <usize>H << 2;
  const H4 = H - (H % 4);
  const lbr = linearBeforeReset != 0;
  for (let b = 0; b < B; b++) {
    const g = <usize>b * 3 * rowBytes;
    const s = <usize>b * rowBytes;
    for (let j = 0; j < H4; j += 4) gatesForward(xp + g, hp + g, hRec + s, pre + g, act + g, rh + s, <usize>j << 2, rowBytes, clip, lbr, true);
    for (let j = H4; j < H; j++) gatesForward(xp + g, hp + g, hRec + s, pre + g, act + g, rh + s, <usize>j << 2, rowBytes, clip, lbr, false);
  }
}

@inline function candidateForward(xp: usize, hp: usize, hPrev: usize, pre: usize, act: usize, h: usize, o: usize, rowBytes: usize, clip: f32, lbr: bool, full: bool): void {
  const n0 = (rowBytes << 1) + o;
  const r = ld(act + o, full);
  const z = ld(act + rowBytes + o, full);
  const hpn = ld(hp + n0, full);
  const a = f32x4.add(ld(xp + n0, full), lbr ? f32x4.mul(r, hpn) : hpn);
  st(pre + n0, a, full);
  const n = tanh4(clipped(a, clip));
  st(act + n0, n, full);
  st(h + o, f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1), z), n), f32x4.mul(z, ld(hPrev + o, full))), full);
}

export function gruCandidateForward(B: i32, H: i32, xp: usize, hp: usize, hPrev: usize, pre: usize, act: usize, h: usize, clip: f32, linearBeforeReset: i32): void {
  const rowBytes = <usize>H << 2;
  const H4 = H - (H % 4);
  const lbr = linearBeforeReset != 0;
  for (let b = 0; b < B; b++) {
    const g = <usize>b * 3 * rowBytes;
    const s = <usize>b * rowBytes;
    for (let j = 0; j < H4; j += 4) candidateForward(xp + g, hp + g, hPrev + s, pre + g, act + g, h + s, <usize>j << 2, rowBytes, clip, lbr, true);
    for (let j = H4; j < H; j++) candidateForward(xp + g, hp + g, hPrev + s, pre + g, act + g, h + s, <usize>j << 2, rowBytes, clip, lbr, false);
  }
}

@inline function candidateBackward(dh: usize, pre: usize, act: usize, dXP: usize, dHP: usize, o: usize, rowBytes: usize, clip: f32, lbr: bool, full: bool): void {
  const n0 = (rowBytes << 1) + o;
  const one = f32x4.splat(1);
  const z = ld(act + rowBytes + o, full);
  const n = ld(act + n0, full);
  const dn = f32x4.mul(ld(dh + o, full), f32x4.sub(one, z));
  const dan = f32x4.mul(f32x4.mul(dn, f32x4.sub(one, f32x4.mul(n, n))), clipSlope(ld(pre + n0, full), clip));
  st(dXP + n0, dan, full);
  st(dHP + n0, lbr ? f32x4.mul(dan, ld(act + o, full)) : dan, full);
}

export function gruCandidateBackward(B: i32, H: i32, dh: usize, pre: usize, act: usize, dXP: usize, dHP: usize, clip: f32, linearBeforeReset: i32): void {
  const rowBytes = <usize>H << 2;
  const H4 = H - (H % 4);
  const lbr = linearBeforeReset != 0;
  for (let b = 0; b < B; b++) {
    const g = <usize>b * 3 * rowBytes;
    const s = <usize>b * rowBytes;
    for (let j = 0; j < H4; j += 4) candidateBackward(dh + s, pre + g, act + g, dXP + g, dHP + g, <usize>j << 2, rowBytes, clip, lbr, true);
    for (let j = H4; j < H; j++) candidateBackward(dh + s, pre + g, act + g, dXP + g, dHP + g, <usize>j << 2, rowBytes, clip, lbr, false);
  }
}

@inline function gatesBackward(dh: usize, hPrev: usize, hRec: usize, hp: usize, pre: usize, act: usize, dRh: usize, dXP: usize, dHP: usize, o: usize, rowBytes: usize, clip: f32, lbr: bool, full: bool): void {
  const n0 = (rowBytes << 1) + o;
  const one = f32x4.splat(1);
  const r = ld(act + o, full);
  const z = ld(act + rowBytes + o, full);
  const n = ld(act + n0, full);
  const dz = f32x4.mul(ld(dh + o, full), f32x4.sub(ld(hPrev + o, full), n));
  const dr = lbr ? f32x4.mul(ld(dXP + n0, full), ld(hp + n0, full)) : f32x4.mul(ld(dRh + o, full), ld(hRec + o, full));
  const dar = f32x4.mul(f32x4.mul(dr, f32x4.mul(r, f32x4.sub(one, r))), clipSlope(ld(pre + o, full), clip));
  const daz = f32x4.mul(f32x4.mul(dz, f32x4.mul(z, f32x4.sub(one, z))), clipSlope(ld(pre + rowBytes + o, full), clip));
  st(dXP + o, dar, full);
  st(dXP + rowBytes + o, daz, full);
  st(dHP + o, dar, full);
  st(dHP + rowBytes + o, daz, full);
}

export function gruGatesBackward(B: i32, H: i32, dh: usize, hPrev: usize, hRec: usize, hp: usize, pre: usize, act: usize, dRh: usize, dXP: usize, dHP: usize, clip: f32, linearBeforeReset: i32): void {
  const rowBytes = <usize>H << 2;
  const H4 = H - (H % 4);
  const lbr = linearBeforeReset != 0;
  for (let b = 0; b < B; b++) {
    const g = <usize>b * 3 * rowBytes;
    const s = <usize>b * rowBytes;
    for (let j = 0; j < H4; j += 4) gatesBackward(dh + s, hPrev + s, hRec + s, hp + g, pre + g, act + g, dRh + s, dXP + g, dHP + g, <usize>j << 2, rowBytes, clip, lbr, true);
    for (let j = H4; j < H; j++) gatesBackward(dh + s, hPrev + s, hRec + s, hp + g, pre + g, act + g, dRh + s, dXP + g, dHP + g, <usize>j << 2, rowBytes, clip, lbr, false);
  }
}

@inline function stateBackward(dh: usize, act: usize, dhRec: usize, dRh: usize, mask: usize, dhPrev: usize, o: usize, rowBytes: usize, lbr: bool, full: bool): void {
  let dOp = ld(dhRec + o, full);
  if (!lbr) dOp = f32x4.add(dOp, f32x4.mul(ld(dRh + o, full), ld(act + o, full)));
  if (mask != 0) dOp = f32x4.mul(dOp, ld(mask + o, full));
  st(dhPrev + o, f32x4.add(f32x4.mul(ld(dh + o, full), ld(act + rowBytes + o, full)), dOp), full);
}

// mask 0 (a null array) is no mask: no array the allocator hands out sits at address 0.
export function gruStateBackward(B: i32, H: i32, dh: usize, act: usize, dhRec: usize, dRh: usize, mask: usize, dhPrev: usize, linearBeforeReset: i32): void {
  const rowBytes = <usize>H << 2;
  const H4 = H - (H % 4);
  const lbr = linearBeforeReset != 0;
  for (let b = 0; b < B; b++) {
    const g = <usize>b * 3 * rowBytes;
    const s = <usize>b * rowBytes;
    const m: usize = mask == 0 ? 0 : mask + s;
    for (let j = 0; j < H4; j += 4) stateBackward(dh + s, act + g, dhRec + s, dRh + s, m, dhPrev + s, <usize>j << 2, rowBytes, lbr, true);
    for (let j = H4; j < H; j++) stateBackward(dh + s, act + g, dhRec + s, dRh + s, m, dhPrev + s, <usize>j << 2, rowBytes, lbr, false);
  }
}

@inline function rnnForward(pre: usize, h: usize, o: usize, relu: bool, clip: f32, full: bool): void {
  const a = clipped(ld(pre + o, full), clip);
  st(h + o, relu ? f32x4.max(a, f32x4.splat(0)) : tanh4(a), full);
}

export function rnnCellForward(B: i32, H: i32, pre: usize, h: usize, relu: i32, clip: f32): void {
  const n = B * H;
  const n4 = n - (n % 4);
  const isRelu = relu != 0;
  for (let q = 0; q < n4; q += 4) rnnForward(pre, h, <usize>q << 2, isRelu, clip, true);
  for (let q = n4; q < n; q++) rnnForward(pre, h, <usize>q << 2, isRelu, clip, false);
}

@inline function rnnBackward(dh: usize, pre: usize, h: usize, dPre: usize, o: usize, relu: bool, clip: f32, full: bool): void {
  const a = ld(pre + o, full);
  const hv = ld(h + o, full);
  const one = f32x4.splat(1);
  const slope = relu ? v128.and(f32x4.gt(clipped(a, clip), f32x4.splat(0)), one) : f32x4.sub(one, f32x4.mul(hv, hv));
  st(dPre + o, f32x4.mul(ld(dh + o, full), f32x4.mul(slope, clipSlope(a, clip))), full);
}

export function rnnCellBackward(B: i32, H: i32, dh: usize, pre: usize, h: usize, dPre: usize, relu: i32, clip: f32): void {
  const n = B * H;
  const n4 = n - (n % 4);
  const isRelu = relu != 0;
  for (let q = 0; q < n4; q += 4) rnnBackward(dh, pre, h, dPre, <usize>q << 2, isRelu, clip, true);
  for (let q = n4; q < n; q++) rnnBackward(dh, pre, h, dPre, <usize>q << 2, isRelu, clip, false);
}
