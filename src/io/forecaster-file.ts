/**
 * A forecaster as a model file (src/io/model-container.ts): the network's weights as tensors, and
 * metadata entries config (type 'forecaster', the columns, policies and sizes), encoding (the time
 * step, reference and the scales fitted on the training rows) and calibration (the interval's
 * adaptive state). Every field is checked (a scale must be a positive finite number: a negated
 * target scale would flip every forecast), and the tensors against the network the config
 * implies, before anything is allocated. A loaded forecaster gives the same forecasts as the one
 * saved.
 */
import { REFERENCES } from '../data/series-encoding.js';
import type { EncodingState, SmoothingState } from '../data/series-encoding.js';
import { CALENDAR_FEATURES } from '../data/series.js';
import { MISSING_POLICIES, type Step } from '../data/time-index.js';
import { defaultKernels, type Kernels } from '../kernels/index.js';
import { ForecastNetwork } from '../models/forecast-network.js';
import { Forecaster, type ForecasterConfig, STRATEGIES } from '../models/forecaster.js';
import { type CalibrationState, IntervalCalibrator } from '../models/interval-calibration.js';
import {
  choiceField,
  countField,
  fieldError,
  nameListField,
  numberField,
  numberListField,
  objectField,
} from './header-fields.js';
import {
  buildFromFile,
  checkTensorSet,
  CONTAINER_FORMAT_VERSION,
  encodeContainer,
  loadArena,
  metadataJson,
  openModelFile,
} from './model-container.js';

/** The format_version forecasters are written in (1, release 0.1.0's, still loads). */
export const FORECASTER_FORMAT_VERSION = CONTAINER_FORMAT_VERSION;

export function encodeForecaster(f: Forecaster): Uint8Array {
  // lags only when there are some, so a forecaster without them writes the bytes it always did
  const { lags, ...rest } = f.config;
  return encodeContainer(f.network.arena, {
    config: { type: 'forecaster', ...rest, ...(lags.length > 0 ? { lags } : {}) },
    encoding: f.encoding,
    calibration: f.calibrator?.state ?? null,
  });
}

const MAX_SIZE = 1 << 20;

export function checkConfig(
  where: string,
  c: Record<string, unknown>,
  extra: readonly string[] = [],
): ForecasterConfig {
  const f = (key: string): string => `config.${key}`;
  const known = ['type', 'timeColumn', 'targets', 'features', 'calendar', 'missing', 'lookback', 'horizon'];
  known.push('season', 'strategy', 'reference', 'quantiles', 'hiddenSize', 'numLayers', 'dropout', 'lags', ...extra);
  const unknown = Object.keys(c).find((key) => !known.includes(key));
  if (unknown !== undefined) throw fieldError(where, 'config', 'free of unknown fields', unknown);
  const [timeColumn] = nameListField(where, f('timeColumn'), [c.timeColumn], 1, 1);
  const targets = nameListField(where, f('targets'), c.targets, 1, 1 << 16);
  const features = nameListField(where, f('features'), c.features, 0, 1 << 16);
  const columns = [timeColumn, ...targets, ...features];
  if (new Set(columns).size !== columns.length)
    throw fieldError(where, 'config', 'a time column, targets and features that differ', columns);
  const calendar = nameListField(where, f('calendar'), c.calendar, 0, CALENDAR_FEATURES.length);
  calendar.forEach((name, i) => choiceField(where, f(`calendar[${i}]`), name, CALENDAR_FEATURES));
  const quantiles = numberListField(
    where,
    f('quantiles'),
    c.quantiles,
    Array.isArray(c.quantiles) ? c.quantiles.length : 0,
    {
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    },
  );
  if (
    quantiles.length === 0 ||
    quantiles.length > 99 ||
    quantiles.some((q, i) => i > 0 && q <= (quantiles[i - 1] as number))
  )
    throw fieldError(where, f('quantiles'), '1 to 99 increasing numbers in (0, 1)', quantiles);
  const config: ForecasterConfig = {
    timeColumn: timeColumn as string,
    targets,
    features,
    calendar: calendar as ForecasterConfig['calendar'],
    missing: choiceField(where, f('missing'), c.missing, MISSING_POLICIES),
    lookback: countField(where, f('lookback'), c.lookback, 1, MAX_SIZE),
    lags: checkLags(where, c.lags),
    horizon: countField(where, f('horizon'), c.horizon, 1, MAX_SIZE),
    season: countField(where, f('season'), c.season, 1, MAX_SIZE),
    strategy: choiceField(where, f('strategy'), c.strategy, STRATEGIES),
    reference: choiceField(where, f('reference'), c.reference, REFERENCES),
    quantiles,
    hiddenSize: countField(where, f('hiddenSize'), c.hiddenSize, 1, 65536),
    numLayers: countField(where, f('numLayers'), c.numLayers, 1, 64),
    dropout: numberField(where, f('dropout'), c.dropout, { min: 0, max: 1, maxExclusive: true }),
  };
  if (config.strategy === 'recursive' && config.features.length > 0)
    throw fieldError(where, 'config.features', 'empty with the recursive strategy', config.features);
  return config;
}

