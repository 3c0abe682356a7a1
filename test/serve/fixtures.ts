/**
 * Small model files of every kind the server serves, written to a temporary folder once per test
 * process, and helpers to start a server on 127.0.0.1 and call it with fetch. The models are tiny
 * (and mostly untrained): these tests are about the server, not the models.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeClassifier,
  encodeForecaster,
  encodeGlobalForecaster,
  prepareSeries,
  encodeModel,
  encodeSeq2Seq,
  encodeSpeechRecognizer,
  encodeTagger,
  Forecaster,
  LanguageModel,
  Seq2Seq,
  SequenceClassifier,
  SequenceTagger,
  SpeechRecognizer,
  tableFromRecords,
  TokenVocab,
} from '../../src/index.js';
import { LstmServer, type ServeOptions } from '../../src/serve/index.js';

export const DIR = mkdtempSync(join(tmpdir(), 'lstm-serve-'));
export const TEXT = 'the cat sat on the mat. the dog ran to the cat. a bird sang. '.repeat(20);

function write(name: string, bytes: Uint8Array): string {
  const file = join(DIR, name);
  writeFileSync(file, bytes);
  return file;
}

/** A character LM file (2 × `hidden`, untrained unless `steps`). */
export function languageModelFile(name = 'lm.lstm', hidden = 24): string {
  return write(
    name,
    encodeModel(LanguageModel.create({ text: TEXT, hiddenSize: hidden, numLayers: 2, embeddingSize: 8, seed: 1 })),
  );
}

export function classifierFile(): string {
  const vocab = TokenVocab.build(['good great fine', 'bad awful poor'], { tokens: 'word' });
  return write(
    'spam.lstm',
    encodeClassifier(new SequenceClassifier({ classes: ['ham', 'spam'], vocab, hiddenSize: 8, embeddingSize: 4 })),
  );
}

export function taggerFile(): string {
  const vocab = TokenVocab.build(['not good but fine'], { tokens: 'word' });
  return write(
    'tagger.lstm',
    encodeTagger(new SequenceTagger({ classes: ['O', 'NEG'], vocab, hiddenSize: 6, embeddingSize: 4 })),
  );
}

export function forecasterFile(): { file: string; rows: Array<Record<string, string>> } {
  const rows = Array.from({ length: 60 }, (_, i) => ({
    month: `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
    sales: (100 + 10 * Math.sin(i / 2) + i).toFixed(2),
  }));
  const table = tableFromRecords([['month', 'sales'], ...rows.map((r) => [r.month, r.sales])], 'sales');
  const f = Forecaster.fit(
    table,
    { timeColumn: 'month', targets: ['sales'], lookback: 12, horizon: 3 },
    { epochs: 2, seed: 1 },
  );
  return { file: write('sales.lstm', encodeForecaster(f)), rows };
}

/** A global forecaster over two stores (a long table with a 'store' column), and its rows. */
export function globalForecasterFile(): { file: string; rows: Array<Record<string, string>> } {
  const rows = ['north', 'south'].flatMap((store, s) =>
    Array.from({ length: 48 }, (_, i) => ({
      store,
      month: `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
      sales: ((s + 1) * 50 + 5 * Math.sin(i / 2) + i).toFixed(2),
    })),
  );
  const spec = { timeColumn: 'month', targets: ['sales'], features: [], calendar: [], missing: 'error' as const };
  const series = ['north', 'south'].map((store) =>
    prepareSeries(
      tableFromRecords(
        [['month', 'sales'], ...rows.filter((r) => r.store === store).map((r) => [r.month, r.sales])],
        store,
      ),
      spec,
    ),
  );
  const members = Forecaster.fitGlobal(
    series,
    { timeColumn: 'month', targets: ['sales'], lookback: 12, horizon: 2 },
    [48, 48],
    {
      epochs: 2,
      seed: 1,
    },
  );
  const model = {
    seriesColumn: 'store',
    series: new Map([
      ['north', members[0] as Forecaster],
      ['south', members[1] as Forecaster],
    ]),
  };
  return { file: write('stores.lstm', encodeGlobalForecaster(model)), rows };
}

export function seq2seqFile(): { file: string; model: Seq2Seq } {
  const pairs = ['abc', 'bca', 'cab', 'acb'].map((w) => ({ source: [...w], target: [...w].reverse() }));
  const { model } = Seq2Seq.fit(pairs, pairs, { encoderHidden: 8, embeddingSize: 4, seed: 1 }, { epochs: 1 });
  return { file: write('reverse.lstm', encodeSeq2Seq(model)), model };
}

export function speechFile(): { file: string; model: SpeechRecognizer } {
  const model = new SpeechRecognizer({
    alphabet: 'ab',
    features: { sampleRate: 8000, kind: 'logmel', melBands: 8 },
    hiddenSize: 6,
    numLayers: 1,
    seed: 2,
  });
  return { file: write('speech.lstm', encodeSpeechRecognizer(model)), model };
}

export { wavBytes } from '../helpers/wav-bytes.js';

export interface Running {
  server: LstmServer;
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<Running> {
  const server = await LstmServer.create({ logLevel: 'silent', ...options });
  const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { server, url, close: () => server.shutdown(5000) };
}

/** POST `body` as JSON; the status and the parsed answer. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown>, headers: r.headers };
}

/** Read a server-sent-event stream to its end: the tokens in order and the final event's data. */
export async function readStream(
  response: Response,
): Promise<{ tokens: string[]; final: { event: string; data: Record<string, unknown> } }> {
  const tokens: string[] = [];
  let final = { event: '', data: {} as Record<string, unknown> };
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>;
      if (event === 'message') tokens.push(data.token as string);
      else final = { event, data };
    }
  }
  return { tokens, final };
}
