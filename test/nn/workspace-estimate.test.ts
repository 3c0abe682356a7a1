import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CellKind,
  fit,
  type Floats,
  Forecaster,
  heldOutSet,
  type Kernels,
  LanguageModel,
  makeTask,
  prepareSeries,
  RefKernels,
  Rng,
  SequenceClassifier,
  SequenceTagger,
  setMemoryLimit,
  tableFromRecords,
  trainOnTask,
  splitText,
  trainingStepValues,
} from '../../src/index.js';
import { defaultKernels } from '../../src/kernels/index.js';

/** Kernels that count every value their alloc hands out. */
function counting(k: Kernels): Kernels & { allocated: number } {
  const c = Object.create(k) as Kernels & { allocated: number };
  c.allocated = 0;
  c.alloc = (n: number): Floats => {
    c.allocated += n;
    return k.alloc(n);
  };
  return c;
}

const text = 'the quick brown fox jumps over the lazy dog. '.repeat(100);

// [hidden, layers, T, B, cell, projection, validation fraction]
const CASES: [number, number, number, number, CellKind, number, number][] = [
  [32, 1, 16, 4, 'lstm', 0, 0.1],
  [16, 3, 50, 10, 'lstm', 0, 0],
  [64, 2, 32, 8, 'gru', 0, 0],
  [48, 2, 30, 6, 'gru', 0, 0.1],
  [64, 1, 32, 8, 'rnn', 0, 0],
  [64, 2, 16, 8, 'lstm', 16, 0],
];

describe('the training memory estimate', () => {
  for (const backend of ['js', 'default']) {
    for (const [H, L, T, B, cell, projSize, validationFraction] of CASES) {
      it(`is at least the real allocation and at most twice it: ${backend}, ${cell} ${L} × ${H}, T ${T}, B ${B}${projSize > 0 ? `, projection ${projSize}` : ''}`, async () => {
        const kernels = counting(backend === 'js' ? new RefKernels() : defaultKernels());
        const model = LanguageModel.create({
          text,
          hiddenSize: H,
          numLayers: L,
          embeddingSize: 8,
          cell,
          projSize,
          kernels,
        });
        await fit(model, text, { seqLength: T, batchSize: B, maxSteps: 2, evalEvery: 0, validationFraction });
        const specs = model.arena.entries;
        const validationChars = splitText(text, validationFraction).validation.length;
        const work =
          trainingStepValues(specs, { T, B }) +
          (validationFraction > 0
            ? trainingStepValues(specs, { T: Math.min(1000, validationChars), B: 1, forwardOnly: true })
            : 0);
        const estimate = 4 * model.arena.size + work; // values, gradients, Adam's m and v, work buffers
        const ratio = estimate / kernels.allocated;
        assert.ok(ratio >= 1, `estimate ${estimate} < allocated ${kernels.allocated}`);
        assert.ok(ratio <= 2, `estimate ${estimate} is ${ratio.toFixed(2)} × the allocation ${kernels.allocated}`);
      });
    }
  }
});

/**
 * The need the Updater computed for a run, read from its refusal under a 1 MiB limit (so the test
 * holds the wiring too: every model passes its shapes), in values of 4 bytes; and the values of
 * the best-weights copy it counted (a plain array, which the counting kernels do not see).
 */
async function neededValues(run: (k: Kernels) => unknown): Promise<{ values: number; bestWeights: number }> {
  setMemoryLimit('1M');
  try {
    await run(new RefKernels());
  } catch (e) {
    const message = (e as Error).message;
    const m = /^train: this needs .* \((\d+) bytes:.*driven by (\d+) parameters/.exec(message);
    if (m === null) throw e;
    return { values: Number(m[1]) / 4, bestWeights: /best weights/.test(message) ? Number(m[2]) : 0 };
  } finally {
    setMemoryLimit(undefined);
  }
  return assert.fail('the run was not refused under 1 MiB');
}

const month = (r: number): string => new Date(Date.UTC(2000, r, 1)).toISOString().slice(0, 10);

describe('the training memory estimate of every other model', () => {
  const rng = new Rng(1);
  const F = 4;
  const T = 30;
  const inputs = Array.from({ length: 100 }, (_, i) =>
    Array.from({ length: i === 0 ? T : 1 + Math.floor(rng.next() * T) }, () =>
      Array.from({ length: F }, () => rng.next()),
    ),
  );
  const labelled = { inputs, labels: inputs.map((_, i) => i % 2) };
  const tagged = { inputs, labels: inputs.map((s) => s.map((_, j) => j % 2)) };
  const rows = Array.from({ length: 150 }, (_, r) => [
    month(r),
    (10 + 2 * Math.sin(r / 2)).toFixed(4),
    Math.cos(r / 3).toFixed(4),
  ]);
  const series = prepareSeries(tableFromRecords([['date', 'y', 'drive'], ...rows], 'generated.csv'), {
    timeColumn: 'date',
    targets: ['y'],
    features: ['drive'],
    calendar: ['month'],
    missing: 'error',
  });
  const task = makeTask('adding', 50);
  const testSet = heldOutSet(task, 100);
  const runs: Record<string, (k: Kernels) => unknown> = {
    classifier: (kernels) =>
      new SequenceClassifier({ classes: ['a', 'b'], features: F, hiddenSize: 96, bidirectional: true, kernels }).fit(
        labelled,
        labelled,
        { epochs: 1, batchSize: 32 },
      ),
    tagger: (kernels) =>
      new SequenceTagger({ classes: ['a', 'b'], features: F, hiddenSize: 96, numLayers: 2, kernels }).fit(
        tagged,
        tagged,
        {
          epochs: 1,
          batchSize: 32,
        },
      ),
    forecaster: (kernels) =>
      Forecaster.fit(
        series,
        {
          timeColumn: 'date',
          targets: ['y'],
          features: ['drive'],
          calendar: ['month'],
          hiddenSize: 128,
          lookback: 24,
          horizon: 6,
        },
        { epochs: 1, kernels },
      ),
    'task model': (kernels) =>
      trainOnTask(kernels, task, testSet, {
        cell: 'lstm',
        hiddenSize: 64,
        seed: 1,
        batchSize: 20,
        learningRate: 0.01,
        clip: 1,
        maxSequences: 60,
        evalEvery: 40,
      }),
  };
  for (const [name, run] of Object.entries(runs)) {
    for (const backend of ['js', 'default']) {
      it(`${name} on ${backend}: at least what it allocates, at most about twice`, async () => {
        const { values: estimate, bestWeights } = await neededValues(run);
        const kernels = counting(backend === 'js' ? new RefKernels() : defaultKernels());
        await run(kernels);
        const allocated = kernels.allocated + bestWeights;
        const ratio = estimate / allocated;
        // the forecaster's fused LSTM on the native backend keeps less than the rule's 16 values a
        // unit (measured 2.05× here, 1.8× at lookback 36); every other case is within 2×
        const most = name === 'forecaster' ? 2.25 : 2;
        assert.ok(
          ratio >= 1 && ratio <= most,
          `estimate ${estimate} is ${ratio.toFixed(2)} × the allocation ${allocated}`,
        );
      });
    }
  }
});
