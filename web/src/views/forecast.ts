/**
 * Forecast: a CSV (dropped, picked, or the built-in CO2 series) → an LSTM forecaster trained in
 * the view's worker (jobs/forecast.ts), its rolling-origin backtest beside the statistical
 * baselines, and the forecast after the data with its interval. The page only reads the controls
 * and draws: parsing, training and scoring all happen in the worker.
 */
import { lineChart, type LineChart } from '../charts.ts';
import { clientFor } from '../clients.ts';
import { button, field, fileDrop, h, numberInput, select, showError, showStatus } from '../dom.ts';
import { drawForecastChart, forecastTable, metricsTable, runSummary } from '../forecast-render.ts';
import type { EpochEvent, Loaded, LoadInput, TrainInput, TrainResult } from '../jobs/forecast.ts';
import type { View } from './index.ts';

const withId = <E extends HTMLElement>(el: E, id: string): E => {
  el.id = id;
  return el;
};

/** A stat box: a number in bold over what it is. */
function stat(label: string): { box: HTMLElement; value: HTMLElement } {
  const value = h('b', {}, '–');
  return { box: h('div', { className: 'stat' }, value, h('span', {}, label)), value };
}

/** Wide tables scroll sideways inside their box on a phone instead of widening the page. */
const scroller = (...children: HTMLElement[]): HTMLElement =>
  h('div', { style: 'overflow-x: auto; max-width: 100%' }, ...children);

