/**
 * The LSTM cell with every option (lengths, recurrent dropout, peepholes, projection, coupled
 * input-forget gate, clip, any activations), one direction over a sequence. The plain LSTM over
 * full-length sequences goes through the fused kernels (lstm-fused.ts); this is the general form.
 * With f, g, h the activations (σ, tanh, tanh by default):
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
 *
 * Every step is one recurrent product (W_hh packed once per sequence), one call of the pointwise
 * step, and with a projection one more product (W_hr packed once). With the default activations
 * the step is the kernel pair lstmCellOptionsForward / Backward; other activations take the
 * loops below, which keep the kernels' contract. Steps past a sequence's end run like the others
 * and are then undone by copies (sequence.ts): forward carries h and c; backward feeds the step
 * zero state gradients for those rows (so no gate or peephole gradient) and passes the incoming
 * ones through.
 *
 * Cache (Buffers): pre (T, B, 4H) pre-activations as summed, peephole terms included (before
 * clip), act (T, B, 4H) the gate values (pre's own storage on the kernels without a clip: the
 * backward then never reads pre), h (T+1, B, R), c (T+1, B, H), hAct (T, B, H) = h(c_t),
 * hFull (T, B, H) = o ⊙ h(c_t) (projection only), hRec (T, B, R) (recurrent dropout only).
 */
import type { Floats, Kernels } from '../../kernels/index.js';
import type { CellConfig, CellWeights } from '../cell-config.js';
import {
  type Buffers,
  type SequenceRun,
  type CellSequenceBackward,
  anyPastEnd,
  carryPastEnd,
  emitOutput,
  inputProjection,
  noGateGradientPastEnd,
  packRecurrentWeight,
  passThroughPastEnd,
  recurrentOperand,
  recurrentOperands,
  recurrentProduct,
  totalStateGradient,
  weightGradients,
  zeroPastEnd,
} from './sequence.js';

export function clipValue(a: number, clip: number): number {
  return clip > 0 ? Math.min(clip, Math.max(-clip, a)) : a;
}

/** d clip(a) / da: 0 where the clip holds the value at a bound. */
export function clipSlope(a: number, clip: number): number {
  return clip > 0 && (a > clip || a < -clip) ? 0 : 1;
}

/** True when the step runs on the kernels: the default activations σ, tanh, tanh. */
function onKernels(cfg: CellConfig): boolean {
  return cfg.activations.map((a) => a.spec.name).join(',') === 'sigmoid,tanh,tanh';
}