/** config.lags: absent (none), or increasing whole numbers ≥ 1. */
function checkLags(where: string, raw: unknown): number[] {
  if (raw === undefined) return [];
  const lags = numberListField(where, 'config.lags', raw, Array.isArray(raw) ? raw.length : 0, {
    min: 1,
    max: MAX_SIZE,
  });
  if (lags.length === 0 || lags.some((lag, i) => !Number.isInteger(lag) || (i > 0 && lag <= (lags[i - 1] as number))))
    throw fieldError(where, 'config.lags', 'increasing whole numbers ≥ 1 (or no lags entry)', raw);
  return lags;
}

function checkStep(where: string, raw: unknown, path: string): Step {
  const step = objectField(where, path, raw);
  const kind = choiceField(where, `${path}.kind`, step.kind, ['month', 'fixed', 'index'] as const);
  if (kind === 'month') return { kind, months: countField(where, `${path}.months`, step.months, 1, 12 * 100 - 1) };
  if (kind === 'index')
    return { kind, steps: countField(where, `${path}.steps`, step.steps, 1, Number.MAX_SAFE_INTEGER) };
  return { kind, ms: countField(where, `${path}.ms`, step.ms, 1, Number.MAX_SAFE_INTEGER) };
}

/** The encoding entry: the step, the reference and season the config names, positive finite scales. */
export function checkEncoding(where: string, raw: unknown, config: ForecasterConfig, path = 'encoding'): EncodingState {
  const e = objectField(where, path, raw);
  const K = config.targets.length;
  const positive = { min: 0, minExclusive: true };
  if (e.reference !== config.reference)
    throw fieldError(where, `${path}.reference`, `config.reference (${config.reference})`, e.reference);
  if (e.season !== config.season)
    throw fieldError(where, `${path}.season`, `config.season (${config.season})`, e.season);
  const scaler = objectField(where, `${path}.features`, e.features);
  const columns = scaler.columns;
  if (
    !Array.isArray(columns) ||
    columns.length !== config.features.length ||
    columns.some((c, i) => c !== config.features[i])
  )
    throw fieldError(where, `${path}.features.columns`, `config.features (${config.features.length})`, columns);
  const F = config.features.length;
  if (config.reference === 'ets' && e.smoothing === undefined)
    throw fieldError(where, `${path}.smoothing`, "one smoothing model per target (the 'ets' reference)", undefined);
  if (config.reference !== 'ets' && e.smoothing !== undefined)
    throw fieldError(where, `${path}.smoothing`, `absent (the reference is '${config.reference}')`, e.smoothing);
  return {
    ...(config.reference === 'ets'
      ? { smoothing: checkSmoothing(where, e.smoothing, K, config.season, `${path}.smoothing`) }
      : {}),
    step: checkStep(where, e.step, `${path}.step`),
    reference: config.reference,
    season: config.season,
    targetCenter: numberListField(where, `${path}.targetCenter`, e.targetCenter, K),
    targetScale: numberListField(where, `${path}.targetScale`, e.targetScale, K, positive),
    features: {
      columns: [...config.features],
      mean: numberListField(where, `${path}.features.mean`, scaler.mean, F),
      std: numberListField(where, `${path}.features.std`, scaler.std, F, positive),
    },
  };
}

