/**
 * Training speed of the CMUdict G2P model, the twin of bench/pytorch/g2p_seq2seq.py: the same
 * network, recipe (batches of 64, label smoothing 0.1, dropout 0.2, Adam, clip 5) and split, timed
 * for a few minutes without validation, as pairs and updates per second on the default backend.
 *
 *   node dist/bench/g2p-speed.js [--hidden 128] [--decoder-hidden 256] [--minutes 2] [--attention general]
 */
import { parseArgs } from 'node:util';
import { g2pWords, splitG2P } from '../src/data/g2p.js';
import { defaultKernels } from '../src/kernels/index.js';
import { Seq2Seq } from '../src/models/seq2seq.js';
import { loadCmuDict } from '../src/node/datasets.js';
import '../src/node/native-addon.js';

const { values } = parseArgs({
  options: {
    hidden: { type: 'string', default: '128' },
    'decoder-hidden': { type: 'string' },
    minutes: { type: 'string', default: '2' },
    attention: { type: 'string', default: 'general' },
  },
});
const hidden = Number(values.hidden);
const split = splitG2P(g2pWords(loadCmuDict()), 1);
const train = split.train.flatMap((w) => w.pronunciations.map((p) => ({ source: [...w.word], target: p })));
let updates = 0;
let seconds = 0;
Seq2Seq.fit(
  train,
  [],
  {
    embeddingSize: 64,
    encoderHidden: hidden,
    decoderHidden: Number(values['decoder-hidden'] ?? 2 * hidden),
    attention: values.attention as 'general',
    dropout: 0.2,
  },
  {
    epochs: 1000,
    batchSize: 64,
    learningRate: 2e-3,
    clip: 5,
    labelSmoothing: 0.1,
    maxSeconds: 60 * Number(values.minutes),
    onUpdate: (e) => {
      updates = e.update;
      seconds = e.seconds;
    },
  },
);
const pairs = updates * 64;
console.log(
  `lstm (${defaultKernels().name}), G2P ${hidden} → ${values['decoder-hidden'] ?? 2 * hidden}, ${values.attention} attention: ` +
    `${updates} updates in ${seconds.toFixed(1)} s, ≈ ${(pairs / seconds).toFixed(0)} pairs/s, ${(updates / seconds).toFixed(2)} updates/s`,
);
