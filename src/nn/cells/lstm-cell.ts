/**
 * The LSTM cell with every option (peepholes, projection, coupled input-forget gate, clip, any
 * activations), one direction over a sequence. The plain LSTM goes through the fused kernels
 * (src/nn/lstm.ts); this is the general form, with the pointwise work in plain loops and the
 * products on the kernels. With f, g, h the activations (σ, tanh, tanh by default):
 *
 *   a = W_ih x_t + b_ih + W_hh (h_{t−1} ⊙ m) + b_hh        (B, 4H), gates i, f, g, o
 *   a_i += p_i ⊙ c_{t−1};  a_f += p_f ⊙ c_{t−1}            (peepholes)
 *   i = f(clip a_i);  f_ = input_forget ? 1 − i : f(clip a_f);  g = g(clip a_g)
 *   c_t = f_ ⊙ c_{t−1} + i ⊙ g
 *   a_o += p_o ⊙ c_t;  o = f(clip a_o)
 *   h_t = W_hr (o ⊙ h(c_t))  with a projection, else o ⊙ h(c_t)
 *
 * m is the recurrent dropout mask (ones without it); clip bounds each gate's pre-activation to
 * [−clip, clip] (ONNX clip) and is skipped at 0.
 * Cache (Buffers): pre (T, B, 4H) pre-activations as summed (before clip), act (T, B, 4H) the
 * gate values, h (T+1, B, R), c (T+1, B, H), hAct (T, B, H) = h(c_t), hFull (T, B, H) = o ⊙ h(c_t)
 * (projection only), hRec (T, B, R) (recurrent dropout only).
 */
import type { Floats, Kernels } from '../../kernels/index.js';
import type { CellConfig, CellWeights } from '../cell-config.js';
import {
  type Buffers,
  type SequenceRun,
  type CellSequenceBackward,
  carryPastEnd,
  emitOutput,
  inputProjection,
  isPastEnd,
  noGateGradientPastEnd,
  passThroughPastEnd,
  recurrentOperand,
  recurrentOperands,
  totalStateGradient,
  weightGradients,
} from './sequence.js';

export function clipValue(a: number, clip: number): number {
  return clip > 0 ? Math.min(clip, Math.max(-clip, a)) : a;
}

/** d clip(a) / da: 0 where the clip holds the value at a bound. */
export function clipSlope(a: number, clip: number): number {
  return clip > 0 && (a > clip || a < -clip) ? 0 : 1;
}

