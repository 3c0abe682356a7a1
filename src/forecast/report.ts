/** Backtest and forecast results as markdown tables, for the terminal, result files and the README. */
import { formatTime } from '../data/time-index.js';
import type { Forecast } from '../models/forecaster.js';
import type { BacktestResult, MethodName } from './backtest.js';

/** Every backtest method's name in reports, in the order they are listed (the model first). */
export const METHOD_LABELS: Readonly<Record<MethodName, string>> = {
  lstm: 'LSTM (median)',
  ensemble: 'median of LSTM and ETS',
  ets: 'ETS',
  theta: 'Theta',
  'seasonal-naive-drift': 'seasonal naive + drift',
  'seasonal-naive': 'seasonal naive',
  naive: 'naive',
  drift: 'drift',
};

function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** One table per target: MAE, RMSE, MAPE, sMAPE, MASE of the model beside each baseline. */
export function backtestTable(result: BacktestResult): string {
  return result.targets
    .map((t) => {
      const rows = (Object.keys(METHOD_LABELS) as MethodName[]).map((m) => {
        const s = t.metrics[m];
        return `| ${METHOD_LABELS[m]} | ${fixed(s.mae, 3)} | ${fixed(s.rmse, 3)} | ${fixed(s.mape, 2)} | ${fixed(s.smape, 2)} | ${fixed(s.mase, 3)} |`;
      });
      const level = Math.round(result.level * 100);
      const coverage =
        result.level > 0
          ? `\n${level}% interval: ${(100 * t.coverage).toFixed(1)}% of the held-out points inside (mean width ${fixed(t.meanWidth, 3)}; ` +
            `the network's raw quantiles alone: ${(100 * t.rawCoverage).toFixed(1)}%).`
          : '';
      const chosen = Object.entries(t.etsModels)
        .sort((a, b) => b[1] - a[1])
        .map(([model, n]) => `${model} ${n}×`)
        .join(', ');
      return (
        [
          `${t.name}: ${result.origins.length} origins × ${result.horizon} steps = ${result.points} points; MASE against seasonal naive with m = ${result.season} on the training rows.`,
          `The statistical rows are refitted at every origin on the data up to it; ETS models used: ${chosen}.`,
          '',
          '| method | MAE | RMSE | MAPE % | sMAPE % | MASE |',
          '|---|---|---|---|---|---|',
          ...rows,
        ].join('\n') + coverage
      );
    })
    .join('\n\n');
}

/** The forecast after the data: time, median and interval per target. */
export function forecastTable(forecast: Forecast): string {
  const level = Math.round(forecast.level * 100);
  const header = [
    'time',
    ...forecast.targets.flatMap((t) => (level > 0 ? [t.name, `${level}% low`, `${level}% high`] : [t.name])),
  ];
  const rows = forecast.times.map((time, j) => {
    const cells = forecast.targets.flatMap((t) => {
      const m = fixed(t.median[j] as number, 3);
      return level > 0 ? [m, fixed(t.lower[j] as number, 3), fixed(t.upper[j] as number, 3)] : [m];
    });
    return `| ${formatTime(time, forecast.step)} | ${cells.join(' | ')} |`;
  });
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows].join('\n');
}
