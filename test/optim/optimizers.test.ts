/**
 * Optimizers, clipping and learning-rate schedules against plain float64 re-implementations
 * written here from the update rules in PyTorch's documentation (torch.optim.Adam, AdamW, SGD;
 * torch.nn.utils.clip_grad_norm_), over several steps with changing gradients and learning rates.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { RefKernels } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { clipGradNorm } from '../../src/optim/clip.js';
import { createOptimizer, type OptimizerConfig } from '../../src/optim/optimizers.js';
import { learningRateAt, parseSchedule } from '../../src/optim/schedule.js';
import { Rng } from '../../src/rng.js';

const k64 = new RefKernels('float64');
const STEPS = 5;
const LRS = [0.1, 0.05, 0.2, 0.01, 0.07]; // a different rate every step, so lr is really used

/** An arena of two parameters (sizes 4 and 3), values seeded in [−1, 1). */
function makeArena(seed = 21): ParamArena {
  const arena = new ParamArena(k64, [
    { name: 'a', shape: [2, 2] },
    { name: 'b', shape: [3] },
  ]);
  const rng = new Rng(seed);
  for (let i = 0; i < arena.size; i++) arena.values[i] = rng.uniform(-1, 1);
  return arena;
}

/** Gradients for step s: seeded, of mixed signs and magnitudes, a different set every step. */
function gradientsFor(step: number, n: number): Float64Array {
  const rng = new Rng(100 + step);
  return Float64Array.from({ length: n }, () => rng.uniform(-2, 2) * 10 ** rng.uniform(-2, 0));
}

/** Runs the library optimizer over STEPS steps; returns the final parameters. */
function runLibrary(config: OptimizerConfig): Float64Array {
  const arena = makeArena();
  const opt = createOptimizer(k64, arena, config);
  for (let s = 0; s < STEPS; s++) {
    arena.grads.set(gradientsFor(s, arena.size));
    opt.step(LRS[s] as number);
  }
  assert.equal(opt.stepCount, STEPS);
  return Float64Array.from(arena.values);
}

/** torch.optim.Adam / AdamW, one parameter at a time, straight from the documented algorithm. */
function referenceAdam(opts: {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
}): Float64Array {
  const theta = Float64Array.from(makeArena().values);
  const n = theta.length;
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  for (let s = 0; s < STEPS; s++) {
    const t = s + 1;
    const lr = LRS[s] as number;
    const grads = gradientsFor(s, n);
    for (let i = 0; i < n; i++) {
      let g = grads[i] as number;
      let p = theta[i] as number;
      if (opts.decoupled)
        p = p - lr * opts.weightDecay * p; // AdamW: θ ← θ − γλθ
      else g = g + opts.weightDecay * p; // Adam: g ← g + λθ
      m[i] = opts.beta1 * (m[i] as number) + (1 - opts.beta1) * g;
      v[i] = opts.beta2 * (v[i] as number) + (1 - opts.beta2) * g * g;
      const mHat = (m[i] as number) / (1 - opts.beta1 ** t);
      const vHat = (v[i] as number) / (1 - opts.beta2 ** t);
      theta[i] = p - (lr * mHat) / (Math.sqrt(vHat) + opts.eps);
    }
  }
  return theta;
}

/** torch.optim.SGD (dampening 0): b ← g at t = 1, else μb + g; step = nesterov ? g + μb : b. */
function referenceSgd(opts: { momentum: number; weightDecay: number; nesterov: boolean }): Float64Array {
  const theta = Float64Array.from(makeArena().values);
  const n = theta.length;
  const buf = new Float64Array(n);
  for (let s = 0; s < STEPS; s++) {
    const lr = LRS[s] as number;
    const grads = gradientsFor(s, n);
    for (let i = 0; i < n; i++) {
      const g = (grads[i] as number) + opts.weightDecay * (theta[i] as number);
      buf[i] = s === 0 ? g : opts.momentum * (buf[i] as number) + g;
      const step = opts.nesterov ? g + opts.momentum * (buf[i] as number) : (buf[i] as number);
      theta[i] = (theta[i] as number) - lr * step;
    }
  }
  return theta;
}

