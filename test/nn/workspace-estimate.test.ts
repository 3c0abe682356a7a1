import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CellKind,
  fit,
  type Floats,
  type Kernels,
  LanguageModel,
  RefKernels,
  splitText,
  trainingStepValues,
} from '../../src/index.js';
import { defaultKernels } from '../../src/kernels/index.js';

/** Kernels that count every value their alloc hands out. */
function counting(k: Kernels): Kernels & { allocated: number } {
  const c = Object.create(k) as Kernels & { allocated: number };
  c.allocated = 0;
  c.alloc = (n: number): Floats => {
    c.allocated += n;
    return k.alloc(n);
  };
  return c;
}

const text = 'the quick brown fox jumps over the lazy dog. '.repeat(100);

// [hidden, layers, T, B, cell, projection, validation fraction]
const CASES: [number, number, number, number, CellKind, number, number][] = [
  [32, 1, 16, 4, 'lstm', 0, 0.1],
  [16, 3, 50, 10, 'lstm', 0, 0],
  [64, 2, 32, 8, 'gru', 0, 0],
  [48, 2, 30, 6, 'gru', 0, 0.1],
  [64, 1, 32, 8, 'rnn', 0, 0],
  [64, 2, 16, 8, 'lstm', 16, 0],
];

describe('the training memory estimate', () => {
  for (const backend of ['js', 'default']) {
    for (const [H, L, T, B, cell, projSize, validationFraction] of CASES) {
      it(`is at least the real allocation and at most twice it: ${backend}, ${cell} ${L} × ${H}, T ${T}, B ${B}${projSize > 0 ? `, projection ${projSize}` : ''}`, async () => {
        const kernels = counting(backend === 'js' ? new RefKernels() : defaultKernels());
        const model = LanguageModel.create({
          text,
          hiddenSize: H,
          numLayers: L,
          embeddingSize: 8,
          cell,
          projSize,
          kernels,
        });
        await fit(model, text, { seqLength: T, batchSize: B, maxSteps: 2, evalEvery: 0, validationFraction });
        const specs = model.arena.entries;
        const validationChars = splitText(text, validationFraction).validation.length;
        const work =
          trainingStepValues(specs, { T, B }) +
          (validationFraction > 0
            ? trainingStepValues(specs, { T: Math.min(1000, validationChars), B: 1, forwardOnly: true })
            : 0);
        const estimate = 4 * model.arena.size + work; // values, gradients, Adam's m and v, work buffers
        const ratio = estimate / kernels.allocated;
        assert.ok(ratio >= 1, `estimate ${estimate} < allocated ${kernels.allocated}`);
        assert.ok(ratio <= 2, `estimate ${estimate} is ${ratio.toFixed(2)} × the allocation ${kernels.allocated}`);
      });
    }
  }
});
