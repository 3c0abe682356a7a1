/**
 * The CTC alignment chart of one connected-digit test utterance (the README's picture): its
 * log-mel spectrogram, the model's posteriors per step and the digits it wrote, each at its time,
 * with the true clip boundaries printed beside them.
 *
 *   node dist/bench/speech-fsdd.js --task connected --save /tmp/connected.lstm
 *   node dist/bench/speech-alignment-chart.js /tmp/connected.lstm [docs/speech-alignment.png] [--index 0]
 */
import { parseArgs } from 'node:util';
import { loadSpeechRecognizer, writeAlignmentChart } from '../src/node/index.js';
import { connectedDigits, loadFsdd, officialSplit } from './fsdd-data.js';

const { values, positionals } = parseArgs({
  options: { index: { type: 'string', default: '0' } },
  allowPositionals: true,
});
const [modelPath, out = 'docs/speech-alignment.png'] = positionals;
if (modelPath === undefined) throw new Error('usage: speech-alignment-chart MODEL [OUT.png] [--index N]');
const model = loadSpeechRecognizer(modelPath);
const i = Number(values.index);
const test = connectedDigits(officialSplit(loadFsdd()).test, i + 1, 2);
const samples = test.audio[i] as Float32Array;
const chart = model.alignment(samples);
writeAlignmentChart(out, chart);
console.log(`utterance ${i}: said ${test.texts[i]}, transcribed ${chart.characters.map((c) => c.char).join('')}`);
chart.characters.forEach((c, k) => {
  const span = test.spans[i]?.[k];
  console.log(
    `  ${c.char}: ${c.start.toFixed(2)}–${c.end.toFixed(2)} s${span === undefined ? '' : ` (clip ${span[0]?.toFixed(2)}–${span[1]?.toFixed(2)} s)`}`,
  );
});
console.log(`wrote ${out}`);