export const forecastView: View = {
  id: 'forecast',
  title: 'Forecast',
  mount(section) {
    const client = clientFor('forecast');
    const dataStatus = h('p', { className: 'status', id: 'forecast-data-status', role: 'status' });
    const status = h('p', { className: 'status', id: 'forecast-status', role: 'status' });
    const time = withId(select([]), 'forecast-time');
    const target = withId(select([]), 'forecast-target');
    const horizon = withId(numberInput(12, 1, 1000), 'forecast-horizon');
    const lookback = withId(numberInput(24, 1, 5000), 'forecast-lookback');
    const test = withId(numberInput(0, 1, 1_000_000), 'forecast-test');
    test.value = '';
    test.placeholder = 'auto';
    const epochs = withId(numberInput(100, 1, 10_000), 'forecast-epochs');
    const hidden = withId(numberInput(32, 1, 512), 'forecast-hidden');
    const seed = withId(numberInput(1, 0, 2 ** 31), 'forecast-seed');
    const missing = withId(
      select(
        [
          ['interpolate', 'interpolate'],
          ['ffill', 'carry the last value forward'],
          ['skip', 'skip windows with a gap'],
          ['error', 'refuse (an error names the gap)'],
        ],
        'interpolate',
      ),
      'forecast-missing',
    );
    const calendar = withId(
      select([
        ['', 'none'],
        ['month', 'month of the year'],
        ['weekday', 'day of the week'],
        ['dayofyear', 'day of the year'],
      ]),
      'forecast-calendar',
    );

    const panel = h('div', { className: 'panel' });
    const take = async (input: LoadInput | Promise<LoadInput>): Promise<void> => {
      showStatus(dataStatus, 'Reading…');
      try {
        const loaded = await client.call<Loaded>('forecast-load', await input);
        const options = loaded.columns.map((c) => h('option', { value: c }, c));
        time.replaceChildren(...options.map((o) => o.cloneNode(true)));
        target.replaceChildren(...options);
        time.value = loaded.time;
        target.value = loaded.target;
        calendar.value = loaded.calendar;
        showStatus(dataStatus, `${loaded.name}: ${loaded.rows} rows; columns ${loaded.columns.join(', ')}.`);
      } catch (error) {
        showError(dataStatus, error);
      }
    };
    const drop = fileDrop(
      panel,
      '.csv,.tsv,text/csv,text/tab-separated-values',
      'CSV file (or drop one here)',
      (file) => take(file.text().then((text) => ({ text, name: file.name }))),
      'forecast-file',
    );
    const example = button('Use the CO2 example', () => take({ example: 'co2' }), dataStatus);
    example.id = 'forecast-example';
    example.classList.add('secondary');

    // results: training progress, the chart, the tables
    const epochStat = stat('epoch');
    const trainStat = stat('training loss');
    const validStat = stat('validation loss');
    const secondsStat = stat('seconds');
    const lossBox = h('div', { id: 'forecast-losses' });
    const chartBox = h('div', { id: 'forecast-chart' });
    const summary = h('p', { id: 'forecast-summary' });
    const tables = h('div', { id: 'forecast-results' });
    let lossChart: LineChart | null = null;
    let history: EpochEvent[] = [];
    client.on<EpochEvent>('forecast-epoch', (e) => {
      history.push(e);
      epochStat.value.textContent = `${e.epoch} / ${epochs.value}`;
      trainStat.value.textContent = e.trainLoss.toFixed(4);
      validStat.value.textContent = e.validLoss.toFixed(4);
      secondsStat.value.textContent = e.seconds.toFixed(1);
      lossChart ??= lineChart(lossBox, {
        label: 'Training and validation loss (pinball) by epoch',
        xLabel: 'epoch',
        yLabel: 'loss',
        height: 180,
        series: [
          { label: 'training', color: '#1f5fbf' },
          { label: 'validation', color: '#c2410c' },
        ],
      });
      lossChart.setData([
        history.map((r) => r.epoch),
        history.map((r) => r.trainLoss),
        history.map((r) => r.validLoss),
      ]);
    });
    client.on<string>('forecast-phase', (text) => showStatus(status, text));

    const number = (el: HTMLInputElement): number => (el.value.trim() === '' ? Number.NaN : Number(el.value));
    const trainButton = button(
      'Train',
      async () => {
        history = [];
        lossChart?.setData([[], [], []]);
        showStatus(status, 'Training…');
        const input: TrainInput = {
          time: time.value,
          target: target.value,
          horizon: number(horizon),
          lookback: number(lookback),
          test: test.value.trim() === '' ? null : number(test),
          epochs: number(epochs),
          hidden: number(hidden),
          seed: number(seed),
          missing: missing.value as TrainInput['missing'],
          calendar: calendar.value as TrainInput['calendar'],
        };
        const r = await client.call<TrainResult>('forecast-train', input);
        drawForecastChart(chartBox, r, input.target);
        summary.textContent = runSummary(r);
        tables.replaceChildren(
          h('h3', {}, 'Backtest'),
          scroller(metricsTable(r)),
          h('h3', {}, 'After the data'),
          scroller(forecastTable(r)),
        );
        const lstm = r.metrics[0];
        const ets = r.metrics.find((m) => m.method === 'ets');
        showStatus(
          status,
          `Done: LSTM MASE ${lstm?.mase.toFixed(3)}, ETS ${ets?.mase.toFixed(3)} (lower is better); interval coverage ${(100 * r.coverage).toFixed(1)} %.`,
        );
      },
      status,
    );
    trainButton.id = 'forecast-train';

    panel.append(
      h('h3', {}, 'Data'),
      drop,
      h('div', { className: 'buttons' }, example),
      dataStatus,
      h('h3', {}, 'Columns and model'),
      h('div', { className: 'row' }, field('Time column', time).row, field('Target column', target).row),
      h('div', { className: 'row' }, field('Horizon (steps)', horizon).row, field('Lookback (rows)', lookback).row),
      h(
        'div',
        { className: 'row' },
        field('Held-out rows', test, 'empty: 5 seasons, or a fifth').row,
        field('Epochs (at most)', epochs).row,
      ),
      h('div', { className: 'row' }, field('Hidden size', hidden).row, field('Seed', seed).row),
      field('Missing values', missing).row,
      field('Calendar features', calendar).row,
      h('div', { className: 'buttons' }, trainButton),
      status,
    );
    section.append(
      h(
        'p',
        {},
        'Train an LSTM forecaster on a time series, hold out the last rows for a rolling-origin backtest beside ' +
          'naive, seasonal naive, drift, ETS and Theta forecasts, and forecast past the data with a calibrated interval.',
      ),
      h(
        'div',
        { className: 'columns' },
        panel,
        h(
          'div',
          {},
          h(
            'div',
            { className: 'stats', 'aria-live': 'off' },
            epochStat.box,
            trainStat.box,
            validStat.box,
            secondsStat.box,
          ),
          lossBox,
          h('h3', {}, 'Forecast'),
          chartBox,
          summary,
          tables,
        ),
      ),
    );
    void take({ example: 'co2' });
  },
};
