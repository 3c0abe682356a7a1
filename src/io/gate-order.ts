/**
 * The gate orders of the three frameworks whose recurrent weights we read and write, in one
 * place (docs/interop.md). Our layout is PyTorch's: gate blocks of H rows stacked in the order
 * below, W (G·H, D) and R (G·H, H) row-major, two biases.
 *
 *   cell   ours / PyTorch   Keras, TF.js      ONNX
 *   LSTM   i, f, g, o       i, f, c, o        i, o, f, c       (g and c name the same block)
 *   GRU    r, z, n          z, r, h           z, r, h          (n and h name the same block)
 *   RNN    one block        one block         one block
 *
 *   peepholes (LSTM)   ours p_i, p_f, p_o;  ONNX P = p_i, p_o, p_f
 *   biases             PyTorch, ONNX: b_ih and b_hh (ONNX B = [Wb, Rb]);
 *                      Keras: one bias (= b_ih, b_hh zero), except a GRU with reset_after=True,
 *                      whose bias is (2, 3H) = [input bias, recurrent bias]
 *   weight layout      Keras stores kernels transposed: kernel (D, G·H), recurrent_kernel (H, G·H)
 */
import type { CellKind } from '../nn/cell-config.js';

export type Framework = 'pytorch' | 'keras' | 'onnx';

/** The gate names of each framework, block by block. */
export const GATE_ORDER: Record<CellKind, Record<Framework, readonly string[]>> = {
  lstm: { pytorch: ['i', 'f', 'g', 'o'], keras: ['i', 'f', 'c', 'o'], onnx: ['i', 'o', 'f', 'c'] },
  gru: { pytorch: ['r', 'z', 'n'], keras: ['z', 'r', 'h'], onnx: ['z', 'r', 'h'] },
  rnn: { pytorch: ['h'], keras: ['h'], onnx: ['h'] },
};

/** The same gate under each framework's name (PyTorch's g is Keras's and ONNX's c …). */
const CANONICAL: Record<string, string> = { c: 'g', h: 'n' };

function canonical(kind: CellKind, name: string): string {
  return kind === 'rnn' ? name : (CANONICAL[name] ?? name);
}

/** For each block of `to`, the index of the same gate in `from`. */
export function gatePermutation(kind: CellKind, from: Framework, to: Framework): number[] {
  const src = GATE_ORDER[kind][from].map((g) => canonical(kind, g));
  return GATE_ORDER[kind][to].map((g) => src.indexOf(canonical(kind, g)));
}

/**
 * Reorder the gate blocks of a weight (G·H, cols) or bias (G·H) from one framework's order to
 * another's. `values` holds G blocks of equal length; returns a new array of the same type.
 */
export function reorderGates<T extends Float32Array | Float64Array>(
  values: T,
  kind: CellKind,
  from: Framework,
  to: Framework,
): T {
  const perm = gatePermutation(kind, from, to);
  const block = values.length / perm.length;
  const out = new (values.constructor as { new (n: number): T })(values.length);
  perm.forEach((src, dst) => out.set(values.subarray(src * block, (src + 1) * block), dst * block));
  return out;
}

/** Peepholes: ours (p_i, p_f, p_o) ⇄ ONNX P (p_i, p_o, p_f); the swap is its own inverse. */
export function swapPeepholeOrder<T extends Float32Array | Float64Array>(values: T): T {
  const H = values.length / 3;
  const out = new (values.constructor as { new (n: number): T })(values.length);
  out.set(values.subarray(0, H), 0);
  out.set(values.subarray(2 * H, 3 * H), H);
  out.set(values.subarray(H, 2 * H), 2 * H);
  return out;
}

/** (rows, cols) → (cols, rows): between our (G·H, D) layout and Keras's (D, G·H). */
export function transpose<T extends Float32Array | Float64Array>(values: T, rows: number, cols: number): T {
  const out = new (values.constructor as { new (n: number): T })(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] as number;
  return out;
}
