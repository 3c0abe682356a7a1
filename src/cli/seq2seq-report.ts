/**
 * What `lstm seq2seq` prints and writes besides the model: progress within an epoch, the
 * learning curve (--history), and the error rates of decoding a split, greedy and with a beam.
 */
import { corpusBleu, type EpochRecord, type Seq2Seq, sequenceErrorRates } from '../index.js';
import { writeFileAtomic } from '../node/index.js';

/** A source with every target that counts as right for it. */
export interface Item {
  source: string[];
  references: string[][];
}

/** How to decode: the beam of the report (greedy is always shown), α, and the most target tokens. */
export interface Decoding {
  beam: number;
  lengthPenalty: number;
  maxLength: number | undefined;
}

/**
 * Progress inside an epoch on stderr: a line redrawn in place on a terminal, a plain line every
 * 30 s otherwise (logs, CI).
 */
export class UpdateProgress {
  private lastPlain = 0;
  private shown = false;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly perEpoch: number) {}

  update(e: { epoch: number; update: number; loss: number; seconds: number }): void {
    const inEpoch = e.update - (e.epoch - 1) * this.perEpoch;
    const text = `epoch ${e.epoch}: update ${Math.min(inEpoch, this.perEpoch)}/${this.perEpoch}, loss ${e.loss.toFixed(4)}, ${e.seconds.toFixed(0)} s`;
    if (this.tty) {
      process.stderr.write(`\r${text}\u001b[K`);
      this.shown = true;
    } else if (e.seconds - this.lastPlain >= 30) {
      this.lastPlain = e.seconds;
      process.stderr.write(`${text}\n`);
    }
  }

  clear(): void {
    if (this.shown) process.stderr.write('\r\u001b[K');
    this.shown = false;
  }
}

export const percent = (x: number): string => `${(100 * x).toFixed(2)} %`;

/** One point of the learning curve: an epoch's losses and, with validation data, its greedy errors. */
export interface CurvePoint extends EpochRecord {
  validSequenceError?: number;
  validTokenError?: number;
}

/** The learning curve so far, with the model and recipe that made it, as JSON (written atomically). */
export function writeHistory(
  path: string,
  data: string,
  model: Seq2Seq,
  recipe: object,
  curve: readonly CurvePoint[],
): void {
  const run = { data, model: model.config, recipe, epochs: curve };
  writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(run, null, 1)}\n`));
}

/** Sequence and token error rates of the best translations of `items`. */
export function errorRates(model: Seq2Seq, items: readonly Item[], beam: number, decoding: Decoding) {
  const out = model.translate(
    items.map((it) => it.source),
    {
      beam,
      lengthPenalty: decoding.lengthPenalty,
      ...(decoding.maxLength === undefined ? {} : { maxLength: decoding.maxLength }),
    },
  );
  const predictions = out.map((h) => h[0]?.tokens ?? []);
  return {
    predictions,
    ...sequenceErrorRates(
      predictions,
      items.map((it) => it.references),
    ),
  };
}

/** Greedy and beam scores on `items`, printed as a table. */
export function report(model: Seq2Seq, items: readonly Item[], decoding: Decoding, what: string): void {
  console.log(`${what}: ${items.length} sources`);
  const most = decoding.maxLength;
  const tooLong = most === undefined ? 0 : items.filter((it) => it.references.every((r) => r.length > most)).length;
  if (tooLong > 0)
    console.error(
      `warning: ${tooLong} of the ${items.length} sources have only targets longer than --max-length ${most}: they count as errors.`,
    );
  console.log('| decoding | sequence error | token error | BLEU | seconds |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const beam of [...new Set([1, decoding.beam])]) {
    const started = performance.now();
    const rates = errorRates(model, items, beam, decoding);
    const bleu = corpusBleu(
      rates.predictions,
      items.map((it) => it.references),
    ).bleu;
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `| ${beam === 1 ? 'greedy' : `beam ${beam}`} | ${percent(rates.sequenceErrorRate)} | ${percent(rates.tokenErrorRate)} | ${(100 * bleu).toFixed(2)} | ${seconds.toFixed(1)} |`,
    );
  }
}
