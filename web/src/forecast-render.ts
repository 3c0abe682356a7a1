/**
 * The forecast view's results on the page: the chart (history, backtest and forecast medians and
 * their intervals as bands), the backtest's metrics table (LSTM first) and the forecast's table.
 * The chart is an image to a screen reader; the tables carry the same numbers as text.
 */
import { lineChart } from './charts.ts';
import { h } from './dom.ts';
import type { TrainResult } from './jobs/forecast.ts';

const fixed = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const percent = (v: number): string => `${(100 * v).toFixed(1)} %`;

/** Redraw the chart in `container` (a new chart each time: the x axis may change from dates to steps). */
export function drawForecastChart(container: HTMLElement, r: TrainResult, target: string): void {
  container.replaceChildren();
  const level = `${Math.round(r.level * 100)} %`;
  const c = r.chart;
  const chart = lineChart(container, {
    label: `${target}: the last rows, the backtest forecasts and the forecast ${r.horizon} steps after the data, with ${level} intervals`,
    xLabel: c.time ? 'time' : 'step',
    yLabel: target,
    time: c.time,
    height: 300,
    series: [
      { label: 'observed', color: '#1d2430', width: 1.5 },
      { label: 'backtest median', color: '#1f5fbf', dash: [6, 4] },
      { label: `backtest ${level} low`, color: 'rgba(31,95,191,0.35)', width: 1 },
      { label: `backtest ${level} high`, color: 'rgba(31,95,191,0.35)', width: 1 },
      { label: 'forecast median', color: '#c2410c' },
      { label: `forecast ${level} low`, color: 'rgba(194,65,12,0.4)', width: 1 },
      { label: `forecast ${level} high`, color: 'rgba(194,65,12,0.4)', width: 1 },
    ],
    // uPlot bands: [upper series, lower series] (series 0 is x)
    bands: [
      [4, 3, 'rgba(31,95,191,0.15)'],
      [7, 6, 'rgba(194,65,12,0.2)'],
    ],
  });
  chart.setData([c.x, c.observed, c.backtestMedian, c.backtestLower, c.backtestUpper, c.median, c.lower, c.upper]);
}

/** The backtest's methods: MASE, MAE, RMSE, sMAPE; the LSTM row first, with the interval's coverage. */
export function metricsTable(r: TrainResult): HTMLElement {
  const table = h(
    'table',
    { id: 'forecast-metrics' },
    h(
      'caption',
      {},
      `Backtest: ${r.origins} origins × ${r.horizon} steps = ${r.points} points; MASE against seasonal naive (m = ${r.season}) on the training rows`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['method', 'MASE', 'MAE', 'RMSE', 'sMAPE %', 'interval coverage'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
  );
  const body = h('tbody');
  for (const m of r.metrics)
    body.append(
      h(
        'tr',
        { 'data-method': m.method },
        h('th', { scope: 'row' }, m.label),
        h('td', { className: 'mase' }, fixed(m.mase, 3)),
        h('td', {}, fixed(m.mae, 3)),
        h('td', {}, fixed(m.rmse, 3)),
        h('td', {}, fixed(m.smape, 2)),
        h(
          'td',
          {},
          m.method === 'lstm'
            ? `${percent(r.coverage)} of ${Math.round(r.level * 100)} % (raw quantiles ${percent(r.rawCoverage)})`
            : '',
        ),
      ),
    );
  table.append(body);
  return table;
}

/** The forecast after the data: time, median and the calibrated interval. */
export function forecastTable(r: TrainResult): HTMLElement {
  const level = Math.round(r.level * 100);
  return h(
    'table',
    { id: 'forecast-table' },
    h('caption', {}, `Forecast after the data, with the calibrated ${level} % interval`),
    h(
      'thead',
      {},
      h('tr', {}, ...['time', 'median', `${level} % low`, `${level} % high`].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      ...r.forecast.map((row) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, row.time),
          h('td', {}, fixed(row.median, 3)),
          h('td', {}, fixed(row.lower, 3)),
          h('td', {}, fixed(row.upper, 3)),
        ),
      ),
    ),
  );
}

/** One line about the run: the data, the split and the training. */
export function runSummary(r: TrainResult): string {
  return (
    `${r.description}. Trained on the first ${r.trainEnd} rows, backtest on the last ${r.test}: ` +
    `${r.epochs} epochs in ${r.trainSeconds.toFixed(1)} s (the weights of epoch ${r.bestEpoch} kept, the lowest validation loss), ` +
    `backtest ${r.backtestSeconds.toFixed(1)} s; ETS models: ${r.etsModels}.`
  );
}
