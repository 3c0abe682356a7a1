/** Time-series forecasting (issue 7): tables, missing values, scalers, windows, baselines, metrics. */
export { BASELINE_NAMES, type BaselineName, baselineForecast } from './baselines.js';
export { type ForecastMetrics, forecastMetrics, seasonalNaiveScale } from './metrics.js';
export { type ScalerState, StandardScaler } from './scaler.js';
export { column, numericColumn, type Table, tableFromJsonRows, tableFromRecords } from './table.js';
export { makeWindows, type WindowSet } from './windows.js';
export {
  type CalendarFeature,
  calendarFeatures,
  fillMissing,
  gridPositions,
  inferStep,
  MISSING_POLICIES,
  type MissingPolicy,
  onGrid,
  parseTimes,
  type Step,
  stepTime,
} from './time-index.js';
export { ForecastNetwork, type ForecastNetworkShape, type TrainForecastOptions } from './forecast-network.js';
export { checkQuantiles, pinballLoss } from './pinball.js';
