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
  defaultSeason,
  describeStep,
  type EtsSpec,
  type Forecast,
  Forecaster,
  type ForecasterOptions,
  forecastChart,
  forecastTable,
  formatTime,
  lineChartText,
  modelFileType,
  parseEtsSpec,
  parseIsoTime,
  type PreparedSeries,
  prepareSeries,
  readDecimal,
  type Table,
  tableFromJsonRows,
} from '../index.js';
import {
  checkInputsKept,
  checkOutputFolder,
  checkOutputPaths,
  loadForecaster,
  loadGlobalForecaster,
  readBinaryFile,
  readCsvFile,
  readTextFile,
  saveForecaster,
  writeChartPng,
  writeChartSvg,
  writeFileAtomic,
} from '../node/index.js';
import { formatDuration, UsageError } from './args.js';
import { EXAMPLES, readExampleTable } from './forecast-examples.js';
import { globalForecast, globalPredict } from './forecast-global.js';
import { checkFlagRange, defineCommand, type FlagValues, HELP_FLAG, readCommandLine } from './flags.js';

export const FORECAST = defineCommand(
  'forecast',
  {
    example: {
      group: 'Data:',
      type: 'string',
      value: 'NAME',
      help: 'co2: monthly CO2 at Mauna Loa (1958–2020); seattle: daily maximum temperature in Seattle (2012–2015); unemployment: 14 US industries, monthly 2000–2010 (a global model); all from the vega-datasets package',
    },
    csv: { type: 'string', value: 'FILE', help: 'a CSV file with a header row' },
    json: { type: 'string', value: 'FILE', help: 'a JSON array of row objects' },
    time: {
      type: 'string',
      value: 'COL',
      help: 'the time column (ISO dates or times; rows on a regular grid, gaps allowed)',
    },
    target: { type: 'string', value: 'COLS', help: 'the column(s) to forecast, comma-separated' },
    'series-column': {
      type: 'string',
      value: 'COL',
      help: "a long table of many series: this column names each row's series; one global model learns from all",
    },
    features: { type: 'string', value: 'COLS', help: 'extra input columns (exogenous; direct strategy only)' },
    calendar: { type: 'string', value: 'LIST', help: 'month, weekday and/or dayofyear features (sin/cos)' },
    missing: {
      type: 'choice',
      choices: ['error', 'interpolate', 'ffill', 'skip'],
      value: 'POLICY',
      help: 'error, interpolate, ffill or skip (windows with a gap are dropped)',
      shown: 'error',
    },
    lookback: { group: 'Model:', type: 'integer', min: 1, max: 100000, help: 'rows the LSTM reads', shown: '24' },
    lags: {
      type: 'string',
      value: 'LIST',
      help: 'also read each target this many rows back, e.g. 12,24 (monthly) or 364 (daily: the same weekday a year ago)',
      shown: 'none',
    },
    horizon: { type: 'integer', min: 1, max: 100000, help: 'steps forecast at once', shown: '12' },
    strategy: {
      type: 'choice',
      choices: ['direct', 'recursive'],
      value: 'S',
      help: 'direct (all h steps from one output) or recursive (one step, fed back)',
      shown: 'direct',
    },
    reference: {
      type: 'choice',
      choices: ['trend', 'last', 'none', 'ets'],
      value: 'R',
      help: 'ets (Holt–Winters, fitted on the training rows; the LSTM learns what it misses), trend, last or none: what the targets are taken relative to',
      shown: 'ets; trend with --strategy recursive',
    },
    season: {
      type: 'integer',
      min: 1,
      max: 100000,
      help: 'season length',
      shown: 'from the step: 12 monthly, 7 daily, 24 hourly',
    },
    quantiles: {
      type: 'string',
      value: 'LIST',
      help: 'the quantiles forecast; the default is the median and an 80% interval',
      shown: '0.1,0.5,0.9',
    },
    hidden: { type: 'integer', min: 1, max: 4096, help: 'LSTM hidden size', shown: '32' },
    layers: { type: 'integer', min: 1, max: 16, help: 'stacked LSTM layers', shown: '1' },
    dropout: { type: 'number', min: 0, max: 0.99, help: 'dropout between stacked layers', shown: '0' },
    epochs: { type: 'integer', min: 1, max: 1e6, help: 'passes over the training windows at most', shown: '200' },
    batch: { type: 'integer', min: 1, max: 1e6, help: 'windows per update', shown: '32' },
    lr: { type: 'number', min: 0, max: 10, minExclusive: true, help: "Adam's learning rate", shown: '0.003' },
    patience: { type: 'integer', min: 1, max: 1e6, default: 25, help: 'epochs without a better validation loss' },
    seed: { type: 'integer', min: 0, default: 1, help: 'seed of weights and batch order' },
    test: {
      group: 'Evaluation and output:',
      type: 'integer',
      min: 1,
      help: 'rows held out at the end for the backtest',
      shown: ': a fifth of the rows',
    },
    ets: {
      type: 'string',
      value: 'MODEL',
      help: "the ETS row's model: AAA (Holt–Winters), AAdA, AAM, AAdM, ANA, ANN, AAN, AAdN, ANM, or auto (lowest AICc at each origin)",
      shown: 'AAA, or AAN without a season',
    },
    'test-from': {
      type: 'string',
      value: 'TIME',
      help: 'hold out the rows from this time on instead (an ISO date such as 2016-01, or a step index)',
    },
    stride: { type: 'integer', min: 1, help: 'rows between backtest origins', shown: '1 (seattle: 7)' },
    save: { type: 'string', value: 'FILE', help: 'write the trained forecaster (scalers, calibration and weights)' },
    model: {
      type: 'string',
      value: 'FILE',
      help: 'forecast with a saved forecaster instead of training (no backtest)',
    },
    out: { type: 'string', value: 'DIR', help: 'chart folder', shown: 'forecast-NAME' },
    png: { type: 'boolean', help: 'also write the chart as a PNG' },
    'no-chart': { type: 'boolean', help: 'no chart files and no terminal chart' },
    help: HELP_FLAG,
  },
  {
    usage: 'Usage: lstm forecast (--example co2|seattle|unemployment | --csv FILE | --json FILE) [options]',
    intro: `Train an LSTM forecaster on a table with a time column, hold out the last --test rows (or those
from --test-from on) for a rolling-origin backtest (a forecast of --horizon steps from every origin,
scored against what happened, beside naive, seasonal naive, drift, seasonal naive with drift, ETS
and Theta, each refitted at every origin), then forecast past the data with a prediction interval
and draw history, backtest and forecast. With --series-column, one global model learns from every
series of a long table.`,
    labelWidth: 21,
    closing: 'Example: lstm forecast --example co2 --save co2.lstm',
  },
);

