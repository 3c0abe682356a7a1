/** Shared set-up for Recurrent tests: a stack with seeded asymmetric weights and its loss. */
import type { Floats, Kernels } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';
import { randomArray, weightedSum } from './gradcheck.js';

export interface RecurrentCase {
  name: string;
  opts: RecurrentOptions;
  T: number;
  B: number;
  lengths?: number[];
}

export interface RecurrentSetup {
  arena: ParamArena;
  net: Recurrent;
  x: Floats;
  h0: Floats;
  c0: Floats | null;
  lengths: Int32Array | null;
  /** Random weights of the loss Σ y ⊙ Ry + Σ hN ⊙ Rh + Σ cN ⊙ Rc. */
  Ry: Floats;
  Rh: Floats;
  Rc: Floats | null;
}

function fill(k: Kernels, values: Float64Array): Floats {
  const a = k.alloc(values.length);
  a.set(values);
  return a;
}

export function makeRecurrent(k: Kernels, c: RecurrentCase, seed = 11): RecurrentSetup {
  const arena = new ParamArena(k, Recurrent.paramSpecs(c.opts));
  const net = new Recurrent(k, arena, c.opts);
  const rng = new Rng(seed);
  // U(−0.7, 0.7) everywhere, biases included: asymmetric, so swapped gates or transposes show
  for (let i = 0; i < arena.values.length; i++) arena.values[i] = rng.uniform(-0.7, 0.7);
  const { T, B } = c;
  const S = net.numLayers * net.dirs;
  const isLstm = c.opts.kind === 'lstm';
  return {
    arena,
    net,
    x: fill(k, randomArray(T * B * net.inputSize, rng)),
    h0: fill(k, randomArray(S * B * net.stateSize, rng)),
    c0: isLstm ? fill(k, randomArray(S * B * net.hiddenSize, rng)) : null,
    lengths: c.lengths === undefined ? null : Int32Array.from(c.lengths),
    Ry: fill(k, randomArray(T * B * net.outputSize, rng)),
    Rh: fill(k, randomArray(S * B * net.stateSize, rng)),
    Rc: isLstm ? fill(k, randomArray(S * B * net.hiddenSize, rng)) : null,
  };
}

/** The scalar loss of one forward. */
export function recurrentLoss(s: RecurrentSetup, T: number, B: number): number {
  const out = s.net.forward(s.x, T, B, s.h0, s.c0, s.lengths);
  let loss = weightedSum(out.y, s.Ry) + weightedSum(out.hN, s.Rh);
  if (out.cN !== null && s.Rc !== null) loss += weightedSum(out.cN, s.Rc);
  return loss;
}
