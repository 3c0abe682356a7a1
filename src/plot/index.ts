/**
 * Line charts for learning curves, gradient norms and forecasts: described as plain data (LineChart),
 * drawn to SVG text or to RGBA pixels. Browser-safe; PNG encoding and chart files are in src/node/png.ts.
 */
export {
  layoutLineChart,
  PALETTE,
  type ChartBand,
  type ChartLayout,
  type ChartPoint,
  type ChartSeries,
  type LineChart,
} from './line-chart.js';
export { lineChartSvg } from './svg.js';
export { rasterizeLineChart, type RgbaImage } from './raster.js';
export { lineChartText, type TextChartOptions } from './text-chart.js';
export { type AttentionMap, attentionMapSvg, attentionMapText, rasterizeAttentionMap } from './attention-map.js';
export { type AlignmentChart, rasterizeAlignment } from './alignment-chart.js';
