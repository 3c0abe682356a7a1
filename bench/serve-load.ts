/**
 * The load test of `lstm serve` (issue 23), with autocannon against 127.0.0.1:
 *   generation      a character LM, LSTM 2 × 512 (embedding 64, tiny-shakespeare's 65 symbols),
 *                   100 characters per request
 *   classification  a word-level text classifier (embedding 32, LSTM 32, max pooling) on e-mail
 *                   sized texts (200 words)
 * each at 1, 8 and 64 concurrent clients, with batching on (--max-batch 64) and off (--max-batch 1),
 * every configuration a fresh server process. Reports requests/s, p50/p99 latency and, for
 * generation, characters (tokens) per second across all clients. Then the ceiling batching works
 * under: one step of the generation network alone at batch 1 and 64, here (the frozen network
 * GenerationBatch steps, native kernels) and on PyTorch when a Python with torch is found
 * (bench/pytorch/generation_step.py). Writes bench/results/serve-load.json.
 *
 *   node dist/bench/serve-load.js [--seconds 10] [--out FILE]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { encodeClassifier, encodeModel, LanguageModel, SequenceClassifier, TokenVocab } from '../src/index.node.js';
import { findTorchPython } from './peers/pytorch.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    out: { type: 'string', default: 'bench/results/serve-load.json' },
  },
});
const SECONDS = Number(values.seconds);
const DIR = mkdtempSync(join(tmpdir(), 'lstm-serve-bench-'));
const TEXT = readFileSync('../shared/data/tinyshakespeare/input.txt', 'utf8');
const TOKENS = 100;

const LM = { embeddingSize: 64, hiddenSize: 512, numLayers: 2 };
const lmModel = LanguageModel.create({ text: TEXT, ...LM, seed: 1 });

function modelFiles(): { lm: string; classifier: string; email: string } {
  const lm = join(DIR, 'lm.lstm');
  writeFileSync(lm, encodeModel(lmModel));
  const words = TEXT.toLowerCase()
    .split(/[^a-z']+/)
    .filter(Boolean);
  const vocab = TokenVocab.build([words.join(' ')], { tokens: 'word', minCount: 2, maxSize: 20000 });
  const classifier = join(DIR, 'classifier.lstm');
  writeFileSync(
    classifier,
    encodeClassifier(
      new SequenceClassifier({
        classes: ['ham', 'spam'],
        vocab,
        embeddingSize: 32,
        hiddenSize: 32,
        pooling: 'max',
        maxLength: 300,
      }),
    ),
  );
  return { lm, classifier, email: words.slice(1000, 1200).join(' ') };
}

async function serve(model: string, maxBatch: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      'dist/src/cli/main.js',
      'serve',
      '--model',
      model,
      '--port',
      '0',
      '--log-level',
      'error',
      '--max-batch',
      String(maxBatch),
      '--queue',
      '4096',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const url = / at (http:\/\/[^\s]+)/.exec(err)?.[1];
      if (url !== undefined) resolve({ child, url });
    });
    child.on('exit', (code) => reject(new Error(`lstm serve exited (${code}): ${err}`)));
  });
}

interface Row {
  workload: string;
  batching: boolean;
  clients: number;
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  tokensPerSecond: number | null;
  errors: number;
}

async function measure(url: string, path: string, body: unknown, clients: number): Promise<autocannon.Result> {
  // a short warm-up, then the measured run
  await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    connections: clients,
    duration: 2,
  });
  return autocannon({
    url: `${url}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    connections: clients,
    duration: SECONDS,
  });
}

const files = modelFiles();
const rows: Row[] = [];
const workloads = [
  {
    name: 'generation',
    model: `lm=${files.lm}`,
    path: '/v1/generate',
    body: { prime: 'ROMEO:', length: TOKENS, temperature: 0.8 },
  },
  { name: 'classification', model: `spam=${files.classifier}`, path: '/v1/classify', body: { text: files.email } },
];
for (const w of workloads)
  for (const batching of [false, true]) {
    const { child, url } = await serve(w.model, batching ? 64 : 1);
    for (const clients of [1, 8, 64]) {
      const r = await measure(url, w.path, w.body, clients);
      const rps = r.requests.average;
      rows.push({
        workload: w.name,
        batching,
        clients,
        requestsPerSecond: rps,
        p50ms: r.latency.p50,
        p99ms: r.latency.p99,
        tokensPerSecond: w.name === 'generation' ? rps * TOKENS : null,
        errors: r.errors + r.non2xx,
      });
      console.error(
        `${w.name} batching ${batching ? 'on' : 'off'} ${clients} clients: ${rps.toFixed(1)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
      );
    }
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('exit', resolve));
  }

console.log(
  '| workload | batching | clients | requests/s | p50 ms | p99 ms | characters/s | errors |\n|---|---|---|---|---|---|---|---|',
);
for (const r of rows)
  console.log(
    `| ${r.workload} | ${r.batching ? 'on' : 'off'} | ${r.clients} | ${r.requestsPerSecond.toFixed(1)} | ${r.p50ms} | ${r.p99ms} | ${r.tokensPerSecond === null ? '' : Math.round(r.tokensPerSecond).toLocaleString('en')} | ${r.errors} |`,
  );
const gen = (batching: boolean): number =>
  rows.find((r) => r.workload === 'generation' && r.batching === batching && r.clients === 64)?.tokensPerSecond ?? 0;
console.log(
  `\nGeneration at 64 clients: batched ${(gen(true) / gen(false)).toFixed(1)}× the unbatched server's characters/s.`,
);
/** The median over 7 rounds of one step of `model`'s frozen network for B streams, in ms. */
function stepMs(model: LanguageModel, B: number): number {
  const net = model.frozenNetwork();
  const V = model.vocab.size;
  const sizes = net.stateSizes(B);
  const [h, c] = [model.kernels.alloc(sizes.h), model.kernels.alloc(sizes.c)];
  const ids = Int32Array.from({ length: B }, (_, i) => i % V);
  const probs = model.kernels.alloc(V);
  const repeats = Math.max(5, Math.floor(2000 / B));
  const rounds: number[] = [];
  for (let round = -1; round < 7; round++) {
    const start = performance.now();
    for (let i = 0; i < repeats; i++) {
      const { logits } = net.forward(ids, 1, B, h, c);
      for (let b = 0; b < B; b++) model.kernels.softmaxRow(V, logits.subarray(b * V, (b + 1) * V), 0.8, probs);
    }
    if (round >= 0) rounds.push((performance.now() - start) / repeats);
  }
  return rounds.sort((a, b) => a - b)[3] as number;
}

