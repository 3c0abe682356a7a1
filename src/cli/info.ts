/** `lstm info`: what a model file holds, or which kernel backend is in use. */
import { describeBackend } from '../index.js';
import { loadModel } from '../node/index.js';
import { formatCount, formatDuration, parseCommand, UsageError } from './args.js';

export const INFO_HELP = `Usage: lstm info MODEL [--json]
       lstm info --backend [--json]

MODEL: the architecture, vocabulary, parameter count and, for a checkpoint, the training recipe,
progress and validation history.
--backend: the kernel implementation in use, why it was chosen, and which others are available.`;

const OPTIONS = {
  backend: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function infoCommand(argv: string[]): number {
  const { values, positionals } = parseCommand('info', argv, OPTIONS);
  if (values.help === true) {
    console.log(INFO_HELP);
    return 0;
  }
  const json = values.json === true;
  if (values.backend === true) {
    const report = describeBackend();
    if (json) console.log(JSON.stringify(report));
    else {
      console.log(`backend: ${report.name} (${report.dtype}), chosen because: ${report.reason}`);
      console.log(`threads: ${report.threads} (${report.threadNote})`);
      for (const a of report.available) console.log(`  ${a.loaded ? 'loaded   ' : 'unusable '} ${a.name}: ${a.note}`);
    }
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`lstm info: expected one MODEL file (or --backend).\nSee 'lstm info --help'.`);
  const model = loadModel(positionals[0] as string);
  const t = model.training?.state;
  if (json) {
    console.log(
      JSON.stringify({
        config: model.config,
        vocabulary: model.vocab.chars,
        vocabularySize: model.vocab.size,
        parameters: model.parameterCount,
        training: t ?? null,
      }),
    );
    return 0;
  }
  const { numLayers, hiddenSize, embeddingSize } = model.config;
  console.log(
    `model: character LSTM language model, ${numLayers} layer(s) × ${hiddenSize}, embedding ${embeddingSize}`,
  );
  console.log(`parameters: ${formatCount(model.parameterCount)}`);
  const shown = model.vocab.chars.map((ch) => JSON.stringify(ch).slice(1, -1)).join('');
  console.log(`vocabulary: ${model.vocab.size} (${model.vocab.chars.length} characters + <unk>): ${shown}`);
  if (t === undefined) {
    console.log('training state: none (saved for inference only)');
    return 0;
  }
  const r = t.recipe;
  console.log(`trained on: ${t.corpus.name ?? 'a text'} (${formatCount(t.corpus.characters)} training characters)`);
  console.log(`updates: ${t.step} in ${formatDuration(t.elapsedSeconds)}`);
  console.log(
    `recipe: T=${r.seqLength} B=${r.batchSize} ${r.optimizer.name} lr=${r.learningRate} schedule=${r.schedule.kind} clip=${r.clip} val-split=${r.validationFraction} seed=${r.seed}`,
  );
  const last = t.history.filter((h) => h.validationNats !== undefined).slice(-5);
  for (const h of last) {
    console.log(
      `  update ${String(h.step).padStart(6)}: train ${h.trainLoss.toFixed(4)}  validation ${(h.validationNats as number).toFixed(4)} nats/char`,
    );
  }
  return 0;
}
