/**
 * `lstm classify --tag`: per-step labelling from a CSV whose rows hold a text and one tag per token
 * of it (space-separated), on the documented split; the tagger is reported beside the majority tag
 * and the most frequent tag of each token (a baseline that sees one token, no context), with its
 * confusion matrix. With --model, the tags of the texts given.
 */
import {
  type ClassificationReport,
  classificationReport,
  column,
  documentedSplit,
  SequenceTagger,
  type TokenKind,
  TokenTagBaseline,
  TokenVocab,
} from '../index.js';
import { loadTagger, readCsvFile, saveTagger } from '../node/index.js';
import { UsageError } from './args.js';
import { percent, table } from './classify-report.js';

export interface TagSettings {
  tokens: TokenKind;
  minCount: number;
  maxSize: number;
  embeddingSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  dropout: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  seed: number;
}

interface TaggedRows {
  texts: string[];
  tags: string[][];
  classes: string[];
}

function readTaggedCsv(path: string, textColumn: string, tagColumn: string): TaggedRows {
  const table = readCsvFile(path);
  const texts = column(table, textColumn);
  const tags = column(table, tagColumn).map((cell) =>
    cell
      .trim()
      .split(/\s+/)
      .filter((t) => t !== ''),
  );
  const classes = [...new Set(tags.flat())].sort();
  return { texts, tags, classes };
}

/** Every test step's tag by two baselines: the majority tag, and each token's most frequent tag. */
function baselines(
  vocab: TokenVocab,
  train: { texts: string[]; labels: Int32Array[] },
  test: { texts: string[]; labels: Int32Array[] },
  K: number,
): { majority: ClassificationReport; perToken: ClassificationReport } {
  const baseline = TokenTagBaseline.fit(
    train.texts.map((text) => vocab.tokenize(text)),
    train.labels,
    K,
  );
  const actual = test.labels.flatMap((l) => Array.from(l));
  const perTokenGuess = test.texts.flatMap((text) => baseline.predict(vocab.tokenize(text)));
  return {
    majority: classificationReport(
      actual,
      actual.map(() => baseline.majority),
      K,
    ),
    perToken: classificationReport(actual, perTokenGuess, K),
  };
}

export function tagCommand(csv: string, textColumn: string, tagColumn: string, s: TagSettings, save?: string): number {
  const rows = readTaggedCsv(csv, textColumn, tagColumn);
  const K = rows.classes.length;
  const ids = rows.tags.map((t) => Int32Array.from(t, (tag) => rows.classes.indexOf(tag)));
  const split = documentedSplit(rows.texts.length);
  const part = (indices: number[]): { texts: string[]; labels: Int32Array[]; describe: (i: number) => string } => ({
    texts: indices.map((i) => rows.texts[i] as string),
    labels: indices.map((i) => ids[i] as Int32Array),
    describe: (i) => `${csv} row ${(indices[i] as number) + 2}`,
  });
  const [train, valid, test] = [part(split.train), part(split.valid), part(split.test)];
  const vocab = TokenVocab.build(train.texts, { tokens: s.tokens, minCount: s.minCount, maxSize: s.maxSize });
  const tagger = new SequenceTagger({
    classes: rows.classes,
    vocab,
    embeddingSize: s.embeddingSize,
    hiddenSize: s.hiddenSize,
    numLayers: s.numLayers,
    bidirectional: s.bidirectional,
    dropout: s.dropout,
    seed: s.seed,
  });
  process.stderr.write(
    `${csv}: ${train.texts.length} training, ${valid.texts.length} validation, ${test.texts.length} test sequences; ` +
      `${K} tags; ${s.tokens} vocabulary of ${vocab.size} tokens\n`,
  );
  const started = performance.now();
  const history = tagger.fit(
    { inputs: train.texts, ...train },
    { inputs: valid.texts, ...valid },
    {
      ...s,
      onEpoch: (e) =>
        process.stderr.write(
          `  epoch ${e.epoch}: training loss ${e.trainLoss.toFixed(4)}, validation loss ${e.validLoss.toFixed(4)}, ${e.seconds.toFixed(0)} s\n`,
        ),
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const base = baselines(vocab, train, test, K);
  const model = tagger.evaluate({ inputs: test.texts, ...test });
  const name = `LSTM tagger (${s.tokens} tokens, embedding ${s.embeddingSize}, hidden ${s.hiddenSize}${s.bidirectional ? ', bidirectional' : ''})`;
  const reports: Array<[string, ClassificationReport]> = [
    ['majority tag', base.majority],
    ["each token's most frequent tag", base.perToken],
    [name, model],
  ];
  const perClass = K <= 6;
  const header = ['model', 'accuracy', 'macro F1', ...(perClass ? rows.classes.map((c) => `F1 ${c}`) : [])];
  const steps = test.labels.reduce((n, l) => n + l.length, 0);
  console.log(
    [
      `## ${csv}: ${steps} tagged steps in ${test.texts.length} test sequences (every fifth)`,
      '',
      table(
        header,
        reports.map(([label, r]) => [
          label,
          percent(r.accuracy),
          r.macroF1.toFixed(4),
          ...(perClass ? r.perClass.map((c) => c.f1.toFixed(4)) : []),
        ]),
      ),
      '',
      'Confusion matrix of the tagger (rows: true tag, columns: predicted)',
      '',
      table(
        ['', ...rows.classes],
        model.confusion.map((row, i) => [rows.classes[i] as string, ...row.map(String)]),
      ),
      '',
      `Training: ${history.epochs.length} epochs in ${seconds.toFixed(1)} s, the weights of epoch ${history.bestEpoch} kept.`,
    ].join('\n'),
  );
  if (save !== undefined) {
    saveTagger(save, tagger);
    console.log(`Saved the tagger to ${save}.`);
  }
  return 0;
}

/** Each text's tokens with their predicted tags (and the tag's probability), or JSON. */
export function tagPredictCommand(modelPath: string, texts: string[], json: boolean): number {
  if (texts.length === 0) throw new UsageError('lstm classify: --model needs texts to tag: --text TEXT.');
  const tagger = loadTagger(modelPath);
  const vocab = tagger.vocab;
  if (vocab === null) throw new UsageError(`lstm classify: ${modelPath} reads token ids or numbers, not texts.`);
  const probabilities = tagger.predictProba(texts);
  const rows = texts.map((text, n) =>
    vocab.tokenize(text).map((token, t) => {
      const p = (probabilities[n] as Float64Array[])[t] as Float64Array;
      const best = p.indexOf(Math.max(...p));
      return { token, tag: tagger.classes[best] as string, probability: p[best] as number };
    }),
  );
  if (json) console.log(JSON.stringify(rows));
  else for (const r of rows) console.log(r.map((s) => `${s.token}/${s.tag}`).join(' '));
  return 0;
}
