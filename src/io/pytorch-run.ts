/**
 * Run a PyTorch recurrent module's weights on the engine, the way PyTorch's forward and
 * autograd would: outputs and final states, and, given upstream gradients, the gradients of the
 * input, the initial states and every weight under PyTorch's names.
 *
 *   x (T, B, D), or (B, T, D) with batch_first      h0 (L·dirs, B, R), c0 (L·dirs, B, H) (LSTM)
 *   y (T, B, dirs·R), or (B, T, dirs·R)             hN, cN as h0, c0
 *   lengths (B): as pack_padded_sequence (outputs past a sequence's end are zero)
 */
import { ShapeError } from '../errors.js';
import type { Floats } from '../kernels/index.js';
import { swapLeadingAxes } from '../nn/sequence-order.js';
import { torchStateDictSpecs, type TorchRecurrent } from './pytorch-recurrent.js';

export interface TorchRunInput {
  x: ArrayLike<number>;
  T: number;
  B: number;
  h0?: ArrayLike<number>;
  c0?: ArrayLike<number>;
  lengths?: ArrayLike<number>;
}

/** Gradients of a scalar loss with respect to the outputs (any may be left out: zero). */
export interface TorchRunUpstream {
  dy?: ArrayLike<number>;
  dhN?: ArrayLike<number>;
  dcN?: ArrayLike<number>;
}

export interface TorchRunResult {
  y: Floats;
  hN: Floats;
  cN: Floats | null;
  grads?: {
    x: Floats;
    h0: Floats;
    c0: Floats | null;
    /** Under the state_dict's names (with its prefix), the module's parameters' shapes. */
    weights: Map<string, Floats>;
  };
}

/**
 * Forward (and backward, when `upstream` is given) through a stack built by buildTorchRecurrent
 * or loadTorchRecurrent. Returned arrays are copies, owned by the caller.
 */
export function runTorchRecurrent(
  model: TorchRecurrent,
  input: TorchRunInput,
  upstream?: TorchRunUpstream,
): TorchRunResult {
  const { net, arena, args } = model;
  const { T, B } = input;
  const kernels = net.kernels;
  const alloc = (n: number): Floats => (kernels.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const batchFirst = args.batch_first ?? false;
  const D = net.inputSize;
  const O = net.outputSize;
  const where = 'runTorchRecurrent';
  const need = (name: string, a: ArrayLike<number> | undefined, n: number, layout: string): void => {
    if (a !== undefined && a.length !== n)
      throw new ShapeError(where, `${name} has ${a.length} values, but ${layout} needs ${n}.`);
  };
  const layout = batchFirst ? `(B, T, D) = (${B}, ${T}, ${D})` : `(T, B, D) = (${T}, ${B}, ${D})`;
  need('x', input.x, T * B * D, layout);
  const toEngine = (a: ArrayLike<number> | undefined): Floats | null => {
    if (a === undefined) return null;
    const v = kernels.alloc(a.length);
    for (let i = 0; i < a.length; i++) v[i] = a[i] as number;
    return v;
  };
  const x = kernels.alloc(T * B * D);
  if (batchFirst) swapLeadingAxes(input.x, B, T, D, x);
  else for (let i = 0; i < x.length; i++) x[i] = input.x[i] as number;
  const lengths = input.lengths === undefined ? null : Int32Array.from(input.lengths);
  const out = net.forward(x, T, B, toEngine(input.h0), toEngine(input.c0), lengths);
  const y = alloc(T * B * O);
  if (batchFirst) swapLeadingAxes(out.y, T, B, O, y);
  else y.set(out.y);
  const result: TorchRunResult = { y, hN: out.hN.slice(), cN: out.cN === null ? null : out.cN.slice() };
  if (upstream === undefined) return result;
  need(
    'dy',
    upstream.dy,
    T * B * O,
    batchFirst ? `(B, T, dirs·R) = (${B}, ${T}, ${O})` : `(T, B, dirs·R) = (${T}, ${B}, ${O})`,
  );
  need('dhN', upstream.dhN, out.hN.length, '(L·dirs, B, R)');
  need('dcN', upstream.dcN, out.cN?.length ?? 0, '(L·dirs, B, H)');
  let dy: Floats | null = null;
  if (upstream.dy !== undefined) {
    dy = kernels.alloc(T * B * O);
    if (batchFirst) swapLeadingAxes(upstream.dy, B, T, O, dy);
    else for (let i = 0; i < dy.length; i++) dy[i] = upstream.dy[i] as number;
  }
  arena.zeroGrads();
  const g = net.backward(dy, toEngine(upstream.dhN), toEngine(upstream.dcN));
  const dx = alloc(T * B * D);
  if (batchFirst) swapLeadingAxes(g.dx, T, B, D, dx);
  else dx.set(g.dx);
  const weights = new Map<string, Floats>();
  for (const spec of torchStateDictSpecs(args)) weights.set(model.prefix + spec.name, arena.grad(spec.name).slice());
  result.grads = { x: dx, h0: g.dh0.slice(), c0: g.dc0 === null ? null : g.dc0.slice(), weights };
  return result;
}
