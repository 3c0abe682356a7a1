/**
 * What the long-time-lag view draws from its job's reports (long-lag-types.ts): the two learning
 * curves and the two gradient-flow curves (uPlot, log y), and the same numbers as text: a table of
 * each cell's losses, accuracy and gradient ratio, and a table of the gradient norms at a few
 * distances. Only numbers the job sent are shown; nothing is computed here but ratios and means.
 */
import { lineChart, type LineChart } from './charts.ts';
import { h } from './dom.ts';
import {
  CELL_NAMES,
  CELLS,
  type CellReport,
  type LongLagReport,
  type LongLagStart,
  type RaceCell,
} from './long-lag-types.ts';

const COLORS: Record<RaceCell, string> = { rnn: '#c2410c', lstm: '#1f5fbf' };

/** A number for a log-scale chart: null where the log scale cannot place it. */
const positive = (x: number | null): number | null => (x !== null && Number.isFinite(x) && x > 0 ? x : null);

/** Short, fixed-width-ish text for a loss, a norm or a ratio ('—' for none). */
export function formatNumber(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  return Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toPrecision(3);
}

/** A log axis's tick: plain from 0.01 to 1000, else as 1e-7 (uPlot's default shows the small ones as 0). */
const logTick = (v: number): string => (v >= 0.01 && v < 1e4 ? String(+v.toPrecision(3)) : v.toExponential(0));

/** norm(T − 1) / norm(0): how much of the last step's gradient reaches the first step. */
const ratio = (norms: Float64Array): number => (norms[norms.length - 1] as number) / (norms[0] as number);

/** The rows of the comparison table: a label, and a cell's value from its report and its untrained report. */
const ROWS: ReadonlyArray<{ key: string; label: string; value: (now: CellReport, first: CellReport) => string }> = [
  { key: 'train', label: 'Training loss (MSE)', value: (r) => formatNumber(r.trainLoss) },
  { key: 'test', label: 'Held-out MSE', value: (r) => formatNumber(r.testLoss) },
  { key: 'correct', label: 'Held-out within tolerance', value: (r) => `${(100 * r.testCorrect).toFixed(1)} %` },
  { key: 'ratio', label: 'norm(T−1) / norm(0) now', value: (r) => formatNumber(ratio(r.norms)) },
  { key: 'ratio0', label: 'norm(T−1) / norm(0) untrained', value: (_, f) => formatNumber(ratio(f.norms)) },
];

export class LongLagDisplay {
  private readonly learning: LineChart;
  private readonly flow: LineChart;
  private readonly caption = h('caption', {}, 'Before training');
  private readonly values = new Map<string, HTMLElement>();
  private readonly flowBody = h('tbody');
  private readonly flowCaption = h('caption', {}, 'Gradient norm by distance from the end');
  private start: LongLagStart | undefined;
  /** Per report: the update count, and per cell the report (the first is the untrained one). */
  private updates: number[] = [];
  private reports: Record<RaceCell, CellReport[]> = { rnn: [], lstm: [] };

  constructor(parent: HTMLElement) {
    parent.append(h('h3', {}, 'Both cells, as numbers'), this.comparisonTable());
    parent.append(h('h3', {}, 'Learning curves'));
    this.learning = lineChart(parent, {
      label: 'Training loss and held-out MSE against updates, log scale, for the tanh RNN and the LSTM',
      xLabel: 'updates',
      yLabel: 'MSE (log)',
      logY: true,
      yTick: logTick,
      series: [
        ...CELLS.map((c) => ({ label: `${CELL_NAMES[c]} training loss`, color: COLORS[c] })),
        ...CELLS.map((c) => ({ label: `${CELL_NAMES[c]} held-out`, color: COLORS[c], points: true })),
        { label: 'always predict 1', color: '#8a929e', dash: [4, 4], width: 1 },
      ],
    });
    this.learning.element.id = 'long-lag-learning-chart';
    parent.append(h('h3', {}, 'Gradient flow'));
    this.flow = lineChart(parent, {
      label: 'Norm of dLoss/dx against the distance from the end, log scale: now (solid) and untrained (dashed)',
      xLabel: 'distance d from the end (steps)',
      yLabel: '‖dLoss/dx‖ (log)',
      logY: true,
      yTick: logTick,
      series: [
        ...CELLS.map((c) => ({ label: `${CELL_NAMES[c]} now`, color: COLORS[c] })),
        ...CELLS.map((c) => ({ label: `${CELL_NAMES[c]} untrained`, color: COLORS[c], dash: [6, 4], width: 1.5 })),
      ],
    });
    this.flow.element.id = 'long-lag-flow-chart';
    const flowTable = h('table', { id: 'long-lag-flow-table' }, this.flowCaption, this.flowHead(), this.flowBody);
    parent.append(h('div', { style: 'overflow-x: auto' }, flowTable));
  }

