/**
 * The CMUdict G2P split of `lstm seq2seq train --example cmudict` (seed 1 unless given) as TSV
 * files, for peers to train on the same pairs: DIR/train.tsv, valid.tsv, test.tsv, with columns
 * word (letters) and phonemes (ARPAbet without stress, space-separated), one row per
 * pronunciation (a word with alternatives has several rows).
 *
 *   node dist/bench/g2p-split.js DIR [--seed 1]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { g2pWords, splitG2P } from '../src/data/g2p.js';
import { loadCmuDict } from '../src/node/datasets.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string', default: '1' } },
});
const dir = positionals[0];
if (dir === undefined) throw new Error('usage: g2p-split.js DIR [--seed N]');
mkdirSync(dir, { recursive: true });
const split = splitG2P(g2pWords(loadCmuDict()), Number(values.seed));
for (const [name, words] of Object.entries({ train: split.train, valid: split.valid, test: split.test })) {
  const rows = words.flatMap((w) => w.pronunciations.map((p) => `${w.word}\t${p.join(' ')}`));
  writeFileSync(join(dir, `${name}.tsv`), `word\tphonemes\n${rows.join('\n')}\n`);
  console.log(`${name}: ${words.length} words, ${rows.length} pairs`);
}
