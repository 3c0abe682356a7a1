/** `lstm info`: what a model file holds, or which kernel backend is in use. */
import {
  decodeClassifier,
  decodeForecaster,
  decodeGlobalForecaster,
  decodeSeq2SeqFile,
  decodeSpeechRecognizer,
  decodeTagger,
  describeBackend,
  describeStep,
  etsName,
  type Forecaster,
  modelFileType,
  modelFileVersion,
  type SequenceClassifier,
  type SequenceTagger,
} from '../index.js';
import { loadCheckpoint, readBinaryFile } from '../node/index.js';
import { describeNetwork, formatCount, formatDuration, UsageError } from './args.js';
import { defineCommand, HELP_FLAG, readCommandLine } from './flags.js';

export const INFO = defineCommand(
  'info',
  {
    backend: {
      group: 'Options:',
      type: 'boolean',
      help: 'the kernel implementation in use, why it was chosen, and which others are available',
    },
    json: { type: 'boolean', help: 'print the description as JSON' },
    help: HELP_FLAG,
  },
  {
    usage: `Usage: lstm info MODEL [--json]
       lstm info --backend [--json]`,
    intro: `MODEL: the architecture, vocabulary, parameter count and, for a checkpoint, the training recipe,
progress and validation history.`,
    labelWidth: 23,
  },
);

