/**
 * Line charts as data, and their layout in pixels: the one place that decides where everything goes,
 * so the SVG and raster renderers only draw what this file places.
 *
 * Page, top to bottom: title; y-axis label (horizontal, above the axis); plot box with gridlines; x tick
 * labels; x-axis label; legend rows (centred, wrapping). Pixel y grows downward. Text is measured with
 * the bitmap font at CHART_STYLE.textScale; the SVG's monospace text is never wider than that.
 */
import { ConfigError } from '../errors.js';
import { GLYPH_CAP_HEIGHT, GLYPH_CELL_HEIGHT, textWidth } from './bitmap-font.js';
import { type LineChart, prepareChart, type Run } from './chart-data.js';
import { formatTick, logTicks, niceTicks, plainTick } from './ticks.js';

export { type ChartBand, type ChartPoint, type ChartSeries, type LineChart, PALETTE } from './chart-data.js';

/** Colours, line widths and sizes (pixels) that both renderers share. */
export const CHART_STYLE = {
  background: '#ffffff',
  text: '#222222',
  axis: '#444444',
  grid: '#e6e6e6',
  lineWidth: 2.5,
  /** On and off lengths of a dashed line, in pixels; round caps add lineWidth/2 at each end, so 8.5 on, 4.5 off. */
  dash: [6, 7] as readonly [number, number],
  bandOpacity: 0.25,
  /** Bitmap-font scale of all text: 12 px advance, 14 px cap height, 18 px cell. */
  textScale: 2,
  tickLength: 5,
} as const;

export type Pixel = readonly [number, number];
export interface Tick {
  value: number;
  label: string;
  /** Pixel x (x axis) or y (y axis). */
  pos: number;
}
/** Text whose cell top is at `top`; x is its start, centre or end as `anchor` says. */
export interface TextItem {
  text: string;
  x: number;
  top: number;
  anchor: 'start' | 'middle' | 'end';
  bold: boolean;
}
export interface LayoutLine {
  color: string;
  dashed: boolean;
  /** Runs of drawable points in pixels; a gap starts a new run; a run may be a single point. */
  runs: Pixel[][];
}
export interface LayoutBand {
  color: string;
  /** Closed polygons (upper curve left to right, then lower curve back), one per gap-free run. */
  polygons: Pixel[][];
}
/** A legend key: a short line (solid or dashed) or a filled box, centred on y, from x to x + width. */
export interface LegendSwatch {
  style: 'solid' | 'dashed' | 'band';
  color: string;
  x: number;
  y: number;
  width: number;
}
export interface ChartLayout {
  width: number;
  height: number;
  box: { left: number; top: number; right: number; bottom: number };
  xTicks: Tick[];
  yTicks: Tick[];
  texts: TextItem[];
  bands: LayoutBand[];
  lines: LayoutLine[];
  legend: LegendSwatch[];
}