interface CeilingRow {
  engine: string;
  batch1Ms: number;
  batch64Ms: number;
  /** Characters per second at batch 64 over those at batch 1. */
  gain: number;
}
const ceiling: CeilingRow[] = [];
const ours = { batch1Ms: stepMs(lmModel, 1), batch64Ms: stepMs(lmModel, 64) };
ceiling.push({
  engine: 'lstm, native kernels (GenerationBatch)',
  ...ours,
  gain: (64 * ours.batch1Ms) / ours.batch64Ms,
});
const torchPython = findTorchPython();
if ('python' in torchPython) {
  const script = fileURLToPath(new URL('../../bench/pytorch/generation_step.py', import.meta.url));
  const shape = [lmModel.vocab.size, LM.embeddingSize, LM.hiddenSize, LM.numLayers, 1, 64].map(String);
  const r = spawnSync(torchPython.python, [script, ...shape], { encoding: 'utf8', timeout: 600_000 });
  if (r.status === 0) {
    const out = JSON.parse(r.stdout) as { torch: string; threads: number; steps: Record<string, number> };
    const [one, many] = [out.steps['1'] as number, out.steps['64'] as number];
    ceiling.push({
      engine: `PyTorch ${out.torch}, ${out.threads} threads`,
      batch1Ms: one,
      batch64Ms: many,
      gain: (64 * one) / many,
    });
  } else console.error(`PyTorch step: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`}`);
} else console.error(`PyTorch step skipped: ${torchPython.why}`);
console.log(
  '\n| one step of the generation network | batch 1 ms | batch 64 ms | characters/s, batch 64 over batch 1 |\n|---|---|---|---|',
);
for (const c of ceiling)
  console.log(`| ${c.engine} | ${c.batch1Ms.toFixed(3)} | ${c.batch64Ms.toFixed(2)} | ${c.gain.toFixed(1)}× |`);

writeFileSync(
  values.out,
  `${JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, tokensPerRequest: TOKENS, rows, ceiling }, null, 2)}\n`,
);
