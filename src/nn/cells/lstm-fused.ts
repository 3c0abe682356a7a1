/**
 * The LSTM cell's fast path: one plain LSTM layer (Hochreiter & Schmidhuber 1997, with the forget
 * gate of Gers et al. 2000, as PyTorch's nn.LSTM defines it) over full-length sequences, on the
 * fused kernels. `Recurrent` takes it through cells/run-cell.ts whenever a layer has no option the
 * fused kernels lack (lengths, recurrent dropout, peepholes, projection, clip, coupled gates);
 * cells/lstm-cell.ts is the general cell for the rest. Time-major: x (T, B, D), outputs (T, B, H).
 *
 *   a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh        (B, 4H), gate order i, f, g, o
 *   i, f, o = σ(a_i), σ(a_f), σ(a_o);   g = tanh(a_g)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g;          h_t = o ⊙ tanh(c_t)
 *
 * The input projection of the whole sequence is one matrix product before the time loop; only
 * h_{t−1} W_hhᵀ stays inside it. Backward mirrors that: the loop produces dA for every step, then
 * dW_ih, dW_hh, the biases and dx are each one product after the loop. The derivation is in
 * docs/lstm-backward.md.
 *
 * Gate order map (rows of W_ih / W_hh in blocks of H): PyTorch i,f,g,o (ours); Keras/TF.js
 * i,f,c,o (same order, kernels stored transposed as (D, 4H), one bias); ONNX i,o,f,c.
 */
import type { Floats, Kernels } from '../../kernels/index.js';

/**
 * Batches of at most this many rows run the input projection as one product over all steps (see
 * lstmForward), and each step's recurrent product as row dot products on W_hh in place. At 4 rows
 * a step's share of the input product (4 · D · 4H multiply-adds) takes about as long as reading
 * W_ih from the L3 cache on this machine; the native products also switch from row dot products to
 * their tiled kernel above 4 rows.
 */
const FEW_ROWS = 4;

/** One layer's weights (views into the arena). */
export interface LSTMWeights {
  wIh: Floats; // (4H, D)
  wHh: Floats; // (4H, H)
  bIh: Floats; // (4H)
  bHh: Floats; // (4H)
}

/** One layer's gradients, same shapes as LSTMWeights; accumulated with +=. */
export interface LSTMGrads {
  dWIh: Floats;
  dWHh: Floats;
  dBIh: Floats;
  dBHh: Floats;
}

/** What forward keeps for backward. Nothing is recomputed. */
export interface LSTMCache {
  x: Floats; // (T, B, D) the input, as passed (not copied)
  gates: Floats; // (T, B, 4H) activated gates [i f g o]
  h: Floats; // (T+1, B, H) h[0] = h0, h[t+1] = output at step t
  c: Floats; // (T+1, B, H) c[0] = c0
  tanhC: Floats; // (T, B, H)
}

/** The state gradients lstmBackward reads (dy, dhT, dcT) and writes (dx, dh0, dc0). */
export interface LSTMStateGradients {
  dy: Floats | null; // (T, B, H) or null
  dhT: Floats | null; // (B, H) or null
  dcT: Floats | null; // (B, H) or null
  dx: Floats | null; // (T, B, D), written when given
  dh0: Floats; // (B, H)
  dc0: Floats; // (B, H)
}

/** Work buffers for backward. */
export interface LSTMBackwardWork {
  dGates: Floats; // (T, B, 4H)
  dhNext: Floats; // (B, H) gradient flowing into h_{t} from the future
  dcNext: Floats; // (B, H)
  biasSum: Floats; // (4H) scratch
  packedWhh: Floats; // W_hh packed for dA · W_hh (packedWhhLength), reused by every step
}

/** Room for W_hh packed either way: (H, 4H) for the forward product, (4H, H) for backward. */
export function packedWhhLength(k: Kernels, H: number): number {
  return Math.max(k.packedLength(H, 4 * H), k.packedLength(4 * H, H));
}

/**
 * A layer's weights packed once for the backend's layer forward (k.packB's layout, transposed),
 * for forwards over weights that do not change (Recurrent.frozenWeights): the packing then costs
 * nothing per call. A single step of a large batch otherwise packs both matrices on every call,
 * which takes about as long as the products themselves (2 × 512 LSTM, batch 64).
 */
