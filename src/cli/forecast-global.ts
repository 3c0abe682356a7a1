/**
 * `lstm forecast --series-column COL`: a global model over a long-format table (one row per series
 * and time). The rows of each series become their own series, each with its own scales and
 * smoothing model fitted on its own training rows; one network learns from the windows of all of
 * them (Forecaster.fitGlobal); each series is backtested beside its own statistical forecasts, and
 * the report gives every series' MASE and the mean over series.
 */
import {
  backtest,
  type GlobalForecaster,
  forecastTable,
  type BacktestResult,
  column,
  defaultSeason,
  describeStep,
  type EtsSpec,
  Forecaster,
  type ForecasterFitOptions,
  type ForecasterOptions,
  METHOD_LABELS,
  type MethodName,
  type PreparedSeries,
  prepareSeries,
  type Table,
  tableFromRecords,
} from '../index.js';
import { saveGlobalForecaster, writeFileAtomic } from '../node/index.js';
import { formatDuration, UsageError } from './args.js';

export interface GlobalRun {
  table: Table;
  name: string;
  seriesColumn: string;
  options: ForecasterOptions;
  /** Rows held out at the end of one series. */
  heldOut: (series: PreparedSeries) => number;
  fit: ForecasterFitOptions;
  stride: number;
  /** The --ets model for a season length (undefined: the default). */
  ets: (season: number) => EtsSpec | 'auto' | undefined;
  /** results.md, or undefined for none. */
  report: string | undefined;
  /** Where to save the global model (after its backtest), or undefined. */
  save: string | undefined;
}

const COLUMNS = Object.entries(METHOD_LABELS) as Array<[MethodName, string]>;

/** The table's rows grouped by the series column, each group a table of its own (first-seen order). */
function splitBySeries(table: Table, seriesColumn: string): Array<{ id: string; table: Table }> {
  const ids = column(table, seriesColumn);
  const groups = new Map<string, number[]>();
  ids.forEach((id, r) => {
    const key = id.trim();
    if (key === '')
      throw new UsageError(
        `lstm forecast: ${table.source}, row ${r + 2}: the series column '${seriesColumn}' is empty.`,
      );
    groups.set(key, [...(groups.get(key) ?? []), r]);
  });
  return [...groups].map(([id, rows]) => ({
    id,
    table: tableFromRecords(
      [table.names, ...rows.map((r) => table.names.map((n) => table.columns[n]?.[r] ?? ''))],
      `${table.source} (${seriesColumn} = ${id})`,
    ),
  }));
}

export function globalForecast(run: GlobalRun): number {
  const { options } = run;
  if (options.targets.length !== 1)
    throw new UsageError(
      `lstm forecast: --series-column forecasts one target per series; got ${options.targets.length} (${options.targets.join(', ')}).`,
    );
  const groups = splitBySeries(run.table, run.seriesColumn);
  if (groups.length < 2)
    throw new UsageError(
      `lstm forecast: the series column '${run.seriesColumn}' holds one series (${groups[0]?.id ?? 'none'}); a global model needs several.`,
    );
  const spec = {
    timeColumn: options.timeColumn,
    targets: options.targets,
    features: options.features ?? [],
    calendar: options.calendar ?? [],
    missing: options.missing ?? 'error',
  };
  const series = groups.map((g) => prepareSeries(g.table, spec));
  const season =
    options.season !== undefined && options.season > 0
      ? options.season
      : defaultSeason((series[0] as PreparedSeries).step);
  const ets = run.ets(season);
  const trainEnds = series.map((s) => s.N - run.heldOut(s));
  const points = series.reduce((sum, s) => sum + s.N, 0);
  console.log(
    `${run.name}: ${series.length} series in column '${run.seriesColumn}', ${points} rows of ${describeStep(series[0]?.step ?? { kind: 'index', steps: 1 })}; ` +
      `each series' last ${(series[0] as PreparedSeries).N - (trainEnds[0] as number)} rows held out; one network for all`,
  );
  const started = performance.now();
  const members = Forecaster.fitGlobal(series, options, trainEnds, run.fit);
  console.log(`trained in ${formatDuration((performance.now() - started) / 1000)} (one global model)`);
  const results: BacktestResult[] = members.map((f, i) =>
    backtest(f, series[i] as PreparedSeries, { trainEnd: trainEnds[i] as number, stride: run.stride, ets }),
  );
  const report = globalTable(
    groups.map((g) => g.id),
    results,
  );
  console.log(`\n${report}`);
  if (run.report !== undefined) {
    writeFileAtomic(run.report, new TextEncoder().encode(`${report}\n`));
    console.log(`Wrote ${run.report}.`);
  }
  if (run.save !== undefined) {
    const model = {
      seriesColumn: run.seriesColumn,
      series: new Map(groups.map((g, i) => [g.id, members[i] as Forecaster])),
    };
    saveGlobalForecaster(run.save, model);
    console.log(`Saved the global forecaster (${groups.length} series) to ${run.save}.`);
  }
  return 0;
}

