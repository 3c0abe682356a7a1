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
 * loops below, which keep the kernels' contract. With lengths, a step computes only the rows from
 * the first to the last still running (in a batch sorted by length, either way, exactly the
 * running ones: no padding is computed); rows outside have ended, get no gate gradient and pass
 * the state and its gradients through (sequence.ts). Ended rows inside the range (an unsorted
 * batch) run like the others and are undone by copies: forward carries h and c; backward feeds
 * them zero state gradients (so no gate or peephole gradient) and passes the incoming ones
 * through.
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
  type CellGrads,
  anyPastEndWithin,
  carryPastEnd,
  emitOutput,
  firstRunningRow,
  inputProjection,
  noGateGradientPastEnd,
  packRecurrentWeight,
  passThroughPastEnd,
  recurrentOperand,
  recurrentOperands,
  recurrentProduct,
  runningRowsEnd,
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

/** The backend's lstmOptionsLayerForward over the forward's cache, if it has one: whether it ran. */
function wholeLayer(
  k: Kernels,
  run: SequenceRun,
  cfg: CellConfig,
  w: CellWeights,
  bias: Floats,
  packedWhh: Floats | null,
  buf: Buffers,
): boolean {
  if (k.lstmOptionsLayerForward === undefined) return false;
  const { T, B } = run;
  const { D, H } = cfg;
  const packedWih = packRecurrentWeight(k, buf, 'packedWih', T, true, D, 4 * H, w.wIh, D);
  const { pre, act } = gateCaches(cfg, buf, T * B * 4 * H);
  const [h, c, hAct] = [buf('h', (T + 1) * B * H), buf('c', (T + 1) * B * H), buf('hAct', T * B * H)];
  const hRec = run.recMask === null ? null : buf('hRec', T * B * H);
  const input = [run.x, w.wIh, packedWih, bias] as const;
  const state = [pre, act, w.wHh, packedWhh, h, c, hAct] as const;
  const options = [run.lengths, run.recMask, hRec, w.peep, cfg.clip, cfg.inputForget] as const;
  return k.lstmOptionsLayerForward(T, B, D, H, ...input, ...state, ...options);
}

