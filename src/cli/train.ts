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
import { CORPORA, loadCheckpoint, loadCorpus, readTextFile, saveModel } from '../node/index.js';
import {
  commandName,
  formatCount,
  formatDuration,
  intFlag,
  numberFlag,
  parseCommand,
  stringFlag,
  UsageError,
} from './args.js';
import { ProgressPrinter } from './progress.js';

export const TRAIN_HELP = `Usage: lstm train [FILE] [options]

Train a character-level LSTM language model on a UTF-8 text file (or a built-in corpus), save it,
and print samples of generated text. The last --val-split of the text is held out for validation.

Input (one of):
  FILE                    a UTF-8 text file
  --corpus NAME           a built-in corpus: ${CORPORA.map((c) => c.name).join(', ')}
  --resume MODEL          continue the run saved in MODEL (weights, optimizer state, schedule,
                          data position and random state); give FILE/--corpus again unless the
                          run used a built-in corpus or a file that is still at the same path

Model (new runs only):
  --layers N              stacked LSTM layers                          (default 2)
  --hidden N              hidden size H of each layer                  (default 128)
  --embedding N           character embedding size                     (default 64)
  --init NAME             pytorch: every LSTM weight U(±1/√H), as nn.LSTM; orthogonal: Xavier
                          input weights, orthogonal recurrent blocks, forget bias 1
                                                                       (default pytorch)

Training (new runs only):
  --seq-len T             characters per truncated-BPTT window         (default 50)
  --batch B               contiguous streams per update                (default 32)
  --lr RATE               learning rate                                (default 0.002)
  --optimizer NAME        adam, adamw or sgd                           (default adam)
  --weight-decay X        L2 (adam, sgd) or decoupled decay (adamw)    (default 0; adamw 0.01)
  --momentum X            sgd momentum                                 (default 0.9)
  --schedule S            constant | step:EVERY:GAMMA | cosine:WARMUP:TOTAL[:MINLR]
                                                                       (default constant)
  --clip X                global gradient-norm limit, 0 = off          (default 5)
  --val-split F           fraction held out for validation             (default 0.1)
  --seed N                seed of weights and training                 (default 1)

Budget (at least one; default --time 120):
  --steps N               stop after N updates in total (a resumed run counts earlier ones)
  --time SECONDS          stop after this many seconds of this run

Evaluation and output:
  --eval-every N          validate and save a checkpoint every N updates (default 100; 0 = end only)
  --eval-chars N          validation characters read by the periodic passes (default 20000;
                          the final pass always reads the whole validation split)
  --save PATH             where the model is saved (default model.lstm; with --resume, MODEL)
  --samples N             characters of sample text printed at the end, 0 = none (default 300)
  --json                  machine-readable progress: one JSON object per line on stdout
  --backend NAME          kernels: native (C++ addon, the default where npm ci built it), wasm
                          (WebAssembly SIMD, the default elsewhere) or js
  --threads N             threads for the large matrix products (default: every core)
  -h, --help              this help

Ctrl-C stops after the current update and saves a checkpoint; press it twice to quit at once
(the last checkpoint on disk stays intact: files are written to a temporary name and renamed).
Example: lstm train --corpus moby-dick --time 120 --save moby.lstm`;

