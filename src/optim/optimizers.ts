/**
 * Optimizers over the parameter arena: one flat update loop each (see Kernels.adamUpdate and
 * Kernels.sgdUpdate for the equations). The optimizer's state is a few arrays with the arena's
 * layout plus a step count, so a checkpoint stores it exactly and a resumed run continues exactly.
 */
import { ConfigError, checkNumber } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import type { ParamArena } from '../nn/params.js';

export type OptimizerName = 'adam' | 'adamw' | 'sgd';

export interface OptimizerConfig {
  name: OptimizerName;
  /** Adam/AdamW: β1, β2, ε (defaults 0.9, 0.999, 1e-8, as PyTorch). */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Adam: L2 added to the gradient; AdamW: decoupled decay (default 0.01); SGD: L2. */
  weightDecay?: number;
  /** SGD: momentum μ (default 0.9) and Nesterov (default false). */
  momentum?: number;
  nesterov?: boolean;
}

export interface Optimizer {
  readonly config: Required<OptimizerConfig>;
  /** Updates taken so far (Adam's t). */
  stepCount: number;
  /** One update with learning rate lr from the arena's gradients. */
  step(lr: number): void;
  /** The state arrays by name (views), for checkpoints: 'm', 'v' or 'momentum'. */
  state(): Record<string, Floats>;
}

export function resolveOptimizerConfig(config: OptimizerConfig): Required<OptimizerConfig> {
  const where = 'optimizer';
  const name = config.name;
  if (name !== 'adam' && name !== 'adamw' && name !== 'sgd') {
    throw new ConfigError(where, `name must be 'adam', 'adamw' or 'sgd', got ${JSON.stringify(name)}.`);
  }
  const resolved: Required<OptimizerConfig> = {
    name,
    beta1: checkNumber(where, 'beta1', config.beta1 ?? 0.9, 0, 0.999999),
    beta2: checkNumber(where, 'beta2', config.beta2 ?? 0.999, 0, 0.999999999),
    eps: checkNumber(where, 'eps', config.eps ?? 1e-8, 0, 1, true),
    weightDecay: checkNumber(where, 'weightDecay', config.weightDecay ?? (name === 'adamw' ? 0.01 : 0), 0, 10),
    momentum: checkNumber(where, 'momentum', config.momentum ?? (name === 'sgd' ? 0.9 : 0), 0, 0.999999),
    nesterov: config.nesterov ?? false,
  };
  if (resolved.nesterov && resolved.momentum === 0) {
    throw new ConfigError(where, 'nesterov needs momentum > 0, got momentum 0.');
  }
  return resolved;
}

class Adam implements Optimizer {
  stepCount = 0;
  private readonly m: Floats;
  private readonly v: Floats;
  constructor(
    private readonly k: Kernels,
    private readonly arena: ParamArena,
    readonly config: Required<OptimizerConfig>,
  ) {
    this.m = k.alloc(arena.size);
    this.v = k.alloc(arena.size);
  }
  step(lr: number): void {
    const { beta1, beta2, eps, weightDecay, name } = this.config;
    this.stepCount++;
    const bc1 = 1 - beta1 ** this.stepCount;
    const bc2 = 1 - beta2 ** this.stepCount;
    const l2 = name === 'adam' ? weightDecay : 0;
    const decoupled = name === 'adamw' ? weightDecay : 0;
    this.k.adamUpdate(
      this.arena.size,
      this.arena.values,
      this.arena.grads,
      this.m,
      this.v,
      lr,
      beta1,
      beta2,
      eps,
      l2,
      decoupled,
      bc1,
      bc2,
    );
  }
  state(): Record<string, Floats> {
    return { m: this.m, v: this.v };
  }
}

class Sgd implements Optimizer {
  stepCount = 0;
  private readonly momentumBuffer: Floats;
  constructor(
    private readonly k: Kernels,
    private readonly arena: ParamArena,
    readonly config: Required<OptimizerConfig>,
  ) {
    this.momentumBuffer = k.alloc(arena.size);
  }
  step(lr: number): void {
    const { momentum, weightDecay, nesterov } = this.config;
    this.stepCount++;
    // PyTorch starts the momentum buffer at the first gradient; with a zero buffer, μ·0 + g = g.
    this.k.sgdUpdate(
      this.arena.size,
      this.arena.values,
      this.arena.grads,
      this.momentumBuffer,
      lr,
      momentum,
      weightDecay,
      nesterov,
    );
  }
  state(): Record<string, Floats> {
    return { momentum: this.momentumBuffer };
  }
}

export function createOptimizer(k: Kernels, arena: ParamArena, config: OptimizerConfig): Optimizer {
  const resolved = resolveOptimizerConfig(config);
  return resolved.name === 'sgd' ? new Sgd(k, arena, resolved) : new Adam(k, arena, resolved);
}