  /** A new run: forget the last one's curves. */
  begin(start: LongLagStart): void {
    this.start = start;
    this.updates = [];
    this.reports = { rnn: [], lstm: [] };
    this.flowCaption.textContent = `Mean gradient norm ‖dLoss/dx‖ by distance d from the end (T = ${start.T}, ${start.flowSize} fixed sequences, never trained on)`;
    const tolerance = this.values.get('label-correct');
    if (tolerance !== undefined) tolerance.textContent = `Held-out within ±${start.tolerance}`;
    this.learning.setData([[], [], [], [], [], []]);
    this.flow.setData([[], [], [], [], []]);
    this.flowBody.replaceChildren();
  }

  add(report: LongLagReport): void {
    if (this.start === undefined) return;
    this.updates.push(report.update);
    for (const r of report.cells) this.reports[r.cell].push(r);
    this.caption.textContent = `After ${report.update} update${report.update === 1 ? '' : 's'} (${report.seconds.toFixed(1)} s)`;
    for (const cell of CELLS) {
      const now = this.reports[cell].at(-1) as CellReport;
      const first = this.reports[cell][0] as CellReport;
      for (const row of ROWS)
        (this.values.get(`${cell}-${row.key}`) as HTMLElement).textContent = row.value(now, first);
    }
    this.drawLearning();
    this.drawFlow();
  }

  private drawLearning(): void {
    const trivial = (this.start as LongLagStart).trivialError;
    const data = [
      this.updates,
      ...CELLS.map((c) => this.reports[c].map((r) => positive(r.trainLoss))),
      ...CELLS.map((c) => this.reports[c].map((r) => positive(r.testLoss))),
      this.updates.map(() => trivial),
    ];
    this.learning.setData(data);
    this.learning.element.dataset['points'] = String(this.updates.length);
  }

  private drawFlow(): void {
    const { T, distances } = this.start as LongLagStart;
    const now = CELLS.map((c) => (this.reports[c].at(-1) as CellReport).norms);
    const first = CELLS.map((c) => (this.reports[c][0] as CellReport).norms);
    const d = Array.from({ length: T }, (_, i) => i);
    const series = [...now, ...first].map((norms) => d.map((i) => positive(norms[i] ?? null)));
    this.flow.setData([d, ...series]);
    this.flow.element.dataset['points'] = String(T);
    this.flowBody.replaceChildren(
      ...distances.map((i) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, String(i)),
          ...CELLS.flatMap((_, c) => [
            h('td', {}, formatNumber((first[c] as Float64Array)[i] ?? null)),
            h('td', {}, formatNumber((now[c] as Float64Array)[i] ?? null)),
          ]),
        ),
      ),
    );
  }

  /** Rows: the numbers; columns: the cells. Each value cell has the id long-lag-<cell>-<row>. */
  private comparisonTable(): HTMLElement {
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, ''),
      ...CELLS.map((c) => h('th', { scope: 'col' }, CELL_NAMES[c])),
    );
    const rows = ROWS.map((row) => {
      const label = h('th', { scope: 'row' }, row.label);
      this.values.set(`label-${row.key}`, label);
      const cells = CELLS.map((c) => {
        const td = h('td', { id: `long-lag-${c}-${row.key}` }, '—');
        this.values.set(`${c}-${row.key}`, td);
        return td;
      });
      return h('tr', {}, label, ...cells);
    });
    const table = h('table', { id: 'long-lag-numbers' }, this.caption, h('thead', {}, head), h('tbody', {}, ...rows));
    return h('div', { style: 'overflow-x: auto' }, table);
  }

  private flowHead(): HTMLElement {
    const columns = CELLS.flatMap((c) => [`${CELL_NAMES[c]} untrained`, `${CELL_NAMES[c]} now`]);
    return h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'd'), ...columns.map((t) => h('th', { scope: 'col' }, t))),
    );
  }
}
