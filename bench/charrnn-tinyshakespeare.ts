/**
 * The char-rnn recipe on tiny-shakespeare, learning against PyTorch: update for update, and on the
 * clock (time to a validation loss).
 *   text: ../shared/data/tinyshakespeare/input.txt, first 90% train, last 10% validation
 *   model: embedding E → LSTM L × H (dropout between layers and on the last output) → linear;
 *          T contiguous steps of B streams, state carried across windows
 *   Adam, global-norm clip 5; validation = one streaming pass over the whole split (batch 1)
 * Training is timed without the evaluations (every validation pass is timed apart and taken
 * off): --minutes stops once that much training time has passed, --target once the validation
 * loss is at most that many nats/char. Prints one JSON line per evaluation and writes
 * bench/results/charrnn-tinyshakespeare-<tag>.json (or --out).
 * The PyTorch side is bench/pytorch/charrnn_tinyshakespeare.py (same recipe, same protocol).
 *
 *   node dist/bench/charrnn-tinyshakespeare.js [--steps 3000] [--eval-every 500] [--seed 1]
 *     [--init pytorch|orthogonal] [--hidden 128] [--layers 2] [--embedding 64] [--dropout 0]
 *     [--seq-len 50] [--batch 50] [--lr 2e-3] [--schedule constant|cosine:W:TOTAL[:MIN]|step:E:G]
 *     [--minutes M] [--target NATS] [--out FILE]
 *   the race of issue 18: --hidden 512 --dropout 0.5 --minutes 12 --target 1.47 --eval-every 200
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { splitText } from '../src/data/text-stream.js';
import { describeBackend, LanguageModel, parseSchedule } from '../src/index.node.js';
import { fit } from '../src/models/fit-language-model.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '3000' },
    'eval-every': { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    init: { type: 'string', default: 'pytorch' },
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '2' },
    embedding: { type: 'string', default: '64' },
    dropout: { type: 'string', default: '0' },
    'seq-len': { type: 'string', default: '50' },
    batch: { type: 'string', default: '50' },
    lr: { type: 'string', default: '2e-3' },
    schedule: { type: 'string', default: 'constant' },
    minutes: { type: 'string' },
    target: { type: 'string' },
    text: { type: 'string', default: '../shared/data/tinyshakespeare/input.txt' },
    out: { type: 'string' },
  },
});

/** A finite number from an option, or a clear error naming it. */
function numberOption(name: string, raw: string, integer: boolean): number {
  const v = Number(raw);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < 0) {
    throw new Error(`--${name}: expected a ${integer ? 'non-negative integer' : 'non-negative number'}, got '${raw}'.`);
  }
  return v;
}

const steps = numberOption('steps', values.steps, true);
const evalEvery = Math.max(1, numberOption('eval-every', values['eval-every'], true));
const seed = numberOption('seed', values.seed, true);
const hidden = numberOption('hidden', values.hidden, true);
const layers = numberOption('layers', values.layers, true);
const embedding = numberOption('embedding', values.embedding, true);
const dropout = numberOption('dropout', values.dropout, false);
const seqLength = numberOption('seq-len', values['seq-len'], true);
const batchSize = numberOption('batch', values.batch, true);
const learningRate = numberOption('lr', values.lr, false);
const maxTrainSeconds = values.minutes === undefined ? Infinity : 60 * numberOption('minutes', values.minutes, false);
const target = values.target === undefined ? -Infinity : numberOption('target', values.target, false);
const schedule = parseSchedule(values.schedule);
const init = values.init === 'orthogonal' ? 'orthogonal' : 'pytorch';

const text = readFileSync(values.text, 'utf8');
const model = LanguageModel.create({
  text,
  embeddingSize: embedding,
  hiddenSize: hidden,
  numLayers: layers,
  seed,
  init,
  ...(dropout > 0 ? { dropout } : {}),
});
interface EvaluationLine {
  update: number;
  val_nats: number;
  val_bpc: number;
  train_loss: number;
  train_seconds: number;
  eval_seconds: number;
  seconds: number;
}
const evaluations: EvaluationLine[] = [];
// every validation pass goes through model.evaluate: time it, so training time excludes it
let evalSeconds = 0;
const evaluate = model.evaluate.bind(model);
model.evaluate = (t, o) => {
  const e0 = performance.now();
  try {
    return evaluate(t, o);
  } finally {
    evalSeconds += (performance.now() - e0) / 1000;
  }
};
const started = performance.now();
const trainSeconds = (): number => (performance.now() - started) / 1000 - evalSeconds;
const stop = new AbortController();
let reached: { update: number; train_seconds: number } | undefined;

/** Keep and print one evaluation; note the first that reaches the target. */
function record(update: number, nats: number, bitsPerChar: number, trainLoss: number, trained: number): void {
  const line: EvaluationLine = {
    update,
    val_nats: nats,
    val_bpc: bitsPerChar,
    train_loss: trainLoss,
    train_seconds: trained,
    eval_seconds: evalSeconds,
    seconds: (performance.now() - started) / 1000,
  };
  evaluations.push(line);
  console.log(JSON.stringify(line));
  if (reached === undefined && nats <= target) reached = { update, train_seconds: trained };
}

const run = await fit(model, text, {
  seqLength,
  batchSize,
  learningRate,
  schedule,
  optimizer: { name: 'adam' },
  clip: 5,
  validationFraction: 0.1,
  seed,
  maxSteps: steps,
  evalEvery,
  signal: stop.signal,
  onProgress: (p) => {
    // the training-time budget, checked at each progress report (about every 250 ms)
    if (trainSeconds() >= maxTrainSeconds) stop.abort();
    if (p.kind !== 'eval' || p.validation === undefined) return;
    record(p.step, p.validation.nats, p.validation.bitsPerChar, p.loss, trainSeconds());
    if (reached !== undefined) stop.abort();
  },
});
// a run stopped by the time budget ends with an evaluation of where it stopped
if (reached === undefined && run.steps > (evaluations[evaluations.length - 1]?.update ?? 0)) {
  const trained = trainSeconds();
  const validation = model.evaluate(splitText(text, 0.1).validation);
  record(run.steps, validation.nats, validation.bitsPerChar, run.trainLoss, trained);
}
const recipeTag = `${layers}x${hidden}-dropout${dropout}${values.schedule === 'constant' ? '' : `-${values.schedule.replaceAll(':', '_')}`}`;
const tag = `${hidden === 128 && layers === 2 && dropout === 0 && values.schedule === 'constant' ? init : recipeTag}-seed${seed}`;
const out = values.out ?? `bench/results/charrnn-tinyshakespeare-${tag}.json`;
const result = {
  what: 'char-rnn recipe on tiny-shakespeare, lstm (this library)',
  backend: describeBackend().name,
  recipe: {
    embedding,
    hidden,
    layers,
    dropout,
    seqLength,
    batchSize,
    learningRate,
    ...(values.schedule === 'constant' ? {} : { schedule: values.schedule }),
    clip: 5,
    optimizer: 'adam',
  },
  seed,
  init,
  parameters: model.parameterCount,
  vocabulary: model.vocab.size,
  target: Number.isFinite(target) ? target : null,
  reached: reached ?? null,
  evaluations,
  stopped_by: reached !== undefined ? 'target' : run.stoppedBy,
  train_seconds: evaluations[evaluations.length - 1]?.train_seconds ?? trainSeconds(),
  eval_seconds: evalSeconds,
  seconds: (performance.now() - started) / 1000,
  date: new Date().toISOString(),
};
writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
renameSync(`${out}.tmp`, out);