/**
 * `lstm forecast --model GLOBAL --csv FILE`: every series of the table (split by the model's series
 * column) forecast after its last row by its own member of the global model; a series the model
 * was not trained on is named beside the ones it knows.
 */
export function globalPredict(model: GlobalForecaster, table: Table, name: string, report: string | undefined): number {
  const groups = splitBySeries(table, model.seriesColumn);
  const known = [...model.series.keys()];
  const sections = groups.map(({ id, table: part }) => {
    const f = model.series.get(id);
    if (f === undefined)
      throw new UsageError(
        `lstm forecast: ${table.source}: series '${id}' (column '${model.seriesColumn}') is not one the model was trained on; it knows ${known.length}: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}.`,
      );
    return `### ${id}\n\n${forecastTable(f.forecast(f.prepare(part)))}`;
  });
  console.log(`${name}: ${groups.length} series in column '${model.seriesColumn}', one global model`);
  const text = `Forecasts after the data:\n\n${sections.join('\n\n')}`;
  console.log(`\n${text}`);
  if (report !== undefined) {
    writeFileAtomic(report, new TextEncoder().encode(`${text}\n`));
    console.log(`Wrote ${report}.`);
  }
  return 0;
}

/** MASE per series and method, the mean over series, and each series' interval coverage. */
function globalTable(ids: readonly string[], results: readonly BacktestResult[]): string {
  const first = results[0] as BacktestResult;
  const level = Math.round(first.level * 100);
  const header = `| series | ${COLUMNS.map(([, label]) => label).join(' | ')} |${level > 0 ? ` ${level}% interval coverage |` : ''}`;
  const line = `|---|${COLUMNS.map(() => '---|').join('')}${level > 0 ? '---|' : ''}`;
  const mean = (f: (r: BacktestResult) => number): number => results.reduce((s, r) => s + f(r), 0) / results.length;
  const target = (r: BacktestResult): BacktestResult['targets'][number] =>
    r.targets[0] as BacktestResult['targets'][number];
  const rows = results.map((r, i) => {
    const t = target(r);
    const cells = COLUMNS.map(([m]) => t.metrics[m].mase.toFixed(3));
    return `| ${ids[i]} | ${cells.join(' | ')} |${level > 0 ? ` ${(100 * t.coverage).toFixed(1)} % |` : ''}`;
  });
  const means = COLUMNS.map(([m]) => `**${mean((r) => target(r).metrics[m].mase).toFixed(3)}**`);
  rows.push(
    `| **mean** | ${means.join(' | ')} |${level > 0 ? ` ${(100 * mean((r) => target(r).coverage)).toFixed(1)} % |` : ''}`,
  );
  return [
    `MASE per series (${first.origins.length} origins × ${first.horizon} steps each; scaled by each series' seasonal naive with m = ${first.season} on its training rows):`,
    '',
    header,
    line,
    ...rows,
  ].join('\n');
}
