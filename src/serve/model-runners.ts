/**
 * What each kind of model file serves, in a worker: the file's bytes → the model, and for every
 * route it answers a function from a batch of request inputs to one result each (an output, or a
 * BadInput for that request alone, so one bad request never fails its batch-mates). The inputs
 * were validated by the route's JSON schema; what a schema cannot know (characters a model never
 * saw, a table's columns) is checked here and named.
 */
import {
  decodeClassifier,
  decodeForecaster,
  decodeGlobalForecaster,
  decodeModelFile,
  decodeSeq2Seq,
  decodeSpeechRecognizer,
  decodeTagger,
  decodeWav,
  type Forecast,
  type Forecaster,
  formatTime,
  type LanguageModel,
  modelFileType,
  tableFromJsonRows,
} from '../index.js';
import { BadInput, type ModelSummary, type Route } from './protocol.js';

export type Result = unknown | BadInput;
export type BatchRunner = (inputs: readonly unknown[]) => Result[];

export interface Runner {
  summary: ModelSummary;
  /** The routes answered by running a batch of inputs at once. */
  batch: Partial<Record<Route, BatchRunner>>;
  /** For language models: the model that 'generate' steps (generation-loop.ts). */
  languageModel: LanguageModel | null;
}

/** Each input's result, a failure of one input caught as its own BadInput. */
function each<I>(inputs: readonly unknown[], run: (input: I) => unknown): Result[] {
  return inputs.map((input) => {
    try {
      return run(input as I);
    } catch (e) {
      return e instanceof BadInput ? e : new BadInput((e as Error).message);
    }
  });
}

/** The characters of `text` a language model never saw, refused by name. */
export function checkKnownChars(model: LanguageModel, text: string, what: string): void {
  const unknown = model.vocab.unknownChars(text);
  if (unknown.length > 0)
    throw new BadInput(
      `${what} has ${unknown.length} character(s) the model never saw: ${unknown.map((c) => JSON.stringify(c)).join(', ')}.`,
    );
}

/** A forecast as JSON: its times written as the table wrote them, and each target's median and interval. */
function forecastOutput(f: Forecast): Record<string, unknown> {
  return {
    times: f.times.map((t) => formatTime(t, f.step)),
    level: f.level,
    targets: f.targets.map((t) => ({
      name: t.name,
      median: Array.from(t.median),
      lower: Array.from(t.lower),
      upper: Array.from(t.upper),
    })),
  };
}

/** A long table's rows grouped by the series column, in first-seen order. */
function seriesOf(column: string, rows: ReadonlyArray<Record<string, unknown>>): Array<[string, unknown[]]> {
  const groups = new Map<string, unknown[]>();
  rows.forEach((row, i) => {
    const id = row[column];
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new BadInput(`row ${i} has no '${column}', the column that names each row's series.`);
    const list = groups.get(String(id));
    if (list === undefined) groups.set(String(id), [row]);
    else list.push(row);
  });
  return [...groups];
}

