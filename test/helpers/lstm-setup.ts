/** Shared set-up for LSTM tests: a float64 stacked LSTM with seeded asymmetric weights. */
import { RefKernels } from '../../src/kernels/index.js';
import { Recurrent } from '../../src/nn/recurrent.js';
import { ParamArena } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';

export const k64 = new RefKernels('float64');

export function makeLSTM(D: number, H: number, L: number, seed = 7): { arena: ParamArena; lstm: Recurrent; rng: Rng } {
  const opts = { inputSize: D, hiddenSize: H, numLayers: L };
  const arena = new ParamArena(k64, Recurrent.paramSpecs({ kind: 'lstm', ...opts }));
  const rng = new Rng(seed);
  // U(−0.6, 0.6) everywhere, biases included: asymmetric, so swapped gates or transposes show
  for (let i = 0; i < arena.values.length; i++) arena.values[i] = rng.uniform(-0.6, 0.6);
  return { arena, lstm: new Recurrent(k64, arena, { kind: 'lstm', ...opts }), rng };
}
