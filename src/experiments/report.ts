/**
 * An experiment's results as a person reads them: a markdown table (one row per cell type, the
 * seeds side by side), the gradient-flow table, and the two charts (learning curves with the
 * trivial baseline; gradient norm by distance on a log scale) as chart descriptions for
 * src/plot. Plain data in, strings and objects out: no files here.
 */
import type { LineChart } from '../plot/index.js';
import type { ExperimentResult } from './experiment.js';
import { tableDistances } from './gradient-flow.js';

const CELL_NAMES: Record<string, string> = { rnn: 'tanh RNN', gru: 'GRU', lstm: 'LSTM' };
const COLORS: Record<string, string> = { rnn: '#d62728', gru: '#2ca02c', lstm: '#1f77b4' };

/** 12,345 → '12.3k'; 200000 → '200k'. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  const k = n / 1000;
  return `${k >= 100 || Number.isInteger(k) ? Math.round(k) : k.toFixed(1)}k`;
}

/** Error values: 4 significant digits, exponent form when tiny. */
function formatError(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(1) : x.toPrecision(3);
}

function formatSeconds(s: number): string {
  return s < 60 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function cellsOf(result: ExperimentResult): string[] {
  return [...new Set(result.runs.map((r) => r.cell))];
}

/** The results table in markdown, with the task's criterion and trivial baseline under it. */
export function resultsTable(result: ExperimentResult): string {
  const { task, recipe } = result;
  const lossName = task.outputSize === 1 ? 'test MSE' : 'test loss (nats/step)';
  const lines = [
    `| cell | solved | training sequences until solved | final ${lossName} (trivial ${formatError(task.trivialError)}) | test sequences correct | wall time |`,
    '|---|---|---|---|---|---|',
  ];
  for (const cell of cellsOf(result)) {
    const runs = result.runs.filter((r) => r.cell === cell);
    const solved = runs.filter((r) => r.solved).length;
    const until = runs.map((r) =>
      r.sequencesToSolve === null ? `> ${compactCount(r.sequences)}` : compactCount(r.sequencesToSolve),
    );
    const errors = runs.map((r) => formatError(r.final.testLoss));
    const correct = runs.map((r) => `${(100 * r.final.testCorrect).toFixed(1)} %`);
    const seconds = runs.reduce((s, r) => s + r.seconds, 0);
    lines.push(
      `| ${CELL_NAMES[cell] ?? cell} | ${solved}/${runs.length} | ${until.join(', ')} | ${errors.join(', ')} | ${correct.join(', ')} | ${formatSeconds(seconds)} |`,
    );
  }
  lines.push(
    '',
    `Task: ${task.name}; solved: ${task.criterion}. Hidden size ${recipe.hiddenSize}, batch ${recipe.batchSize}, ` +
      `Adam ${recipe.learningRate}, clip ${recipe.clip}, budget ${compactCount(recipe.maxSequences)} sequences, ` +
      `held-out set ${recipe.testSize}; one value per seed. Total ${formatSeconds(result.seconds)}.`,
  );
  return lines.join('\n');
}

/** ‖dL/dx‖ at chosen distances from the end, per cell, untrained and trained (markdown). */
export function gradientFlowTable(result: ExperimentResult): string {
  if (result.gradientFlow.length === 0) return '';
  const T = Math.max(...result.gradientFlow.map((f) => f.untrained.length));
  const distances = tableDistances(T);
  const header = [
    'steps before the end',
    ...result.gradientFlow.flatMap((f) => [`${CELL_NAMES[f.cell] ?? f.cell} untrained`, 'trained']),
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const d of distances) {
    const cells = result.gradientFlow.flatMap((f) =>
      [f.untrained[d], f.trained[d]].map((v) => (v === undefined || Number.isNaN(v) ? '' : v.toExponential(1))),
    );
    lines.push(`| ${d} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    'Mean ‖∂L/∂x_t‖ over 100 held-out sequences, by the distance from t to the step where the loss is read.',
  );
  return lines.join('\n');
}

/** Held-out error against training sequences, one line per run, the trivial baseline dashed. */
export function learningCurveChart(result: ExperimentResult): LineChart {
  const { task } = result;
  const last = Math.max(...result.runs.map((r) => r.sequences));
  return {
    title: `${task.name}: held-out error while training`,
    xLabel: 'training sequences',
    yLabel: task.outputSize === 1 ? 'test MSE' : 'test loss (nats per step)',
    series: [
      ...result.runs.map((r) => ({
        label: `${CELL_NAMES[r.cell] ?? r.cell} seed ${r.seed}`,
        points: r.curve.map((p) => [p.sequences, p.testLoss] as const),
        color: COLORS[r.cell],
      })),
      {
        label: 'trivial baseline',
        points: [[0, task.trivialError] as const, [last, task.trivialError] as const],
        dashed: true,
        color: '#7f7f7f',
      },
    ],
  };
}

/** Gradient norm against distance, log scale, solid trained and dashed untrained per cell. */
export function gradientFlowChart(result: ExperimentResult): LineChart {
  return {
    title: `${result.task.name}: gradient at the input vs distance to the loss`,
    xLabel: 'steps before the end of the sequence',
    yLabel: '‖dL/dx_t‖',
    logY: true,
    series: result.gradientFlow.flatMap((f) => [
      {
        label: `${CELL_NAMES[f.cell] ?? f.cell} trained`,
        points: [...f.trained].map((v, d) => [d, v] as const),
        color: COLORS[f.cell],
      },
      {
        label: `${CELL_NAMES[f.cell] ?? f.cell} untrained`,
        points: [...f.untrained].map((v, d) => [d, v] as const),
        color: COLORS[f.cell],
        dashed: true,
      },
    ]),
  };
}
