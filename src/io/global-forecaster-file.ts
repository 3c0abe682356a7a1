/**
 * A global forecaster (one network trained on many series, Forecaster.fitGlobal) as a model file
 * (src/io/model-container.ts): the shared network's weights once, as tensors, and metadata entries
 *   config   type 'global-forecaster': a forecaster's config (src/io/forecaster-file.ts) and the
 *            seriesColumn that names each row's series in a long-format table
 *   series   [{ id, encoding, calibration }]: each series' own scales, smoothing model and
 *            interval calibration, fitted on its own training rows, in training order
 * Each series' entry is checked as a forecaster file's encoding and calibration are, under the
 * path series[i]; ids must be distinct, non-empty strings.
 */
import type { Kernels } from '../kernels/index.js';
import { defaultKernels } from '../kernels/index.js';
import { ForecastNetwork } from '../models/forecast-network.js';
import { Forecaster } from '../models/forecaster.js';
import { IntervalCalibrator } from '../models/interval-calibration.js';
import { checkCalibration, checkConfig, checkEncoding } from './forecaster-file.js';
import { fieldError, objectField } from './header-fields.js';
import {
  buildFromFile,
  checkTensorSet,
  encodeContainer,
  loadArena,
  metadataJson,
  openModelFile,
} from './model-container.js';
import { ConfigError } from '../errors.js';

/** One network's forecasters for the series of a long-format table, by series id. */
export interface GlobalForecaster {
  /** The column of a table that names each row's series. */
  seriesColumn: string;
  /** Series id → its forecaster (all share one network), in training order. */
  series: Map<string, Forecaster>;
}

export function encodeGlobalForecaster(model: GlobalForecaster): Uint8Array {
  const where = 'encodeGlobalForecaster';
  const members = [...model.series.values()];
  const first = members[0];
  if (first === undefined) throw new ConfigError(where, 'a global forecaster needs at least one series.');
  if (members.some((f) => f.network !== first.network))
    throw new ConfigError(where, 'every series must share one network (the forecasters of one fitGlobal).');
  const { lags, ...rest } = first.config;
  return encodeContainer(first.network.arena, {
    config: {
      type: 'global-forecaster',
      ...rest,
      ...(lags.length > 0 ? { lags } : {}),
      seriesColumn: model.seriesColumn,
    },
    series: [...model.series].map(([id, f]) => ({
      id,
      encoding: f.encoding,
      calibration: f.calibrator?.state ?? null,
    })),
  });
}

export function decodeGlobalForecaster(
  bytes: Uint8Array,
  kernels: Kernels = defaultKernels(),
  where = 'loadGlobalForecaster',
): GlobalForecaster {
  const file = openModelFile(bytes, 'global-forecaster', where);
  const config = checkConfig(where, file.config, ['seriesColumn']);
  const seriesColumn = nameField(where, 'config.seriesColumn', file.config.seriesColumn);
  if ([config.timeColumn, ...config.targets, ...config.features].includes(seriesColumn))
    throw fieldError(
      where,
      'config.seriesColumn',
      'a column other than the time, target and feature columns',
      seriesColumn,
    );
  const raw = metadataJson(file.metadata, 'series', where);
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 1 << 20)
    throw fieldError(where, 'series', 'a list of 1 or more series entries', raw);
  const seen = new Set<string>();
  const entries = raw.map((item: unknown, i) => {
    const path = `series[${i}]`;
    const o = objectField(where, path, item);
    const unknown = Object.keys(o).find((key) => !['id', 'encoding', 'calibration'].includes(key));
    if (unknown !== undefined) throw fieldError(where, path, 'free of unknown fields', unknown);
    const id = nameField(where, `${path}.id`, o.id);
    if (seen.has(id)) throw fieldError(where, `${path}.id`, 'an id no other series has', id);
    seen.add(id);
    const encoding = checkEncoding(where, o.encoding, config, `${path}.encoding`);
    const calibration = checkCalibration(where, o.calibration, config, `${path}.calibration`);
    return { id, encoding, calibration };
  });
  checkTensorSet(
    buildFromFile(where, 'config', () => ForecastNetwork.paramSpecs(Forecaster.networkShape(config))),
    file.tensors,
    where,
  );
  const members = buildFromFile(where, 'stored forecaster', () =>
    Forecaster.restoreGlobal(
      config,
      entries.map((e) => ({
        encoding: e.encoding,
        calibrator: e.calibration === null ? null : IntervalCalibrator.fromState(e.calibration),
      })),
      kernels,
    ),
  );
  loadArena((members[0] as Forecaster).network.arena, file.tensors, where);
  return {
    seriesColumn,
    series: new Map(entries.map((e, i) => [e.id, members[i] as Forecaster])),
  };
}

function nameField(where: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw fieldError(where, field, 'a non-empty string', value);
  return value;
}
