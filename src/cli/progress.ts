/**
 * Training progress on the terminal: a one-line bar redrawn in place when stderr is a terminal,
 * a plain line every few seconds when it is not (logs, CI), or one JSON object per line on stdout
 * with --json. An evaluation's line says "checkpoint saved" only once the checkpoint is on disk
 * (saved(), called after the rename): until then it is held back (plain) or says "saving…" (bar).
 */
import type { Progress } from '../index.js';
import { formatCount, formatDuration } from './args.js';

export class ProgressPrinter {
  private lastPlain = 0;
  private barShown = false;
  private lastValidationBpc: number | undefined;
  /** An evaluation's line waiting for its checkpoint to be saved. */
  private pendingEval: string | undefined;

  constructor(
    private readonly json: boolean,
    private readonly tty: boolean = process.stderr.isTTY === true,
  ) {}

  update(p: Progress): void {
    if (p.validation !== undefined) this.lastValidationBpc = p.validation.bitsPerChar;
    if (this.json) {
      const line = {
        event: p.kind,
        step: p.step,
        totalSteps: p.totalSteps ?? null,
        epoch: p.epoch,
        loss: round(p.loss),
        learningRate: p.learningRate,
        gradNorm: round(p.gradNorm),
        charsPerSecond: Math.round(p.charsPerSecond),
        elapsedSeconds: round(p.elapsedSeconds, 1),
        secondsLeft: p.secondsLeft === undefined ? null : round(p.secondsLeft, 1),
        ...(p.validation === undefined
          ? {}
          : { validationNats: round(p.validation.nats), validationBpc: round(p.validation.bitsPerChar) }),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    this.flushPending('(validated)');
    const text = this.describe(p);
    if (p.kind === 'eval') {
      this.pendingEval = text;
      if (this.tty) this.drawBar(`${text}  (validated, saving…)`);
    } else if (this.tty) {
      this.drawBar(text);
    } else if (Date.now() - this.lastPlain > 10_000) {
      process.stderr.write(`${text}\n`);
      this.lastPlain = Date.now();
    }
  }

  /** A checkpoint of update `step` is on disk at `path` (called after the rename). */
  saved(path: string, step: number): void {
    if (this.json) {
      process.stdout.write(`${JSON.stringify({ event: 'saved', step, path })}\n`);
      return;
    }
    this.flushPending('(validated, checkpoint saved)');
  }

  /** Finish the bar's line so the next output starts on a fresh one. */
  endLine(): void {
    this.flushPending('(validated)');
    if (this.barShown) process.stderr.write('\n');
    this.barShown = false;
  }

  private drawBar(text: string): void {
    const width = process.stderr.columns ?? 100;
    process.stderr.write(`\r${text.slice(0, width - 1).padEnd(Math.min(width - 1, text.length + 2))}`);
    this.barShown = true;
  }

  /** Print the held evaluation line, ending with `suffix`, on a line of its own. */
  private flushPending(suffix: string): void {
    const text = this.pendingEval;
    if (text === undefined) return;
    this.pendingEval = undefined;
    if (this.tty) {
      this.drawBar(`${text}  ${suffix}`);
      process.stderr.write('\n');
      this.barShown = false;
    } else {
      process.stderr.write(`${text}  ${suffix}\n`);
      this.lastPlain = Date.now();
    }
  }

  private describe(p: Progress): string {
    const parts: string[] = [];
    if (p.totalSteps !== undefined && p.totalSteps > 0) {
      const width = 20;
      const filled = Math.min(width, Math.round((p.step / p.totalSteps) * width));
      parts.push(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] step ${p.step}/${p.totalSteps}`);
    } else if (p.secondsLeft !== undefined && p.elapsedSeconds > 0) {
      const width = 20;
      const frac = p.elapsedSeconds / (p.elapsedSeconds + p.secondsLeft);
      const filled = Math.min(width, Math.round(frac * width));
      parts.push(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] step ${p.step}`);
    } else {
      parts.push(`step ${p.step}`);
    }
    parts.push(`loss ${p.loss.toFixed(3)}`);
    if (this.lastValidationBpc !== undefined) parts.push(`val ${this.lastValidationBpc.toFixed(3)} bpc`);
    if (p.charsPerSecond > 0) parts.push(`${formatCount(p.charsPerSecond)} chars/s`);
    if (p.secondsLeft !== undefined) parts.push(`${formatDuration(p.secondsLeft)} left`);
    return parts.join('  ');
  }
}

function round(x: number, digits = 4): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : x;
}