export interface PackedLstmWeights {
  wIh: Floats; // W_ihᵀ (D, 4H) packed, k.packedLength(D, 4H)
  wHh: Floats; // W_hhᵀ (H, 4H) packed, k.packedLength(H, 4H)
}

/**
 * Whether lstmForward reads packed weights for T steps of B rows, so that packing them once pays:
 * on a backend with a layer forward, unless a single step of a few rows reads them in place.
 */
export function usesPackedWeights(k: Kernels, T: number, B: number): boolean {
  return k.lstmLayerForward !== undefined && (T > 1 || B > FEW_ROWS);
}

/** Pack w into `out` (its buffers of packedLength(D, 4H) and packedLength(H, 4H)). */
export function packLstmWeights(k: Kernels, w: LSTMWeights, D: number, H: number, out: PackedLstmWeights): void {
  k.packB(true, D, 4 * H, w.wIh, D, out.wIh);
  k.packB(true, H, 4 * H, w.wHh, H, out.wHh);
}

/**
 * Forward over T steps. Fills cache; outputs are cache.h[1..T], i.e. cache.h.subarray(B·H).
 *   x (T, B, D), h0 and c0 (B, H). With `prepacked` (packLstmWeights of these weights), the runs
 * that usesPackedWeights accepts read them instead of packing per call; the numbers are the same.
 */
export function lstmForward(
  k: Kernels,
  w: LSTMWeights,
  x: Floats,
  h0: Floats,
  c0: Floats,
  T: number,
  B: number,
  D: number,
  H: number,
  cache: LSTMCache,
  biasSum: Floats,
  packedWhh: Floats, // scratch of packedWhhLength: W_hhᵀ packed once, reused by every step
  packedWih: Floats, // scratch of k.packedLength(D, 4H), for a backend's lstmLayerForward
  prepacked: PackedLstmWeights | null = null,
): void {
  const G = 4 * H;
  const BH = B * H;
  const BG = B * G;
  biasSum.set(w.bIh);
  k.addInPlace(G, w.bHh, biasSum);
  cache.h.set(h0.subarray(0, BH), 0);
  cache.c.set(c0.subarray(0, BH), 0);
  const pre = prepacked !== null && usesPackedWeights(k, T, B) ? prepacked : null;
  // packing W_hhᵀ pays when it is reused; a single step (generation) multiplies in place
  const reuse = T > 1;
  let whh: Floats | null = pre?.wHh ?? null; // W_hhᵀ packed, for the steps below
  // The backend's layer forward multiplies x_t · W_ihᵀ inside each step, which reads all of W_ih
  // for the step's B rows. With a few rows and many steps (streaming evaluation at batch 1) that
  // read costs more than the product: one product over every step (below) reads W_ih once.
  const fewRows = B <= FEW_ROWS && T > 1;
  if (k.lstmLayerForward !== undefined && !fewRows) {
    // the backend runs every step in one call (the same numbers as the calls below)
    let pIh: Floats | null = pre?.wIh ?? null; // null: a single step reads the weights in place
    if (pre === null && reuse) {
      k.packB(true, H, G, w.wHh, H, packedWhh);
      k.packB(true, D, G, w.wIh, D, packedWih);
      [pIh, whh] = [packedWih, packedWhh];
    }
    const { gates, c, tanhC, h } = cache;
    if (k.lstmLayerForward(T, B, D, H, x, w.wIh, w.wHh, pIh, whh, biasSum, gates, c, tanhC, h)) return;
  }
  // Each step's recurrent product reads W_hh packed when it has more than FEW_ROWS rows; fewer
  // rows read it in place as row dot products (a register tile of packed weights would do 8 rows'
  // work for them: a 6-character prime read at batch 1 takes half the time in place)
  if (B <= FEW_ROWS) whh = null;
  else if (reuse && whh === null) {
    k.packB(true, H, G, w.wHh, H, packedWhh);
    whh = packedWhh;
  }
  // a = (b_ih + b_hh) broadcast, then += X W_ihᵀ for all T·B rows at once (a product of more than
  // FEW_ROWS rows is the same sum from packed weights; fewer are row dot products in place)
  k.fillRows(T * B, G, biasSum, cache.gates, G);
  if (pre !== null && T * B > FEW_ROWS) k.gemmPrepacked(T * B, G, D, x, D, pre.wIh, cache.gates, G, 1);
  else k.gemm(false, true, T * B, G, D, x, D, w.wIh, D, cache.gates, G, 1);
  for (let t = 0; t < T; t++) {
    const gatesT = cache.gates.subarray(t * BG, (t + 1) * BG);
    const hPrev = cache.h.subarray(t * BH, (t + 1) * BH);
    // the recurrent product: (B, H) · W_hhᵀ (H, 4H)
    if (whh !== null) k.gemmPrepacked(B, G, H, hPrev, H, whh, gatesT, G, 1);
    else k.gemm(false, true, B, G, H, hPrev, H, w.wHh, H, gatesT, G, 1);
    k.lstmCellForward(
      B,
      H,
      gatesT,
      cache.c.subarray(t * BH, (t + 1) * BH),
      cache.c.subarray((t + 1) * BH, (t + 2) * BH),
      cache.tanhC.subarray(t * BH, (t + 1) * BH),
      cache.h.subarray((t + 1) * BH, (t + 2) * BH),
    );
  }
}

