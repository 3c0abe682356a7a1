/**
 * The GRU cell (Cho et al. 2014), one direction over a sequence, in both formulations. Gates
 * r, z, n in blocks of H rows (PyTorch's order); f, g the activations (σ, tanh by default);
 * h̃ = h_{t−1} ⊙ m the operand of the recurrent products (m: recurrent dropout, ones without it).
 *
 *   xp = W_ih x_t + b_ih                                    (B, 3H), one product for all steps
 *   hp_rz = W_h{r,z} h̃ + b_h{r,z}
 *   r = f(clip(xp_r + hp_r));  z = f(clip(xp_z + hp_z))
 *   linear before reset (PyTorch, Keras reset_after=True, ONNX linear_before_reset=1):
 *     hp_n = W_hn h̃ + b_hn;          n = g(clip(xp_n + r ⊙ hp_n))
 *   original (ONNX default, Keras reset_after=False):
 *     hp_n = W_hn (r ⊙ h̃) + b_hn;    n = g(clip(xp_n + hp_n))
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * Cache (Buffers): xp, hp, pre (the sums before clip), act (r, z, n), all (T, B, 3H);
 * h (T+1, B, H); rh (T, B, H) = r ⊙ h̃ (original form only); hRec (T, B, H) (dropout only).
 *
 * With the default activations (σ, tanh) each step's pointwise work runs in the fused kernels
 * (gruGatesForward … gruStateBackward, src/kernels/types.ts); a cell configured with other
 * activations keeps the plain loops below, which compute the same equations through `Activation`.
 */
import type { Floats } from '../../kernels/index.js';
import type { CellConfig } from '../cell-config.js';
import type { Activation } from '../activations.js';
import { clipSlope, clipValue } from './lstm-cell.js';
import {
  type CellSequenceBackward,
  type StatelessCellForward,
  anyPastEnd,
  carryPastEnd,
  emitOutput,
  inputProjection,
  packRecurrentWeight,
  passThroughPastEnd,
  recurrentOperand,
  recurrentOperands,
  recurrentProduct,
  totalStateGradient,
  weightGradients,
  zeroPastEnd,
} from './sequence.js';

/** Whether the fused GRU kernels compute this cell: σ and tanh, the defaults. */
function fusedActivations(cfg: CellConfig): boolean {
  const [f, g] = cfg.activations as [Activation, Activation];
  return f.spec.name === 'sigmoid' && g.spec.name === 'tanh';
}

export const gruCellSequenceForward: StatelessCellForward = (k, cfg, w, run, h0, buf) => {
  const { T, B } = run;
  const { D, H, clip } = cfg;
  const [fAct, gAct] = cfg.activations as [Activation, Activation];
  const G3 = 3 * H;
  const lbr = cfg.linearBeforeReset;
  const fused = fusedActivations(cfg);
  const xp = buf('xp', T * B * G3);
  const hp = buf('hp', T * B * G3);
  const pre = buf('pre', T * B * G3);
  const act = buf('act', T * B * G3);
  const h = buf('h', (T + 1) * B * H);
  const rh = buf('rh', cfg.linearBeforeReset ? 0 : T * B * H);
  const hRec = buf('hRec', run.recMask === null ? 0 : T * B * H);
  const y = buf('y', T * B * H);
  inputProjection(k, run, D, G3, w.wIh, w.bIh, xp, buf);
  h.set(h0.subarray(0, B * H));
  const whn = w.wHh.subarray(2 * H * H);
  const rowsRec = cfg.linearBeforeReset ? G3 : 2 * H; // W_hh rows in the first per-step product
  const packed = packRecurrentWeight(k, buf, 'packedWhh', T, true, H, rowsRec, w.wHh, H);
  const [lengths, mask, rec] = [run.lengths, run.recMask, run.recMask === null ? null : hRec];
  const whole = fused && k.gruLayerForward !== undefined;
  if (whole && k.gruLayerForward?.(T, B, H, xp, w.wHh, packed, w.bHh, hp, pre, act, h, lengths, mask, rec, clip, lbr)) {
    // the backend ran every step in one call (the same numbers as the calls below)
    for (let t = 0; t < T; t++) emitOutput(run, H, t, h.subarray((t + 1) * B * H, (t + 2) * B * H), y);
    return;
  }
  for (let t = 0; t < T; t++) {
    const off = t * B * G3;
    const [xpT, hpT, preT, actT] = [xp, hp, pre, act].map((a) => a.subarray(off, off + B * G3)) as [
      Floats,
      Floats,
      Floats,
      Floats,
    ];
    const hPrev = h.subarray(t * B * H, (t + 1) * B * H);
    const hCur = h.subarray((t + 1) * B * H, (t + 2) * B * H);
    const hOp = recurrentOperand(run, H, t, hPrev, hRec);
    const rhT = rh.subarray(t * B * H, (t + 1) * B * H); // empty before the reset
    // r and z (and n's recurrent part when it is linear before the reset)
    k.fillRows(B, rowsRec, w.bHh, hpT, G3);
    recurrentProduct(k, packed, true, B, rowsRec, H, hOp, H, w.wHh, H, hpT, G3, 1);
    if (fused) k.gruGatesForward(B, H, xpT, hpT, hOp, preT, actT, rhT, clip, lbr);
    else gatesForwardLoop(B, H, xpT, hpT, hOp, preT, actT, rhT, clip, lbr, fAct);
    if (!lbr) {
      // hp_n = (r ⊙ h̃) W_hnᵀ + b_hn
      const hpN = hpT.subarray(2 * H);
      k.fillRows(B, H, w.bHh.subarray(2 * H), hpN, G3);
      k.gemm(false, true, B, H, H, rhT, H, whn, H, hpN, G3, 1);
    }
    if (fused) k.gruCandidateForward(B, H, xpT, hpT, hPrev, preT, actT, hCur, clip, lbr);
    else candidateForwardLoop(B, H, xpT, hpT, hPrev, preT, actT, hCur, clip, lbr, gAct);
    carryPastEnd(run, t, H, hPrev, hCur);
    emitOutput(run, H, t, hCur, y);
  }
};