/** The backend's lstmOptionsLayerBackward over the forward's cache, if it has one: whether it ran. */
function wholeLayerBackward(
  k: Kernels,
  cfg: CellConfig,
  w: CellWeights,
  g: CellGrads,
  run: SequenceRun,
  dy: Floats | null,
  dhNext: Floats,
  dcNext: Floats,
  packedWhhBack: Floats | null,
  buf: Buffers,
): boolean {
  if (k.lstmOptionsLayerBackward === undefined) return false;
  const { T, B } = run;
  const H = cfg.H;
  const { pre, act } = gateCaches(cfg, buf, T * B * 4 * H);
  const [c, hAct, dPre] = [buf('c', (T + 1) * B * H), buf('hAct', T * B * H), buf('dPre', T * B * 4 * H)];
  const gates = [pre, act, c, hAct, packedWhhBack, dPre] as const;
  const options = [run.lengths, run.recMask, w.peep, cfg.clip, cfg.inputForget, g.peep] as const;
  return k.lstmOptionsLayerBackward(T, B, H, dy, dhNext, dcNext, ...gates, ...options);
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
  h.set(h0.subarray(0, B * R));
  c.set(c0.subarray(0, B * H));
  const packedWhh = packRecurrentWeight(k, buf, 'packedWhh', T, true, R, GH, w.wHh, R);
  const kernels = onKernels(cfg);
  if (kernels && P === 0 && wholeLayer(k, run, cfg, w, bias, packedWhh, buf)) {
    // the backend ran every step in one call (the same numbers as the calls below)
    for (let t = 0; t < T; t++) emitOutput(run, R, t, h.subarray((t + 1) * B * R, (t + 2) * B * R), y);
    return;
  }
  inputProjection(k, run, D, GH, w.wIh, bias, pre, buf);
  const packedWhr = P > 0 ? packRecurrentWeight(k, buf, 'packedWhr', T, true, H, P, w.wHr as Floats, H) : null;
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
    // only the rows still running: those past them have ended (sorted batches skip the padding)
    const b0 = firstRunningRow(run, t);
    const n = runningRowsEnd(run, t) - b0;
    if (n > 0) {
      const [gRows, hRows] = [b0 * GH, b0 * H];
      const preR = preT.subarray(gRows);
      recurrentProduct(k, packedWhh, true, n, GH, R, operand.subarray(b0 * R), R, w.wHh, R, preR, GH, 1);
      const [actR, cPrevR, cCurR] = [actT.subarray(gRows), cPrev.subarray(hRows), cCur.subarray(hRows)];
      const [hAR, hOutR] = [hAT.subarray(hRows), hOut.subarray(hRows)];
      if (kernels) k.lstmCellOptionsForward(n, H, preR, actR, cPrevR, cCurR, hAR, hOutR, w.peep, clip, cfg.inputForget);
      else activationsForward(cfg, n, preR, actR, cPrevR, cCurR, hAR, hOutR, w.peep);
      if (P > 0)
        recurrentProduct(k, packedWhr, true, n, P, H, hOutR, H, w.wHr as Floats, H, hCur.subarray(b0 * P), P, 0);
    }
    // ended rows' o ⊙ h(c) meets a zero gradient in dW_hr: keep it a finite zero, not stale memory
    if (P > 0) zeroPastEnd(run, t, H, hOut);
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
  const whole = kernels && P === 0 && wholeLayerBackward(k, cfg, w, g, run, dy, dhNext, dcNext, packedWhh, buf);
  // unless the backend ran every step in one call (the same numbers as this loop)
  if (!whole) {
    for (let t = T - 1; t >= 0; t--) {
      totalStateGradient(run, R, t, dy, dhNext, dhTot, k);
      const b0 = firstRunningRow(run, t);
      const b1 = runningRowsEnd(run, t);
      const n = Math.max(0, b1 - b0);
      // rows in [b0, b1) that have ended (an unsorted batch): zero state gradients into the step
      const endedInside = n > 0 && anyPastEndWithin(run, t, b0, b1);
      const [gRows, hRows] = [b0 * GH, b0 * H];
      let dhF = dhTot; // the gradient of o ⊙ h(c_t), (B, H)
      if (P > 0) {
        // through the projection: rows past their end carry h unchanged, so none reaches W_hr
        const dhOutT = dhOut.subarray(t * B * P, (t + 1) * B * P);
        dhOutT.set(dhTot);
        noGateGradientPastEnd(run, t, P, dhOutT);
        if (n > 0) {
          const dhFullR = dhFullT.subarray(hRows);
          recurrentProduct(k, packedWhr, false, n, H, P, dhOutT.subarray(b0 * P), P, w.wHr as Floats, H, dhFullR, H, 0);
        }
        dhF = dhFullT;
      } else if (endedInside) {
        dhCell.set(dhTot);
        zeroPastEnd(run, t, H, dhCell);
        dhF = dhCell;
      }
      if (endedInside) {
        dcIncoming.set(dcNext);
        zeroPastEnd(run, t, H, dcNext);
      }
      const preT = pre.subarray(t * B * GH, (t + 1) * B * GH);
      const actT = act.subarray(t * B * GH, (t + 1) * B * GH);
      const dPreT = dPre.subarray(t * B * GH, (t + 1) * B * GH);
      // rows outside [b0, b1) have ended: no gate gradient, and dc passes through untouched
      dPreT.fill(0, 0, gRows);
      dPreT.fill(0, Math.max(gRows, b1 * GH));
      if (n > 0) {
        const [preR, actR, dPreR] = [preT.subarray(gRows), actT.subarray(gRows), dPreT.subarray(gRows)];
        const cPrevR = c.subarray(t * B * H + hRows, (t + 1) * B * H);
        const cCurR = c.subarray((t + 1) * B * H + hRows, (t + 2) * B * H);
        const hAR = hA.subarray(t * B * H + hRows, (t + 1) * B * H);
        const [dhR, dcR] = [dhF.subarray(hRows), dcNext.subarray(hRows)];
        if (kernels) {
          const opts = [w.peep, clip, cfg.inputForget, dPreR, dcR, g.peep] as const;
          k.lstmCellOptionsBackward(n, H, dhR, dcR, preR, actR, cPrevR, cCurR, hAR, ...opts);
        } else activationsBackward(cfg, n, dhR, dcR, preR, actR, cPrevR, cCurR, hAR, w.peep, dPreR, g.peep);
      }
      // rows past their end inside [b0, b1): the incoming dc passes through as it is
      if (endedInside) carryPastEnd(run, t, H, dcIncoming, dcNext);
      // dh_{t−1} = (dA_t · W_hh) ⊙ m; rows past their end keep the incoming gradient
      if (n > 0) {
        const dhNextR = dhNext.subarray(b0 * R);
        recurrentProduct(k, packedWhh, false, n, R, GH, dPreT.subarray(gRows), GH, w.wHh, R, dhNextR, R, 0);
        if (run.recMask !== null) k.multiply(n * R, dhNextR, run.recMask.subarray(b0 * R), dhNextR);
      }
      passThroughPastEnd(run, t, R, dhTot, dhNext);
    }
  }
  const operands = recurrentOperands(run, R, h, hRec);
  weightGradients(k, cfg, w, g, run, dPre, dPre, [{ row0: 0, rows: GH, operand: operands }], dx, buf);
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
