/**
 * `lstm experiment TASK`: train the plain RNN, the GRU and the LSTM on a long-time-lag task from
 * several seeds, print the results and gradient-flow tables, and write them with the learning
 * curves and gradient-flow charts (SVG; PNG with --png) into a results folder.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import {
  type CellKind,
  compactCount,
  defaultKernels,
  describeBackend,
  EXPERIMENT_PRESETS,
  type ExperimentResult,
  gradientFlowChart,
  gradientFlowTable,
  learningCurveChart,
  type LineChart,
  readDecimal,
  resultsTable,
  runExperiment,
  TASK_NAMES,
} from '../index.js';
import { checkOutputFolder, checkOutputPaths, writeChartPng, writeChartSvg, writeFileAtomic } from '../node/index.js';
import { UsageError } from './args.js';
import { defineCommand, HELP_FLAG, readCommandLine } from './flags.js';

export const EXPERIMENT = defineCommand(
  'experiment',
  {
    cells: {
      group: 'Options (each task has presets; see docs/experiments.md):',
      type: 'string',
      value: 'LIST',
      help: 'cell types, from rnn, gru, lstm',
      shown: 'rnn,gru,lstm',
    },
    seeds: { type: 'integer', min: 1, max: 1000, default: 3, help: 'runs per cell, seeds 1 … N' },
    length: { type: 'integer', min: 2, max: 100000, help: "the task's length parameter" },
    hidden: { type: 'integer', min: 1, max: 100000, help: 'hidden units' },
    batch: { type: 'integer', min: 1, max: 100000, help: 'sequences per update' },
    lr: { type: 'number', min: 0, max: 10, minExclusive: true, help: "Adam's learning rate" },
    clip: { type: 'number', min: 0, max: 1e9, help: 'gradient-norm bound' },
    'max-sequences': { type: 'integer', min: 1, help: 'training budget' },
    'eval-every': { type: 'integer', min: 1, help: 'held-out evaluation interval' },
    'test-size': { type: 'integer', min: 1, max: 1e7, help: 'held-out sequences' },
    'forget-bias': { type: 'string', value: 'X', help: "LSTM forget bias, or 'chrono'" },
    cosine: { type: 'boolean', help: 'anneal the learning rate by a cosine over the budget' },
    'constant-lr': { type: 'boolean', help: 'keep the learning rate constant' },
    out: { type: 'string', value: 'DIR', help: 'results folder', shown: 'experiments/TASK-LENGTH' },
    png: { type: 'boolean', help: 'also write the charts as PNG' },
    'no-gradient-flow': { type: 'boolean', help: 'skip the gradient measurement' },
    help: HELP_FLAG,
  },
  {
    usage: 'Usage: lstm experiment TASK [options]',
    intro: `Train each cell type on a long-time-lag task from fresh sequences, evaluate on a fixed held-out set,
and report per cell: solved or not (the task's criterion), training sequences until solved, the
final held-out error beside the trivial baseline, and wall time. Also measures the gradient that
reaches each input step, by distance to the loss, before and after training.

Tasks: ${TASK_NAMES.join(', ')}
  adding           two marked values among T to add (Arjovsky et al. 2016); --length T (200)
  adding-1997      the 1997 form (Hochreiter & Schmidhuber, experiment 4); --length T (100)
  copying          recall 10 symbols after T steps; --length T (100)
  reber            embedded Reber grammar, next-symbol prediction (experiment 1)
  temporal-order   classify the order of two symbols far apart (experiment 6a)
  long-lag         repeat the first of p symbols (experiment 2a); --length p (100)
  noisy-long-lag   the same through q noisy distractors (experiment 2c); --length q (100)`,
    labelWidth: 21,
    closing: 'Example: lstm experiment adding --length 200 --cells rnn,gru,lstm --seeds 3 --png',
  },
);

function parseCells(raw: string | undefined): CellKind[] {
  if (raw === undefined) return ['rnn', 'gru', 'lstm'];
  const cells = raw.split(',').map((c) => c.trim().toLowerCase());
  const bad = cells.filter((c) => c !== 'rnn' && c !== 'gru' && c !== 'lstm');
  if (bad.length > 0 || cells.length === 0)
    throw new UsageError(`lstm experiment: --cells takes rnn, gru and lstm, comma-separated; got '${raw}'.`);
  return cells as CellKind[];
}

function parseForgetBias(raw: string | undefined): number | 'chrono' | undefined {
  if (raw === undefined || raw === 'chrono') return raw;
  const reading = readDecimal(raw);
  const n = reading.ok ? reading.value : Number.NaN;
  if (!Number.isFinite(n))
    throw new UsageError(`lstm experiment: --forget-bias takes a number or 'chrono'; got '${raw}'.`);
  return n;
}

/** The files a run writes into its results folder (the folder first checked, before any training). */
function checkResultFiles(dir: string, png: boolean): void {
  checkOutputFolder(dir, 'lstm experiment --out');
  const names = ['results.md', 'results.json', 'learning-curve.svg', 'gradient-flow.svg'];
  if (png) names.push('learning-curve.png', 'gradient-flow.png');
  checkOutputPaths(
    'lstm experiment',
    names.map((name) => [`--out ${name}`, join(dir, name)]),
    [dir],
  );
}

