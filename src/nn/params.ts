/**
 * The parameter arena: every parameter of a model in one array, every gradient in a second with
 * the same offsets (llm.c). Clipping and the optimizer are then single flat loops, and a
 * checkpoint is two copies. Names and shapes follow PyTorch (`lstm.weight_ih_l0 (4H, D)` …).
 */
import { ConfigError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import { bytesPerValue, checkMemory } from './memory-budget.js';
import { describeDrivers } from './workspace-estimate.js';

export interface ParamSpec {
  name: string;
  shape: readonly number[];
}

export interface ParamEntry extends ParamSpec {
  offset: number;
  length: number;
}

export class ParamArena {
  /** All parameters, concatenated in declaration order. */
  readonly values: Floats;
  /** Their gradients, at the same offsets. Accumulated with +=; zeroed by zeroGrads(). */
  readonly grads: Floats;
  readonly size: number;
  readonly entries: readonly ParamEntry[];
  private readonly byName = new Map<string, ParamEntry>();

  constructor(kernels: Kernels, specs: readonly ParamSpec[]) {
    let offset = 0;
    const entries: ParamEntry[] = [];
    for (const spec of specs) {
      if (this.byName.has(spec.name)) {
        throw new ConfigError('ParamArena', `parameter '${spec.name}' is declared twice.`);
      }
      const length = spec.shape.reduce((a, b) => a * b, 1);
      if (!Number.isSafeInteger(length) || length < 0) {
        throw new ConfigError('ParamArena', `parameter '${spec.name}' has the shape [${spec.shape.join(', ')}].`);
      }
      const entry = { name: spec.name, shape: [...spec.shape], offset, length };
      entries.push(entry);
      this.byName.set(spec.name, entry);
      offset += length;
    }
    // the memory budget (nn/memory-budget.ts), before either array exists
    const bytes = offset * bytesPerValue(kernels);
    checkMemory(
      'model',
      [
        { what: 'parameters', bytes },
        { what: 'their gradients', bytes },
      ],
      `${offset} parameters (${describeDrivers(specs, [])})`,
    );
    this.entries = entries;
    this.size = offset;
    this.values = kernels.alloc(offset);
    this.grads = kernels.alloc(offset);
  }

  entry(name: string): ParamEntry {
    const e = this.byName.get(name);
    if (e === undefined) {
      const known = this.entries.map((x) => x.name).join(', ');
      throw new ConfigError('ParamArena', `no parameter named '${name}'. Known: ${known}.`);
    }
    return e;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A view of one parameter's values. */
  value(name: string): Floats {
    const e = this.entry(name);
    return this.values.subarray(e.offset, e.offset + e.length);
  }

  /** A view of one parameter's gradient. */
  grad(name: string): Floats {
    const e = this.entry(name);
    return this.grads.subarray(e.offset, e.offset + e.length);
  }

  zeroGrads(): void {
    this.grads.fill(0);
  }
}