type Values = FlagValues<typeof FORECAST.flags>;

function list(raw: string | undefined): string[] | undefined {
  return raw
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function readTable(values: Values): {
  table: Table;
  name: string;
  example?: (typeof EXAMPLES)[string];
} {
  const { example, csv, json } = values;
  if ([example, csv, json].filter((v) => v !== undefined).length !== 1)
    throw new UsageError(
      `lstm forecast: give one of --example co2|seattle|unemployment, --csv FILE or --json FILE.\nSee 'lstm forecast --help'.`,
    );
  if (example !== undefined) {
    const spec = Object.hasOwn(EXAMPLES, example) ? EXAMPLES[example] : undefined;
    if (spec === undefined)
      throw new UsageError(`lstm forecast: unknown example '${example}'. Known: ${Object.keys(EXAMPLES).join(', ')}.`);
    return { table: readExampleTable(spec.file), name: example, example: spec };
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

function forecasterOptions(values: Values, example: ForecasterOptions | undefined): ForecasterOptions {
  const timeColumn = values.time ?? example?.timeColumn;
  const targets = list(values.target) ?? example?.targets;
  if (timeColumn === undefined || targets === undefined || targets.length === 0)
    throw new UsageError('lstm forecast: name the time column and the target(s): --time COL --target COL.');
  const quantiles = list(values.quantiles)?.map((q) => {
    const reading = readDecimal(q);
    const n = reading.ok ? reading.value : Number.NaN;
    if (!(n > 0 && n < 1)) throw new UsageError(`lstm forecast: --quantiles are numbers in (0, 1); got '${q}'.`);
    return n;
  });
  const calendar = list(values.calendar);
  const bad = calendar?.find((f) => f !== 'month' && f !== 'weekday' && f !== 'dayofyear');
  if (bad !== undefined)
    throw new UsageError(`lstm forecast: --calendar takes month, weekday and dayofyear; got '${bad}'.`);
  const options: ForecasterOptions = { ...example, timeColumn, targets };
  const set = <K extends keyof ForecasterOptions>(key: K, value: ForecasterOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set('features', list(values.features));
  set('calendar', calendar as CalendarFeature[] | undefined);
  set('missing', values.missing);
  set('lookback', values.lookback);
  set(
    'lags',
    list(values.lags)?.map((text) => {
      const n = Number(text);
      if (!/^\d+$/.test(text) || !(n >= 1))
        throw new UsageError(`lstm forecast: --lags takes whole numbers ≥ 1, comma-separated; got '${text}'.`);
      return n;
    }),
  );
  set('horizon', values.horizon);
  set('strategy', values.strategy);
  set('reference', values.reference);
  set('season', values.season);
  set('quantiles', quantiles);
  set('hiddenSize', values.hidden);
  set('numLayers', values.layers);
  set('dropout', values.dropout);
  return options;
}

/** The result files, each its own: results.md, forecast.svg and, with --png, forecast.png in --out. */
interface ResultFiles {
  dir: string;
  report: string;
  svg: string;
  png: string | undefined;
}

/** The result files of this run, or none with --no-chart. */
function resultFiles(values: Values, name: string): ResultFiles | undefined {
  if (values['no-chart']) return undefined;
  const dir = values.out ?? `forecast-${name}`;
  const png = values.png ? join(dir, 'forecast.png') : undefined;
  return { dir, report: join(dir, 'results.md'), svg: join(dir, 'forecast.svg'), png };
}

/**
 * Every file the run writes, checked before any training: --out is (or can be created as) a
 * writable folder, --save can be written, and no two outputs are the same file.
 */
function checkOutputs(files: ResultFiles | undefined, save: string | undefined, values: Values): void {
  const outputs: Array<[string, string]> = save === undefined ? [] : [['--save', save]];
  if (files !== undefined) {
    checkOutputFolder(files.dir, 'lstm forecast --out');
    outputs.push(['--out results.md', files.report], ['--out forecast.svg', files.svg]);
    if (files.png !== undefined) outputs.push(['--out forecast.png', files.png]);
  }
  checkOutputPaths('lstm forecast', outputs, files === undefined ? [] : [files.dir]);
  checkInputsKept('lstm forecast', outputs, [
    ['--csv', values.csv],
    ['--json', values.json],
    ['--model', values.model],
  ]);
}

/** The terminal chart, and the result files (resultFiles). */
function writeResults(
  files: ResultFiles | undefined,
  series: PreparedSeries,
  f: Forecast,
  result: BacktestResult | null,
  report: string,
): void {
  if (files === undefined) return;
  const chart = forecastChart(series, f, result);
  console.log(`\n${lineChartText(chart, { width: 72, height: 14 })}\n`);
  mkdirSync(files.dir, { recursive: true });
  writeFileAtomic(files.report, new TextEncoder().encode(`${report}\n`));
  writeChartSvg(files.svg, chart);
  if (files.png !== undefined) writeChartPng(files.png, chart);
  console.log(`Wrote ${[files.report, files.svg, ...(files.png === undefined ? [] : [files.png])].join(', ')}.`);
}

function describeSeries(series: PreparedSeries, rows: number): string {
  const gaps = series.N - rows;
  return `${series.N} rows of ${describeStep(series.step)} from ${formatTime(series.times[0] as number, series.step)} to ${formatTime(series.timeAt(series.N - 1), series.step)}${gaps > 0 ? ` (${gaps} absent row(s) on the grid, ${series.spec.missing === 'skip' ? 'left as gaps: windows touching one are skipped' : `filled by --missing ${series.spec.missing}`})` : ''}`;
}

function readEtsFlag(text: string, season: number): EtsSpec | 'auto' {
  try {
    return parseEtsSpec(text, season);
  } catch (e) {
    throw new UsageError(`lstm forecast: --ets ${text}: ${(e as Error).message}`);
  }
}

/** Rows held out for the backtest: --test N, the rows from --test-from TIME on, or the default. */
function heldOutRows(values: Values, series: PreparedSeries, exampleTest: number | undefined): number {
  const from = values['test-from'];
  if (from === undefined)
    return values.test === undefined
      ? (exampleTest ?? Math.round(series.N / 5))
      : checkFlagRange('forecast', 'test', values.test, 1, series.N - 2);
  if (values.test !== undefined) throw new UsageError('lstm forecast: give --test N or --test-from TIME, not both.');
  const index = series.step.kind === 'index';
  const t = index ? (/^-?\d+$/.test(from.trim()) ? Number(from) : Number.NaN) : parseIsoTime(from.trim());
  if (Number.isNaN(t))
    throw new UsageError(
      `lstm forecast: --test-from ${JSON.stringify(from)} is not ${index ? 'a step index (the time column holds integers)' : 'an ISO date or time such as 2016-01 or 2016-01-01'}.`,
    );
  const span = `the data run from ${formatTime(series.timeAt(0), series.step)} to ${formatTime(series.timeAt(series.N - 1), series.step)}`;
  let first = 0;
  while (first < series.N && series.timeAt(first) < t) first++;
  if (first >= series.N) throw new UsageError(`lstm forecast: --test-from ${from} is after the last row; ${span}.`);
  if (first < 2)
    throw new UsageError(
      `lstm forecast: --test-from ${from} leaves ${first} training row(s) before it; ${span}, and at least 2 rows must come before the test rows.`,
    );
  return series.N - first;
}

export function forecastCommand(argv: string[]): number {
  const line = readCommandLine(FORECAST, argv);
  if (line === undefined) return 0;
  const { values, positionals } = line;
  if (positionals.length > 0) throw new UsageError(`lstm forecast: unexpected argument '${positionals[0]}'.`);
  const { table, name, example } = readTable(values);
  const modelPath = values.model;
  if (modelPath !== undefined && values.save !== undefined)
    throw new UsageError(
      'lstm forecast: --save writes a trained forecaster; with --model nothing is trained. Drop one.',
    );
  const files = resultFiles(values, name);
  checkOutputs(files, values.save, values);
  if (modelPath !== undefined) {
    if (modelFileType(readBinaryFile(modelPath, 'lstm forecast'), modelPath) === 'global-forecaster') {
      if (files !== undefined) mkdirSync(files.dir, { recursive: true });
      return globalPredict(loadGlobalForecaster(modelPath), table, name, files?.report);
    }
    const f = loadForecaster(modelPath);
    const series = f.prepare(table);
    console.log(`${name}: ${describeSeries(series, table.rows)}; forecaster ${modelPath}`);
    const forecast = f.forecast(series);
    const report = forecastTable(forecast);
    console.log(`\n${report}`);
    writeResults(files, series, forecast, null, report);
    return 0;
  }
  const options = forecasterOptions(values, example?.options);
  const seriesColumn = values['series-column'] ?? example?.seriesColumn;
  if (seriesColumn !== undefined) {
    if (files !== undefined) mkdirSync(files.dir, { recursive: true });
    return globalForecast({
      table,
      name,
      seriesColumn,
      options,
      heldOut: (s) => heldOutRows(values, s, example?.test),
      fit: {
        epochs: values.epochs,
        batchSize: values.batch,
        learningRate: values.lr,
        patience: values.patience,
        seed: values.seed,
      },
      stride: values.stride ?? example?.stride ?? 1,
      ets: (season) => (values.ets === undefined ? undefined : readEtsFlag(values.ets, season)),
      report: files?.report,
      save: values.save,
    });
  }
  const series = prepareSeries(table, {
    timeColumn: options.timeColumn,
    targets: options.targets,
    features: options.features ?? [],
    calendar: options.calendar ?? [],
    missing: options.missing ?? 'error',
  });
  const test = heldOutRows(values, series, example?.test);
  // before training: a bad --ets is refused at once
  const season = options.season !== undefined && options.season > 0 ? options.season : defaultSeason(series.step);
  const ets = values.ets === undefined ? undefined : readEtsFlag(values.ets, season);
  const trainEnd = series.N - test;
  console.log(`${name}: ${describeSeries(series, table.rows)}`);
  console.log(
    `training on the first ${trainEnd} rows, backtest on the last ${test}; backend ${describeBackend().name}`,
  );
  const started = performance.now();
  let epochs = 0;
  const f = Forecaster.fit(series, options, {
    trainEnd,
    epochs: values.epochs,
    batchSize: values.batch,
    learningRate: values.lr,
    patience: values.patience,
    seed: values.seed,
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
  const result = backtest(f, series, { trainEnd, stride: values.stride ?? example?.stride ?? 1, ets });
  const forecast = f.forecast(series);
  const report = `${backtestTable(result)}\n\nForecast after the data:\n\n${forecastTable(forecast)}`;
  console.log(`\n${report}`);
  writeResults(files, series, forecast, result, report);
  const save = values.save;
  if (save !== undefined) {
    saveForecaster(save, f);
    console.log(`Saved the forecaster to ${save}.`);
  }
  return 0;
}
