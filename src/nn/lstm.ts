/**
 * LSTM layers (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), as
 * PyTorch's nn.LSTM defines them. Time-major throughout: x (T, B, D), outputs (T, B, H).
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
import { ShapeError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import type { Rng } from '../rng.js';
import { initOrthogonal, initUniform, initXavierUniform } from './init.js';
import type { ParamArena, ParamSpec } from './params.js';
import { Scratch } from './scratch.js';

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
 * Forward over T steps. Fills cache; outputs are cache.h[1..T], i.e. cache.h.subarray(B·H).
 *   x (T, B, D), h0 and c0 (B, H).
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
): void {
  const G = 4 * H;
  const BH = B * H;
  const BG = B * G;
  biasSum.set(w.bIh);
  k.addInPlace(G, w.bHh, biasSum);
  cache.h.set(h0.subarray(0, BH), 0);
  cache.c.set(c0.subarray(0, BH), 0);
  // packing W_hhᵀ pays when it is reused; a single step (generation) multiplies in place
  const reuse = T > 1;
  if (reuse) k.packB(true, H, G, w.wHh, H, packedWhh);
  if (k.lstmLayerForward !== undefined) {
    // the backend runs every step in one call (the same numbers as the calls below)
    if (reuse) k.packB(true, D, G, w.wIh, D, packedWih);
    const pIh = reuse ? packedWih : null; // a single step reads the weights in place
    const pHh = reuse ? packedWhh : null;
    const { gates, c, tanhC, h } = cache;
    if (k.lstmLayerForward(T, B, D, H, x, w.wIh, w.wHh, pIh, pHh, biasSum, gates, c, tanhC, h)) return;
  }
  // a = (b_ih + b_hh) broadcast, then += X W_ihᵀ for all T·B rows at once
  k.fillRows(T * B, G, biasSum, cache.gates, G);
  k.gemm(false, true, T * B, G, D, x, D, w.wIh, D, cache.gates, G, 1);
  for (let t = 0; t < T; t++) {
    const gatesT = cache.gates.subarray(t * BG, (t + 1) * BG);
    const hPrev = cache.h.subarray(t * BH, (t + 1) * BH);
    // the recurrent product: (B, H) · W_hhᵀ (H, 4H)
    if (reuse) k.gemmPrepacked(B, G, H, hPrev, H, packedWhh, gatesT, G, 1);
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
 * Backward over T steps (backpropagation through time).
 *   dy (T, B, H) gradient of the outputs, or null for none;
 *   dhT, dcT (B, H) gradients of the final state (from the next truncated-BPTT window or a
 *   layer that reads the final state), or null for none.
 * Accumulates into g (+=); writes dx (T, B, D) when given, and dh0, dc0 (B, H).
 */
