/**
 * `lstm speech train|transcribe|eval`: CTC speech recognisers (SpeechRecognizer) from the command
 * line. train reads a folder of WAV files with their transcripts (transcripts.csv, or files named
 * LABEL_*.wav), holds out a validation part, trains, and reports character and word error rates;
 * transcribe prints the text of WAV files with each character's time; eval scores a saved model.
 */
import { defaultSpecAugment, Rng, SpeechRecognizer, type Transcript, type Utterances } from '../index.js';
import {
  checkOutputPath,
  listSpeechFolder,
  loadSpeechRecognizer,
  readSpeechFiles,
  readWavFile,
  saveSpeechRecognizer,
  type SpeechFolder,
  writeAlignmentChart,
} from '../node/index.js';
import { parseSchedule } from '../index.js';
import { UsageError } from './args.js';
import { defineCommand, EPOCH_SCHEDULE_FLAG, type FlagValues, HELP_FLAG, readCommandLine } from './flags.js';
import { percent, UpdateProgress } from './seq2seq-report.js';

const DATA = 'Data:';

export const SPEECH = defineCommand(
  'speech',
  {
    data: {
      group: DATA,
      type: 'string',
      value: 'DIR',
      help: 'a folder of WAV files with transcripts.csv (columns file,text) or named LABEL_*.wav (train, eval)',
    },
    transcripts: { type: 'string', value: 'FILE', help: "the transcript table, if not the folder's transcripts.csv" },
    valid: { type: 'string', value: 'DIR', help: 'a validation folder (early stopping)', shown: '10 % of --data' },
    test: { type: 'string', value: 'DIR', help: 'a test folder, scored after training', shown: 'none' },
    'sample-rate': {
      type: 'integer',
      min: 1000,
      max: 192000,
      help: 'the rate every recording is resampled to',
      shown: "the first file's",
    },
    features: {
      group: 'Model (train):',
      type: 'choice',
      choices: ['mfcc', 'logmel'],
      default: 'mfcc',
      help: 'MFCC or log-mel filterbank',
    },
    mels: { type: 'integer', min: 1, max: 512, default: 40, help: 'mel bands' },
    mfcc: { type: 'integer', min: 1, max: 512, default: 13, help: 'cepstral coefficients (mfcc)' },
    deltas: { type: 'integer', min: 0, max: 2, default: 2, help: 'append Δ (1) or Δ and ΔΔ (2)' },
    stack: { type: 'integer', min: 1, max: 16, default: 2, help: 'feature frames per recurrent step (subsampling)' },
    hidden: { type: 'integer', min: 1, max: 4096, default: 128, help: 'hidden size per direction' },
    layers: { type: 'integer', min: 1, max: 16, default: 2, help: 'recurrent layers' },
    unidirectional: { type: 'boolean', help: 'read forwards only (a streaming-capable model)' },
    dropout: { type: 'number', min: 0, max: 0.99, default: 0.3, help: 'dropout between layers while training' },
    epochs: { group: 'Training:', type: 'integer', min: 1, max: 1e5, default: 30, help: 'passes at most' },
    batch: { type: 'integer', min: 1, max: 1e5, default: 32, help: 'utterances per update' },
    minutes: { type: 'number', min: 0, max: 1e6, minExclusive: true, help: 'stop after N minutes', shown: 'none' },
    lr: { type: 'number', min: 0, max: 10, minExclusive: true, default: 3e-3, help: "Adam's learning rate" },
    schedule: EPOCH_SCHEDULE_FLAG,
    patience: { type: 'integer', min: 1, max: 1e5, default: 5, help: 'epochs without a better validation loss' },
    augment: {
      type: 'choice',
      choices: ['specaugment', 'none'],
      default: 'specaugment',
      help: 'SpecAugment: mask 2 bands of features and 2 runs of ≤ 80 ms in every utterance, afresh each epoch',
    },
    seed: { type: 'integer', min: 0, max: 2 ** 32 - 1, default: 1, help: 'seed of the split, weights and batches' },
    save: { type: 'string', value: 'FILE', help: 'save the trained model' },
    model: { group: 'Decoding:', type: 'string', value: 'FILE', help: 'a model saved with --save (transcribe, eval)' },
    beam: { type: 'integer', min: 1, max: 1000, default: 1, help: 'prefix beam width (1 = greedy)' },
    nbest: { type: 'integer', min: 1, max: 1000, default: 1, help: 'transcripts printed per file (with --beam)' },
    timing: { type: 'boolean', help: 'print each character with its start and end in seconds' },
    json: { type: 'boolean', help: 'transcripts (with timing and alternatives) as JSON' },
    alignment: {
      type: 'string',
      value: 'FILE.png',
      help: "the first file's CTC alignment: spectrogram, posteriors and the characters in time",
    },
    help: HELP_FLAG,
  },
  {
    usage: `Usage: lstm speech train --data DIR [--valid DIR] [--test DIR] [options] [--save FILE]
       lstm speech transcribe --model FILE FILE.wav [FILE.wav …] [--timing] [--beam N] [--json]
       lstm speech eval --model FILE --data DIR [--beam N]`,
    intro: `Train a speech recogniser: features (MFCC or log-mel, from raw WAV at any rate and format) →
frames stacked → bidirectional LSTM → CTC. It learns from whole transcripts (no timing needed) and
writes characters with the time CTC aligned each to.`,
    notes: {
      [DATA]: `Without --valid, a seeded 10 % of --data is held out for early stopping. The model file keeps
the feature settings and the sample rate: transcribe and eval read any WAV and resample it.`,
    },
    labelWidth: 18,
    closing: `Example: lstm speech train --data recordings --test test-recordings --save digits.lstm
         lstm speech transcribe --model digits.lstm 7_jackson_0.wav --timing`,
  },
);

