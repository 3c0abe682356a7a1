/**
 * Files of the npm dataset packages the built-in examples read. vega-datasets exports only its
 * JavaScript entry, so its data folder is found beside that entry (build/index.js → ../data).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function vegaDatasetPath(file: string): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(dirname(entry)), 'data', file);
}
