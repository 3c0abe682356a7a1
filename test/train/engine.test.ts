/**
 * The shared training engine (src/train/update.ts, loop.ts, best-weights.ts) on a toy task whose
 * every number is known: two weights pulled towards a target by the squared error
 *   loss = ½ ‖w − target‖²,  ∂loss/∂w = w − target
 * Early stopping restores the weights of the best evaluation; an AbortSignal stops the run after
 * the update in progress; a loss or gradient that is not finite raises a DivergenceError naming the
 * update (counted from 1), before the optimizer touches the weights.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DivergenceError } from '../../src/errors.js';
import { RefKernels } from '../../src/kernels/index.js';
import { ParamArena } from '../../src/nn/params.js';
import { type EvaluationEvent, runTraining, runTrainingAsync, type TrainingTask } from '../../src/train/loop.js';
import { Updater } from '../../src/train/update.js';

const TARGET = [1, -2];

function toy(): { arena: ParamArena; updater: Updater } {
  const k = new RefKernels('float64');
  const arena = new ParamArena(k, [{ name: 'w', shape: [2] }]);
  const updater = new Updater(k, arena, { learningRate: 0.1, clip: 0, optimizer: { name: 'sgd', momentum: 0 } });
  return { arena, updater };
}

/** The squared-error task; `poison(update)` may spoil the loss or the gradient of one update. */
function squaredError(
  arena: ParamArena,
  batchesPerEpoch: number,
  poison: (update: number) => 'loss' | 'gradient' | undefined = () => undefined,
): TrainingTask<number> & { updates: number } {
  const w = arena.value('w');
  const g = arena.grads;
  return {
    updates: 0,
    batches: () => Array.from({ length: batchesPerEpoch }, (_, i) => i),
    forwardLoss(): number {
      this.updates++;
      let loss = 0;
      for (let i = 0; i < 2; i++) loss += 0.5 * ((w[i] as number) - (TARGET[i] as number)) ** 2;
      return poison(this.updates) === 'loss' ? Number.NaN : loss;
    },
    backward(): void {
      for (let i = 0; i < 2; i++) g[i] = (g[i] as number) + (w[i] as number) - (TARGET[i] as number);
      if (poison(this.updates) === 'gradient') g[1] = Number.POSITIVE_INFINITY;
    },
  };
}

describe('training engine: early stopping', () => {
  it('stops after `patience` evaluations without a lower loss and restores the best weights', () => {
    const { arena, updater } = toy();
    const task = squaredError(arena, 2);
    // the validation losses of epochs 1 … 6: the lowest after epoch 2, none lower in the two after it
    const scripted = [3, 1, 2, 4, 0.5, 0.1];
    const weightsAfter: number[][] = [];
    const events: EvaluationEvent[] = [];
    task.validate = () => {
      weightsAfter.push(Array.from(arena.values));
      return scripted[weightsAfter.length - 1];
    };
    const result = runTraining(updater, task, {
      maxEpochs: 6,
      evalEachEpoch: true,
      patience: 2,
      onEvaluation: (e) => {
        events.push(e);
      },
    });
    assert.equal(result.stoppedBy, 'patience');
    assert.equal(result.epochs, 4);
    assert.equal(result.updates, 8);
    assert.deepEqual(
      events.map((e) => [e.epoch, e.validLoss, e.best]),
      [
        [1, 3, true],
        [2, 1, true],
        [3, 2, false],
        [4, 4, false],
      ],
    );
    assert.deepEqual(Array.from(arena.values), weightsAfter[1], 'the weights of epoch 2 are back');
    assert.notDeepEqual(weightsAfter[1], weightsAfter[3], 'training moved the weights after epoch 2');
  });

  it('without validation data the mean training loss of the epoch stands in', () => {
    const { arena, updater } = toy();
    const task = squaredError(arena, 3);
    const losses: number[] = [];
    const events: EvaluationEvent[] = [];
    runTraining(updater, task, {
      maxEpochs: 2,
      evalEachEpoch: true,
      patience: 1,
      onUpdate: (e) => losses.push(e.loss),
      onEvaluation: (e) => {
        events.push(e);
      },
    });
    assert.equal(events.length, 2);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.equal(events[0]?.trainLoss, mean(losses.slice(0, 3)));
    assert.equal(events[1]?.validLoss, mean(losses.slice(3, 6)));
  });
});

