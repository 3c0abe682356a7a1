/**
 * The learning race of issue 18 as a chart and a table: validation loss against training time
 * (evaluations not counted) for this library and PyTorch on the same char-rnn recipe, and the
 * training time each side took to first reach each loss level.
 *
 *   node dist/bench/charrnn-race-chart.js OURS.json PYTORCH_RESULTS.json [--svg docs/charrnn-race.svg]
 *     (a PNG of the same chart is written beside the SVG)
 *     OURS.json: written by bench/charrnn-tinyshakespeare.ts
 *     PYTORCH_RESULTS.json: bench/pytorch/charrnn_tinyshakespeare_results.json; the run with the
 *     same recipe and seed is taken
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LineChart } from '../src/plot/chart-data.js';
import { writeChartPng, writeChartSvg } from '../src/node/png.js';

interface Point {
  minutes: number;
  nats: number;
  update: number;
}

interface Recipe {
  hidden: number;
  layers: number;
  dropout: number;
  seqLength: number;
  batchSize: number;
  learningRate: number;
  schedule?: string;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { svg: { type: 'string', default: 'docs/charrnn-race.svg' }, target: { type: 'string', default: '1.47' } },
});
const [oursPath, pytorchPath] = positionals;
if (oursPath === undefined || pytorchPath === undefined) {
  throw new Error('usage: charrnn-race-chart.js OURS.json PYTORCH_RESULTS.json [--svg FILE]');
}
const target = Number(values.target);

const ours = JSON.parse(readFileSync(oursPath, 'utf8')) as {
  recipe: Recipe;
  seed: number;
  backend: string;
  evaluations: Array<{ update: number; val_nats: number; train_seconds: number }>;
};
const runs = JSON.parse(readFileSync(pytorchPath, 'utf8')) as Array<{
  seed: number;
  threads: number;
  torch: string;
  recipe?: Recipe;
  evals: Array<{ update: number; val_nats: number; train_seconds: number }>;
}>;
const same = (a: Recipe, b: Recipe): boolean =>
  (['hidden', 'layers', 'dropout', 'seqLength', 'batchSize', 'learningRate', 'schedule'] as const).every(
    (k) => a[k] === b[k],
  );
const pytorch = runs.find((r) => r.seed === ours.seed && r.recipe !== undefined && same(r.recipe, ours.recipe));
if (pytorch === undefined)
  throw new Error(`${pytorchPath} has no run of seed ${ours.seed} with the recipe of ${oursPath}.`);

const oursPoints: Point[] = ours.evaluations.map((e) => ({
  minutes: e.train_seconds / 60,
  nats: e.val_nats,
  update: e.update,
}));
const pytorchPoints: Point[] = pytorch.evals.map((e) => ({
  minutes: e.train_seconds / 60,
  nats: e.val_nats,
  update: e.update,
}));

const r = ours.recipe;
const chart: LineChart = {
  title: `char-rnn ${r.layers}×${r.hidden}, dropout ${r.dropout}, ${r.schedule === undefined ? 'constant' : 'cosine'} lr`,
  xLabel: 'training minutes (evaluations not counted)',
  yLabel: 'validation nats/char',
  series: [
    { label: `lstm (${ours.backend}, every core)`, points: oursPoints.map((p) => [p.minutes, p.nats] as const) },
    {
      label: `PyTorch ${pytorch.torch}, ${pytorch.threads} threads`,
      points: pytorchPoints.map((p) => [p.minutes, p.nats] as const),
    },
    {
      label: `target ${target}`,
      points: [
        [0, target],
        [Math.max(...oursPoints.map((p) => p.minutes), ...pytorchPoints.map((p) => p.minutes)), target],
      ],
      dashed: true,
    },
  ],
};
writeChartSvg(values.svg, chart);
const png = values.svg.replace(/\.svg$/, '') + '.png';
writeChartPng(png, chart);

/** The first evaluation at or below `level`, or undefined. */
const firstAt = (points: Point[], level: number): Point | undefined => points.find((p) => p.nats <= level);
const show = (p: Point | undefined): string =>
  p === undefined ? 'not reached' : `${p.minutes.toFixed(1)} min (update ${p.update})`;
console.log('| validation loss ≤ | lstm | PyTorch | PyTorch ÷ lstm (time) |');
console.log('| ---: | ---: | ---: | ---: |');
for (const level of [1.8, 1.7, 1.6, 1.55, 1.5, 1.49, target]) {
  const a = firstAt(oursPoints, level);
  const b = firstAt(pytorchPoints, level);
  const ratio = a !== undefined && b !== undefined ? `${(b.minutes / a.minutes).toFixed(2)}×` : '–';
  console.log(`| ${level} | ${show(a)} | ${show(b)} | ${ratio} |`);
}
const last = (points: Point[]): Point => points[points.length - 1] as Point;
console.log(
  `\nat the end: lstm ${last(oursPoints).nats.toFixed(4)} after ${last(oursPoints).update} updates, ` +
    `PyTorch ${last(pytorchPoints).nats.toFixed(4)} after ${last(pytorchPoints).update}; wrote ${values.svg} and ${png}`,
);