function assertAllClose(actual: Float64Array, expected: Float64Array, tol = 1e-13): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] as number;
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `entry ${i}: ${a} vs reference ${e}`);
  });
}

describe('Adam and AdamW', () => {
  it('first bias-corrected step is lr · sign(g): m̂ = g and v̂ = g², so the step is lr · g / (|g| + ε)', () => {
    const arena = makeArena();
    const before = Float64Array.from(arena.values);
    // magnitudes from 1e-3 to 7, both signs: the step is lr whatever the size of g
    const g = [0.5, -3, 0.02, -0.001, 7, -0.3, 0.001];
    arena.grads.set(g);
    const lr = 0.01;
    createOptimizer(k64, arena, { name: 'adam' }).step(lr);
    arena.values.forEach((p, i) => {
      const step = (before[i] as number) - p;
      // |g| ≥ 1e-3, so ε = 1e-8 shortens the step by at most lr · 1e-5
      assert.ok(Math.abs(step - lr * Math.sign(g[i] as number)) < lr * 2e-5, `entry ${i}: step ${step}`);
    });
  });

  it('matches PyTorch Adam with L2 weight decay and non-default betas over 5 steps', () => {
    const config = { name: 'adam', beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.05 } as const;
    assertAllClose(runLibrary(config), referenceAdam({ ...config, decoupled: false }));
  });

  it('matches PyTorch AdamW (decoupled: θ ← θ − lr·λ·θ − lr·m̂/(√v̂ + ε)) over 5 steps', () => {
    const config = { name: 'adamw', beta1: 0.85, beta2: 0.99, eps: 1e-8, weightDecay: 0.3 } as const;
    const ours = runLibrary(config);
    assertAllClose(ours, referenceAdam({ ...config, decoupled: true }));
    // and the decay really is decoupled: Adam with the same number as L2 lands elsewhere
    const coupled = referenceAdam({ ...config, decoupled: false });
    assert.ok(ours.some((v, i) => Math.abs(v - (coupled[i] as number)) > 1e-4));
  });
});

describe('SGD', () => {
  it('matches PyTorch SGD with momentum and L2 over 5 steps', () => {
    const config = { name: 'sgd', momentum: 0.9, weightDecay: 0.01 } as const;
    assertAllClose(runLibrary(config), referenceSgd({ ...config, nesterov: false }));
  });

  it('matches PyTorch SGD with Nesterov momentum over 5 steps', () => {
    const config = { name: 'sgd', momentum: 0.7, weightDecay: 0, nesterov: true } as const;
    const ours = runLibrary(config);
    assertAllClose(ours, referenceSgd(config));
    const plain = referenceSgd({ ...config, nesterov: false });
    assert.ok(
      ours.some((v, i) => Math.abs(v - (plain[i] as number)) > 1e-4),
      'nesterov must change the path',
    );
  });
});

describe('clipGradNorm', () => {
  // gradients (3, 4 | 0, 0, 12): global norm √(9 + 16 + 144) = 13
  function arenaWithNorm13(): ParamArena {
    const arena = makeArena();
    arena.grads.set([3, 4, 0, 0, 0, 0, 12]);
    return arena;
  }

  it('returns the norm and scales by maxNorm / (norm + 1e-6) when the norm is above maxNorm', () => {
    const arena = arenaWithNorm13();
    assert.equal(clipGradNorm(k64, arena, 6.5), 13);
    const scale = 6.5 / (13 + 1e-6);
    assertAllClose(Float64Array.from(arena.grads), Float64Array.from([3, 4, 0, 0, 0, 0, 12].map((g) => g * scale)));
  });

  it('leaves the gradients untouched when the norm is at or below maxNorm', () => {
    for (const maxNorm of [13, 20]) {
      const arena = arenaWithNorm13();
      assert.equal(clipGradNorm(k64, arena, maxNorm), 13);
      assert.deepEqual(Array.from(arena.grads), [3, 4, 0, 0, 0, 0, 12]);
    }
  });
});