/** The 'ets' reference's models: K of them, each a Holt–Winters spec with admissible parameters and finite states. */
function checkSmoothing(where: string, raw: unknown, K: number, season: number, path: string): SmoothingState[] {
  if (!Array.isArray(raw) || raw.length !== K) throw fieldError(where, path, `a list of ${K} smoothing models`, raw);
  return raw.map((item, k) => {
    const f = (name: string): string => `${path}[${k}].${name}`;
    const o = objectField(where, `${path}[${k}]`, item);
    const spec = objectField(where, f('spec'), o.spec);
    const trend = choiceField(where, f('spec.trend'), spec.trend, ['none', 'additive', 'damped'] as const);
    const kind = choiceField(where, f('spec.season'), spec.season, ['none', 'additive', 'multiplicative'] as const);
    const period = countField(where, f('spec.period'), spec.period, 1, 1 << 20);
    if (kind !== 'none' && period !== season)
      throw fieldError(where, f('spec.period'), `config.season (${season})`, period);
    const unit = { min: 0, max: 1 };
    const initial = objectField(where, f('initial'), o.initial);
    return {
      spec: { trend, season: kind, period },
      alpha: numberField(where, f('alpha'), o.alpha, unit),
      beta: numberField(where, f('beta'), o.beta, unit),
      gamma: numberField(where, f('gamma'), o.gamma, unit),
      phi: numberField(where, f('phi'), o.phi, unit),
      initial: {
        level: numberField(where, f('initial.level'), initial.level, {}),
        trend: numberField(where, f('initial.trend'), initial.trend, {}),
        season: numberListField(where, f('initial.season'), initial.season, kind === 'none' ? 0 : period),
      },
    };
  });
}

/**
 * The calibration entry: null when the forecaster has a single quantile, else the level its
 * quantiles span, γ in [0, 1), and one α and one list of scores per (horizon step, target).
 */
export function checkCalibration(
  where: string,
  raw: unknown,
  config: ForecasterConfig,
  path = 'calibration',
): CalibrationState | null {
  const { quantiles } = config;
  const Q = quantiles.length;
  if (raw === null && Q < 2) return null;
  if (Q < 2) throw fieldError(where, path, 'null for a single quantile', raw);
  const c = objectField(where, path, raw);
  const level = (quantiles[Q - 1] as number) - (quantiles[0] as number);
  if (c.level !== level) throw fieldError(where, `${path}.level`, `the span of config.quantiles (${level})`, c.level);
  const n = config.horizon * config.targets.length;
  const gamma = numberField(where, `${path}.gamma`, c.gamma, { min: 0, max: 1, maxExclusive: true });
  const alpha = numberListField(where, `${path}.alpha`, c.alpha, n);
  const scores = c.scores;
  if (!Array.isArray(scores) || scores.length !== n)
    throw fieldError(where, `${path}.scores`, `${n} lists of scores (horizon × targets)`, scores);
  scores.forEach((s: unknown, i) =>
    numberListField(where, `${path}.scores[${i}]`, s, Array.isArray(s) ? Math.min(s.length, 240) : 0),
  );
  return { level, gamma, alpha, scores: scores as number[][] };
}

export function decodeForecaster(
  bytes: Uint8Array,
  kernels: Kernels = defaultKernels(),
  where = 'loadForecaster',
): Forecaster {
  const file = openModelFile(bytes, 'forecaster', where);
  const { metadata, tensors } = file;
  const config = checkConfig(where, file.config);
  const encoding = checkEncoding(where, metadataJson(metadata, 'encoding', where), config);
  const calibration = checkCalibration(where, metadataJson(metadata, 'calibration', where), config);
  checkTensorSet(
    buildFromFile(where, 'config', () => ForecastNetwork.paramSpecs(Forecaster.networkShape(config))),
    tensors,
    where,
  );
  const forecaster = buildFromFile(where, 'stored forecaster', () => {
    const calibrator = calibration === null ? null : IntervalCalibrator.fromState(calibration);
    return Forecaster.restore(config, encoding, calibrator, kernels);
  });
  loadArena(forecaster.network.arena, tensors, where);
  return forecaster;
}
