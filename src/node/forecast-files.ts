/** Forecasters to and from files, for Node: written atomically, read with clear errors. */
import { decodeForecaster, encodeForecaster } from '../io/forecaster-file.js';
import { decodeGlobalForecaster, encodeGlobalForecaster, type GlobalForecaster } from '../io/global-forecaster-file.js';
import type { Kernels } from '../kernels/index.js';
import type { Forecaster } from '../models/forecaster.js';
import { readBinaryFile, writeFileAtomic } from './files.js';

export function saveForecaster(path: string, forecaster: Forecaster): void {
  writeFileAtomic(path, encodeForecaster(forecaster));
}

export function loadForecaster(path: string, kernels?: Kernels): Forecaster {
  return decodeForecaster(readBinaryFile(path, 'loadForecaster'), kernels, `loadForecaster(${path})`);
}

export function saveGlobalForecaster(path: string, model: GlobalForecaster): void {
  writeFileAtomic(path, encodeGlobalForecaster(model));
}

export function loadGlobalForecaster(path: string, kernels?: Kernels): GlobalForecaster {
  return decodeGlobalForecaster(readBinaryFile(path, 'loadGlobalForecaster'), kernels, `loadGlobalForecaster(${path})`);
}
