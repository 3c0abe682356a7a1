/**
 * The classify view's jobs, run in its worker:
 *   classify-load-csv    a CSV → the table, kept here; answers its columns and a guess at which
 *   classify-train       the pasted lines or the CSV's columns → TokenVocab and SequenceClassifier
 *                        trained on the documented split's training part (an event per epoch),
 *                        scored on its test part beside the majority class and a bag of words
 *   classify-predict     one text → the probability of every class
 *   classify-save        the model as the bytes of a model file (`lstm classify --save` format)
 *   classify-load-model  such bytes → the model used from then on
 */
import {
  BagOfWordsClassifier,
  classificationReport,
  type ClassificationReport,
  decodeClassifier,
  encodeClassifier,
  majorityClass,
  SequenceClassifier,
  type Table,
  type TokenKind,
  TokenVocab,
} from 'lstm';
import { type Dataset, guessTextColumns, readColumns, readLines, splitDataset } from '../classify-data.ts';
import { parseCsvTable } from '../forecast-csv.ts';
import type { Job, JobContext } from '../rpc.ts';

let table: Table | null = null;
let model: SequenceClassifier | null = null;

export interface CsvLoaded {
  name: string;
  rows: number;
  columns: string[];
  text: string;
  label: string;
}

export interface ClassifyTrainInput {
  /** The pasted lines, or a CSV loaded before and its columns. */
  source: { lines: string } | { textColumn: string; labelColumn: string };
  tokens: TokenKind;
  epochs: number;
  hidden: number;
  bidirectional: boolean;
  bagOfTokens: boolean;
  seed: number;
}

/** One epoch, as the 'classify-epoch' event sends it. */
export interface ClassifyEpoch {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  seconds: number;
}

export interface ModelRow {
  name: string;
  accuracy: number;
  macroF1: number;
}

export interface ClassifyResult {
  name: string;
  classes: string[];
  sizes: { train: number; valid: number; test: number };
  vocabulary: number;
  /** Majority class, bag of words, then the LSTM, all on the test texts. */
  rows: ModelRow[];
  /** The LSTM's confusion matrix on the test texts: [true class][predicted class]. */
  confusion: number[][];
  epochs: number;
  bestEpoch: number;
  seconds: number;
}

export interface Probabilities {
  classes: string[];
  probabilities: number[];
}

function loadCsv(input: { text: string; name: string }): CsvLoaded {
  table = parseCsvTable(input.text, input.name);
  return { name: input.name, rows: table.rows, columns: [...table.names], ...guessTextColumns(table) };
}

function dataset(source: ClassifyTrainInput['source']): Dataset {
  if ('lines' in source) return splitDataset(readLines(source.lines));
  if (table === null) throw new Error('Load a CSV file first, or train on the lines.');
  return splitDataset(readColumns(table, source.textColumn, source.labelColumn));
}

const row = (name: string, r: ClassificationReport): ModelRow => ({ name, accuracy: r.accuracy, macroF1: r.macroF1 });

function train(input: ClassifyTrainInput, ctx: JobContext): ClassifyResult {
  const data = dataset(input.source);
  const K = data.classes.length;
  // a small corpus: every token seen in training is kept (the CLI keeps those seen twice)
  const vocab = TokenVocab.build(data.train.inputs, { tokens: input.tokens, minCount: 1 });
  const trained = new SequenceClassifier({
    classes: data.classes,
    vocab,
    embeddingSize: 16,
    hiddenSize: input.hidden,
    bidirectional: input.bidirectional,
    bagOfTokens: input.bagOfTokens,
    pooling: 'max',
    maxLength: 300,
    seed: input.seed,
  });
  const started = performance.now();
  const history = trained.fit(data.train, data.valid.inputs.length > 0 ? data.valid : undefined, {
    epochs: input.epochs,
    // a few dozen texts: small batches and a brisk rate, so a few seconds suffice
    batchSize: 8,
    learningRate: 0.01,
    patience: 10,
    seed: input.seed,
    onEpoch: (e) => ctx.emit('classify-epoch', e satisfies ClassifyEpoch),
  });
  const seconds = (performance.now() - started) / 1000;
  model = trained;
  // the baselines learn from training and validation texts (they need no early stopping)
  const fitTexts = [...data.train.inputs, ...data.valid.inputs];
  const fitLabels = [...data.train.labels, ...data.valid.labels];
  const majority = majorityClass(fitLabels, K);
  const bag = BagOfWordsClassifier.fit(fitTexts, fitLabels, K);
  const lstm = classificationReport(data.test.labels, trained.predict(data.test.inputs), K);
  const test = data.test.labels;
  return {
    name: data.name,
    classes: data.classes,
    sizes: { train: data.train.inputs.length, valid: data.valid.inputs.length, test: data.test.inputs.length },
    vocabulary: vocab.size,
    rows: [
      row(
        `majority class (${data.classes[majority]})`,
        classificationReport(
          test,
          data.test.inputs.map(() => majority),
          K,
        ),
      ),
      row(
        'bag of words (logistic regression)',
        classificationReport(
          test,
          data.test.inputs.map((t) => bag.predict(t)),
          K,
        ),
      ),
      row(`LSTM (${input.tokens} tokens, hidden ${input.hidden})`, lstm),
    ],
    confusion: lstm.confusion,
    epochs: history.epochs.length,
    bestEpoch: history.bestEpoch,
    seconds,
  };
}

function current(): SequenceClassifier {
  if (model === null) throw new Error('Train a classifier or load a model file first.');
  return model;
}

function predict(input: { text: string }): Probabilities {
  const m = current();
  const [p] = m.predictProba([input.text]);
  return { classes: [...m.classes], probabilities: Array.from(p ?? []) };
}

function loadModel(bytes: Uint8Array): { classes: string[]; description: string } {
  const loaded = decodeClassifier(bytes);
  const input = loaded.config.input;
  if (loaded.vocab === null || input.kind !== 'tokens')
    throw new Error(
      'decodeClassifier: this classifier reads numbers or bare token ids, not text; the view needs one with a vocabulary.',
    );
  model = loaded;
  const c = loaded.config;
  return {
    classes: [...loaded.classes],
    description:
      `${loaded.vocab.kind} tokens (vocabulary ${loaded.vocab.size}), embedding ${input.embeddingSize}, ` +
      `hidden ${c.hiddenSize}${c.bidirectional ? ', bidirectional' : ''}, ${c.pooling} pooling${c.bagOfTokens ? ', bag of tokens' : ''}`,
  };
}

export const CLASSIFY_JOBS: Record<string, Job> = {
  'classify-load-csv': loadCsv,
  'classify-train': train,
  'classify-predict': predict,
  'classify-save': () => encodeClassifier(current()),
  'classify-load-model': loadModel,
};
