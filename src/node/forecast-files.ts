/** Forecasters to and from files, for Node: written atomically, read with clear errors. */
import { decodeForecaster, encodeForecaster } from '../io/forecaster-file.js';
import type { Kernels } from '../kernels/index.js';
import type { Forecaster } from '../models/forecaster.js';
import { readBinaryFile, writeFileAtomic } from './files.js';

export function saveForecaster(path: string, forecaster: Forecaster): void {
  writeFileAtomic(path, encodeForecaster(forecaster));
}

export function loadForecaster(path: string, kernels?: Kernels): Forecaster {
  return decodeForecaster(readBinaryFile(path, 'loadForecaster'), kernels, `loadForecaster(${path})`);
}
