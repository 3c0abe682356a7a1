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
