/** Time-series forecasting (issue 7): tables, missing values, scalers, windows, baselines, metrics. */
export { BASELINE_NAMES, type BaselineName, baselineForecast } from './baselines.js';
export { type ForecastMetrics, forecastMetrics, seasonalNaiveScale } from './metrics.js';
export { type ScalerState, StandardScaler } from '../data/scaler.js';
export { column, numericColumn, type Table, tableFromJsonRows, tableFromRecords } from '../data/table.js';
export { makeWindows, type WindowSet } from '../data/windows.js';
export {
  type CalendarFeature,
  calendarFeatures,
  checkGridSize,
  fillMissing,
  formatTime,
  gridPositions,
  inferStep,
  MISSING_POLICIES,
  type MissingPolicy,
  onGrid,
  parseIsoTime,
  parseTimes,
  type Step,
  stepTime,
  describeStep,
  timeKind,
  type TimeKind,
} from '../data/time-index.js';
export { MAX_CELL_CHARACTERS, MAX_COLUMNS } from '../data/table.js';
export { ForecastNetwork, type ForecastNetworkShape, type TrainForecastOptions } from '../models/forecast-network.js';
export { checkQuantiles, pinballLoss } from '../loss/pinball.js';
export {
  autoEts,
  etsName,
  type EtsFit,
  type EtsSeason,
  type EtsSpec,
  type EtsTrend,
  type EtsParameters,
  etsStates,
  type EtsStateSeries,
  fitEts,
  fitHoltWinters,
  forecastEts,
  holtWinters,
  parseEtsSpec,
} from '../stats/ets.js';
export { fitTheta, forecastTheta, type ThetaFit } from '../stats/theta.js';
export {
  backtest,
  type BacktestOptions,
  type BacktestResult,
  type MethodName,
  type TargetBacktest,
} from './backtest.js';
export { type CalibrationState, IntervalCalibrator } from '../models/interval-calibration.js';
export { type EncodingState, type Reference, REFERENCES } from '../data/series-encoding.js';
export {
  type Forecast,
  Forecaster,
  type ForecasterConfig,
  type ForecasterFitOptions,
  type ForecasterOptions,
  medianIndex,
  type Strategy,
  STRATEGIES,
  type TargetForecast,
} from '../models/forecaster.js';
export { decodeForecaster, encodeForecaster, FORECASTER_FORMAT_VERSION } from '../io/forecaster-file.js';
export { decodeGlobalForecaster, encodeGlobalForecaster, type GlobalForecaster } from '../io/global-forecaster-file.js';
export {
  CALENDAR_FEATURES,
  defaultSeason,
  isoTime,
  type PreparedSeries,
  prepareSeries,
  type SeriesSpec,
} from '../data/series.js';
export { type ForecastChartOptions, forecastChart } from './forecast-chart.js';
export { backtestTable, forecastTable, METHOD_LABELS } from './report.js';