/** Forward; outputs y (T, B, R) in buf('y'), final state in h[T], c[T]. */
export function lstmCellSequenceForward(
  k: Kernels,
  cfg: CellConfig,
  w: CellWeights,
  run: SequenceRun,
  h0: Floats, // (B, R)
  c0: Floats, // (B, H)
  buf: Buffers,
): void {
  const { T, B } = run;
  const { D, H, R, clip } = cfg;
  const [fAct, gAct, hAct] = cfg.activations as [
    CellConfig['activations'][0],
    CellConfig['activations'][0],
    CellConfig['activations'][0],
  ];
  const GH = 4 * H;
  const pre = buf('pre', T * B * GH);
  const act = buf('act', T * B * GH);
  const h = buf('h', (T + 1) * B * R);
  const c = buf('c', (T + 1) * B * H);
  const hA = buf('hAct', T * B * H);
  const hFull = buf('hFull', cfg.projSize > 0 ? T * B * H : 0);
  const hRec = buf('hRec', run.recMask === null ? 0 : T * B * R);
  const y = buf('y', T * B * R);
  const bias = buf('bias', GH);
  bias.set(w.bIh);
  k.addInPlace(GH, w.bHh, bias);
  inputProjection(k, run, D, GH, w.wIh, bias, pre);
  h.set(h0.subarray(0, B * R));
  c.set(c0.subarray(0, B * H));
  const peep = w.peep;
  for (let t = 0; t < T; t++) {
    const preT = pre.subarray(t * B * GH, (t + 1) * B * GH);
    const actT = act.subarray(t * B * GH, (t + 1) * B * GH);
    const hPrev = h.subarray(t * B * R, (t + 1) * B * R);
    const cPrev = c.subarray(t * B * H, (t + 1) * B * H);
    const cCur = c.subarray((t + 1) * B * H, (t + 2) * B * H);
    const hCur = h.subarray((t + 1) * B * R, (t + 2) * B * R);
    const hAT = hA.subarray(t * B * H, (t + 1) * B * H);
    // the h_t the cell emits before any projection: written straight into h without one
    const hOut = cfg.projSize > 0 ? hFull.subarray(t * B * H, (t + 1) * B * H) : hCur;
    k.gemm(false, true, B, GH, R, recurrentOperand(run, R, t, hPrev, hRec), R, w.wHh, R, preT, GH, 1);
    for (let b = 0; b < B; b++) {
      const g0 = b * GH;
      for (let j = 0; j < H; j++) {
        const cp = cPrev[b * H + j] as number;
        let ai = preT[g0 + j] as number;
        let af = preT[g0 + H + j] as number;
        if (peep !== null) {
          ai += (peep[j] as number) * cp;
          af += (peep[H + j] as number) * cp;
          preT[g0 + j] = ai;
          preT[g0 + H + j] = af;
        }
        const i = fAct.apply(clipValue(ai, clip));
        const f = cfg.inputForget ? 1 - i : fAct.apply(clipValue(af, clip));
        const g = gAct.apply(clipValue(preT[g0 + 2 * H + j] as number, clip));
        const cNew = f * cp + i * g;
        let ao = preT[g0 + 3 * H + j] as number;
        if (peep !== null) {
          ao += (peep[2 * H + j] as number) * cNew;
          preT[g0 + 3 * H + j] = ao;
        }
        const o = fAct.apply(clipValue(ao, clip));
        const hc = hAct.apply(cNew);
        actT[g0 + j] = i;
        actT[g0 + H + j] = f;
        actT[g0 + 2 * H + j] = g;
        actT[g0 + 3 * H + j] = o;
        cCur[b * H + j] = cNew;
        hAT[b * H + j] = hc;
        hOut[b * H + j] = o * hc;
      }
    }
    if (cfg.projSize > 0) k.gemm(false, true, B, R, H, hOut, H, w.wHr as Floats, H, hCur, R, 0);
    carryPastEnd(run, t, R, hPrev, hCur);
    carryPastEnd(run, t, H, cPrev, cCur);
    emitOutput(run, R, t, hCur, y);
  }
}

/**
 * Backward through the last forward (same buf). dy (T, B, R) or null; dhT (B, R), dcT (B, H) or
 * null. Accumulates into g; writes dx (T, B, D) when given, dh0 (B, R), dc0 (B, H).
 */
