/**
 * Global-norm gradient clipping (Pascanu et al. 2013; PyTorch's clip_grad_norm_):
 *   norm = ‖g‖₂ over all parameters;  if norm > maxNorm: g *= maxNorm / (norm + 1e-6)
 * Returns the norm before clipping, so callers can log it and catch NaN early.
 */
import type { Kernels } from '../kernels/index.js';
import type { ParamArena } from '../nn/params.js';

export function clipGradNorm(k: Kernels, arena: ParamArena, maxNorm: number): number {
  const norm = Math.sqrt(k.sumSquares(arena.size, arena.grads));
  if (Number.isFinite(maxNorm) && maxNorm > 0 && norm > maxNorm) {
    k.scale(arena.size, arena.grads, maxNorm / (norm + 1e-6));
  }
  return norm;
}
