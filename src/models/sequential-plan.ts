/**
 * A Sequential model as data (what src/io/tfjs-layers.ts reads from a Keras / TensorFlow.js file
 * and src/models/sequential.ts runs): each layer with its weights already in our layout
 * (src/io/gate-order.ts): kernels (G·H, D), gates in PyTorch's order.
 */
import type { ActivationSpec } from '../nn/activations.js';
import type { CellKind } from '../nn/cell-config.js';

/** One direction's weights in our layout. */
export interface CellWeightsPlan {
  weight_ih: Float32Array;
  weight_hh: Float32Array;
  bias_ih: Float32Array;
  bias_hh: Float32Array;
}

export type LayerPlan =
  | { type: 'embedding'; name: string; inputDim: number; outputDim: number; table: Float32Array }
  | {
      type: 'recurrent';
      name: string;
      kind: CellKind;
      units: number;
      inputSize: number;
      activations: ActivationSpec[];
      linearBeforeReset: boolean;
      returnSequences: boolean;
      /** null: one direction; else how Bidirectional merges its two outputs. */
      merge: null | 'concat' | 'sum' | 'mul' | 'ave';
      directions: CellWeightsPlan[];
    }
  | {
      type: 'dense';
      name: string;
      inSize: number;
      units: number;
      activation: ActivationSpec | 'softmax';
      weight: Float32Array;
      bias: Float32Array;
    };

export interface ModelPlan {
  /** Features per step of the input (1 for token ids into an Embedding). */
  inputFeatures: number;
  /** True when the first layer is an Embedding: the input is token ids. */
  tokens: boolean;
  layers: LayerPlan[];
}