export function loadRunner(name: string, bytes: Uint8Array, where: string): Runner {
  const kind = modelFileType(bytes, where);
  const summary = (routes: Route[], parameters: number, description: string): ModelSummary => ({
    name,
    kind: kind ?? 'unknown',
    routes,
    parameters,
    description,
  });
  switch (kind) {
    case 'char-lm': {
      const { model } = decodeModelFile(bytes, undefined, where);
      const c = model.config;
      return {
        summary: summary(
          ['generate', 'score'],
          model.parameterCount,
          `character LM, ${(c.cell ?? 'lstm').toUpperCase()} ${c.numLayers} × ${c.hiddenSize}, ${model.vocab.size} symbols`,
        ),
        languageModel: model,
        batch: {
          score: (inputs) =>
            each<{ text: string }>(inputs, ({ text }) => {
              checkKnownChars(model, text, 'the text');
              if ([...text].length < 2) throw new BadInput('the text needs at least 2 characters to score.');
              const e = model.evaluate(text);
              return { nats: e.nats, bitsPerChar: e.bitsPerChar, predictions: e.predictions };
            }),
        },
      };
    }
    case 'sequence-classifier': {
      const model = decodeClassifier(bytes, undefined, where);
      return {
        summary: summary(['classify'], model.arena.size, `classifier of ${model.classes.join(', ')}`),
        languageModel: null,
        // every text of every request in one predictProba: the classifier batches them itself
        batch: {
          classify: (inputs) => {
            const texts = inputs.map((i) => (i as { texts: string[] }).texts);
            const probs = model.predictProba(texts.flat());
            let at = 0;
            return texts.map((list) =>
              list.map(() => {
                const p = probs[at++] as Float64Array;
                const best = p.indexOf(Math.max(...p));
                return {
                  label: model.classes[best],
                  probabilities: Object.fromEntries(model.classes.map((c, k) => [c, p[k]])),
                };
              }),
            );
          },
        },
      };
    }
    case 'sequence-tagger': {
      const model = decodeTagger(bytes, undefined, where);
      return {
        summary: summary(['tag'], model.arena.size, `tagger of ${model.classes.join(', ')}`),
        languageModel: null,
        batch: {
          tag: (inputs) =>
            each<{ text: string }>(inputs, ({ text }) => {
              const tokens = model.vocab?.tokenize(text) ?? [];
              if (tokens.length === 0) throw new BadInput('the text has no tokens to tag.');
              const tags = model.predict([text])[0] as Int32Array;
              return { tokens: tokens.map((token, i) => ({ token, tag: model.classes[tags[i] as number] })) };
            }),
        },
      };
    }
    case 'forecaster': {
      const model = decodeForecaster(bytes, undefined, where);
      return {
        summary: summary(
          ['forecast'],
          model.network.arena.size,
          `forecaster of ${model.config.targets.join(', ')}, ${model.config.horizon} steps ahead`,
        ),
        languageModel: null,
        batch: {
          forecast: (inputs) =>
            each<{ rows: unknown[] }>(inputs, ({ rows }) =>
              forecastOutput(model.forecast(model.prepare(tableFromJsonRows(rows, 'rows')))),
            ),
        },
      };
    }
    case 'global-forecaster': {
      const model = decodeGlobalForecaster(bytes, undefined, where);
      const first = model.series.values().next().value as Forecaster;
      return {
        summary: summary(
          ['forecast'],
          first.network.arena.size,
          `global forecaster of ${model.series.size} series (column '${model.seriesColumn}'), ${first.config.horizon} steps ahead`,
        ),
        languageModel: null,
        batch: {
          forecast: (inputs) =>
            each<{ rows: Array<Record<string, unknown>> }>(inputs, ({ rows }) => ({
              series: seriesOf(model.seriesColumn, rows).map(([id, part]) => {
                const f = model.series.get(id);
                if (f === undefined)
                  throw new BadInput(
                    `series '${id}' is not one the model was trained on; it knows ${[...model.series.keys()].slice(0, 20).join(', ')}.`,
                  );
                return { id, ...forecastOutput(f.forecast(f.prepare(tableFromJsonRows(part, `rows of '${id}'`)))) };
              }),
            })),
        },
      };
    }
    case 'seq2seq': {
      const model = decodeSeq2Seq(bytes, undefined, where);
      // sources split as the model's source vocabulary was: characters if every token is one
      const chars = model.sourceVocab.tokens.every((t) => t.startsWith('<') || [...t].length === 1);
      const split = (text: string): string[] => (chars ? [...text] : text.split(/\s+/).filter(Boolean));
      return {
        summary: summary(
          ['translate'],
          model.network.parameters.size,
          `sequence to sequence (${chars ? 'characters' : 'words'} in)`,
        ),
        languageModel: null,
        batch: {
          translate: (inputs) =>
            each<{ text: string; beam?: number; nbest?: number }>(inputs, ({ text, beam, nbest }) => {
              const source = split(text);
              if (source.length === 0) throw new BadInput('the text has no tokens to translate.');
              const out = model.translate([source], { beam: beam ?? 1, nbest: nbest ?? 1 })[0] ?? [];
              return { translations: out.map((t) => ({ tokens: t.tokens, logProb: t.logProb, finished: t.finished })) };
            }),
        },
      };
    }
    case 'speech-recognizer': {
      const model = decodeSpeechRecognizer(bytes, undefined, where);
      const rate = model.config.features.sampleRate;
      return {
        summary: summary(['transcribe'], model.arena.size, `CTC speech recogniser, ${rate} Hz`),
        languageModel: null,
        batch: {
          transcribe: (inputs) =>
            each<{ wav: Uint8Array; beam?: number }>(inputs, ({ wav, beam }) => {
              const audio = decodeWav(wav, { sampleRate: rate, where: 'the WAV body' });
              const [t] = model.transcribe([audio.samples], { beam: beam ?? 1 });
              return { text: t?.text ?? '', logProb: t?.logProb, characters: t?.characters ?? [] };
            }),
        },
      };
    }
    default:
      throw new BadInput(
        `the file holds a model of kind ${JSON.stringify(kind)}, which the server does not serve (char-lm, sequence-classifier, sequence-tagger, forecaster, global-forecaster, seq2seq, speech-recognizer).`,
      );
  }
}
