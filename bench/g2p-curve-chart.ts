/**
 * The learning curves of `lstm seq2seq train --history` runs as one chart: validation word error
 * (greedy, every sequence wrong unless it matches a reference exactly) against training minutes,
 * a line per run, labelled by its model.
 *
 *   node dist/bench/g2p-curve-chart.js RUN.json [RUN.json …] [--svg docs/g2p-learning-curve.svg] [--title T]
 *     (a PNG of the same chart is written beside the SVG)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LineChart } from '../src/plot/chart-data.js';
import { writeChartPng, writeChartSvg } from '../src/node/png.js';

interface Run {
  data: string;
  model: {
    encoderHidden: number;
    encoderLayers: number;
    bidirectional: boolean;
    decoderHidden: number;
    decoderLayers: number;
    attention: string;
  };
  epochs: Array<{ epoch: number; seconds: number; validSequenceError?: number }>;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    svg: { type: 'string', default: 'docs/g2p-learning-curve.svg' },
    title: { type: 'string', default: 'CMUdict G2P: validation word error while training' },
  },
});
if (positionals.length === 0) throw new Error('usage: g2p-curve-chart.js RUN.json [RUN.json …] [--svg FILE]');

const runs = positionals.map((path) => JSON.parse(readFileSync(path, 'utf8')) as Run);
const label = (r: Run): string => {
  const m = r.model;
  const encoder = `${m.bidirectional ? 'bi' : ''}LSTM ${m.encoderLayers}×${m.encoderHidden}`;
  const attention = m.attention === 'none' ? 'no attention' : `${m.attention} attention`;
  return `${encoder} -> ${m.decoderLayers}×${m.decoderHidden}, ${attention}`; // the bitmap font has no arrow
};
const chart: LineChart = {
  title: values.title,
  xLabel: 'training minutes (validation included)',
  yLabel: 'validation word error (%), greedy',
  series: runs.map((r) => ({
    label: label(r),
    points: r.epochs
      .filter((e) => e.validSequenceError !== undefined)
      .map((e) => [e.seconds / 60, 100 * (e.validSequenceError as number)] as const),
  })),
};
writeChartSvg(values.svg, chart);
const png = `${values.svg.replace(/\.svg$/, '')}.png`;
writeChartPng(png, chart);
for (const r of runs) {
  const last = r.epochs[r.epochs.length - 1];
  console.log(
    `${label(r)}: ${r.epochs.length} evaluations, last ${last === undefined ? '–' : `${(100 * (last.validSequenceError ?? NaN)).toFixed(2)} % at ${(last.seconds / 60).toFixed(1)} min`}`,
  );
}
console.log(`wrote ${values.svg} and ${png}`);