export function infoCommand(argv: string[]): number {
  const line = readCommandLine(INFO, argv);
  if (line === undefined) return 0;
  const { values, positionals } = line;
  const json = values.json;
  if (values.backend) {
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
  const path = positionals[0] as string;
  const bytes = readBinaryFile(path, 'lstm info');
  const where = `lstm info ${path}`;
  const type = modelFileType(bytes, where);
  const { formatVersion, headerProtected } = modelFileVersion(bytes, where);
  const file = { formatVersion, headerProtected };
  // a file of release 0.1.0: its checksum covers only the weights, so say what that means
  const fileNote = headerProtected
    ? `file: format_version ${formatVersion}, one checksum over the header and the weights`
    : `file: format_version ${formatVersion} (release 0.1.0): the header is not protected by a checksum in that version, only the weights are; saving the model again writes format_version 2, which covers both`;
  if (type === 'forecaster') {
    const f = decodeForecaster(bytes, undefined, where);
    if (json)
      console.log(JSON.stringify({ config: f.config, encoding: f.encoding, parameters: f.network.arena.size, file }));
    else {
      describeForecaster(f);
      console.log(fileNote);
    }
    return 0;
  }
  if (type === 'global-forecaster') {
    const g = decodeGlobalForecaster(bytes, undefined, where);
    const ids = [...g.series.keys()];
    const first = g.series.get(ids[0] as string) as Forecaster;
    if (json)
      console.log(
        JSON.stringify({
          config: first.config,
          seriesColumn: g.seriesColumn,
          series: [...g.series].map(([id, f]) => ({ id, encoding: f.encoding })),
          parameters: first.network.arena.size,
          file,
        }),
      );
    else {
      console.log(
        `global model: one network for ${ids.length} series (column '${g.seriesColumn}'): ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}`,
      );
      console.log(`each series has its own scales, smoothing and calibration; those below are '${ids[0]}'s`);
      describeForecaster(first);
      console.log(fileNote);
    }
    return 0;
  }
  if (type === 'seq2seq') {
    const { model: m, training } = decodeSeq2SeqFile(bytes, undefined, where);
    const sizes = { sourceVocabulary: m.sourceVocab.size, targetVocabulary: m.targetVocab.size };
    const parameters = m.network.parameters.size;
    const t = training?.state;
    if (json) console.log(JSON.stringify({ type, config: m.config, ...sizes, parameters, training: t ?? null, file }));
    else {
      const c = m.config;
      const encoder = `${c.bidirectional ? 'bidirectional ' : ''}${c.encoderKind.toUpperCase()} ${c.encoderLayers} × ${c.encoderHidden}`;
      const attention = c.attention === 'none' ? 'no attention' : `${c.attention} attention with input feeding`;
      console.log(
        `model: sequence to sequence, encoder ${encoder} → decoder LSTM ${c.decoderLayers} × ${c.decoderHidden}, ${attention}, embedding ${c.embeddingSize}, dropout ${c.dropout}`,
      );
      console.log(
        `vocabularies: source ${m.sourceVocab.size}, target ${m.targetVocab.size} (the special tokens included)`,
      );
      console.log(`parameters: ${formatCount(parameters)}`);
      if (t === undefined) console.log('training state: none (saved for inference only)');
      else {
        const r = t.recipe;
        const best =
          t.bestLoss === null
            ? ''
            : `, lowest validation loss ${t.bestLoss.toFixed(4)} at epoch ${t.history.bestEpoch}`;
        console.log(
          `checkpoint: after epoch ${t.epochsDone} (${formatCount(t.updates)} updates, ${t.elapsedSeconds.toFixed(0)} s${best}); resume with lstm seq2seq train --resume`,
        );
        console.log(
          `recipe: B=${r.batchSize} adam lr=${r.learningRate} schedule=${r.schedule.kind} clip=${r.clip} patience=${r.patience} seed=${r.seed}`,
        );
      }
      console.log(fileNote);
    }
    return 0;
  }
  if (type === 'speech-recognizer') {
    const m = decodeSpeechRecognizer(bytes, undefined, where);
    if (json) console.log(JSON.stringify({ type, config: m.config, parameters: m.arena.size, file }));
    else {
      const c = m.config;
      const f = c.features;
      const kind = f.kind === 'mfcc' ? `MFCC ${f.mfccCount} of ${f.melBands} mel bands` : `log-mel ${f.melBands} bands`;
      const deltas = f.deltas === 0 ? '' : f.deltas === 1 ? ' + Δ' : ' + Δ + ΔΔ';
      console.log(
        `model: CTC speech recogniser, ${c.bidirectional ? 'bidirectional ' : ''}${c.cell.toUpperCase()} ${c.numLayers} × ${c.hiddenSize}, dropout ${c.dropout}`,
      );
      console.log(
        `features: ${kind}${deltas}, ${f.sampleRate} Hz, ${((1000 * f.frameLength) / f.sampleRate).toFixed(1)} ms ${f.window} frames every ${((1000 * f.hopLength) / f.sampleRate).toFixed(1)} ms, CMVN ${f.cmvn}; ${c.stack} frame(s) per step`,
      );
      console.log(`alphabet: ${JSON.stringify(c.alphabet.join(''))} (${c.alphabet.length} characters and the blank)`);
      console.log(`parameters: ${formatCount(m.arena.size)}`);
      console.log(fileNote);
    }
    return 0;
  }
  if (type === 'sequence-classifier' || type === 'sequence-tagger') {
    const m =
      type === 'sequence-classifier'
        ? decodeClassifier(bytes, undefined, where)
        : decodeTagger(bytes, undefined, where);
    if (json) console.log(JSON.stringify({ type, config: m.config, parameters: m.arena.size, file }));
    else {
      describeSequenceModel(type, m);
      console.log(fileNote);
    }
    return 0;
  }
  const { model, training } = loadCheckpoint(path);
  const t = training?.state;
  if (json) {
    console.log(
      JSON.stringify({
        config: model.config,
        vocabulary: model.vocab.chars,
        vocabularySize: model.vocab.size,
        parameters: model.parameterCount,
        training: t ?? null,
        file,
      }),
    );
    return 0;
  }
  console.log(
    `model: character language model, ${describeNetwork(model.config)}, embedding ${model.config.embeddingSize}`,
  );
  console.log(`parameters: ${formatCount(model.parameterCount)}`);
  const shown = model.vocab.chars.map((ch) => JSON.stringify(ch).slice(1, -1)).join('');
  console.log(`vocabulary: ${model.vocab.size} (${model.vocab.chars.length} characters + <unk>): ${shown}`);
  console.log(fileNote);
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

function describeForecaster(f: Forecaster): void {
  const c = f.config;
  const e = f.encoding;
  console.log(
    `model: LSTM forecaster, ${c.numLayers} layer(s) × ${c.hiddenSize}, ${c.strategy} strategy, ${c.horizon} step(s) ahead from a lookback of ${c.lookback}`,
  );
  console.log(`parameters: ${formatCount(f.network.arena.size)}`);
  console.log(`time: column '${c.timeColumn}', a step of ${describeStep(e.step)}, season ${e.season}`);
  const reference = {
    none: 'training mean',
    last: 'last value',
    trend: 'local trend',
    ets: `Holt–Winters forecast: ${(e.smoothing ?? []).map((m) => etsName(m.spec)).join(', ')}, fitted on the training rows`,
  }[e.reference];
  const lags = c.lags.length > 0 ? `; also read ${c.lags.join(', ')} rows back` : '';
  console.log(`targets: ${c.targets.join(', ')} (relative to the ${reference})${lags}`);
  console.log(
    `exogenous inputs: ${c.features.length > 0 ? c.features.join(', ') : 'none'}; calendar: ${c.calendar.length > 0 ? c.calendar.join(', ') : 'none'}`,
  );
  console.log(`missing values: ${c.missing}; quantiles: ${c.quantiles.join(', ')}`);
  const cal = f.calibrator?.state;
  console.log(
    cal === undefined
      ? 'interval calibration: none'
      : `interval calibration: ${Math.round(cal.level * 100)}% adaptive (γ ${cal.gamma}), ${cal.scores.reduce((n, s) => n + s.length, 0)} scores kept`,
  );
}

function describeSequenceModel(type: string, m: SequenceClassifier | SequenceTagger): void {
  const c = m.config;
  const what =
    type === 'sequence-classifier'
      ? 'sequence classifier (one class per sequence)'
      : 'sequence tagger (a class per step)';
  const encoder = `${c.bidirectional ? 'bidirectional ' : ''}${c.cell.toUpperCase()}, ${c.numLayers} layer(s) × ${c.hiddenSize}`;
  const pooling = 'pooling' in c ? `, ${String(c.pooling)} pooling` : '';
  const reading = 'chunkLength' in c && c.chunkLength !== null ? `, read in chunks of ${c.chunkLength} tokens` : '';
  const bag = 'bagOfTokens' in c && c.bagOfTokens ? ', with a bag of tokens beside it' : '';
  console.log(`model: ${what}, ${encoder}${pooling}${reading}${bag}`);
  console.log(`parameters: ${formatCount(m.arena.size)}`);
  console.log(`classes: ${c.classes.join(', ')}`);
  const input = c.input;
  if (input.kind === 'numeric') console.log(`input: numeric steps of ${input.features} feature(s)`);
  else
    console.log(
      `input: ${m.vocab === null ? 'token ids' : `${m.vocab.kind} tokens`}, vocabulary ${formatCount(input.vocabSize)} (with <pad> and <unk>), embedding ${input.embeddingSize}`,
    );
}
