/**
 * The reference kernels of the recurrent cells' pointwise steps (GRU, RNN, LSTM with options):
 * plain loops, the definition every compiled backend is checked against. RefKernels (ref.ts)
 * offers them as its methods; the equations and shapes are on the interface (types.ts).
 */
import type { KernelArgs } from './types.js';

/** Stable logistic: never overflows for large |x|, so σ(±300) is 1 or 0, not NaN. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function gruGatesForward(...[B, H, xp, hp, hRec, pre, act, rh, clip, lbr]: KernelArgs<'gruGatesForward'>): void {
  const G3 = 3 * H;
  for (let b = 0; b < B; b++) {
    for (let j = b * G3; j < b * G3 + 2 * H; j++) {
      const a = xp[j] + hp[j];
      pre[j] = a;
      act[j] = sigmoid(clipValue(a, clip));
    }
    if (!lbr) for (let j = 0; j < H; j++) rh[b * H + j] = act[b * G3 + j] * hRec[b * H + j];
  }
}

export function gruCandidateForward(
  ...[B, H, xp, hp, hPrev, pre, act, h, clip, lbr]: KernelArgs<'gruCandidateForward'>
): void {
  const G3 = 3 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G3;
    for (let j = 0; j < H; j++) {
      const r = act[g0 + j];
      const z = act[g0 + H + j];
      const hpn = hp[g0 + 2 * H + j];
      const a = xp[g0 + 2 * H + j] + (lbr ? r * hpn : hpn);
      pre[g0 + 2 * H + j] = a;
      const n = Math.tanh(clipValue(a, clip));
      act[g0 + 2 * H + j] = n;
      h[b * H + j] = (1 - z) * n + z * hPrev[b * H + j];
    }
  }
}

export function gruCandidateBackward(
  ...[B, H, dh, pre, act, dXP, dHP, clip, lbr]: KernelArgs<'gruCandidateBackward'>
): void {
  const G3 = 3 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G3;
    for (let j = 0; j < H; j++) {
      const z = act[g0 + H + j];
      const n = act[g0 + 2 * H + j];
      const a = pre[g0 + 2 * H + j];
      const dan = dh[b * H + j] * (1 - z) * (1 - n * n) * clipSlope(a, clip);
      dXP[g0 + 2 * H + j] = dan;
      dHP[g0 + 2 * H + j] = lbr ? dan * act[g0 + j] : dan;
    }
  }
}

export function gruGatesBackward(
  ...[B, H, dh, hPrev, hRec, hp, pre, act, dRh, dXP, dHP, clip, lbr]: KernelArgs<'gruGatesBackward'>
): void {
  const G3 = 3 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G3;
    for (let j = 0; j < H; j++) {
      const r = act[g0 + j];
      const z = act[g0 + H + j];
      const n = act[g0 + 2 * H + j];
      const dz = dh[b * H + j] * (hPrev[b * H + j] - n);
      const dr = lbr ? dXP[g0 + 2 * H + j] * hp[g0 + 2 * H + j] : dRh[b * H + j] * hRec[b * H + j];
      const dar = dr * (r * (1 - r)) * clipSlope(pre[g0 + j], clip);
      const daz = dz * (z * (1 - z)) * clipSlope(pre[g0 + H + j], clip);
      dXP[g0 + j] = dar;
      dXP[g0 + H + j] = daz;
      dHP[g0 + j] = dar;
      dHP[g0 + H + j] = daz;
    }
  }
}

export function gruStateBackward(
  ...[B, H, dh, act, dhRec, dRh, mask, dhPrev, lbr]: KernelArgs<'gruStateBackward'>
): void {
  const G3 = 3 * H;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const q = b * H + j;
      let dOp = dhRec[q];
      if (!lbr) dOp += dRh[q] * act[b * G3 + j];
      dhPrev[q] = dh[q] * act[b * G3 + H + j] + (mask === null ? dOp : dOp * mask[q]);
    }
  }
}

export function rnnCellForward(...[B, H, pre, h, relu, clip]: KernelArgs<'rnnCellForward'>): void {
  for (let q = 0; q < B * H; q++) {
    const a = clipValue(pre[q], clip);
    h[q] = relu ? (a > 0 ? a : 0) : Math.tanh(a);
  }
}

export function rnnCellBackward(...[B, H, dh, pre, h, dPre, relu, clip]: KernelArgs<'rnnCellBackward'>): void {
  for (let q = 0; q < B * H; q++) {
    const a = pre[q];
    const slope = (relu ? (clipValue(a, clip) > 0 ? 1 : 0) : 1 - h[q] * h[q]) * clipSlope(a, clip);
    dPre[q] = dh[q] * slope;
  }
}

export function lstmCellOptionsForward(
  ...[B, H, pre, act, cPrev, c, tanhC, h, peep, clip, coupled]: KernelArgs<'lstmCellOptionsForward'>
): void {
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G; // this row's [i | f | g | o] blocks of H
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const cp = cPrev[s0 + j];
      let ai = pre[g0 + j];
      let af = pre[g0 + H + j];
      const ag = pre[g0 + 2 * H + j];
      let ao = pre[g0 + 3 * H + j];
      if (peep !== null) {
        ai += peep[j] * cp;
        af += peep[H + j] * cp;
        pre[g0 + j] = ai;
        pre[g0 + H + j] = af;
      }
      const i = sigmoid(clipValue(ai, clip));
      const f = coupled ? 1 - i : sigmoid(clipValue(af, clip));
      const g = Math.tanh(clipValue(ag, clip));
      const ct = f * cp + i * g;
      if (peep !== null) {
        ao += peep[2 * H + j] * ct;
        pre[g0 + 3 * H + j] = ao;
      }
      const o = sigmoid(clipValue(ao, clip));
      const th = Math.tanh(ct);
      act[g0 + j] = i;
      act[g0 + H + j] = f;
      act[g0 + 2 * H + j] = g;
      act[g0 + 3 * H + j] = o;
      c[s0 + j] = ct;
      tanhC[s0 + j] = th;
      h[s0 + j] = o * th;
    }
  }
}

export function lstmCellOptionsBackward(
  ...[
    B,
    H,
    dh,
    dc,
    pre,
    act,
    cPrev,
    c,
    tanhC,
    peep,
    clip,
    coupled,
    dPre,
    dcPrev,
    dPeep,
  ]: KernelArgs<'lstmCellOptionsBackward'>
): void {
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = act[g0 + j];
      const f = act[g0 + H + j];
      const g = act[g0 + 2 * H + j];
      const o = act[g0 + 3 * H + j];
      const cp = cPrev[s0 + j];
      const th = tanhC[s0 + j];
      const dhj = dh[s0 + j];
      const dao = dhj * th * (o * (1 - o)) * clipSlope(pre[g0 + 3 * H + j], clip);
      let dcTotal = dc[s0 + j] + dhj * o * (1 - th * th);
      if (peep !== null) dcTotal += dao * peep[2 * H + j];
      const dag = dcTotal * i * (1 - g * g) * clipSlope(pre[g0 + 2 * H + j], clip);
      const dfGate = dcTotal * cp;
      let di = dcTotal * g;
      let daf = 0;
      if (coupled) di -= dfGate;
      else daf = dfGate * (f * (1 - f)) * clipSlope(pre[g0 + H + j], clip);
      const dai = di * (i * (1 - i)) * clipSlope(pre[g0 + j], clip);
      let dcp = dcTotal * f;
      if (peep !== null) {
        dcp += dai * peep[j] + daf * peep[H + j];
        if (dPeep !== null) {
          dPeep[j] += dai * cp;
          dPeep[H + j] += daf * cp;
          dPeep[2 * H + j] += dao * c[s0 + j];
        }
      }
      dPre[g0 + j] = dai;
      dPre[g0 + H + j] = daf;
      dPre[g0 + 2 * H + j] = dag;
      dPre[g0 + 3 * H + j] = dao;
      dcPrev[s0 + j] = dcp; // last: dcPrev may alias dc
    }
  }
}

/** clip(a) to [−clip, clip]; clip 0 means none. */
function clipValue(a: number, clip: number): number {
  return clip > 0 ? Math.min(clip, Math.max(-clip, a)) : a;
}

/** d clip(a) / da: 0 where the clip holds the value at a bound. */
function clipSlope(a: number, clip: number): number {
  return clip > 0 && (a > clip || a < -clip) ? 0 : 1;
}
