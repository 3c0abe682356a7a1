/**
 * A small TensorFlow.js layers model written by hand in the form tf.LayersModel.save writes it
 * (model.json with two weight groups of one shard each), for the reader and `lstm convert` tests.
 */
import { Rng } from '../../src/rng.js';

/** LSTM (3 features → 2 units) then Dense (2 → 1): model.json and its two shards (192 and 12 bytes). */
export function smallTfjsModel(): { json: Record<string, unknown>; shards: Record<string, Uint8Array> } {
  const json = {
    format: 'layers-model',
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'small',
        layers: [
          {
            class_name: 'LSTM',
            config: {
              name: 'lstm1',
              units: 2,
              batch_input_shape: [null, 4, 3],
              activation: 'tanh',
              recurrent_activation: 'sigmoid',
              return_sequences: false,
            },
          },
          { class_name: 'Dense', config: { name: 'dense1', units: 1, activation: 'linear' } },
        ],
      },
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'lstm1/kernel', shape: [3, 8], dtype: 'float32' },
          { name: 'lstm1/recurrent_kernel', shape: [2, 8], dtype: 'float32' },
          { name: 'lstm1/bias', shape: [8], dtype: 'float32' },
        ],
      },
      {
        paths: ['group2-shard1of1.bin'],
        weights: [
          { name: 'dense1/kernel', shape: [2, 1], dtype: 'float32' },
          { name: 'dense1/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ],
  };
  const rng = new Rng(3);
  const floats = (n: number): Uint8Array =>
    new Uint8Array(Float32Array.from({ length: n }, () => rng.uniform(-0.5, 0.5)).buffer);
  return { json, shards: { 'group1-shard1of1.bin': floats(48), 'group2-shard1of1.bin': floats(3) } };
}