type Values = FlagValues<typeof SPEECH.flags>;

function readFolder(dir: string, sampleRate: number, transcripts?: string): SpeechFolder {
  const { files, texts } = listSpeechFolder(dir, transcripts);
  return readSpeechFiles(files, texts, sampleRate);
}

/** Utterances i ∈ picked of a folder. */
function subset(data: SpeechFolder, picked: readonly number[]): SpeechFolder {
  const files = picked.map((i) => data.files[i] as string);
  return {
    audio: picked.map((i) => data.audio[i] as ArrayLike<number>),
    texts: picked.map((i) => data.texts[i] as string),
    files,
    describe: (i) => files[i] ?? `utterance ${i}`,
  };
}

function scoreLine(model: SpeechRecognizer, data: Utterances, name: string, beam: number): void {
  const started = performance.now();
  const r = model.evaluate(data, { beam });
  console.log(
    `${name}: ${r.utterances} utterances, character error ${percent(r.characterErrorRate)}, ` +
      `word error ${percent(r.wordErrorRate)}, exact ${percent(r.accuracy)} ` +
      `(${beam === 1 ? 'greedy' : `beam ${beam}`}, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}

function trainCommand(values: Values): number {
  if (values.data === undefined) throw new UsageError('lstm speech train: --data DIR is needed.');
  if (values.save !== undefined) checkOutputPath(values.save, 'lstm speech train --save');
  const listed = listSpeechFolder(values.data, values.transcripts);
  const sampleRate = values['sample-rate'] ?? readWavFile(listed.files[0] as string).sampleRate;
  const all = readSpeechFiles(listed.files, listed.texts, sampleRate);
  let train = all;
  let valid: SpeechFolder | undefined;
  if (values.valid !== undefined) valid = readFolder(values.valid, sampleRate);
  else if (all.files.length >= 10) {
    const order = Array.from(all.files, (_, i) => i);
    new Rng(values.seed).shuffle(order);
    const held = Math.max(1, Math.round(0.1 * order.length));
    valid = subset(
      all,
      order.slice(0, held).sort((a, b) => a - b),
    );
    train = subset(
      all,
      order.slice(held).sort((a, b) => a - b),
    );
  }
  const alphabet = [...new Set([...train.texts, ...(valid?.texts ?? [])].flatMap((t) => [...t]))].sort();
  console.log(
    `${values.data}: ${train.files.length} training, ${valid?.files.length ?? 0} validation recordings at ${sampleRate} Hz; ` +
      `alphabet ${JSON.stringify(alphabet.join(''))}`,
  );
  const model = new SpeechRecognizer({
    alphabet,
    features: {
      sampleRate,
      kind: values.features as 'mfcc' | 'logmel',
      melBands: values.mels,
      mfccCount: values.mfcc,
      deltas: values.deltas as 0 | 1 | 2,
    },
    stack: values.stack,
    hiddenSize: values.hidden,
    numLayers: values.layers,
    bidirectional: values.unidirectional !== true,
    dropout: values.dropout,
    seed: values.seed,
  });
  const progress = new UpdateProgress(Math.ceil(train.files.length / values.batch));
  const started = performance.now();
  const history = model.fit(train, valid, {
    epochs: values.epochs,
    batchSize: values.batch,
    learningRate: values.lr,
    patience: values.patience,
    seed: values.seed,
    clip: 5,
    maxSeconds: values.minutes === undefined ? undefined : 60 * values.minutes,
    schedule: values.schedule === undefined ? undefined : parseSchedule(values.schedule),
    specAugment: values.augment === 'none' ? undefined : defaultSpecAugment(model.config),
    onUpdate: (e) => progress.update(e),
    onEpoch: (r) => {
      progress.clear();
      console.log(
        `  epoch ${r.epoch}: training loss ${r.trainLoss.toFixed(4)}, validation loss ${r.validLoss.toFixed(4)}, ${r.seconds.toFixed(0)} s`,
      );
    },
  });
  console.log(
    `trained in ${((performance.now() - started) / 1000).toFixed(0)} s; the weights of epoch ${history.bestEpoch} kept (lowest validation loss)`,
  );
  if (values.save !== undefined) {
    saveSpeechRecognizer(values.save, model);
    console.log(`saved ${values.save}`);
  }
  if (valid !== undefined) scoreLine(model, valid, 'validation', values.beam);
  if (values.test !== undefined) scoreLine(model, readFolder(values.test, sampleRate), 'test', values.beam);
  return 0;
}

function transcriptLines(file: string, t: Transcript, timing: boolean): string[] {
  const lines = [`${file}\t${t.text}\t${t.logProb.toFixed(3)}`];
  for (const a of t.alternatives) lines.push(`${file}\t${a.text}\t${a.logProb.toFixed(3)}`);
  if (timing)
    for (const c of t.characters)
      lines.push(`  ${JSON.stringify(c.char)}\t${c.start.toFixed(3)}–${c.end.toFixed(3)} s`);
  return lines;
}

function transcribeCommand(values: Values, files: string[]): number {
  if (values.model === undefined) throw new UsageError('lstm speech transcribe: --model FILE is needed.');
  if (files.length === 0) throw new UsageError('lstm speech transcribe: give WAV files to transcribe.');
  const model = loadSpeechRecognizer(values.model);
  const audio = files.map((f) => readWavFile(f, { sampleRate: model.sampleRate }).samples);
  if (values.alignment !== undefined) checkOutputPath(values.alignment, 'lstm speech transcribe --alignment');
  const out = model.transcribe(audio, { beam: values.beam, nbest: Math.min(values.nbest, values.beam) });
  if (values.alignment !== undefined) {
    writeAlignmentChart(values.alignment, model.alignment(audio[0] as Float32Array));
    console.error(`wrote ${values.alignment}`);
  }
  if (values.json) {
    console.log(JSON.stringify(files.map((file, i) => ({ file, ...out[i] }))));
    return 0;
  }
  files.forEach((file, i) => {
    for (const line of transcriptLines(file, out[i] as Transcript, values.timing === true)) console.log(line);
  });
  return 0;
}

function evalCommand(values: Values): number {
  if (values.model === undefined) throw new UsageError('lstm speech eval: --model FILE is needed.');
  if (values.data === undefined) throw new UsageError('lstm speech eval: --data DIR is needed.');
  const model = loadSpeechRecognizer(values.model);
  scoreLine(model, readFolder(values.data, model.sampleRate, values.transcripts), values.data, values.beam);
  return 0;
}

export function speechCommand(argv: string[]): number {
  const line = readCommandLine(SPEECH, argv);
  if (line === undefined) return 0;
  const { values, positionals } = line;
  const [sub, ...rest] = positionals;
  if (sub === 'train' || sub === 'eval') {
    if (rest.length > 0) throw new UsageError(`lstm speech ${sub}: unexpected argument '${rest[0]}'.`);
    return sub === 'train' ? trainCommand(values) : evalCommand(values);
  }
  if (sub === 'transcribe') return transcribeCommand(values, rest);
  throw new UsageError(
    `lstm speech: expected train, transcribe or eval; got '${sub ?? ''}'.\nSee 'lstm speech --help'.`,
  );
}
