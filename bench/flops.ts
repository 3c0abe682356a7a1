/**
 * The FLOP counts behind every GFLOP/s figure: matrix products only (the gate nonlinearities,
 * softmax and optimizer are a few percent of the work and are not counted), one multiply-add = 2.
 *
 *   recurrent forward, per layer per time step: 2·B·(I + H)·G·H   (I: the layer's input size;
 *                                               G gate blocks: LSTM 4, GRU 3)
 *   output layer (H → V), per time step:     2·B·H·V
 *   training step:                            3 × forward (forward, dgates·W, dW)
 *                                             + 3·2·B·H·V per time step for the output layer
 *   variable lengths (C7):                    B·T becomes the real tokens N = Σ lengths, per direction
 *   matrix product (M, K)·(K, N):            2·M·N·K
 */

export const FORMULA = [
  'LSTM forward = 2·B·(I+H)·4H per layer per time step (I = the layer input size; GRU: 2·B·(I+H)·3H)',
  'training = 3 × forward + 3·2·B·H·V per time step for the output layer (C5: 3·2·B·H, once)',
  'C7 = 3 × forward of both directions over the real tokens (B·T → Σ lengths) + 3·2·B·2H·K for the head',
  'inference with an output layer (C3) = forward + 2·B·H·V per time step',
  'GEMM = 2·M·N·K',
] as const;

/** Gate blocks of each cell: the G of 2·B·(I+H)·G·H. */
const GATES = { lstm: 4, gru: 3 } as const;

/** Forward FLOPs of a stack of recurrent layers over T steps; layers[l] = [I_l, H]. */
export function recurrentForwardFlops(
  cell: keyof typeof GATES,
  T: number,
  B: number,
  layers: ReadonlyArray<readonly [number, number]>,
): number {
  let perStep = 0;
  for (const [I, H] of layers) perStep += 2 * B * (I + H) * GATES[cell] * H;
  return T * perStep;
}

/** Forward FLOPs of a stack of LSTM layers over T steps; layers[l] = [I_l, H]. */
export function lstmForwardFlops(T: number, B: number, layers: ReadonlyArray<readonly [number, number]>): number {
  return recurrentForwardFlops('lstm', T, B, layers);
}

/** [I_l, H] for L stacked layers over input size D (`dirs` directions feed the next layer). */
export function stack(D: number, H: number, L: number, dirs = 1): Array<[number, number]> {
  return Array.from({ length: L }, (_, l): [number, number] => [l === 0 ? D : dirs * H, H]);
}

export function gemmFlops(M: number, N: number, K: number): number {
  return 2 * M * N * K;
}
