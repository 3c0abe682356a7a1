/**
 * A forecaster as a model file (src/io/model-container.ts): the network's weights as tensors, and
 * metadata entries config (type 'forecaster', the columns, policies and sizes), encoding (the time
 * step, reference and the scales fitted on the training rows) and calibration (the interval's
 * adaptive state). A loaded forecaster gives the same forecasts as the one saved.
 */
import { type ScalerState, StandardScaler } from '../data/scaler.js';
import type { EncodingState } from '../data/series-encoding.js';
import { ModelFileError } from '../errors.js';
import { defaultKernels, type Kernels } from '../kernels/index.js';
import { Forecaster, type ForecasterConfig } from '../models/forecaster.js';
import { type CalibrationState, IntervalCalibrator } from '../models/interval-calibration.js';
import { buildFromFile, encodeContainer, loadArena, metadataJson, openModelFile } from './model-container.js';

export const FORECASTER_FORMAT_VERSION = 1;

export function encodeForecaster(f: Forecaster): Uint8Array {
  return encodeContainer(
    f.network.arena,
    {
      config: { type: 'forecaster', ...f.config },
      encoding: f.encoding,
      calibration: f.calibrator?.state ?? null,
    },
    FORECASTER_FORMAT_VERSION,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const numbers = (v: unknown): boolean =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

export function decodeForecaster(
  bytes: Uint8Array,
  kernels: Kernels = defaultKernels(),
  where = 'loadForecaster',
): Forecaster {
  const { config, metadata, tensors } = openModelFile(bytes, FORECASTER_FORMAT_VERSION, 'forecaster', where);
  const encoding = metadataJson(metadata, 'encoding', where);
  if (
    !isObject(encoding) ||
    !isObject(encoding.step) ||
    !numbers(encoding.targetCenter) ||
    !numbers(encoding.targetScale) ||
    !isObject(encoding.features)
  )
    throw new ModelFileError(where, 'the encoding entry lacks the step, the target scales or the feature scaler.');
  const calibration = metadataJson(metadata, 'calibration', where);
  const forecaster = buildFromFile(where, 'stored forecaster', () => {
    StandardScaler.fromState(encoding.features as unknown as ScalerState);
    const calibrator =
      calibration === null ? null : IntervalCalibrator.fromState(calibration as unknown as CalibrationState);
    return Forecaster.restore(
      config as unknown as ForecasterConfig, // resolveConfig reads the known fields, checked
      encoding as unknown as EncodingState,
      calibrator,
      kernels,
    );
  });
  loadArena(forecaster.network.arena, tensors, where);
  return forecaster;
}
