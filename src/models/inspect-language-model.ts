/**
 * Inspection of a character language model: the trace of src/nn/inspect.ts over a text, read
 * through the model's embedding, so each step is one character (for `lstm inspect` and the
 * browser playground). Characters outside the vocabulary read as the unknown token.
 */
import { ConfigError } from '../errors.js';
import { type LayerTrace, traceLayers } from '../nn/inspect.js';
import type { LanguageModel } from './language-model.js';

export interface LanguageModelTrace {
  /** The characters read, one per step. */
  chars: string[];
  /** One trace per LSTM layer, bottom first. */
  layers: LayerTrace[];
}

export function inspectLanguageModel(model: LanguageModel, text: string): LanguageModelTrace {
  const chars = [...text];
  if (chars.length === 0)
    throw new ConfigError('inspectLanguageModel', 'the text is empty; give at least one character.');
  const E = model.config.embeddingSize;
  const ids = model.vocab.encode(text);
  const table = model.arena.value('embedding.weight'); // (V, E)
  const x = new Float64Array(ids.length * E);
  ids.forEach((id, t) => x.set(table.subarray(id * E, (id + 1) * E), t * E));
  const stack = model.network.recurrent;
  const weights = stack.cells.map((_, l) => [stack.weightsOf(l)]);
  return { chars, layers: traceLayers(stack.cells, weights, x, ids.length) };
}

/** A unit of the trace and how closely it follows a pattern over the text. */
export interface TrackingUnit {
  layer: number;
  /** 'cell' (c_t, LSTM), 'hidden' (h_t) or a gate's name ('input', 'forget', …). */
  signal: string;
  unit: number;
  /** Pearson correlation of the unit's value with the pattern's 0/1 mask, in [−1, 1]. */
  correlation: number;
}

/**
 * Which characters of the text lie inside a match of `pattern` (1) or not (0): the signal a unit
 * that "tracks" the pattern follows, e.g. /"[^"]*"/g for inside quotes, /\([^)]*\)/g for brackets.
 */
export function patternMask(text: string, pattern: RegExp): Float64Array {
  const chars = [...text];
  // the code-unit offset of each character, so matches (in code units) map to characters
  const offsets = new Int32Array(chars.length + 1);
  chars.forEach((ch, i) => (offsets[i + 1] = (offsets[i] as number) + ch.length));
  const units = new Float64Array(text.length);
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (const m of text.matchAll(global)) units.fill(1, m.index, m.index + m[0].length);
  return Float64Array.from(chars, (_, i) => units[offsets[i] as number] as number);
}

/**
 * The units whose activation best follows `pattern` over `text`, strongest |correlation| first:
 * every cell-state and hidden unit, and every gate, of every layer. A mask that is all 0 or all 1
 * has no correlation with anything and is refused.
 */
export function findTrackingUnits(trace: LanguageModelTrace, text: string, pattern: RegExp, top = 10): TrackingUnit[] {
  const mask = patternMask(text, pattern);
  if (mask.length !== trace.chars.length)
    throw new ConfigError(
      'findTrackingUnits',
      `the trace has ${trace.chars.length} steps, the text ${mask.length} characters.`,
    );
  const ones = mask.reduce((s, v) => s + v, 0);
  if (ones === 0 || ones === mask.length)
    throw new ConfigError(
      'findTrackingUnits',
      `the pattern ${String(pattern)} ${ones === 0 ? 'matches no character' : 'matches every character'} of the text; a unit can only track a pattern that is sometimes on and sometimes off.`,
    );
  const found: TrackingUnit[] = [];
  trace.layers.forEach((layer, l) => {
    const signals: Array<[string, number[][]]> = [
      ...(layer.cell === null ? [] : [['cell', layer.cell] as [string, number[][]]]),
      ['hidden', layer.hidden],
      ...Object.entries(layer.gates),
    ];
    for (const [signal, rows] of signals) {
      const width = rows[0]?.length ?? 0;
      for (let u = 0; u < width; u++) {
        const r = pearson(
          rows.map((row) => row[u] as number),
          mask,
        );
        if (Number.isFinite(r)) found.push({ layer: l, signal, unit: u, correlation: r });
      }
    }
  });
  return found.sort((a, b) => Math.abs(b.correlation) - Math.abs(a.correlation)).slice(0, top);
}

/** Pearson's r of two equally long series (NaN when either is constant). */
function pearson(x: readonly number[], y: Float64Array): number {
  const n = x.length;
  let [mx, my] = [0, 0];
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let [sxy, sxx, syy] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [dx, dy] = [(x[i] as number) - mx, (y[i] as number) - my];
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}