/** gruGatesForward's equations through any activation f (the cell's first). */
function gatesForwardLoop(
  B: number,
  H: number,
  xpT: Floats,
  hpT: Floats,
  hOp: Floats,
  preT: Floats,
  actT: Floats,
  rhT: Floats,
  clip: number,
  lbr: boolean,
  fAct: Activation,
): void {
  const G3 = 3 * H;
  for (let b = 0; b < B; b++) {
    for (let j = b * G3; j < b * G3 + 2 * H; j++) {
      const a = (xpT[j] as number) + (hpT[j] as number);
      preT[j] = a;
      actT[j] = fAct.apply(clipValue(a, clip));
    }
  }
  if (!lbr) {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) rhT[b * H + j] = (actT[b * G3 + j] as number) * (hOp[b * H + j] as number);
    }
  }
}

/** gruCandidateForward's equations through any activation g (the cell's second). */
function candidateForwardLoop(
  B: number,
  H: number,
  xpT: Floats,
  hpT: Floats,
  hPrev: Floats,
  preT: Floats,
  actT: Floats,
  hCur: Floats,
  clip: number,
  lbr: boolean,
  gAct: Activation,
): void {
  const G3 = 3 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G3;
    for (let j = 0; j < H; j++) {
      const r = actT[g0 + j] as number;
      const z = actT[g0 + H + j] as number;
      const hpn = hpT[g0 + 2 * H + j] as number;
      const a = (xpT[g0 + 2 * H + j] as number) + (lbr ? r * hpn : hpn);
      preT[g0 + 2 * H + j] = a;
      const n = gAct.apply(clipValue(a, clip));
      actT[g0 + 2 * H + j] = n;
      hCur[b * H + j] = (1 - z) * n + z * (hPrev[b * H + j] as number);
    }
  }
}

