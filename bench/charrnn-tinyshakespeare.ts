/**
 * Learning as well as PyTorch, update for update: the char-rnn recipe on tiny-shakespeare.
 *   text: ../shared/data/tinyshakespeare/input.txt, first 90% train, last 10% validation
 *   model: embedding 64 → LSTM 2 × 128 → linear; T = 50, B = 50 contiguous streams, state carried
 *   Adam lr 2e-3, global-norm clip 5; validation = one streaming pass over the whole split
 * Prints one JSON line per evaluation and writes bench/results/charrnn-tinyshakespeare-<seed>.json.
 * The PyTorch side is bench/pytorch/charrnn_tinyshakespeare.py (same recipe, same protocol).
 *
 *   node dist/bench/charrnn-tinyshakespeare.js [--steps 3000] [--eval-every 500] [--seed 1] [--init pytorch|orthogonal]
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeBackend, LanguageModel } from '../src/index.js';
import { fit } from '../src/models/fit-language-model.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '3000' },
    'eval-every': { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    init: { type: 'string', default: 'pytorch' },
    text: { type: 'string', default: '../shared/data/tinyshakespeare/input.txt' },
    out: { type: 'string' },
  },
});
const steps = Number(values.steps);
const seed = Number(values.seed);
const init = values.init === 'orthogonal' ? 'orthogonal' : 'pytorch';
const text = readFileSync(values.text, 'utf8');
const model = LanguageModel.create({ text, embeddingSize: 64, hiddenSize: 128, numLayers: 2, seed, init });
const evaluations: unknown[] = [];
const started = performance.now();
await fit(model, text, {
  seqLength: 50,
  batchSize: 50,
  learningRate: 2e-3,
  optimizer: { name: 'adam' },
  clip: 5,
  validationFraction: 0.1,
  seed,
  maxSteps: steps,
  evalEvery: Number(values['eval-every']),
  onProgress: (p) => {
    if (p.kind !== 'eval' || p.validation === undefined) return;
    const line = {
      update: p.step,
      val_nats: p.validation.nats,
      val_bpc: p.validation.bitsPerChar,
      train_loss: p.loss,
      seconds: (performance.now() - started) / 1000,
    };
    evaluations.push(line);
    console.log(JSON.stringify(line));
  },
});
const out = values.out ?? `bench/results/charrnn-tinyshakespeare-${init}-seed${seed}.json`;
const result = {
  what: 'char-rnn recipe on tiny-shakespeare, lstm (this library)',
  backend: describeBackend().name,
  seed,
  init,
  parameters: model.parameterCount,
  vocabulary: model.vocab.size,
  evaluations,
  seconds: (performance.now() - started) / 1000,
  date: new Date().toISOString(),
};
writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
renameSync(`${out}.tmp`, out);