export const lstmCellSequenceBackward: CellSequenceBackward = (k, cfg, w, g, run, grads, buf) => {
  const { dy, dhT, dcT, dx, dh0 } = grads;
  const dc0 = grads.dc0 as Floats; // an LSTM always has a cell state
  const { T, B } = run;
  const { H, R, clip } = cfg;
  const [fAct, gAct, hAct] = cfg.activations as [
    CellConfig['activations'][0],
    CellConfig['activations'][0],
    CellConfig['activations'][0],
  ];
  const GH = 4 * H;
  const P = cfg.projSize;
  const pre = buf('pre', T * B * GH);
  const act = buf('act', T * B * GH);
  const h = buf('h', (T + 1) * B * R);
  const c = buf('c', (T + 1) * B * H);
  const hA = buf('hAct', T * B * H);
  const hFull = buf('hFull', P > 0 ? T * B * H : 0);
  const hRec = buf('hRec', run.recMask === null ? 0 : T * B * R);
  const dPre = buf('dPre', T * B * GH);
  const dhNext = buf('dhNext', B * R);
  const dhTot = buf('dhTot', B * R);
  const dcNext = buf('dcNext', B * H);
  const dhFullT = buf('dhFull', P > 0 ? B * H : 0);
  const dhOut = buf('dhOut', P > 0 ? T * B * P : 0); // the gradient of each projected h_t, for dW_hr
  if (dhT === null) dhNext.fill(0);
  else dhNext.set(dhT.subarray(0, B * R));
  if (dcT === null) dcNext.fill(0);
  else dcNext.set(dcT.subarray(0, B * H));
  const peep = w.peep;
  const dPeep = g.peep;
  for (let t = T - 1; t >= 0; t--) {
    totalStateGradient(run, R, t, dy, dhNext, dhTot);
    let dhF = dhTot; // the gradient of o ⊙ h(c_t), (B, H)
    if (P > 0) {
      // through the projection: rows past their end carry h unchanged, so none reaches W_hr
      const dhOutT = dhOut.subarray(t * B * P, (t + 1) * B * P);
      dhOutT.set(dhTot);
      noGateGradientPastEnd(run, t, P, dhOutT);
      k.gemm(false, false, B, H, P, dhOutT, P, w.wHr as Floats, H, dhFullT, H, 0);
      dhF = dhFullT;
    }
    const preT = pre.subarray(t * B * GH, (t + 1) * B * GH);
    const actT = act.subarray(t * B * GH, (t + 1) * B * GH);
    const dPreT = dPre.subarray(t * B * GH, (t + 1) * B * GH);
    const cPrev = c.subarray(t * B * H, (t + 1) * B * H);
    const cCur = c.subarray((t + 1) * B * H, (t + 2) * B * H);
    const hAT = hA.subarray(t * B * H, (t + 1) * B * H);
    for (let b = 0; b < B; b++) {
      const g0 = b * GH;
      if (isPastEnd(run, t, b)) {
        dPreT.fill(0, g0, g0 + GH); // dcNext[b] passes through as it is
        continue;
      }
      for (let j = 0; j < H; j++) {
        const i = actT[g0 + j] as number;
        const f = actT[g0 + H + j] as number;
        const gv = actT[g0 + 2 * H + j] as number;
        const o = actT[g0 + 3 * H + j] as number;
        const ai = preT[g0 + j] as number;
        const af = preT[g0 + H + j] as number;
        const ag = preT[g0 + 2 * H + j] as number;
        const ao = preT[g0 + 3 * H + j] as number;
        const cp = cPrev[b * H + j] as number;
        const cn = cCur[b * H + j] as number;
        const hc = hAT[b * H + j] as number;
        const dh = dhF[b * H + j] as number;
        const dao = dh * hc * fAct.derivative(clipValue(ao, clip), o) * clipSlope(ao, clip);
        let dc = (dcNext[b * H + j] as number) + dh * o * hAct.derivative(cn, hc);
        if (peep !== null) dc += dao * (peep[2 * H + j] as number);
        const dag = dc * i * gAct.derivative(clipValue(ag, clip), gv) * clipSlope(ag, clip);
        const dfGate = dc * cp;
        let di = dc * gv;
        let daf = 0;
        if (cfg.inputForget) di -= dfGate;
        else daf = dfGate * fAct.derivative(clipValue(af, clip), f) * clipSlope(af, clip);
        const dai = di * fAct.derivative(clipValue(ai, clip), i) * clipSlope(ai, clip);
        let dcp = dc * f;
        if (peep !== null && dPeep !== null) {
          dcp += dai * (peep[j] as number) + daf * (peep[H + j] as number);
          dPeep[j] = (dPeep[j] as number) + dai * cp;
          dPeep[H + j] = (dPeep[H + j] as number) + daf * cp;
          dPeep[2 * H + j] = (dPeep[2 * H + j] as number) + dao * cn;
        }
        dPreT[g0 + j] = dai;
        dPreT[g0 + H + j] = daf;
        dPreT[g0 + 2 * H + j] = dag;
        dPreT[g0 + 3 * H + j] = dao;
        dcNext[b * H + j] = dcp;
      }
    }
    // dh_{t−1} = (dA_t · W_hh) ⊙ m; rows past their end keep the incoming gradient
    k.gemm(false, false, B, R, GH, dPreT, GH, w.wHh, R, dhNext, R, 0);
    if (run.recMask !== null)
      for (let q = 0; q < B * R; q++) dhNext[q] = (dhNext[q] as number) * (run.recMask[q] as number);
    passThroughPastEnd(run, t, R, dhTot, dhNext);
  }
  const operands = recurrentOperands(run, R, h, hRec);
  weightGradients(k, cfg, w, g, run, dPre, dPre, [{ row0: 0, rows: GH, operand: operands }], dx, buf('colSums', GH));
  if (P > 0) k.gemm(true, false, P, H, T * B, dhOut, P, hFull, H, g.wHr as Floats, H, 1);
  dh0.set(dhNext);
  dc0.set(dcNext);
};
