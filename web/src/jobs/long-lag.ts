/**
 * The long-time-lag view's jobs: the gradient-flow experiment of `lstm experiment adding`
 * (src/experiments/experiment.ts), live. A tanh RNN and an LSTM of the same size start from the
 * same seed and see the same batches of the adding problem, one update of each per batch, so both
 * progress together. After every `reportEvery` updates (and before the first) each is evaluated on
 * a fixed held-out set and its gradient flow is measured on a fixed batch, and both are emitted.
 *
 * The work yields to the worker's event loop every few tens of milliseconds, so a 'long-lag-stop'
 * request is answered while a run goes on; the run then ends after the update pair in progress.
 */
import {
  addingTask,
  checkInteger,
  checkNumber,
  ConfigError,
  defaultKernels,
  evaluateTask,
  EXPERIMENT_PRESETS,
  type Floats,
  gradientFlow,
  heldOutSet,
  Rng,
  tableDistances,
  type Task,
  type TaskBatch,
  taskLoss,
  TaskModel,
  Updater,
} from 'lstm';
import {
  CELLS,
  type CellReport,
  LONG_LAG_EVENTS,
  type LongLagDone,
  type LongLagReport,
  type LongLagSettings,
  type LongLagStart,
  type RaceCell,
} from '../long-lag-types.ts';
import type { Job, JobContext } from '../rpc.ts';

/** The held-out set and the gradient-flow batch, as runExperiment makes them for the adding task. */
const TEST_SIZE = EXPERIMENT_PRESETS.adding.testSize;
const FLOW_SIZE = 100;
const FLOW_SEED = 777;
/** The gradient-norm bound of every experiment preset. */
const CLIP = EXPERIMENT_PRESETS.adding.clip;
/** Give the event loop a turn (a Stop request, the page's messages) at least this often. */
const YIELD_MS = 30;

/** One cell in the race: its model, its optimizer, and its training loss since the last report. */
interface Runner {
  cell: RaceCell;
  model: TaskModel;
  updater: Updater;
  /** Does one update on a batch (forward, task loss, backward, clip, Adam). */
  step: (batch: TaskBatch) => number;
  lossSum: number;
}

let running = false;
let stopRequested = false;

function checkSettings(s: LongLagSettings): LongLagSettings {
  const where = 'long-lag';
  return {
    length: checkInteger(where, 'the sequence length', s.length, 4, 1000),
    hiddenSize: checkInteger(where, 'the hidden size', s.hiddenSize, 1, 512),
    learningRate: checkNumber(where, 'the learning rate', s.learningRate, 0, 1, true),
    updates: checkInteger(where, 'the number of updates', s.updates, 1, 1_000_000),
    batchSize: checkInteger(where, 'the batch size', s.batchSize, 1, 1000),
    reportEvery: checkInteger(where, 'the report interval', s.reportEvery, 1, 1_000_000),
    seed: checkInteger(where, 'the seed', s.seed, 0, 2 ** 31 - 1),
  };
}

function makeRunner(task: Task, cell: RaceCell, s: LongLagSettings, horizon: number): Runner {
  const k = defaultKernels();
  // chrono initialisation for the LSTM, as the experiments use (ignored by the RNN)
  const model = new TaskModel(k, task, { cell, hiddenSize: s.hiddenSize, forgetBias: 'chrono', horizon });
  model.init(new Rng(s.seed));
  const updater = new Updater(k, model.arena, {
    learningRate: s.learningRate,
    clip: CLIP,
    // a training step, the held-out forward passes (in batches of at most 500), the flow batch
    workspace: {
      shapes: [
        { T: s.length, B: s.batchSize },
        { T: s.length, B: Math.min(TEST_SIZE, 500), forwardOnly: true },
        { T: s.length, B: FLOW_SIZE },
      ],
    },
    divergenceHint: () => `the ${cell} model diverged on ${task.name}; try a lower learning rate.`,
  });
  let dOut: Floats = new Float32Array(0); // (B, 1): dLoss/dOut of the last forward
  const step = (batch: TaskBatch): number =>
    updater.update(
      {
        forwardLoss: (b: TaskBatch) => {
          const out = model.forward(b);
          if (dOut.length !== out.length) dOut = out.slice(); // every entry is written by taskLoss
          return taskLoss(b, out, task.tolerance ?? 0, dOut).loss;
        },
        backward: () => void model.backward(dOut),
      },
      batch,
    ).loss;
  return { cell, model, updater, step, lossSum: 0 };
}

/** Each cell's held-out numbers and gradient flow now; resets the training-loss sums. */
function report(runners: Runner[], testSet: TaskBatch[], flowBatch: TaskBatch, since: number): CellReport[] {
  return runners.map((r) => {
    const heldOut = evaluateTask(r.model, testSet);
    const { norms } = gradientFlow(r.model, flowBatch);
    const trainLoss = since > 0 ? r.lossSum / since : null;
    r.lossSum = 0;
    return { cell: r.cell, trainLoss, testLoss: heldOut.loss, testCorrect: heldOut.correct, norms };
  });
}

const pause = (): Promise<void> => new Promise((done) => setTimeout(done, 0));

async function train(input: LongLagSettings, ctx: JobContext): Promise<LongLagDone> {
  if (running) throw new ConfigError('long-lag', 'a run is already going; stop it first.');
  const s = checkSettings(input);
  running = true;
  stopRequested = false;
  try {
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    const task = addingTask(s.length);
    const testSet = heldOutSet(task, TEST_SIZE);
    const flowBatch = task.batch(new Rng(FLOW_SEED), FLOW_SIZE);
    const runners = CELLS.map((cell) => makeRunner(task, cell, s, s.length));
    const start: LongLagStart = {
      T: s.length,
      taskName: task.name,
      criterion: task.criterion,
      trivialError: task.trivialError,
      tolerance: task.tolerance ?? 0,
      distances: tableDistances(s.length),
      testSize: TEST_SIZE,
      flowSize: FLOW_SIZE,
    };
    ctx.emit(LONG_LAG_EVENTS.start, start);
    const emit = (update: number, since: number): void => {
      const cells = report(runners, testSet, flowBatch, since);
      ctx.emit(LONG_LAG_EVENTS.report, { update, seconds: seconds(), cells } satisfies LongLagReport);
    };
    emit(0, 0); // the untrained networks: the view keeps their gradient flow as the dashed curves
    // the training sequences: their own stream, so the held-out set and flow batch never recur in it
    const rng = new Rng(s.seed + 1_000_003);
    let update = 0;
    let lastReport = 0;
    let lastPause = performance.now();
    while (update < s.updates && !stopRequested) {
      const batch = task.batch(rng, s.batchSize);
      for (const r of runners) r.lossSum += r.step(batch);
      update++;
      if (update % s.reportEvery === 0 || update === s.updates) {
        emit(update, update - lastReport);
        lastReport = update;
      }
      if (performance.now() - lastPause > YIELD_MS) {
        await pause();
        lastPause = performance.now();
      }
    }
    if (update > lastReport) emit(update, update - lastReport); // stopped between reports
    return { updates: update, seconds: seconds(), stopped: update < s.updates };
  } finally {
    running = false;
  }
}

export const LONG_LAG_JOBS: Record<string, Job> = {
  'long-lag-train': train,
  /** Ask the run in progress to end after its current update; answers whether one was going. */
  'long-lag-stop': () => {
    stopRequested = running;
    return running;
  },
};
