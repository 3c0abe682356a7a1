/**
 * A line chart as lines of text, for a terminal: bands shaded '░', each series drawn with its own
 * mark ('•', '*', '+', 'o', …, in series order; later series on top), a y axis with a few labels on
 * the left, the x range and a legend below. Same LineChart data as the SVG and PNG renderers, so a
 * command can show the chart it writes. Log axes are not drawn here (a linear y is used).
 */
import { prepareChart } from './chart-data.js';
import type { LineChart } from './line-chart.js';
import { formatTick, niceTicks, plainTick } from './ticks.js';

const MARKS = ['•', '*', '+', 'o', 'x', '#', '%', '@'];
const SHADE = '░';

export interface TextChartOptions {
  /** Columns of the plot area; default 64. */
  width?: number | undefined;
  /** Rows of the plot area; default 12. */
  height?: number | undefined;
}

export function lineChartText(chart: LineChart, opts: TextChartOptions = {}): string {
  const W = Math.max(10, opts.width ?? 64);
  const H = Math.max(4, opts.height ?? 12);
  const prepared = prepareChart({ ...chart, logY: false });
  const [x0, x1] = prepared.x;
  const [y0, y1] = prepared.y;
  const grid = Array.from({ length: H }, () => new Array<string>(W).fill(' '));
  const col = (x: number): number => Math.round(((x - x0) / (x1 - x0 || 1)) * (W - 1));
  const row = (y: number): number => H - 1 - Math.round(((y - y0) / (y1 - y0 || 1)) * (H - 1));
  const put = (c: number, r: number, ch: string): void => {
    if (c >= 0 && c < W && r >= 0 && r < H) (grid[r] as string[])[c] = ch;
  };
  // a band's polygon is its upper curve left to right, then its lower curve back
  for (const band of prepared.bands)
    for (const polygon of band.polygons) {
      const half = polygon.length / 2;
      for (let i = 0; i < half; i++) {
        const [x, hi] = polygon[i] as [number, number];
        const lo = (polygon[polygon.length - 1 - i] as [number, number])[1];
        for (let r = row(hi); r <= row(lo); r++) put(col(x), r, SHADE);
      }
    }
  prepared.series.forEach((s, i) => {
    const mark = MARKS[i % MARKS.length] as string;
    for (const run of s.runs) {
      // every column between consecutive points, so sparse series still read as lines
      for (let p = 0; p < run.length; p++) {
        const [xa, ya] = run[p] as [number, number];
        const [xb, yb] = (run[p + 1] ?? run[p]) as [number, number];
        const [ca, cb] = [col(xa), col(xb)];
        for (let c = ca; c <= Math.max(ca, cb); c++) {
          const t = cb === ca ? 0 : (c - ca) / (cb - ca);
          put(c, row(ya + t * (yb - ya)), mark);
        }
      }
    }
  });
  const ticks = niceTicks(y0, y1, Math.max(2, Math.floor(H / 3)));
  const labels = new Map(ticks.map((t) => [row(t), formatTick(t)]));
  const labelWidth = Math.max(...[...labels.values()].map((l) => l.length));
  const lines = [chart.title];
  grid.forEach((cells, r) => lines.push(`${(labels.get(r) ?? '').padStart(labelWidth)} ┤${cells.join('')}`));
  // the ends, to the precision one column resolves
  const digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10((x1 - x0) / W || 1))));
  const formatX = (v: number): string => (chart.xTicks === 'plain' ? plainTick : formatTick)(Number(v.toFixed(digits)));
  const [left, right] = [formatX(x0), formatX(x1)];
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(W)}`);
  lines.push(`${' '.repeat(labelWidth + 2)}${left}${right.padStart(W - left.length)}  ${chart.xLabel}`);
  const legend = [
    ...prepared.series.map((s, i) => `${MARKS[i % MARKS.length]} ${s.label}`),
    ...prepared.bands.map((b) => `${SHADE} ${b.label}`),
  ];
  lines.push(`${' '.repeat(labelWidth + 2)}${legend.join('   ')}`);
  return lines.join('\n');
}
