/**
 * The data and report side of `lstm classify`: labelled texts split the documented way, the
 * baselines computed beside the model on the same split, and the markdown tables printed.
 */
import {
  BagOfWordsClassifier,
  type ClassificationReport,
  DataError,
  classificationReport,
  type FitHistory,
  labelTexts,
  majorityClass,
  type SequenceClassifier,
} from '../index.js';

/** Texts and class ids; describe(n) names text n as the source does (a CSV row, a message). */
export interface TextSet {
  inputs: string[];
  labels: Int32Array;
  describe: (n: number) => string;
}

export interface Dataset {
  name: string;
  classes: string[];
  train: TextSet;
  valid: TextSet;
  test: TextSet;
}

export interface ModelRow {
  name: string;
  report: ClassificationReport;
  seconds: number;
}

/** Labelled texts as read from a file, before they are split. */
export interface LabelledRows {
  name: string;
  texts: readonly string[];
  labels: readonly string[];
  describe: (n: number) => string;
}

/**
 * Texts and label cells → classes, and the split: the test set is `files.test` when given, else
 * every fifth text (src/data/batches.ts documentedSplit); the validation set is `files.valid` when
 * given, else every tenth of the texts left; the rest trains. Classes come from the main texts;
 * a held-out file's label must be one of them.
 */
export function datasetFrom(
  main: LabelledRows,
  files: { valid?: LabelledRows | undefined; test?: LabelledRows | undefined } = {},
): Dataset {
  const { classes, labels } = labelTexts(main.name, main.texts, main.labels, main.describe);
  const indices = Array.from({ length: main.texts.length }, (_, i) => i);
  // without files, exactly the documented split: test i % 5 = 4, validation every tenth of the rest
  const test = files.test === undefined ? indices.filter((i) => i % 5 === 4) : [];
  const rest = indices.filter((i) => files.test !== undefined || i % 5 !== 4);
  const valid = files.valid === undefined ? rest.filter((_, k) => k % 10 === 9) : [];
  const train = rest.filter((_, k) => files.valid !== undefined || k % 10 !== 9);
  const part = (picked: number[]): TextSet => ({
    inputs: picked.map((i) => main.texts[i] as string),
    labels: Int32Array.from(picked, (i) => labels[i] as number),
    describe: (k) => main.describe(picked[k] as number),
  });
  return {
    name: main.name,
    classes,
    train: part(train),
    valid: files.valid === undefined ? part(valid) : heldOutSet(files.valid, classes),
    test: files.test === undefined ? part(test) : heldOutSet(files.test, classes),
  };
}

/** A validation or test file's texts, each label one of the training classes. */
function heldOutSet(rows: LabelledRows, classes: readonly string[]): TextSet {
  if (rows.texts.length === 0)
    throw new DataError(rows.name, 'has no rows.', 'a held-out file needs at least one labelled text.');
  const ids = new Map(classes.map((c, k) => [c, k]));
  const labels = Int32Array.from(rows.labels, (cell, n) => {
    const id = ids.get(cell.trim());
    if (id === undefined)
      throw new DataError(
        rows.name,
        `${rows.describe(n)}: the label ${JSON.stringify(cell.trim())} is not a class of the training data (${classes.join(', ')}).`,
        'every held-out label must occur in the training file.',
      );
    return id;
  });
  rows.texts.forEach((t, n) => {
    if (t.trim() === '') throw new DataError(rows.name, `${rows.describe(n)}: the text is empty.`);
  });
  return { inputs: [...rows.texts], labels, describe: rows.describe };
}

/** The majority class and the bag of words (both fitted on the training and validation texts), then the model. */
export function evaluateAll(data: Dataset, model: SequenceClassifier, modelName: string): ModelRow[] {
  const K = data.classes.length;
  const fitTexts = [...data.train.inputs, ...data.valid.inputs];
  const fitLabels = [...Array.from(data.train.labels), ...Array.from(data.valid.labels)];
  const timed = (name: string, predict: () => ArrayLike<number>): ModelRow => {
    const started = performance.now();
    const predicted = predict();
    return {
      name,
      report: classificationReport(data.test.labels, predicted, K),
      seconds: (performance.now() - started) / 1000,
    };
  };
  const majority = majorityClass(fitLabels, K);
  return [
    timed('majority class', () => data.test.inputs.map(() => majority)),
    timed('bag of words (logistic regression)', () => {
      const bag = BagOfWordsClassifier.fit(fitTexts, fitLabels, K);
      return data.test.inputs.map((t) => bag.predict(t));
    }),
    { ...timed(modelName, () => model.predict(data.test.inputs)) },
  ];
}

export const percent = (x: number): string => `${(100 * x).toFixed(2)} %`;

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function printReport(data: Dataset, rows: ModelRow[], training: { history: FitHistory; seconds: number }): void {
  const { classes } = data;
  const perClass = classes.length <= 6;
  const header = [
    'model',
    'accuracy',
    'macro F1',
    ...(perClass ? classes.flatMap((c) => [`precision ${c}`, `recall ${c}`, `F1 ${c}`]) : []),
  ];
  const body = rows.map((r) => [
    r.name,
    percent(r.report.accuracy),
    r.report.macroF1.toFixed(4),
    ...(perClass
      ? r.report.perClass.flatMap((s) => [s.precision.toFixed(4), s.recall.toFixed(4), s.f1.toFixed(4)])
      : []),
  ]);
  const model = rows[rows.length - 1] as ModelRow;
  const { history, seconds } = training;
  console.log(
    [
      `## ${data.name}: ${data.test.inputs.length} test texts (every fifth), ` +
        `${data.train.inputs.length} training, ${data.valid.inputs.length} validation`,
      '',
      table(header, body),
      '',
      `Confusion matrix of the ${model.name.split(' (')[0]} (rows: true class, columns: predicted)`,
      '',
      table(
        ['', ...classes],
        model.report.confusion.map((row, i) => [classes[i] as string, ...row.map(String)]),
      ),
      '',
      `Training: ${history.epochs.length} epochs in ${seconds.toFixed(1)} s, the weights of epoch ${history.bestEpoch} ` +
        `kept (lowest validation loss, ${history.epochs[history.bestEpoch - 1]?.validLoss.toFixed(4)}); ` +
        `test predictions ${model.seconds.toFixed(1)} s.`,
    ].join('\n'),
  );
}

export function printProbabilities(
  classes: readonly string[],
  texts: string[],
  probabilities: Float64Array[],
  json: boolean,
): void {
  const rows = texts.map((text, n) => {
    const p = probabilities[n] as Float64Array;
    return {
      text,
      predicted: classes[p.indexOf(Math.max(...p))] as string,
      probabilities: Object.fromEntries(classes.map((c, k) => [c, p[k] as number])),
    };
  });
  if (json) {
    console.log(JSON.stringify(rows));
    return;
  }
  const shorten = (t: string): string => {
    const flat = t.replace(/\s+/g, ' ').trim().replaceAll('|', '\\|');
    return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
  };
  console.log(
    table(
      ['text', 'predicted', ...classes],
      rows.map((r) => [shorten(r.text), r.predicted, ...classes.map((c) => (r.probabilities[c] as number).toFixed(4))]),
    ),
  );
}
