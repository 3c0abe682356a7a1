/**
 * `lstm forecast`: train a forecaster on a CSV or JSON table (or the built-in CO2 example), hold
 * out the last rows for a rolling-origin backtest printed beside the baselines, forecast past the
 * data with an interval, and draw it (terminal, SVG, PNG with --png); or forecast with a saved model.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BacktestResult,
  backtest,
  backtestTable,
  type CalendarFeature,
  describeBackend,
  describeStep,
  type Forecast,
  Forecaster,
  type ForecasterOptions,
  forecastChart,
  forecastTable,
  isoTime,
  lineChartText,
  type MissingPolicy,
  type PreparedSeries,
  prepareSeries,
  type Reference,
  type Strategy,
  type Table,
  tableFromJsonRows,
} from '../index.js';
import {
  loadForecaster,
  readCsvFile,
  readTextFile,
  saveForecaster,
  vegaDatasetPath,
  writeChartPng,
  writeChartSvg,
  writeFileAtomic,
} from '../node/index.js';
import { formatDuration, intFlag, numberFlag, parseCommand, stringFlag, UsageError } from './args.js';

export const FORECAST_HELP = `Usage: lstm forecast (--example co2 | --csv FILE | --json FILE) [options]

Train an LSTM forecaster on a table with a time column, hold out the last --test rows for a
rolling-origin backtest (a forecast of --horizon steps from every origin, scored against what
happened, beside the naive, seasonal-naive and drift forecasts), then forecast past the data with a
prediction interval and draw history, backtest and forecast.

Data:
  --example co2        monthly CO2 at Mauna Loa from the vega-datasets package (1958–2020)
  --csv FILE           a CSV file with a header row       --json FILE   a JSON array of row objects
  --time COL           the time column (ISO dates or times; rows on a regular grid, gaps allowed)
  --target COLS        the column(s) to forecast, comma-separated
  --features COLS      extra input columns (exogenous; direct strategy only)
  --calendar LIST      month and/or weekday features (sin/cos)
  --missing POLICY     error (default), interpolate, ffill or skip (windows with a gap are dropped)

Model:
  --lookback N (24)    rows the LSTM reads       --horizon N (12)     steps forecast at once
  --strategy S         direct (default: all h steps from one output) or recursive (one step, fed back)
  --reference R        trend (default), last or none: what the targets are taken relative to
  --season N           season length (default from the step: 12 monthly, 7 daily, 24 hourly)
  --quantiles LIST     default 0.1,0.5,0.9: the median and an 80% interval
  --hidden N (32)  --layers N (1)  --dropout X (0)  --epochs N (200)  --batch N (32)
  --lr X (0.003)   --patience N (25)  --seed N (1)

Evaluation and output:
  --test N             rows held out at the end for the backtest (default: a fifth of the rows)
  --stride N           rows between backtest origins (default 1)
  --save FILE          write the trained forecaster (scalers, calibration and weights)
  --model FILE         forecast with a saved forecaster instead of training (no backtest)
  --out DIR            chart folder (default forecast-NAME); --png also writes a PNG
  --no-chart           no chart files and no terminal chart
  -h, --help           this help

Example: lstm forecast --example co2 --save co2.lstm`;

const OPTIONS = {
  example: { type: 'string' },
  csv: { type: 'string' },
  json: { type: 'string' },
  time: { type: 'string' },
  target: { type: 'string' },
  features: { type: 'string' },
  calendar: { type: 'string' },
  missing: { type: 'string' },
  lookback: { type: 'string' },
  horizon: { type: 'string' },
  strategy: { type: 'string' },
  reference: { type: 'string' },
  season: { type: 'string' },
  quantiles: { type: 'string' },
  hidden: { type: 'string' },
  layers: { type: 'string' },
  dropout: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  patience: { type: 'string' },
  seed: { type: 'string' },
  test: { type: 'string' },
  stride: { type: 'string' },
  save: { type: 'string' },
  model: { type: 'string' },
  out: { type: 'string' },
  png: { type: 'boolean' },
  'no-chart': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The built-in examples: their data and the options that suit them. */
const EXAMPLES: Record<string, { file: string; options: ForecasterOptions; test: number }> = {
  co2: {
    file: 'co2-concentration.csv',
    options: { timeColumn: 'Date', targets: ['CO2'], calendar: ['month'], missing: 'interpolate' },
    test: 60, // the last five years
  },
};