export function lstmBackward(
  k: Kernels,
  w: LSTMWeights,
  g: LSTMGrads,
  cache: LSTMCache,
  dy: Floats | null,
  dhT: Floats | null,
  dcT: Floats | null,
  T: number,
  B: number,
  D: number,
  H: number,
  dx: Floats | null,
  dh0: Floats,
  dc0: Floats,
  work: LSTMBackwardWork,
): void {
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
  // dW_hh += dAᵀ (4H, T·B) · h_{t−1} (T·B, H): all steps in one product
  k.gemm(true, false, G, H, TB, dGates, G, cache.h, H, g.dWHh, H, 1);
  // dW_ih += dAᵀ (4H, T·B) · x (T·B, D)
  k.gemm(true, false, G, D, TB, dGates, G, cache.x, D, g.dWIh, D, 1);
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

/** Initialisation schemes of LSTM.init. */
export type LSTMInit = 'pytorch' | 'orthogonal';

export interface LSTMOptions {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  /** Parameter name prefix; PyTorch names follow it: `${prefix}weight_ih_l0` … */
  prefix?: string;
}

/** Output of a stacked forward: views owned by the layer, valid until its next forward. */
export interface LSTMOutput {
  y: Floats; // (T, B, H) the top layer's outputs
  hN: Floats; // (L, B, H) final hidden state of every layer
  cN: Floats; // (L, B, H) final cell state of every layer
}

export interface LSTMInputGrads {
  dx: Floats; // (T, B, D)
  dh0: Floats; // (L, B, H)
  dc0: Floats; // (L, B, H)
}

/** A stack of LSTM layers over one parameter arena, with its caches. */
export class LSTM {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly prefix: string;
  private readonly weights: LSTMWeights[] = [];
  private readonly grads: LSTMGrads[] = [];
  private readonly scratch: Scratch;
  private readonly inputs: Floats[] = []; // each layer's input in the last forward
  private shape: { T: number; B: number } | undefined;

  static paramSpecs(opts: LSTMOptions): ParamSpec[] {
    const { inputSize: D, hiddenSize: H, numLayers: L } = opts;
    const prefix = opts.prefix ?? 'lstm.';
    const specs: ParamSpec[] = [];
    for (let l = 0; l < L; l++) {
      const inSize = l === 0 ? D : H;
      specs.push(
        { name: `${prefix}weight_ih_l${l}`, shape: [4 * H, inSize] },
        { name: `${prefix}weight_hh_l${l}`, shape: [4 * H, H] },
        { name: `${prefix}bias_ih_l${l}`, shape: [4 * H] },
        { name: `${prefix}bias_hh_l${l}`, shape: [4 * H] },
      );
    }
    return specs;
  }

  constructor(
    private readonly k: Kernels,
    arena: ParamArena,
    opts: LSTMOptions,
  ) {
    this.inputSize = opts.inputSize;
    this.hiddenSize = opts.hiddenSize;
    this.numLayers = opts.numLayers;
    this.prefix = opts.prefix ?? 'lstm.';
    for (let l = 0; l < this.numLayers; l++) {
      const n = (s: string): string => `${this.prefix}${s}_l${l}`;
      this.weights.push({
        wIh: arena.value(n('weight_ih')),
        wHh: arena.value(n('weight_hh')),
        bIh: arena.value(n('bias_ih')),
        bHh: arena.value(n('bias_hh')),
      });
      this.grads.push({
        dWIh: arena.grad(n('weight_ih')),
        dWHh: arena.grad(n('weight_hh')),
        dBIh: arena.grad(n('bias_ih')),
        dBHh: arena.grad(n('bias_hh')),
      });
    }
    this.scratch = new Scratch(k);
  }

  /**
   * Initialise the weights.
   *   'pytorch' (default): every weight and bias U(±1/√H), as nn.LSTM. On the char-rnn recipe it
   *     learned faster than 'orthogonal' (about 0.06 nats lower validation loss after 1,000–2,000
   *     updates on tiny-shakespeare; README), so it is the default.
   *   'orthogonal': W_ih Xavier-uniform, each gate's (H, H) block of W_hh orthogonal (Saxe et al.
   *     2014), biases zero except the forget gate's b_ih = 1 (Gers et al. 2000; Jozefowicz et al.
   *     2015), so the cell starts out remembering.
   */
  init(rng: Rng, scheme: LSTMInit = 'pytorch'): void {
    if (scheme === 'pytorch') {
      const bound = 1 / Math.sqrt(this.hiddenSize);
      for (const w of this.weights) {
        for (const a of [w.wIh, w.wHh, w.bIh, w.bHh]) initUniform(a, rng, bound);
      }
      return;
    }
    const H = this.hiddenSize;
    this.weights.forEach((w, l) => {
      const inSize = l === 0 ? this.inputSize : H;
      initXavierUniform(w.wIh, rng, inSize, 4 * H);
      for (let gate = 0; gate < 4; gate++) initOrthogonal(w.wHh, rng, H, H, gate * H * H, H);
      w.bIh.fill(0);
      w.bHh.fill(0);
      w.bIh.fill(1, H, 2 * H);
    });
  }

  /**
   * x (T, B, D); h0, c0 (L, B, H) or null for zeros.
   * Returns views valid until the next forward.
   */
  forward(x: Floats, T: number, B: number, h0: Floats | null, c0: Floats | null): LSTMOutput {
    const D = this.inputSize;
    const H = this.hiddenSize;
    const L = this.numLayers;
    const BH = B * H;
    if (x.length !== T * B * D) {
      throw new ShapeError(
        'LSTM.forward',
        `x has ${x.length} values, but (T, B, D) = (${T}, ${B}, ${D}) needs ${T * B * D}.`,
        'inputs are time-major; did you pass (B, T, D)?',
      );
    }
    for (const [name, s] of [
      ['h0', h0],
      ['c0', c0],
    ] as const) {
      if (s !== null && s.length !== L * BH) {
        throw new ShapeError(
          'LSTM.forward',
          `${name} has ${s.length} values, but (L, B, H) = (${L}, ${B}, ${H}) needs ${L * BH}.`,
        );
      }
    }
    this.shape = { T, B };
    const hN = this.scratch.get('hN', L * BH);
    const cN = this.scratch.get('cN', L * BH);
    const zeros = this.scratch.zeros('zeroState', BH);
    let input = x;
    for (let l = 0; l < L; l++) {
      const inSize = l === 0 ? D : H;
      this.inputs[l] = input;
      const cache = this.cache(l, T, B);
      const h0l = h0 === null ? zeros : h0.subarray(l * BH, (l + 1) * BH);
      const c0l = c0 === null ? zeros : c0.subarray(l * BH, (l + 1) * BH);
      const w = this.weights[l] as LSTMWeights;
      lstmForward(
        this.k,
        w,
        input,
        h0l,
        c0l,
        T,
        B,
        inSize,
        H,
        cache,
        this.scratch.get('biasSum', 4 * H),
        this.scratch.get('packedWhh', packedWhhLength(this.k, H)),
        // only a backend with lstmLayerForward packs W_ih (an empty view otherwise)
        this.scratch.get('packedWih', this.k.lstmLayerForward === undefined ? 0 : this.k.packedLength(inSize, 4 * H)),
      );
      hN.set(cache.h.subarray(T * BH, (T + 1) * BH), l * BH);
      cN.set(cache.c.subarray(T * BH, (T + 1) * BH), l * BH);
      input = cache.h.subarray(BH, (T + 1) * BH);
    }
    return { y: input, hN, cN };
  }

  /**
   * Backward through the last forward. dy (T, B, H) or null; dhN, dcN (L, B, H) or null.
   * Accumulates parameter gradients into the arena; returns views valid until the next call.
   */
  backward(dy: Floats | null, dhN: Floats | null, dcN: Floats | null): LSTMInputGrads {
    if (this.shape === undefined) {
      throw new ShapeError('LSTM.backward', 'no forward pass to go back through.', 'call forward first.');
    }
    const { T, B } = this.shape;
    const H = this.hiddenSize;
    const L = this.numLayers;
    const BH = B * H;
    if (dy !== null && dy.length !== T * BH) {
      throw new ShapeError(
        'LSTM.backward',
        `dy has ${dy.length} values, but (T, B, H) = (${T}, ${B}, ${H}) needs ${T * BH}.`,
      );
    }
    const dh0 = this.scratch.get('dh0', L * BH);
    const dc0 = this.scratch.get('dc0', L * BH);
    const work: LSTMBackwardWork = {
      dGates: this.scratch.get('dGates', T * B * 4 * H),
      dhNext: this.scratch.get('dhNext', BH),
      dcNext: this.scratch.get('dcNext', BH),
      biasSum: this.scratch.get('biasSum', 4 * H),
      packedWhh: this.scratch.get('packedWhh', packedWhhLength(this.k, H)),
    };
    let dOut = dy;
    let dx = this.scratch.get('dx0', 0);
    for (let l = L - 1; l >= 0; l--) {
      const inSize = l === 0 ? this.inputSize : H;
      const cache = this.cache(l, T, B);
      // alternate two buffers so layer l's dx does not overwrite layer l+1's, which it reads
      dx = this.scratch.get(`dx${l % 2}`, T * B * inSize);
      lstmBackward(
        this.k,
        this.weights[l] as LSTMWeights,
        this.grads[l] as LSTMGrads,
        cache,
        dOut,
        dhN === null ? null : dhN.subarray(l * BH, (l + 1) * BH),
        dcN === null ? null : dcN.subarray(l * BH, (l + 1) * BH),
        T,
        B,
        inSize,
        H,
        dx,
        dh0.subarray(l * BH, (l + 1) * BH),
        dc0.subarray(l * BH, (l + 1) * BH),
        work,
      );
      dOut = dx;
    }
    return { dx, dh0, dc0 };
  }

  private cache(l: number, T: number, B: number): LSTMCache {
    const H = this.hiddenSize;
    const s = this.scratch;
    return {
      x: this.inputs[l] as Floats,
      gates: s.get(`gates${l}`, T * B * 4 * H),
      h: s.get(`h${l}`, (T + 1) * B * H),
      c: s.get(`c${l}`, (T + 1) * B * H),
      tanhC: s.get(`tanhC${l}`, T * B * H),
    };
  }
}