/**
 * Backward over T steps (backpropagation through time). Reads from `grads`
 *   dy (T, B, H) gradient of the outputs, or null for none;
 *   dhT, dcT (B, H) gradients of the final state (from the next truncated-BPTT window or a
 *   layer that reads the final state), or null for none;
 * accumulates into g (+=); writes dx (T, B, D) when given, and dh0, dc0 (B, H). Without
 * weightProducts the two weight products (dW_hh, dW_ih) are left to the caller, which runs them
 * over many calls' dA at once (a decoder's steps: RecurrentSteps); dA stays in work.dGates.
 */
export function lstmBackward(
  k: Kernels,
  w: LSTMWeights,
  g: LSTMGrads,
  cache: LSTMCache,
  grads: LSTMStateGradients,
  T: number,
  B: number,
  D: number,
  H: number,
  work: LSTMBackwardWork,
  weightProducts = true,
): void {
  const { dy, dhT, dcT, dx, dh0, dc0 } = grads;
  const G = 4 * H;
  const BH = B * H;
  const BG = B * G;
  const { dGates, dhNext, dcNext } = work;
  if (dhT === null) dhNext.fill(0);
  else dhNext.set(dhT.subarray(0, BH));
  if (dcT === null) dcNext.fill(0);
  else dcNext.set(dcT.subarray(0, BH));
  const reuse = T > 1;
  if (reuse) k.packB(false, G, H, w.wHh, H, work.packedWhh);
  for (let t = T - 1; t >= 0; t--) {
    // total gradient into h_t: from the layer above (dy) and from step t+1 (dhNext)
    if (dy !== null) k.addInPlace(BH, dy.subarray(t * BH, (t + 1) * BH), dhNext);
    const dGatesT = dGates.subarray(t * BG, (t + 1) * BG);
    // through the cell: dA_t, and dc flowing to c_{t−1} (written over dcNext)
    k.lstmCellBackward(
      B,
      H,
      dhNext,
      dcNext,
      cache.gates.subarray(t * BG, (t + 1) * BG),
      cache.c.subarray(t * BH, (t + 1) * BH),
      cache.tanhC.subarray(t * BH, (t + 1) * BH),
      dGatesT,
      dcNext,
    );
    // through the recurrent product: dh_{t−1} = dA_t (B, 4H) · W_hh (4H, H)
    if (reuse) k.gemmPrepacked(B, H, G, dGatesT, G, work.packedWhh, dhNext, H, 0);
    else k.gemm(false, false, B, H, G, dGatesT, G, w.wHh, H, dhNext, H, 0);
  }
  const TB = T * B;
  if (weightProducts) {
    // dW_hh += dAᵀ (4H, T·B) · h_{t−1} (T·B, H): all steps in one product
    k.gemm(true, false, G, H, TB, dGates, G, cache.h, H, g.dWHh, H, 1);
    // dW_ih += dAᵀ (4H, T·B) · x (T·B, D)
    k.gemm(true, false, G, D, TB, dGates, G, cache.x, D, g.dWIh, D, 1);
  }
  // both biases receive Σ_rows dA
  work.biasSum.fill(0);
  k.addColumnSums(TB, G, dGates, work.biasSum);
  k.addInPlace(G, work.biasSum, g.dBIh);
  k.addInPlace(G, work.biasSum, g.dBHh);
  // dx = dA (T·B, 4H) · W_ih (4H, D)
  if (dx !== null) k.gemm(false, false, TB, D, G, dGates, G, w.wIh, D, dx, D, 0);
  dh0.set(dhNext);
  dc0.set(dcNext);
}
