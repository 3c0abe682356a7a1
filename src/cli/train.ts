/** `lstm train`: train a character language model on a text file or a built-in corpus. */
import { existsSync } from 'node:fs';
import {
  DivergenceError,
  defaultKernels,
  type FitOptions,
  fit,
  LanguageModel,
  type OptimizerConfig,
  parseSchedule,
  WasmKernels,
} from '../index.js';
import {
  CORPORA,
  checkInputsKept,
  checkOutputPath,
  loadCheckpoint,
  loadCorpus,
  readTextFile,
  saveModel,
} from '../node/index.js';
import { commandName, describeNetwork, formatCount, formatDuration, UsageError } from './args.js';
import { BACKEND_FLAG, defineCommand, HELP_FLAG, readCommandLine, THREADS_FLAG } from './flags.js';
import { ProgressPrinter } from './progress.js';
import { checkResumeOptions } from './train-resume.js';

const INPUT = 'Input (one of):';
const MODEL = 'Model (new runs only):';
const TRAINING = 'Training (new runs only):';
const BUDGET = 'Budget (at least one; default --time 120):';
const OUTPUT = 'Evaluation and output:';

export const TRAIN = defineCommand(
  'train',
  {
    corpus: {
      group: INPUT,
      type: 'string',
      value: 'NAME',
      help: `a built-in corpus: ${CORPORA.map((c) => c.name).join(', ')}`,
    },
    resume: {
      type: 'string',
      value: 'MODEL',
      help: "continue the run saved in MODEL (weights, optimizer state, schedule, data position and random state); give FILE/--corpus again unless the run used a built-in corpus or a file that is still at the same path; the model and training options are the checkpoint's (another value is refused)",
    },
    cell: {
      group: MODEL,
      type: 'choice',
      choices: ['lstm', 'gru', 'rnn'],
      choicesText: 'lstm, gru or rnn',
      value: 'NAME',
      default: 'lstm',
      help: 'the recurrent cell: lstm, gru, or rnn (tanh)',
    },
    layers: { type: 'integer', min: 1, max: 64, default: 2, help: 'stacked recurrent layers' },
    hidden: { type: 'integer', min: 1, max: 65536, default: 128, help: 'hidden size H of each layer' },
    'proj-size': {
      type: 'integer',
      min: 0,
      max: 65535,
      default: 0,
      value: 'P',
      help: "LSTM only: project each layer's h to P < H values (PyTorch proj_size), 0 = none",
    },
    dropout: {
      type: 'number',
      min: 0,
      max: 0.95,
      default: 0,
      value: 'P',
      help: "dropout between layers and on the last layer's output while training (as char-rnn)",
    },
    'recurrent-dropout': {
      type: 'number',
      min: 0,
      max: 0.95,
      default: 0,
      value: 'P',
      help: 'variational dropout on h(t-1) in the recurrent products while training',
    },
    embedding: { type: 'integer', min: 1, max: 65536, default: 64, help: 'character embedding size' },
    init: {
      type: 'choice',
      choices: ['pytorch', 'orthogonal'],
      choicesText: 'pytorch or orthogonal',
      value: 'NAME',
      default: 'pytorch',
      help: 'pytorch: every LSTM weight U(±1/√H), as nn.LSTM; orthogonal: Xavier input weights, orthogonal recurrent blocks, forget bias 1',
    },
    'seq-len': {
      group: TRAINING,
      type: 'integer',
      min: 1,
      max: 100000,
      default: 50,
      value: 'T',
      help: 'characters per truncated-BPTT window',
    },
    batch: { type: 'integer', min: 1, max: 100000, default: 32, value: 'B', help: 'contiguous streams per update' },
    lr: { type: 'number', min: 0, max: 10, minExclusive: true, default: 2e-3, value: 'RATE', help: 'learning rate' },
    optimizer: {
      type: 'choice',
      choices: ['adam', 'adamw', 'sgd'],
      choicesText: 'adam, adamw or sgd',
      value: 'NAME',
      default: 'adam',
      help: 'adam, adamw or sgd',
    },
    'weight-decay': {
      type: 'number',
      min: 0,
      max: 10,
      help: 'L2 (adam, sgd) or decoupled decay (adamw)',
      shown: '0; adamw 0.01',
    },
    momentum: { type: 'number', min: 0, max: 0.999, help: 'sgd momentum', shown: '0.9' },
    schedule: {
      type: 'string',
      value: 'S',
      help: 'constant | step:EVERY:GAMMA | cosine:WARMUP:TOTAL[:MINLR]',
      shown: 'constant',
    },
    clip: { type: 'number', min: 0, max: 1e9, default: 5, help: 'global gradient-norm limit, 0 = off' },
    'val-split': {
      type: 'number',
      min: 0,
      max: 0.9,
      default: 0.1,
      value: 'F',
      help: 'fraction held out for validation',
    },
    seed: { type: 'integer', min: 0, max: 4294967295, default: 1, help: 'seed of weights and training' },
    steps: {
      group: BUDGET,
      type: 'integer',
      min: 1,
      help: 'stop after N updates in total (a resumed run counts earlier ones)',
    },
    time: {
      type: 'number',
      min: 0,
      max: 1e9,
      minExclusive: true,
      value: 'SECONDS',
      help: 'stop after this many seconds of this run',
    },
    'eval-every': {
      group: OUTPUT,
      type: 'integer',
      min: 0,
      default: 100,
      help: 'validate and save a checkpoint every N updates',
      shown: '100; 0 = end only',
    },
    'eval-chars': {
      type: 'integer',
      min: 2,
      default: 20000,
      help: 'validation characters read by the periodic passes; the final pass always reads the whole validation split',
    },
    save: {
      type: 'string',
      value: 'PATH',
      help: 'where the model is saved',
      shown: 'model.lstm; with --resume, MODEL',
    },
    samples: {
      type: 'integer',
      min: 0,
      default: 300,
      help: 'characters of sample text printed at the end, 0 = none',
    },
    json: { type: 'boolean', help: 'machine-readable progress: one JSON object per line on stdout' },
    backend: BACKEND_FLAG,
    threads: THREADS_FLAG,
    help: HELP_FLAG,
  },
  {
    usage: 'Usage: lstm train [FILE] [options]',
    intro: `Train a character-level language model (an LSTM by default) on a UTF-8 text file (or a built-in
corpus), save it, and print samples of generated text. The last --val-split of the text is held
out for validation.`,
    rows: { [INPUT]: [['FILE', 'a UTF-8 text file']] },
    labelWidth: 24,
    closing: `Ctrl-C stops after the current update and saves a checkpoint; press it twice to quit at once
(the last checkpoint on disk stays intact: files are written to a temporary name and renamed).
Example: lstm train --corpus moby-dick --time 120 --save moby.lstm`,
  },
);