describe('learning-rate schedules', () => {
  it('constant: lr at every step', () => {
    for (const step of [0, 1, 999]) assert.equal(learningRateAt({ kind: 'constant' }, 0.003, step), 0.003);
  });

  it('step: lr · γ^⌊step / every⌋', () => {
    const s = { kind: 'step', every: 10, gamma: 0.5 } as const;
    assert.equal(learningRateAt(s, 1, 0), 1);
    assert.equal(learningRateAt(s, 1, 9), 1);
    assert.equal(learningRateAt(s, 1, 10), 0.5);
    assert.equal(learningRateAt(s, 1, 25), 0.25);
  });

  it('cosine: linear warm-up lr·(step+1)/warmup, then minLr + (lr − minLr)(1 + cos πp)/2, then minLr', () => {
    const s = { kind: 'cosine', warmup: 4, total: 14, minLr: 0.1 } as const;
    const at = (step: number): number => learningRateAt(s, 1, step);
    assert.equal(at(0), 0.25);
    assert.equal(at(1), 0.5);
    assert.equal(at(3), 1);
    assert.equal(at(4), 1); // progress 0
    assert.ok(Math.abs(at(9) - 0.55) < 1e-15); // progress 1/2: 0.1 + 0.9 · 1/2
    assert.ok(Math.abs(at(14) - 0.1) < 1e-15); // progress 1
    assert.ok(Math.abs(at(1000) - 0.1) < 1e-15); // held at minLr after total
    // without warm-up the first step has the full rate
    assert.equal(learningRateAt({ kind: 'cosine', warmup: 0, total: 10, minLr: 0 }, 2, 0), 2);
  });
});

describe('parseSchedule', () => {
  it('reads the CLI forms', () => {
    assert.deepEqual(parseSchedule('constant'), { kind: 'constant' });
    assert.deepEqual(parseSchedule('step:1000:0.5'), { kind: 'step', every: 1000, gamma: 0.5 });
    assert.deepEqual(parseSchedule('cosine:100:5000'), { kind: 'cosine', warmup: 100, total: 5000, minLr: 0 });
    assert.deepEqual(parseSchedule('cosine:100:5000:0.0001'), {
      kind: 'cosine',
      warmup: 100,
      total: 5000,
      minLr: 0.0001,
    });
  });

  for (const text of ['linear', '', 'constant:3', 'step:10', 'cosine:1', 'step:1:0.5:9']) {
    it(`rejects ${JSON.stringify(text)} with a ConfigError showing the accepted forms`, () => {
      assert.throws(
        () => parseSchedule(text),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.match(e.message, /Hint: use 'constant', 'step:EVERY:GAMMA'/);
          return true;
        },
      );
    });
  }

  for (const [text, field] of [
    ['step:abc:0.5', 'every'],
    ['step:0:0.5', 'every'],
    ['step:10:1.5', 'gamma'],
    ['cosine:-1:100', 'warmup'],
    ['cosine:2.5:100', 'warmup'],
    ['cosine:100:50', 'warmup'],
  ] as const) {
    it(`rejects ${JSON.stringify(text)} with a ConfigError naming ${field}`, () => {
      assert.throws(
        () => parseSchedule(text),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.match(e.message, new RegExp(`\\b${field}\\b`));
          return true;
        },
      );
    });
  }
});

describe('createOptimizer validation', () => {
  const arena = makeArena();
  for (const [config, field] of [
    [{ name: 'adam', beta1: 1.2 }, 'beta1'],
    [{ name: 'adam', beta1: -0.1 }, 'beta1'],
    [{ name: 'adam', beta2: 1 }, 'beta2'],
    [{ name: 'adamw', eps: 0 }, 'eps'],
    [{ name: 'adam', eps: Number.NaN }, 'eps'],
    [{ name: 'adamw', weightDecay: -0.01 }, 'weightDecay'],
    [{ name: 'sgd', momentum: 1 }, 'momentum'],
    [{ name: 'sgd', momentum: 0, nesterov: true }, 'nesterov'],
    [{ name: 'adagrad' }, 'name'],
  ] as const) {
    const shown = JSON.stringify(config, (_, v) => (Number.isNaN(v) ? 'NaN' : v));
    it(`rejects ${shown} with a ConfigError naming ${field}`, () => {
      assert.throws(
        () => createOptimizer(k64, arena, config as unknown as OptimizerConfig),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError, String(e));
          assert.match(e.message, new RegExp(`\\b${field}\\b`));
          return true;
        },
      );
    });
  }
});