const c = 'forecast';

function list(raw: string | undefined): string[] | undefined {
  return raw
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function oneOf<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T))
    throw new UsageError(`lstm forecast: --${flag} takes ${allowed.join(', ')}; got '${raw}'.`);
  return raw as T;
}

function readTable(values: Record<string, unknown>): {
  table: Table;
  name: string;
  example?: (typeof EXAMPLES)[string];
} {
  const example = stringFlag(values, 'example');
  const csv = stringFlag(values, 'csv');
  const json = stringFlag(values, 'json');
  if ([example, csv, json].filter((v) => v !== undefined).length !== 1)
    throw new UsageError(
      `lstm forecast: give one of --example co2, --csv FILE or --json FILE.\nSee 'lstm forecast --help'.`,
    );
  if (example !== undefined) {
    const spec = EXAMPLES[example];
    if (spec === undefined)
      throw new UsageError(`lstm forecast: unknown example '${example}'. Known: ${Object.keys(EXAMPLES).join(', ')}.`);
    return { table: readCsvFile(vegaDatasetPath(spec.file)), name: example, example: spec };
  }
  if (csv !== undefined) return { table: readCsvFile(csv), name: csv.replace(/^.*[/\\]/, '').replace(/\.[^.]*$/, '') };
  const path = json as string;
  let rows: unknown;
  try {
    rows = JSON.parse(readTextFile(path, 'lstm forecast'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new UsageError(`lstm forecast: ${path} is not valid JSON: ${e.message}`);
    throw e;
  }
  return { table: tableFromJsonRows(rows, path), name: path.replace(/^.*[/\\]/, '').replace(/\.[^.]*$/, '') };
}

function forecasterOptions(values: Record<string, unknown>, example: ForecasterOptions | undefined): ForecasterOptions {
  const timeColumn = stringFlag(values, 'time') ?? example?.timeColumn;
  const targets = list(stringFlag(values, 'target')) ?? example?.targets;
  if (timeColumn === undefined || targets === undefined || targets.length === 0)
    throw new UsageError('lstm forecast: name the time column and the target(s): --time COL --target COL.');
  const quantiles = list(stringFlag(values, 'quantiles'))?.map((q) => {
    const n = Number(q);
    if (!(n > 0 && n < 1)) throw new UsageError(`lstm forecast: --quantiles are numbers in (0, 1); got '${q}'.`);
    return n;
  });
  const calendar = list(stringFlag(values, 'calendar'));
  const bad = calendar?.find((f) => f !== 'month' && f !== 'weekday');
  if (bad !== undefined) throw new UsageError(`lstm forecast: --calendar takes month and weekday; got '${bad}'.`);
  const options: ForecasterOptions = { ...example, timeColumn, targets };
  const set = <K extends keyof ForecasterOptions>(key: K, value: ForecasterOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set('features', list(stringFlag(values, 'features')));
  set('calendar', calendar as CalendarFeature[] | undefined);
  set(
    'missing',
    oneOf<MissingPolicy>('missing', stringFlag(values, 'missing'), ['error', 'interpolate', 'ffill', 'skip']),
  );
  set('lookback', intFlag(c, values, 'lookback', undefined, 1, 100000));
  set('horizon', intFlag(c, values, 'horizon', undefined, 1, 100000));
  set('strategy', oneOf<Strategy>('strategy', stringFlag(values, 'strategy'), ['direct', 'recursive']));
  set('reference', oneOf<Reference>('reference', stringFlag(values, 'reference'), ['trend', 'last', 'none']));
  set('season', intFlag(c, values, 'season', undefined, 1, 100000));
  set('quantiles', quantiles);
  set('hiddenSize', intFlag(c, values, 'hidden', undefined, 1, 4096));
  set('numLayers', intFlag(c, values, 'layers', undefined, 1, 16));
  set('dropout', numberFlag(c, values, 'dropout', undefined, 0, 0.99));
  return options;
}

/** The terminal chart, and the result files: forecast.svg (.png with --png) and results.md. */
function writeResults(
  values: Record<string, unknown>,
  name: string,
  series: PreparedSeries,
  f: Forecast,
  result: BacktestResult | null,
  report: string,
): void {
  if (values['no-chart'] === true) return;
  const chart = forecastChart(series, f, result);
  console.log(`\n${lineChartText(chart, { width: 72, height: 14 })}\n`);
  const dir = stringFlag(values, 'out') ?? `forecast-${name}`;
  mkdirSync(dir, { recursive: true });
  const written = [join(dir, 'results.md'), join(dir, 'forecast.svg')];
  writeFileAtomic(written[0] as string, new TextEncoder().encode(`${report}\n`));
  writeChartSvg(written[1] as string, chart);
  writeChartSvg(written[0] as string, chart);
  if (values.png === true) {
    written.push(join(dir, 'forecast.png'));
    writeChartPng(written[2] as string, chart);
  }
  console.log(`Wrote ${written.join(', ')}.`);
}

function describeSeries(series: PreparedSeries, rows: number): string {
  const gaps = series.N - rows;
  return `${series.N} rows of ${describeStep(series.step)} from ${isoTime(series.times[0] as number)} to ${isoTime(series.timeAt(series.N - 1))}${gaps > 0 ? ` (${gaps} absent row(s) on the grid, ${series.spec.missing === 'skip' ? 'left as gaps: windows touching one are skipped' : `filled by --missing ${series.spec.missing}`})` : ''}`;
}

export function forecastCommand(argv: string[]): number {
  const { values, positionals } = parseCommand(c, argv, OPTIONS);
  if (values.help === true) {
    console.log(FORECAST_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`lstm forecast: unexpected argument '${positionals[0]}'.`);
  const { table, name, example } = readTable(values);
  const modelPath = stringFlag(values, 'model');
  if (modelPath !== undefined) {
    const f = loadForecaster(modelPath);
    const series = f.prepare(table);
    console.log(`${name}: ${describeSeries(series, table.rows)}; forecaster ${modelPath}`);
    const forecast = f.forecast(series);
    const report = forecastTable(forecast);
    console.log(`\n${report}`);
    writeResults(values, name, series, forecast, null, report);
    return 0;
  }
  const options = forecasterOptions(values, example?.options);
  const series = prepareSeries(table, {
    timeColumn: options.timeColumn,
    targets: options.targets,
    features: options.features ?? [],
    calendar: options.calendar ?? [],
    missing: options.missing ?? 'error',
  });
  const test = intFlag(c, values, 'test', example?.test ?? Math.round(series.N / 5), 1, series.N - 2) as number;
  const trainEnd = series.N - test;
  console.log(`${name}: ${describeSeries(series, table.rows)}`);
  console.log(
    `training on the first ${trainEnd} rows, backtest on the last ${test}; backend ${describeBackend().name}`,
  );
  const started = performance.now();
  let epochs = 0;
  const f = Forecaster.fit(series, options, {
    trainEnd,
    epochs: intFlag(c, values, 'epochs', undefined, 1, 1e6),
    batchSize: intFlag(c, values, 'batch', undefined, 1, 1e6),
    learningRate: numberFlag(c, values, 'lr', undefined, 0, 10, true),
    patience: intFlag(c, values, 'patience', 25, 1, 1e6),
    seed: intFlag(c, values, 'seed', 1, 0),
    onEpoch: (e) => {
      epochs = e.epoch;
      if (process.stderr.isTTY === true)
        process.stderr.write(
          `\r  epoch ${e.epoch}: train ${e.trainLoss.toFixed(4)}, valid ${e.validLoss.toFixed(4)}   `,
        );
    },
  });
  if (process.stderr.isTTY === true) process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `trained ${epochs} epochs in ${formatDuration(seconds)} (kept the epoch with the lowest validation loss)`,
  );
  const result = backtest(f, series, { trainEnd, stride: intFlag(c, values, 'stride', 1, 1) });
  const forecast = f.forecast(series);
  const report = `${backtestTable(result)}\n\nForecast after the data:\n\n${forecastTable(forecast)}`;
  console.log(`\n${report}`);
  writeResults(values, name, series, forecast, result, report);
  const save = stringFlag(values, 'save');
  if (save !== undefined) {
    saveForecaster(save, f);
    console.log(`Saved the forecaster to ${save}.`);
  }
  return 0;
}