function writeChart(dir: string, name: string, chart: LineChart, png: boolean): string[] {
  const paths = [join(dir, `${name}.svg`)];
  writeChartSvg(paths[0] as string, chart);
  if (png) {
    paths.push(join(dir, `${name}.png`));
    writeChartPng(paths[1] as string, chart);
  }
  return paths;
}

/** The JSON results: recipe, runs with their curves, gradient norms (no models). */
function resultsJson(result: ExperimentResult, backend: string): string {
  const { task, ...rest } = result;
  return JSON.stringify(
    {
      task: { name: task.name, criterion: task.criterion, trivialError: task.trivialError },
      backend,
      ...rest,
      gradientFlow: rest.gradientFlow.map((f) => ({
        cell: f.cell,
        untrained: [...f.untrained],
        trained: [...f.trained],
      })),
    },
    null,
    1,
  );
}

export async function experimentCommand(argv: string[]): Promise<number> {
  const line = readCommandLine(EXPERIMENT, argv);
  if (line === undefined) return 0;
  const { values, positionals } = line;
  const [taskName, ...extra] = positionals;
  if (taskName === undefined || extra.length > 0)
    throw new UsageError(`lstm experiment: give one task (${TASK_NAMES.join(', ')}).\nSee 'lstm experiment --help'.`);
  if (!(taskName in EXPERIMENT_PRESETS))
    throw new UsageError(`lstm experiment: unknown task '${taskName}'. Known: ${TASK_NAMES.join(', ')}.`);
  const preset = EXPERIMENT_PRESETS[taskName as keyof typeof EXPERIMENT_PRESETS];
  const options = {
    cells: parseCells(values.cells),
    seeds: values.seeds,
    length: values.length,
    hiddenSize: values.hidden,
    batchSize: values.batch,
    learningRate: values.lr,
    clip: values.clip,
    maxSequences: values['max-sequences'],
    evalEvery: values['eval-every'],
    testSize: values['test-size'],
    forgetBias: parseForgetBias(values['forget-bias']),
    cosineDecay: values.cosine ? true : values['constant-lr'] ? false : undefined,
    skipGradientFlow: values['no-gradient-flow'],
  };
  const length = options.length ?? preset.length;
  const dir = values.out ?? join('experiments', length > 0 ? `${taskName}-${length}` : taskName);
  const png = values.png;
  checkResultFiles(dir, png);
  const k = defaultKernels();
  const backend = describeBackend().name;
  process.stderr.write(
    `${taskName}: cells ${options.cells.join(', ')}, ${options.seeds} seed(s), backend ${backend}\n`,
  );
  const result = await runExperiment(k, taskName, {
    ...options,
    onEval: ({ cell, seed }, p) =>
      process.stderr.write(
        `  ${cell} seed ${seed}: ${compactCount(p.sequences).padStart(5)} sequences, test error ${p.testLoss.toPrecision(3)}, ` +
          `${(100 * p.testCorrect).toFixed(1)} % correct, ${p.seconds.toFixed(0)} s\n`,
      ),
  });
  const report = [`## ${result.task.name}`, '', resultsTable(result)];
  const flowTable = gradientFlowTable(result);
  if (flowTable !== '') report.push('', '### Gradient flow', '', flowTable);
  console.log(`\n${report.join('\n')}\n`);
  mkdirSync(dir, { recursive: true });
  const written = [join(dir, 'results.md'), join(dir, 'results.json')];
  writeFileAtomic(written[0] as string, new TextEncoder().encode(`${report.join('\n')}\n`));
  writeFileAtomic(written[1] as string, new TextEncoder().encode(resultsJson(result, backend)));
  written.push(...writeChart(dir, 'learning-curve', learningCurveChart(result), png));
  if (result.gradientFlow.length > 0) written.push(...writeChart(dir, 'gradient-flow', gradientFlowChart(result), png));
  console.log(`Wrote ${written.join(', ')}.`);
  return 0;
}