/** The training text and the name stored in the checkpoint to find it again. */
function readInput(positionals: string[], corpus: string | undefined, resumedName: string | undefined) {
  if (positionals.length > 1)
    throw new UsageError(`lstm train: expected one text file, got ${positionals.length}: ${positionals.join(' ')}.`);
  const file = positionals[0];
  if (file !== undefined && corpus !== undefined)
    throw new UsageError('lstm train: give a FILE or --corpus, not both.');
  if (file !== undefined) return { text: readTextFile(file, 'lstm train'), name: file };
  if (corpus !== undefined) return { text: loadCorpus(corpus), name: `corpus:${corpus}` };
  if (resumedName !== undefined) {
    if (resumedName.startsWith('corpus:')) return { text: loadCorpus(resumedName.slice(7)), name: resumedName };
    if (existsSync(resumedName)) return { text: readTextFile(resumedName, 'lstm train'), name: resumedName };
    throw new UsageError(
      `lstm train: the run was trained on ${resumedName}, which is no longer there; give the text file again.`,
    );
  }
  throw new UsageError(
    "lstm train: needs a text FILE or --corpus NAME (for example --corpus moby-dick).\nSee 'lstm train --help'.",
  );
}

export async function trainCommand(argv: string[]): Promise<number> {
  const line = readCommandLine(TRAIN, argv);
  if (line === undefined) return 0;
  const { values, positionals, given } = line;
  const json = values.json;
  const resumePath = values.resume;
  const savePath = values.save ?? resumePath ?? 'model.lstm';
  // before any work: a run that cannot save its result does not start
  checkOutputPath(savePath, 'lstm train --save');
  checkInputsKept('lstm train', [['--save', savePath]], [['the text FILE', positionals[0]]]);
  const kernels = defaultKernels();
  const checkpoint = resumePath === undefined ? undefined : loadCheckpoint(resumePath, kernels);
  const resumed = checkpoint?.model;
  if (checkpoint !== undefined && checkpoint.training === undefined) {
    throw new UsageError(
      `lstm train: ${resumePath} holds no training state (it was saved without it); start a new run instead.`,
    );
  }
  if (checkpoint?.training !== undefined)
    checkResumeOptions(resumePath as string, checkpoint.model, checkpoint.training, values, given);
  const { text, name } = readInput(positionals, values.corpus, checkpoint?.training?.state.corpus.name);

  const steps = values.steps;
  const time = steps === undefined && values.time === undefined ? 120 : values.time;
  const optimizer: OptimizerConfig = { name: values.optimizer };
  if (values['weight-decay'] !== undefined) optimizer.weightDecay = values['weight-decay'];
  if (values.momentum !== undefined) optimizer.momentum = values.momentum;
  const scheduleText = values.schedule;
  const seed = values.seed;

  const model =
    resumed ??
    LanguageModel.create({
      text,
      embeddingSize: values.embedding,
      hiddenSize: values.hidden,
      numLayers: values.layers,
      cell: values.cell,
      projSize: values['proj-size'],
      dropout: values.dropout,
      outputDropout: values.dropout,
      recurrentDropout: values['recurrent-dropout'],
      seed,
      init: values.init,
      kernels,
    });
  if (resumed !== undefined) {
    const unknown = model.vocab.unknownChars(text);
    if (unknown.length > 0)
      console.error(
        `warning: the text has ${unknown.length} character(s) the model's vocabulary lacks; they are read as <unk>.`,
      );
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) {
      console.error('\nquitting without saving; the last checkpoint on disk is intact.');
      process.exit(130);
    }
    console.error('\nstopping after this update and saving a checkpoint (Ctrl-C again to quit at once)…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);

  const printer = new ProgressPrinter(json);
  /** The update of the last checkpoint written (renamed into place), if any. */
  let savedStep: number | undefined;
  const opts: FitOptions = {
    seqLength: values['seq-len'],
    batchSize: values.batch,
    learningRate: values.lr,
    optimizer,
    clip: values.clip,
    validationFraction: values['val-split'],
    seed,
    evalEvery: values['eval-every'],
    evalChars: values['eval-chars'],
    resume: checkpoint?.training,
    corpusName: name,
    signal: controller.signal,
    onProgress: (p) => printer.update(p),
    onCheckpoint: (m, training) => {
      saveModel(savePath, m, { training });
      savedStep = training.state.step;
      printer.saved(savePath, savedStep);
    },
    onWarning: (message) => console.error(`warning: ${message}`),
    ...(scheduleText === undefined ? {} : { schedule: parseSchedule(scheduleText) }),
    ...(steps === undefined ? {} : { maxSteps: steps }),
    ...(time === undefined ? {} : { maxSeconds: time }),
  };
  if (!json) {
    const what = resumed === undefined ? 'training' : `resuming at update ${checkpoint?.training?.state.step}`;
    console.error(
      `${what}: ${formatCount(model.parameterCount)} parameters (${describeNetwork(model.config)}, embedding ${model.config.embeddingSize}, vocabulary ${model.vocab.size}) on ${name} (${formatCount(text.length)} characters), backend ${kernels.name}${kernels instanceof WasmKernels ? ` on ${kernels.threads} thread${kernels.threads === 1 ? '' : 's'}` : ''}`,
    );
  }
  try {
    const result = await fit(model, text, opts);
    printer.endLine();
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ event: 'done', steps: result.steps, stoppedBy: result.stoppedBy, trainLoss: result.trainLoss, validationNats: result.validation?.nats ?? null, validationBpc: result.validation?.bitsPerChar ?? null, saved: savedStep === undefined ? null : savePath })}\n`,
      );
      return 0;
    }
    const val =
      result.validation === undefined
        ? ''
        : `, validation ${result.validation.nats.toFixed(4)} nats/char (${result.validation.bitsPerChar.toFixed(3)} bits)`;
    const saved =
      savedStep === undefined
        ? 'nothing saved'
        : `saved ${savePath}${savedStep === result.steps ? '' : ` at update ${savedStep}`}`;
    console.error(
      `stopped (${result.stoppedBy}) after update ${result.steps} in ${formatDuration(result.seconds)}${val}; ${saved}`,
    );
    if (values.samples > 0) printSamples(model, values.samples, seed);
    const lstm = commandName();
    console.error(`\nContinue training:  ${lstm} train --resume ${savePath} --steps ${result.steps + 1000}`);
    console.error(`Generate more:      ${lstm} generate ${savePath} --prime "The " --length 500 --temperature 0.8`);
    return 0;
  } catch (e) {
    printer.endLine();
    if (e instanceof DivergenceError) {
      const kept = existsSync(savePath)
        ? `the last good checkpoint ${savePath} is kept as it was.`
        : 'no checkpoint had been saved yet.';
      console.error(`lstm train: ${e.message}\n${kept}`);
      return 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function printSamples(model: LanguageModel, length: number, seed: number): void {
  for (const temperature of [0.5, 0.8, 1.0]) {
    const { text } = model.generate({ length, temperature, seed });
    console.log(`\n--- temperature ${temperature} ---\n${text}`);
  }
}
