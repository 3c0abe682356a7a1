/**
 * What can be exported to ONNX, described as OnnxExportLayer lists (src/io/onnx/export.ts):
 * a recurrent stack (Recurrent: the PyTorch nn.LSTM / GRU / RNN equivalent), the character
 * language model (Embedding → recurrent × L → Linear → softmax, with its vocabulary in the metadata),
 * and a Sequential model imported from Keras / TensorFlow.js.
 */
import { ConfigError } from '../../errors.js';
import type { LanguageModel } from '../../models/language-model.js';
import type { SequentialModel } from '../../models/sequential.js';
import { activation } from '../../nn/activations.js';
import type { ParamArena } from '../../nn/params.js';
import type { Recurrent } from '../../nn/recurrent.js';
import { type DirectionWeights, type OnnxExportLayer, type OnnxExportOptions, exportOnnx } from './export.js';

/** Every layer of a recurrent stack, its weights read from the arena under PyTorch's names. */
export function recurrentExportLayers(net: Recurrent, arena: ParamArena): OnnxExportLayer[] {
  return net.cells.map((cfg, l) => {
    if (cfg.projSize > 0) {
      throw new ConfigError(
        'ONNX export',
        `ONNX's LSTM operator has no projection; this stack has projSize ${cfg.projSize}.`,
      );
    }
    const directions: DirectionWeights[] = Array.from({ length: net.dirs }, (_, d) => {
      const n = (s: string): string => `${net.prefix}${s}_l${l}${d === 1 ? '_reverse' : ''}`;
      return {
        weight_ih: arena.value(n('weight_ih')),
        weight_hh: arena.value(n('weight_hh')),
        bias_ih: arena.value(n('bias_ih')),
        bias_hh: arena.value(n('bias_hh')),
        peephole: cfg.peephole ? arena.value(n('weight_peephole')) : null,
      };
    });
    return {
      type: 'recurrent',
      name: `${net.prefix}l${l}`,
      kind: cfg.kind,
      inputSize: cfg.D,
      hiddenSize: cfg.H,
      activations: cfg.activations.map((a) => a.spec),
      clip: cfg.clip,
      inputForget: cfg.inputForget,
      linearBeforeReset: cfg.linearBeforeReset,
      directions,
      merge: 'concat',
      returnSequences: true,
    };
  });
}

/**
 * A recurrent stack as ONNX: input (T, B, D) (or batch-first), output (T, B, dirs·H) as PyTorch's
 * output, and with `states` the inputs h0, c0 and outputs h_n, c_n.
 */
export function exportRecurrentOnnx(net: Recurrent, arena: ParamArena, opts: OnnxExportOptions = {}): Uint8Array {
  return exportOnnx(recurrentExportLayers(net, arena), opts);
}

/**
 * The character language model as ONNX: ids (T, B) int64 and h0 (L, B, H) (and c0 for an LSTM)
 * in; the next character's probabilities (T, B, V) and h_n (and c_n) out. The vocabulary is in metadata_props
 * ('vocab': the characters as a JSON array, id = position).
 */
export function exportLanguageModelOnnx(model: LanguageModel, opts: OnnxExportOptions = {}): Uint8Array {
  const { vocabSize: V, embeddingSize: E } = model.shape;
  const a = model.arena;
  const stack = model.network.recurrent;
  const layers: OnnxExportLayer[] = [
    { type: 'embedding', name: 'embedding', table: a.value('embedding.weight'), inputDim: V, outputDim: E },
    ...recurrentExportLayers(stack, a),
    {
      type: 'dense',
      name: 'head',
      inSize: stack.stateSize,
      units: V,
      weight: a.value('head.weight'),
      bias: a.value('head.bias'),
      activation: 'softmax',
    },
  ];
  return exportOnnx(layers, {
    states: true,
    outputName: 'probs',
    ...opts,
    metadata: { vocab: JSON.stringify(model.vocab.chars), ...opts.metadata },
  });
}

/** A Keras / TensorFlow.js Sequential model as ONNX, batch-first as Keras is. */
export function exportSequentialOnnx(model: SequentialModel, opts: OnnxExportOptions = {}): Uint8Array {
  const layers = model.plan.layers.map((p): OnnxExportLayer => {
    if (p.type === 'embedding')
      return { type: 'embedding', name: p.name, table: p.table, inputDim: p.inputDim, outputDim: p.outputDim };
    if (p.type === 'dense') {
      return {
        type: 'dense',
        name: p.name,
        inSize: p.inSize,
        units: p.units,
        weight: p.weight,
        bias: p.bias,
        activation: p.activation === 'softmax' ? 'softmax' : activation(p.activation).spec,
      };
    }
    return {
      type: 'recurrent',
      name: p.name,
      kind: p.kind,
      inputSize: p.inputSize,
      hiddenSize: p.units,
      activations: p.activations.map((s) => activation(s).spec),
      clip: 0,
      inputForget: false,
      linearBeforeReset: p.linearBeforeReset,
      directions: p.directions,
      merge: p.merge ?? 'concat',
      returnSequences: p.returnSequences,
    };
  });
  return exportOnnx(layers, { batchFirst: true, ...opts });
}