describe('training engine: cancellation', () => {
  it('an AbortSignal fired during an update stops the run once that update is done, without an evaluation', async () => {
    const { arena, updater } = toy();
    const controller = new AbortController();
    const task = squaredError(arena, 1000);
    const forward = task.forwardLoss.bind(task);
    task.forwardLoss = (batch) => {
      const loss = forward(batch);
      if (task.updates === 3) controller.abort();
      return loss;
    };
    let evaluations = 0;
    let before: number[] = [];
    const result = await runTrainingAsync(updater, task, {
      signal: controller.signal,
      evalEvery: 100,
      evalAtEnd: () => true,
      onUpdate: (e) => {
        if (e.update === 2) before = Array.from(arena.values);
      },
      onEvaluation: () => {
        evaluations++;
      },
    });
    assert.equal(result.stoppedBy, 'abort');
    assert.equal(result.updates, 3);
    assert.equal(updater.optimizer.stepCount, 3, 'the update in progress was completed');
    assert.notDeepEqual(Array.from(arena.values), before, 'and it moved the weights');
    assert.equal(evaluations, 0);
  });

  it('a signal that has already fired stops the run before its first update', async () => {
    const { arena, updater } = toy();
    const result = await runTrainingAsync(updater, squaredError(arena, 10), { signal: AbortSignal.abort() });
    assert.equal(result.stoppedBy, 'abort');
    assert.equal(result.updates, 0);
    assert.deepEqual(Array.from(arena.values), [0, 0]);
  });

  it('the async driver lets timers run between updates', async () => {
    const { arena, updater } = toy();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    // endless epochs: only the timer's abort can end this run
    const result = await runTrainingAsync(updater, squaredError(arena, 1_000_000), { signal: controller.signal });
    assert.equal(result.stoppedBy, 'abort');
    assert.ok(result.updates > 0);
  });
});

describe('training engine: divergence', () => {
  it('a loss that is not finite raises a DivergenceError naming the update, before the optimizer steps', () => {
    const { arena, updater } = toy();
    const task = squaredError(arena, 10, (u) => (u === 4 ? 'loss' : undefined));
    assert.throws(
      () => runTraining(updater, task, { maxEpochs: 1 }),
      (e: unknown) => {
        assert.ok(e instanceof DivergenceError, String(e));
        assert.equal(e.step, 4);
        assert.match(e.message, /the loss became NaN at step 4 \(last finite loss: \d/);
        return true;
      },
    );
    assert.equal(updater.optimizer.stepCount, 3);
    assert.ok(Array.from(arena.values).every(Number.isFinite));
  });

  it('a gradient that is not finite raises a DivergenceError naming the update, before the optimizer steps', () => {
    const { arena, updater } = toy();
    const task = squaredError(arena, 10, (u) => (u === 2 ? 'gradient' : undefined));
    assert.throws(
      () => runTraining(updater, task, { maxEpochs: 1 }),
      (e: unknown) => {
        assert.ok(e instanceof DivergenceError, String(e));
        assert.equal(e.step, 2);
        assert.match(e.message, /at step 2 .*gradient norm is not finite/s);
        return true;
      },
    );
    assert.equal(updater.optimizer.stepCount, 1);
    assert.ok(Array.from(arena.values).every(Number.isFinite));
  });

  it('a resumed run counts its updates on from the saved number', () => {
    const k = new RefKernels('float64');
    const arena = new ParamArena(k, [{ name: 'w', shape: [2] }]);
    const updater = new Updater(k, arena, { learningRate: 0.1, clip: 1 }, 40);
    const task = squaredError(arena, 10, (u) => (u === 2 ? 'loss' : undefined));
    assert.throws(
      () => runTraining(updater, task, { maxEpochs: 1 }),
      (e: unknown) => e instanceof DivergenceError && e.step === 42,
    );
  });
});