export const gruCellSequenceBackward: CellSequenceBackward = (k, cfg, w, g, run, grads, buf) => {
  const { dy, dhT, dx, dh0 } = grads;
  const { T, B } = run;
  const { H, clip } = cfg;
  const [fAct, gAct] = cfg.activations as [Activation, Activation];
  const G3 = 3 * H;
  const lbr = cfg.linearBeforeReset;
  const fused = fusedActivations(cfg);
  const hp = buf('hp', T * B * G3);
  const pre = buf('pre', T * B * G3);
  const act = buf('act', T * B * G3);
  const h = buf('h', (T + 1) * B * H);
  const rh = buf('rh', lbr ? 0 : T * B * H);
  const hRec = buf('hRec', run.recMask === null ? 0 : T * B * H);
  const dXP = buf('dXP', T * B * G3);
  const dHP = buf('dHP', T * B * G3);
  const dhNext = buf('dhNext', B * H);
  const dhTot = buf('dhTot', B * H);
  const dhLive = buf('dhLive', run.lengths === null ? 0 : B * H); // dhTot, 0 on rows past their end
  const dRh = buf('dRh', lbr ? 0 : B * H); // the gradient of r ⊙ h̃ (original form)
  const dhRec = buf('dhRec', B * H); // the gradient of h̃ through the products
  if (dhT === null) dhNext.fill(0);
  else dhNext.set(dhT.subarray(0, B * H));
  const whn = w.wHh.subarray(2 * H * H);
  const packedBack = packRecurrentWeight(k, buf, 'packedWhhBack', T, false, lbr ? G3 : 2 * H, H, w.wHh, H);
  for (let t = T - 1; t >= 0; t--) {
    totalStateGradient(run, H, t, dy, dhNext, dhTot);
    // rows past their end get no gate gradient: their dh enters the gates as 0
    let dh = dhTot;
    if (anyPastEnd(run, t)) {
      dhLive.set(dhTot);
      zeroPastEnd(run, t, H, dhLive);
      dh = dhLive;
    }
    const off = t * B * G3;
    const [hpT, preT, actT, dXPT, dHPT] = [hp, pre, act, dXP, dHP].map((a) => a.subarray(off, off + B * G3)) as [
      Floats,
      Floats,
      Floats,
      Floats,
      Floats,
    ];
    const hPrev = h.subarray(t * B * H, (t + 1) * B * H);
    const hOp = run.recMask === null ? hPrev : hRec.subarray(t * B * H, (t + 1) * B * H);
    // n's gradient first: the original form needs d(r ⊙ h̃) before r's
    if (fused) k.gruCandidateBackward(B, H, dh, preT, actT, dXPT, dHPT, clip, lbr);
    else candidateBackwardLoop(B, H, dh, preT, actT, dXPT, dHPT, clip, lbr, gAct);
    if (!lbr) k.gemm(false, false, B, H, H, dHPT.subarray(2 * H), G3, whn, H, dRh, H, 0);
    if (fused) k.gruGatesBackward(B, H, dh, hPrev, hOp, hpT, preT, actT, dRh, dXPT, dHPT, clip, lbr);
    else gatesBackwardLoop(B, H, dh, hPrev, hOp, hpT, preT, actT, dRh, dXPT, dHPT, clip, lbr, fAct);
    // dh̃ = dHP_rz · W_h{r,z} (+ dHP_n · W_hn before the reset, or d(r ⊙ h̃) ⊙ r after it)
    recurrentProduct(k, packedBack, false, B, H, lbr ? G3 : 2 * H, dHPT, G3, w.wHh, H, dhRec, H, 0);
    k.gruStateBackward(B, H, dhTot, actT, dhRec, dRh, run.recMask, dhNext, lbr);
    passThroughPastEnd(run, t, H, dhTot, dhNext);
  }
  const operands = recurrentOperands(run, H, h, hRec);
  const blocks = [
    { row0: 0, rows: 2 * H, operand: operands },
    { row0: 2 * H, rows: H, operand: lbr ? operands : rh },
  ];
  weightGradients(k, cfg, w, g, run, dXP, dHP, blocks, dx, buf);
  dh0.set(dhNext);
};

/** gruCandidateBackward's equations through any activation g. */
function candidateBackwardLoop(
  B: number,
  H: number,
  dh: Floats,
  preT: Floats,
  actT: Floats,
  dXPT: Floats,
  dHPT: Floats,
  clip: number,
  lbr: boolean,
  gAct: Activation,
): void {
  const G3 = 3 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G3;
    for (let j = 0; j < H; j++) {
      const z = actT[g0 + H + j] as number;
      const n = actT[g0 + 2 * H + j] as number;
      const a = preT[g0 + 2 * H + j] as number;
      const dn = (dh[b * H + j] as number) * (1 - z);
      const dan = dn * gAct.derivative(clipValue(a, clip), n) * clipSlope(a, clip);
      dXPT[g0 + 2 * H + j] = dan;
      dHPT[g0 + 2 * H + j] = lbr ? dan * (actT[g0 + j] as number) : dan;
    }
  }
}

/** gruGatesBackward's equations through any activation f. */
function gatesBackwardLoop(
  B: number,
  H: number,
  dh: Floats,
  hPrev: Floats,
  hOp: Floats,
  hpT: Floats,
  preT: Floats,
  actT: Floats,
  dRh: Floats,
  dXPT: Floats,
  dHPT: Floats,
  clip: number,
  lbr: boolean,
  fAct: Activation,
): void {
  const G3 = 3 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G3;
    for (let j = 0; j < H; j++) {
      const r = actT[g0 + j] as number;
      const z = actT[g0 + H + j] as number;
      const n = actT[g0 + 2 * H + j] as number;
      const dz = (dh[b * H + j] as number) * ((hPrev[b * H + j] as number) - n);
      const dr = lbr
        ? (dXPT[g0 + 2 * H + j] as number) * (hpT[g0 + 2 * H + j] as number)
        : (dRh[b * H + j] as number) * (hOp[b * H + j] as number);
      const ar = preT[g0 + j] as number;
      const az = preT[g0 + H + j] as number;
      const dar = dr * fAct.derivative(clipValue(ar, clip), r) * clipSlope(ar, clip);
      const daz = dz * fAct.derivative(clipValue(az, clip), z) * clipSlope(az, clip);
      dXPT[g0 + j] = dar;
      dXPT[g0 + H + j] = daz;
      dHPT[g0 + j] = dar;
      dHPT[g0 + H + j] = daz;
    }
  }
}