/** Place every element of the chart in pixels; throws ConfigError or ShapeError for unusable input. */
export function layoutLineChart(chart: LineChart): ChartLayout {
  const {
    width,
    height,
    logY,
    series,
    bands,
    x: [x0, x1],
    y: [y0, y1],
    where,
  } = prepareChart(chart);
  const axisY = (y: number): number => (logY ? Math.log10(y) : y);

  const S = CHART_STYLE.textScale;
  const LINE = GLYPH_CELL_HEIGHT * S;
  const CAP = GLYPH_CAP_HEIGHT * S;
  const PAD = 12;
  const SWATCH = 28;
  const texts: TextItem[] = [];
  const text = (t: string, x: number, top: number, anchor: TextItem['anchor'], bold = false): void => {
    t = fitText(t, width - 2 * PAD);
    const w = textWidth(t, S);
    const half = anchor === 'middle' ? w / 2 : 0;
    if (anchor !== 'end') x = Math.max(half + 2, Math.min(x, width - w + half - 2)); // keep it on the page
    if (t !== '') texts.push({ text: t, x, top, anchor, bold });
  };

  // Legend rows first: their count sets the bottom margin.
  const keys = [
    ...series.map((s) => ({
      label: s.label,
      color: s.color,
      style: s.dashed ? ('dashed' as const) : ('solid' as const),
    })),
    ...bands.map((b) => ({ label: b.label, color: b.color, style: 'band' as const })),
  ].filter((k) => k.label !== '');
  const rows: Array<Array<(typeof keys)[number] & { w: number }>> = [];
  for (const key of keys) {
    key.label = fitText(key.label, width - 2 * PAD - SWATCH - 6);
    const w = SWATCH + 6 + textWidth(key.label, S);
    const row = rows[rows.length - 1];
    const used = row?.reduce((sum, k) => sum + k.w + 20, 0) ?? Infinity;
    if (row && used + w <= width - 2 * PAD) row.push({ ...key, w });
    else rows.push([{ ...key, w }]);
  }

  const top = PAD + LINE + 6 + LINE + 8;
  const legendHeight = rows.length === 0 ? 0 : 10 + rows.length * (LINE + 4) - 4;
  const bottom = height - (CHART_STYLE.tickLength + 5 + LINE + 6 + LINE + legendHeight + PAD);
  if (bottom - top < 40) {
    throw new ConfigError(where, `a ${width}×${height} chart leaves no room to plot.`, 'make it taller.');
  }
  const toY = (v: number): number => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
  const yTarget = Math.max(2, Math.min(10, Math.round((bottom - top) / 45)));
  const yTicks = (logY ? logTicks(y0, y1, yTarget) : niceTicks(y0, y1, yTarget)).map((value) => ({
    value,
    label: formatTick(value),
    pos: toY(axisY(value)),
  }));
  const left = PAD + Math.max(0, ...yTicks.map((t) => textWidth(t.label, S))) + 5 + CHART_STYLE.tickLength;
  const right = width - 24;
  const toX = (v: number): number => left + ((v - x0) / (x1 - x0)) * (right - left);
  const formatX = chart.xTicks === 'plain' ? plainTick : formatTick;
  let xTicks: Tick[] = [];
  for (let target = Math.max(2, Math.min(10, Math.round((right - left) / 110))); target >= 2; target--) {
    xTicks = niceTicks(x0, x1, target).map((value) => ({ value, label: formatX(value), pos: toX(value) }));
    const widest = Math.max(0, ...xTicks.map((t) => textWidth(t.label, S)));
    if (xTicks.length < 2 || xTicks[1]!.pos - xTicks[0]!.pos >= widest + 12) break;
  }

  text(chart.title, (left + right) / 2, PAD, 'middle', true);
  text(chart.yLabel, PAD, PAD + LINE + 6, 'start');
  for (const t of yTicks) text(t.label, left - CHART_STYLE.tickLength - 5, t.pos - CAP / 2, 'end');
  const tickTop = bottom + CHART_STYLE.tickLength + 5;
  for (const t of xTicks) text(t.label, t.pos, tickTop, 'middle');
  text(chart.xLabel, (left + right) / 2, tickTop + LINE + 6, 'middle');
  const legend: LegendSwatch[] = [];
  rows.forEach((row, r) => {
    const rowTop = tickTop + 2 * LINE + 6 + 10 + r * (LINE + 4);
    let x = (width - row.reduce((sum, k) => sum + k.w, 0) - 20 * (row.length - 1)) / 2;
    for (const key of row) {
      legend.push({ style: key.style, color: key.color, x, y: rowTop + CAP / 2, width: SWATCH });
      text(key.label, x + SWATCH + 6, rowTop, 'start');
      x += key.w + 20;
    }
  });

  const toPixels = (run: Run): Pixel[] => run.map(([x, y]) => [toX(x), toY(y)] as const);
  return {
    width,
    height,
    box: { left, top, right, bottom },
    xTicks,
    yTicks,
    texts,
    bands: bands.map((b) => ({ color: b.color, polygons: b.polygons.map(toPixels) })),
    lines: series.map((s) => ({ color: s.color, dashed: s.dashed, runs: s.runs.map(toPixels) })),
    legend,
  };
}

/** Text cut to fit maxWidth pixels at the chart's text scale, ending in '…' when cut. */
function fitText(text: string, maxWidth: number): string {
  const chars = [...text];
  const fits = Math.floor(maxWidth / textWidth('x', CHART_STYLE.textScale));
  return chars.length <= fits ? text : `${chars.slice(0, Math.max(0, fits - 1)).join('')}…`;
}