/** The cache's pre and act (T, B, 4H); act is pre itself where the backward never reads pre. */
function gateCaches(cfg: CellConfig, buf: Buffers, n: number): { pre: Floats; act: Floats } {
  const pre = buf('pre', n);
  const shared = onKernels(cfg) && cfg.clip === 0;
  return { pre, act: shared ? pre : buf('act', n) };
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
  const P = cfg.projSize;
  const GH = 4 * H;
  const { pre, act } = gateCaches(cfg, buf, T * B * GH);
  const h = buf('h', (T + 1) * B * R);
  const c = buf('c', (T + 1) * B * H);
  const hA = buf('hAct', T * B * H);
  const hFull = buf('hFull', P > 0 ? T * B * H : 0);
  const hRec = buf('hRec', run.recMask === null ? 0 : T * B * R);
  const y = buf('y', T * B * R);
  const bias = buf('bias', GH);
  bias.set(w.bIh);
  k.addInPlace(GH, w.bHh, bias);
  inputProjection(k, run, D, GH, w.wIh, bias, pre);
  h.set(h0.subarray(0, B * R));
  c.set(c0.subarray(0, B * H));
  const packedWhh = packRecurrentWeight(k, buf, 'packedWhh', T, true, R, GH, w.wHh, R);
  const packedWhr = P > 0 ? packRecurrentWeight(k, buf, 'packedWhr', T, true, H, P, w.wHr as Floats, H) : null;
  const kernels = onKernels(cfg);
  for (let t = 0; t < T; t++) {
    const preT = pre.subarray(t * B * GH, (t + 1) * B * GH);
    const actT = act.subarray(t * B * GH, (t + 1) * B * GH);
    const hPrev = h.subarray(t * B * R, (t + 1) * B * R);
    const cPrev = c.subarray(t * B * H, (t + 1) * B * H);
    const cCur = c.subarray((t + 1) * B * H, (t + 2) * B * H);
    const hCur = h.subarray((t + 1) * B * R, (t + 2) * B * R);
    const hAT = hA.subarray(t * B * H, (t + 1) * B * H);
    // the h_t the cell emits before any projection: written straight into h without one
    const hOut = P > 0 ? hFull.subarray(t * B * H, (t + 1) * B * H) : hCur;
    const operand = recurrentOperand(run, R, t, hPrev, hRec, k);
    recurrentProduct(k, packedWhh, true, B, GH, R, operand, R, w.wHh, R, preT, GH, 1);
    if (kernels) k.lstmCellOptionsForward(B, H, preT, actT, cPrev, cCur, hAT, hOut, w.peep, clip, cfg.inputForget);
    else activationsForward(cfg, B, preT, actT, cPrev, cCur, hAT, hOut, w.peep);
    if (P > 0) recurrentProduct(k, packedWhr, true, B, P, H, hOut, H, w.wHr as Floats, H, hCur, P, 0);
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
  const GH = 4 * H;
  const P = cfg.projSize;
  const { pre, act } = gateCaches(cfg, buf, T * B * GH);
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
  // with lengths: the step's state gradients with the rows past their end zeroed, and dc saved
  const dhCell = buf('dhCell', run.lengths !== null && P === 0 ? B * H : 0);
  const dcIncoming = buf('dcIncoming', run.lengths !== null ? B * H : 0);
  if (dhT === null) dhNext.fill(0);
  else dhNext.set(dhT.subarray(0, B * R));
  if (dcT === null) dcNext.fill(0);
  else dcNext.set(dcT.subarray(0, B * H));
  const packedWhh = packRecurrentWeight(k, buf, 'packedWhhBack', T, false, GH, R, w.wHh, R);
  const packedWhr = P > 0 ? packRecurrentWeight(k, buf, 'packedWhrBack', T, false, P, H, w.wHr as Floats, H) : null;
  const kernels = onKernels(cfg);
  for (let t = T - 1; t >= 0; t--) {
    totalStateGradient(run, R, t, dy, dhNext, dhTot, k);
    const ended = anyPastEnd(run, t);
    let dhF = dhTot; // the gradient of o ⊙ h(c_t), (B, H)
    if (P > 0) {
      // through the projection: rows past their end carry h unchanged, so none reaches W_hr
      const dhOutT = dhOut.subarray(t * B * P, (t + 1) * B * P);
      dhOutT.set(dhTot);
      noGateGradientPastEnd(run, t, P, dhOutT);
      recurrentProduct(k, packedWhr, false, B, H, P, dhOutT, P, w.wHr as Floats, H, dhFullT, H, 0);
      dhF = dhFullT;
    } else if (ended) {
      dhCell.set(dhTot);
      zeroPastEnd(run, t, H, dhCell);
      dhF = dhCell;
    }
    if (ended) {
      dcIncoming.set(dcNext);
      zeroPastEnd(run, t, H, dcNext);
    }
    const preT = pre.subarray(t * B * GH, (t + 1) * B * GH);
    const actT = act.subarray(t * B * GH, (t + 1) * B * GH);
    const dPreT = dPre.subarray(t * B * GH, (t + 1) * B * GH);
    const cPrev = c.subarray(t * B * H, (t + 1) * B * H);
    const cCur = c.subarray((t + 1) * B * H, (t + 2) * B * H);
    const hAT = hA.subarray(t * B * H, (t + 1) * B * H);
    if (kernels) {
      const args = [dPreT, dcNext, g.peep] as const;
      k.lstmCellOptionsBackward(
        B,
        H,
        dhF,
        dcNext,
        preT,
        actT,
        cPrev,
        cCur,
        hAT,
        w.peep,
        clip,
        cfg.inputForget,
        ...args,
      );
    } else activationsBackward(cfg, B, dhF, dcNext, preT, actT, cPrev, cCur, hAT, w.peep, dPreT, g.peep);
    // rows past their end: the incoming dc passes through as it is
    if (ended) carryPastEnd(run, t, H, dcIncoming, dcNext);
    // dh_{t−1} = (dA_t · W_hh) ⊙ m; rows past their end keep the incoming gradient
    recurrentProduct(k, packedWhh, false, B, R, GH, dPreT, GH, w.wHh, R, dhNext, R, 0);
    if (run.recMask !== null) k.multiply(B * R, dhNext, run.recMask, dhNext);
    passThroughPastEnd(run, t, R, dhTot, dhNext);
  }
  const operands = recurrentOperands(run, R, h, hRec);
  weightGradients(k, cfg, w, g, run, dPre, dPre, [{ row0: 0, rows: GH, operand: operands }], dx, buf('colSums', GH));
  if (P > 0) k.gemm(true, false, P, H, T * B, dhOut, P, hFull, H, g.wHr as Floats, H, 1);
  dh0.set(dhNext);
  dc0.set(dcNext);
};

type Activations = [CellConfig['activations'][0], CellConfig['activations'][0], CellConfig['activations'][0]];

/**
 * lstmCellOptionsForward's contract with any activations f, g, h (act never aliases pre here):
 * pre (B, 4H) gets the peephole terms, act the gate values, hA = h(c), hOut = o ⊙ h(c).
 */
function activationsForward(
  cfg: CellConfig,
  B: number,
  pre: Floats,
  act: Floats,
  cPrev: Floats,
  cCur: Floats,
  hA: Floats,
  hOut: Floats,
  peep: Floats | null,
): void {
  const { H, clip } = cfg;
  const GH = 4 * H;
  const [fAct, gAct, hAct] = cfg.activations as Activations;
  for (let b = 0; b < B; b++) {
    const g0 = b * GH;
    for (let j = 0; j < H; j++) {
      const cp = cPrev[b * H + j] as number;
      let ai = pre[g0 + j] as number;
      let af = pre[g0 + H + j] as number;
      if (peep !== null) {
        ai += (peep[j] as number) * cp;
        af += (peep[H + j] as number) * cp;
        pre[g0 + j] = ai;
        pre[g0 + H + j] = af;
      }
      const i = fAct.apply(clipValue(ai, clip));
      const f = cfg.inputForget ? 1 - i : fAct.apply(clipValue(af, clip));
      const g = gAct.apply(clipValue(pre[g0 + 2 * H + j] as number, clip));
      const cNew = f * cp + i * g;
      let ao = pre[g0 + 3 * H + j] as number;
      if (peep !== null) {
        ao += (peep[2 * H + j] as number) * cNew;
        pre[g0 + 3 * H + j] = ao;
      }
      const o = fAct.apply(clipValue(ao, clip));
      const hc = hAct.apply(cNew);
      act[g0 + j] = i;
      act[g0 + H + j] = f;
      act[g0 + 2 * H + j] = g;
      act[g0 + 3 * H + j] = o;
      cCur[b * H + j] = cNew;
      hA[b * H + j] = hc;
      hOut[b * H + j] = o * hc;
    }
  }
}

/**
 * lstmCellOptionsBackward's contract with any activations: dh (B, H) into o ⊙ h(c); dc (B, H) in,
 * overwritten with the gradient into c_{t−1}; dPre (B, 4H) out; dPeep (3H) += when given.
 */
function activationsBackward(
  cfg: CellConfig,
  B: number,
  dh: Floats,
  dc: Floats,
  pre: Floats,
  act: Floats,
  cPrev: Floats,
  cCur: Floats,
  hA: Floats,
  peep: Floats | null,
  dPre: Floats,
  dPeep: Floats | null,
): void {
  const { H, clip } = cfg;
  const GH = 4 * H;
  const [fAct, gAct, hAct] = cfg.activations as Activations;
  for (let b = 0; b < B; b++) {
    const g0 = b * GH;
    for (let j = 0; j < H; j++) {
      const i = act[g0 + j] as number;
      const f = act[g0 + H + j] as number;
      const gv = act[g0 + 2 * H + j] as number;
      const o = act[g0 + 3 * H + j] as number;
      const ai = pre[g0 + j] as number;
      const af = pre[g0 + H + j] as number;
      const ag = pre[g0 + 2 * H + j] as number;
      const ao = pre[g0 + 3 * H + j] as number;
      const cp = cPrev[b * H + j] as number;
      const cn = cCur[b * H + j] as number;
      const hc = hA[b * H + j] as number;
      const dhj = dh[b * H + j] as number;
      const dao = dhj * hc * fAct.derivative(clipValue(ao, clip), o) * clipSlope(ao, clip);
      let dcTot = (dc[b * H + j] as number) + dhj * o * hAct.derivative(cn, hc);
      if (peep !== null) dcTot += dao * (peep[2 * H + j] as number);
      const dag = dcTot * i * gAct.derivative(clipValue(ag, clip), gv) * clipSlope(ag, clip);
      const dfGate = dcTot * cp;
      let di = dcTot * gv;
      let daf = 0;
      if (cfg.inputForget) di -= dfGate;
      else daf = dfGate * fAct.derivative(clipValue(af, clip), f) * clipSlope(af, clip);
      const dai = di * fAct.derivative(clipValue(ai, clip), i) * clipSlope(ai, clip);
      let dcp = dcTot * f;
      if (peep !== null) dcp += dai * (peep[j] as number) + daf * (peep[H + j] as number);
      if (peep !== null && dPeep !== null) {
        dPeep[j] = (dPeep[j] as number) + dai * cp;
        dPeep[H + j] = (dPeep[H + j] as number) + daf * cp;
        dPeep[2 * H + j] = (dPeep[2 * H + j] as number) + dao * cn;
      }
      dPre[g0 + j] = dai;
      dPre[g0 + H + j] = daf;
      dPre[g0 + 2 * H + j] = dag;
      dPre[g0 + 3 * H + j] = dao;
      dc[b * H + j] = dcp;
    }
  }
}
