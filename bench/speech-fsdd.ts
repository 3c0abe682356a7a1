/**
 * The speech recogniser on the Free Spoken Digit Dataset (bench/fsdd-data.ts), decoded by CTC
 * (no classification head), on the default (fastest) backend. Each task writes its figures to
 * bench/results/speech/TASK.json and prints them:
 *   isolated    official split (takes 0–4 test): exact-transcript accuracy
 *   connected   3–7 digits of one speaker joined with silence and noise, from train-take clips
 *               for training and test-take clips for testing: character error, whole-string accuracy
 *   speakers    leave one speaker out, for every speaker: accuracy on the held-out speaker
 *
 *   node dist/bench/speech-fsdd.js --task isolated [--hidden 128] [--layers 2] [--epochs 30] [--minutes 10]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultKernels, defaultSpecAugment, Rng, SpeechRecognizer, type SpeechFitOptions } from '../src/index.node.js';
import { saveSpeechRecognizer } from '../src/node/index.js';
import { type Clip, connectedDigits, FSDD_RATE, loadFsdd, officialSplit, type SpeechSet, setOf } from './fsdd-data.js';

const { values } = parseArgs({
  options: {
    task: { type: 'string', default: 'isolated' },
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '2' },
    stack: { type: 'string', default: '2' },
    features: { type: 'string', default: 'mfcc' },
    mels: { type: 'string', default: '40' },
    deltas: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '40' },
    minutes: { type: 'string', default: '15' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '3e-3' },
    dropout: { type: 'string', default: '0.1' },
    patience: { type: 'string', default: '6' },
    'spec-augment': { type: 'boolean', default: false },
    utterances: { type: 'string', default: '4000' },
    speakers: { type: 'string' },
    save: { type: 'string' },
    out: { type: 'string', default: 'bench/results/speech' },
  },
});

const settings = {
  hidden: Number(values.hidden),
  layers: Number(values.layers),
  stack: Number(values.stack),
  features: values.features as 'mfcc' | 'logmel',
  mels: Number(values.mels),
  deltas: Number(values.deltas) as 0 | 1 | 2,
  epochs: Number(values.epochs),
  minutes: Number(values.minutes),
  batch: Number(values.batch),
  lr: Number(values.lr),
  dropout: Number(values.dropout),
  patience: Number(values.patience),
  specAugment: values['spec-augment'] === true,
};

const ALPHABET = '0123456789';

interface Run {
  seconds: number;
  epochs: number;
  bestEpoch: number;
  characterErrorRate: number;
  accuracy: number;
  utterances: number;
}

/** Train on `train` (10 % of it held out for early stopping, seeded) and score `test`. */
function trainAndScore(
  train: SpeechSet,
  test: SpeechSet,
  seed: number,
  name: string,
): { run: Run; model: SpeechRecognizer } {
  const order = Array.from(train.texts, (_, i) => i);
  new Rng(seed).shuffle(order);
  const held = Math.round(0.1 * order.length);
  const part = (idx: number[]): SpeechSet => ({
    audio: idx.map((i) => train.audio[i] as Float32Array),
    texts: idx.map((i) => train.texts[i] as string),
  });
  const model = new SpeechRecognizer({
    alphabet: ALPHABET,
    features: { sampleRate: FSDD_RATE, kind: settings.features, melBands: settings.mels, deltas: settings.deltas },
    stack: settings.stack,
    hiddenSize: settings.hidden,
    numLayers: settings.layers,
    dropout: settings.dropout,
    seed,
  });
  const fit: SpeechFitOptions = {
    epochs: settings.epochs,
    batchSize: settings.batch,
    learningRate: settings.lr,
    patience: settings.patience,
    clip: 5,
    seed,
    maxSeconds: 60 * settings.minutes,
    schedule: {
      kind: 'cosine',
      warmup: 100,
      total: Math.ceil((settings.epochs * 0.9 * order.length) / settings.batch),
      minLr: 0,
    },
    ...(settings.specAugment ? { specAugment: defaultSpecAugment(model.config) } : {}),
    onEpoch: (r) =>
      console.log(
        `  ${name} epoch ${r.epoch}: training ${r.trainLoss.toFixed(4)}, validation ${r.validLoss.toFixed(4)}, ${r.seconds.toFixed(0)} s`,
      ),
  };
  const started = performance.now();
  const history = model.fit(part(order.slice(held)), part(order.slice(0, held)), fit);
  const seconds = (performance.now() - started) / 1000;
  const report = model.evaluate(test);
  const run = {
    seconds,
    epochs: history.epochs.length,
    bestEpoch: history.bestEpoch,
    characterErrorRate: report.characterErrorRate,
    accuracy: report.accuracy,
    utterances: report.utterances,
  };
  console.log(
    `${name}: accuracy ${(100 * run.accuracy).toFixed(2)} %, character error ${(100 * run.characterErrorRate).toFixed(2)} %, ` +
      `${run.utterances} test utterances, trained ${seconds.toFixed(0)} s (${run.epochs} epochs, best ${run.bestEpoch})`,
  );
  return { run, model };
}

const clips = loadFsdd();
const { train, test } = officialSplit(clips);
const record: Record<string, unknown> = {
  task: values.task,
  backend: defaultKernels().name,
  date: new Date().toISOString(),
  settings,
};
if (values.task === 'isolated') {
  const { run, model } = trainAndScore(setOf(train), setOf(test), 1, 'isolated');
  // the same-speaker figure per speaker, beside the leave-one-speaker-out one
  const bySpeaker: Record<string, number> = {};
  for (const speaker of [...new Set(test.map((c) => c.speaker))].sort()) {
    bySpeaker[speaker] = model.evaluate(setOf(test.filter((c) => c.speaker === speaker))).accuracy;
    console.log(`  ${speaker}: accuracy ${(100 * (bySpeaker[speaker] as number)).toFixed(1)} % on its test takes`);
  }
  record.result = { ...run, bySpeaker };
  if (values.save !== undefined) saveSpeechRecognizer(values.save, model);
} else if (values.task === 'connected') {
  const n = Number(values.utterances);
  const trainSet = connectedDigits(train, n, 1);
  const testSet = connectedDigits(test, 500, 2);
  const { run, model } = trainAndScore(trainSet, testSet, 1, 'connected');
  record.result = { ...run, trainUtterances: n };
  if (values.save !== undefined) saveSpeechRecognizer(values.save, model);
} else if (values.task === 'speakers') {
  const speakers = values.speakers?.split(',') ?? [...new Set(clips.map((c) => c.speaker))].sort();
  const rows: Record<string, Run> = {};
  for (const speaker of speakers) {
    const held = (c: Clip): boolean => c.speaker === speaker;
    rows[speaker] = trainAndScore(setOf(clips.filter((c) => !held(c))), setOf(clips.filter(held)), 1, speaker).run;
  }
  record.result = rows;
} else throw new Error(`--task is isolated, connected or speakers; got ${values.task}`);
mkdirSync(values.out, { recursive: true });
const file = `${values.out}/${values.task}.json`;
writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
console.log(`wrote ${file}`);
