/**
 * Inspection of a character language model: the trace of src/nn/inspect.ts over a text, read
 * through the model's embedding, so each step is one character (for `lstm inspect` and the
 * browser playground). Characters outside the vocabulary read as the unknown token.
 */
import { ConfigError } from '../errors.js';
import { type CellWeights, resolveCell } from '../nn/cell-config.js';
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
  const { embeddingSize: E, hiddenSize: H, numLayers: L } = model.config;
  const ids = model.vocab.encode(text);
  const table = model.arena.value('embedding.weight'); // (V, E)
  const x = new Float64Array(ids.length * E);
  ids.forEach((id, t) => x.set(table.subarray(id * E, (id + 1) * E), t * E));
  const configs = Array.from({ length: L }, (_, l) =>
    resolveCell({ kind: 'lstm', inputSize: l === 0 ? E : H, hiddenSize: H }),
  );
  const weights = configs.map((_, l): CellWeights[] => {
    const w = (name: string) => model.arena.value(`lstm.${name}_l${l}`);
    return [{ wIh: w('weight_ih'), wHh: w('weight_hh'), bIh: w('bias_ih'), bHh: w('bias_hh'), wHr: null, peep: null }];
  });
  return { chars, layers: traceLayers(configs, weights, x, ids.length) };
}