const OPTIONS = {
  corpus: { type: 'string' },
  resume: { type: 'string' },
  layers: { type: 'string' },
  hidden: { type: 'string' },
  embedding: { type: 'string' },
  init: { type: 'string' },
  'seq-len': { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  'weight-decay': { type: 'string' },
  momentum: { type: 'string' },
  schedule: { type: 'string' },
  clip: { type: 'string' },
  'val-split': { type: 'string' },
  seed: { type: 'string' },
  steps: { type: 'string' },
  time: { type: 'string' },
  'eval-every': { type: 'string' },
  'eval-chars': { type: 'string' },
  save: { type: 'string' },
  samples: { type: 'string' },
  json: { type: 'boolean' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

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
  const { values, positionals } = parseCommand('train', argv, OPTIONS);
  if (values.help === true) {
    console.log(TRAIN_HELP);
    return 0;
  }
  const c = 'train';
  const json = values.json === true;
  const kernels = defaultKernels();
  const resumePath = stringFlag(values, 'resume');
  const checkpoint = resumePath === undefined ? undefined : loadCheckpoint(resumePath, kernels);
  const resumed = checkpoint?.model;
  if (checkpoint !== undefined && checkpoint.training === undefined) {
    throw new UsageError(
      `lstm train: ${resumePath} holds no training state (it was saved without it); start a new run instead.`,
    );
  }
  const { text, name } = readInput(positionals, stringFlag(values, 'corpus'), checkpoint?.training?.state.corpus.name);

  const steps = intFlag(c, values, 'steps', undefined, 1);
  let time = numberFlag(c, values, 'time', undefined, 0, 1e9, true);
  if (steps === undefined && time === undefined) time = 120;
  const optimizerName = stringFlag(values, 'optimizer') ?? 'adam';
  if (optimizerName !== 'adam' && optimizerName !== 'adamw' && optimizerName !== 'sgd') {
    throw new UsageError(`lstm train: --optimizer must be adam, adamw or sgd, got ${JSON.stringify(optimizerName)}.`);
  }
  const optimizer: OptimizerConfig = { name: optimizerName };
  const weightDecay = numberFlag(c, values, 'weight-decay', undefined, 0, 10);
  if (weightDecay !== undefined) optimizer.weightDecay = weightDecay;
  const momentum = numberFlag(c, values, 'momentum', undefined, 0, 0.999);
  if (momentum !== undefined) optimizer.momentum = momentum;
  const scheduleText = stringFlag(values, 'schedule');
  const init = stringFlag(values, 'init') ?? 'pytorch';
  if (init !== 'pytorch' && init !== 'orthogonal')
    throw new UsageError(`lstm train: --init must be pytorch or orthogonal, got ${JSON.stringify(init)}.`);
  const seed = intFlag(c, values, 'seed', 1, 0, 4294967295) as number;
  const samples = intFlag(c, values, 'samples', 300, 0) as number;
  const savePath = stringFlag(values, 'save') ?? resumePath ?? 'model.lstm';

  const model =
    resumed ??
    LanguageModel.create({
      text,
      embeddingSize: intFlag(c, values, 'embedding', 64, 1, 65536) as number,
      hiddenSize: intFlag(c, values, 'hidden', 128, 1, 65536) as number,
      numLayers: intFlag(c, values, 'layers', 2, 1, 64) as number,
      seed,
      init,
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
  const opts: FitOptions = {
    seqLength: intFlag(c, values, 'seq-len', 50, 1, 100000) as number,
    batchSize: intFlag(c, values, 'batch', 32, 1, 100000) as number,
    learningRate: numberFlag(c, values, 'lr', 2e-3, 0, 10, true) as number,
    optimizer,
    clip: numberFlag(c, values, 'clip', 5, 0, 1e9) as number,
    validationFraction: numberFlag(c, values, 'val-split', 0.1, 0, 0.9) as number,
    seed,
    evalEvery: intFlag(c, values, 'eval-every', 100, 0) as number,
    evalChars: intFlag(c, values, 'eval-chars', 20000, 2) as number,
    resume: checkpoint?.training,
    corpusName: name,
    signal: controller.signal,
    onProgress: (p) => printer.update(p),
    onCheckpoint: (m, training) => saveModel(savePath, m, { training }),
    onWarning: (message) => console.error(`warning: ${message}`),
    ...(scheduleText === undefined ? {} : { schedule: parseSchedule(scheduleText) }),
    ...(steps === undefined ? {} : { maxSteps: steps }),
    ...(time === undefined ? {} : { maxSeconds: time }),
  };
  if (!json) {
    const what = resumed === undefined ? 'training' : `resuming at update ${checkpoint?.training?.state.step}`;
    console.error(
      `${what}: ${formatCount(model.parameterCount)} parameters (${model.config.numLayers} × ${model.config.hiddenSize} LSTM, embedding ${model.config.embeddingSize}, vocabulary ${model.vocab.size}) on ${name} (${formatCount(text.length)} characters), backend ${kernels.name}${kernels instanceof WasmKernels ? ` on ${kernels.threads} thread${kernels.threads === 1 ? '' : 's'}` : ''}`,
    );
  }
  try {
    const result = await fit(model, text, opts);
    printer.endLine();
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ event: 'done', steps: result.steps, stoppedBy: result.stoppedBy, trainLoss: result.trainLoss, validationNats: result.validation?.nats ?? null, validationBpc: result.validation?.bitsPerChar ?? null, saved: savePath })}\n`,
      );
      return 0;
    }
    const val =
      result.validation === undefined
        ? ''
        : `, validation ${result.validation.nats.toFixed(4)} nats/char (${result.validation.bitsPerChar.toFixed(3)} bits)`;
    console.error(
      `stopped (${result.stoppedBy}) after update ${result.steps} in ${formatDuration(result.seconds)}${val}; saved ${savePath}`,
    );
    if (samples > 0) printSamples(model, samples, seed);
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
