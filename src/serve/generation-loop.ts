/**
 * Continuous batching of generation requests in a model's worker: requests wait in arrival order,
 * join the running GenerationBatch between steps (up to maxBatch streams), and leave it when they
 * end or are cancelled. The loop runs one step per turn of the worker's event loop (setImmediate),
 * so cancellations and new requests are taken between any two steps.
 */
import { GenerationBatch, type LanguageModel, type StreamOptions } from '../index.js';
import type { FromWorker } from './protocol.js';
import { checkKnownChars } from './model-runners.js';

export interface GenerateInput extends StreamOptions {
  prime?: string;
}

interface Active {
  stream: boolean;
  text: string;
  tokens: number;
}

export class GenerationLoop {
  private readonly batch: GenerationBatch;
  private readonly waiting: Array<{ id: number; input: GenerateInput; stream: boolean }> = [];
  private readonly active = new Map<number, Active>();
  private scheduled = false;

  constructor(
    private readonly model: LanguageModel,
    private readonly maxBatch: number,
    private readonly send: (message: FromWorker) => void,
  ) {
    this.batch = new GenerationBatch(model);
  }

  /** Queue a generation; a prime with characters the model never saw is refused at once. */
  add(id: number, input: GenerateInput, stream: boolean): void {
    try {
      checkKnownChars(this.model, input.prime ?? '', 'the prime');
    } catch (e) {
      this.send({ type: 'error', id, status: 400, message: (e as Error).message });
      return;
    }
    this.waiting.push({ id, input, stream });
    this.schedule();
  }

  /** Drop a request, waiting or running (its client left, or its deadline passed). */
  cancel(id: number): void {
    const at = this.waiting.findIndex((w) => w.id === id);
    if (at >= 0) this.waiting.splice(at, 1);
    if (this.batch.remove(id)) this.active.delete(id);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turn();
    });
  }

  /** Admit waiting requests while there is room, then one step of every stream. */
  private turn(): void {
    while (this.batch.size < this.maxBatch && this.waiting.length > 0) {
      const { id, input, stream } = this.waiting.shift() as (typeof this.waiting)[number];
      try {
        this.batch.add(id, input);
        this.active.set(id, { stream, text: '', tokens: 0 });
      } catch (e) {
        this.send({ type: 'error', id, status: 400, message: (e as Error).message });
      }
    }
    if (this.batch.size === 0) return;
    const size = this.batch.size;
    for (const step of this.batch.step()) {
      const a = this.active.get(step.id);
      if (a === undefined) continue;
      a.text += step.char;
      a.tokens++;
      if (a.stream) this.send({ type: 'token', id: step.id, text: step.char });
      if (step.finished !== null) {
        this.active.delete(step.id);
        this.send({
          type: 'done',
          id: step.id,
          output: { text: a.text, tokens: a.tokens, finishReason: step.finished },
        });
      }
    }
    this.send({ type: 'batch', route: 'generate', size, tokens: size });
    if (this.batch.size > 0 || this.waiting.length > 0) this.schedule();
  }
}
