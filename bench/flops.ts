/**
 * The FLOP counts behind every GFLOP/s figure: matrix products only (the gate nonlinearities,
 * softmax and optimizer are a few percent of the work and are not counted), one multiply-add = 2.
 *
 *   LSTM forward, per layer per time step:   2·B·(I + H)·4H        (I: the layer's input size)
 *   output layer (H → V), per time step:     2·B·H·V
 *   training step:                            3 × forward (forward, dgates·W, dW)
 *                                             + 3·2·B·H·V per time step for the output layer
 *   matrix product (M, K)·(K, N):            2·M·N·K
 */

export const FORMULA = [
  'LSTM forward = 2·B·(I+H)·4H per layer per time step (I = the layer input size)',
  'training = 3 × forward + 3·2·B·H·V per time step for the output layer (C5: 3·2·B·H, once)',
  'inference with an output layer (C3) = forward + 2·B·H·V per time step',
  'GEMM = 2·M·N·K',
] as const;

/** Forward FLOPs of a stack of LSTM layers over T steps; layers[l] = [I_l, H]. */
export function lstmForwardFlops(T: number, B: number, layers: ReadonlyArray<readonly [number, number]>): number {
  let perStep = 0;
  for (const [I, H] of layers) perStep += 2 * B * (I + H) * 4 * H;
  return T * perStep;
}

/** [I_l, H] for L stacked layers over input size D. */
export function stack(D: number, H: number, L: number): Array<[number, number]> {
  return Array.from({ length: L }, (_, l): [number, number] => [l === 0 ? D : H, H]);
}

export function gemmFlops(M: number, N: number, K: number): number {
  return 2 * M * N * K;
}
