/**
 * The bridge from an encoder's final states to a decoder's first ones: decoder layer l starts from
 * encoder layer min(l, Le − 1), its directions concatenated ([→; ←], dirs · He):
 *   h0_l = tanh(W_h [h→; h←] + b_h),   c0_l = W_c [c→; c←] + b_c   (zeros for a GRU or RNN encoder)
 * Parameters bridge.h.*, bridge.c.* (Linear's). States are (layers·dirs, B, He) in, (Ld, B, Hd) out.
 */
import type { Floats, Kernels } from '../kernels/index.js';
import { Linear } from '../nn/linear.js';
import type { ParamArena, ParamSpec } from '../nn/params.js';
import type { Rng } from '../rng.js';
import { Scratch } from '../nn/scratch.js';

export interface BridgeSizes {
  /** Encoder layers, directions and hidden size; decoder layers and hidden size. */
  Le: number;
  dirs: number;
  He: number;
  Ld: number;
  Hd: number;
}

export class Seq2SeqBridge {
  private readonly toH: Linear;
  private readonly toC: Linear;
  private readonly scratch: Scratch;
  private B = 0;

  static paramSpecs(s: BridgeSizes): ParamSpec[] {
    return [
      ...Linear.paramSpecs('bridge.h.', s.dirs * s.He, s.Hd),
      ...Linear.paramSpecs('bridge.c.', s.dirs * s.He, s.Hd),
    ];
  }

  constructor(
    k: Kernels,
    arena: ParamArena,
    private readonly s: BridgeSizes,
  ) {
    this.toH = new Linear(k, arena, 'bridge.h.', s.dirs * s.He, s.Hd);
    this.toC = new Linear(k, arena, 'bridge.c.', s.dirs * s.He, s.Hd);
    this.scratch = new Scratch(k);
  }

  init(rng: Rng): void {
    this.toH.init(rng);
    this.toC.init(rng);
  }

  /** hN, cN (Le·dirs, B, He; cN null without a cell state) → h0, c0 (Ld, B, Hd), views kept for backward. */
  forward(hN: Floats, cN: Floats | null, B: number): { h0: Floats; c0: Floats } {
    const { Ld, dirs, He, Hd } = this.s;
    this.B = B;
    const fromH = this.scratch.get('inH', Ld * B * dirs * He);
    const fromC = this.scratch.get('inC', Ld * B * dirs * He);
    this.eachRow(B, (from, to) => {
      fromH.set(hN.subarray(from, from + He), to);
      if (cN !== null) fromC.set(cN.subarray(from, from + He), to);
      else fromC.fill(0, to, to + He);
    });
    const h0 = this.scratch.get('h0', Ld * B * Hd);
    const bh = this.toH.forward(fromH, Ld * B);
    for (let i = 0; i < h0.length; i++) h0[i] = Math.tanh(bh[i] as number);
    const c0 = this.scratch.get('c0', Ld * B * Hd);
    c0.set(this.toC.forward(fromC, Ld * B));
    return { h0, c0 };
  }

  /** dh0, dc0 (Ld, B, Hd) → dhN, dcN (Le·dirs, B, He), summed over the decoder layers sharing an encoder layer. */
  backward(dh0: Floats, dc0: Floats): { dhN: Floats; dcN: Floats } {
    const { Le, Ld, dirs, He, Hd } = this.s;
    const B = this.B;
    const h0 = this.scratch.get('h0', Ld * B * Hd);
    const dPre = this.scratch.get('dPreH', Ld * B * Hd);
    for (let i = 0; i < dPre.length; i++) {
      const v = h0[i] as number;
      dPre[i] = (dh0[i] as number) * (1 - v * v);
    }
    const dFromH = this.toH.backward(dPre);
    const dFromC = this.toC.backward(dc0);
    const dhN = this.scratch.zeros('dhN', Le * dirs * B * He);
    const dcN = this.scratch.zeros('dcN', Le * dirs * B * He);
    this.eachRow(B, (to, from) => {
      for (let i = 0; i < He; i++) {
        dhN[to + i] = (dhN[to + i] as number) + (dFromH[from + i] as number);
        dcN[to + i] = (dcN[to + i] as number) + (dFromC[from + i] as number);
      }
    });
    return { dhN, dcN };
  }

  /** visit(encoder row offset, bridge-input row offset) for every decoder layer, direction and sequence. */
  private eachRow(B: number, visit: (encoder: number, input: number) => void): void {
    const { Le, Ld, dirs, He } = this.s;
    for (let l = 0; l < Ld; l++) {
      const le = Math.min(l, Le - 1);
      for (let d = 0; d < dirs; d++)
        for (let b = 0; b < B; b++) visit(((le * dirs + d) * B + b) * He, (l * B + b) * dirs * He + d * He);
    }
  }
}
