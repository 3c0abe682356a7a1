/**
 * RecurrentHead in float64: the gradient of a weighted sum of its outputs, by central differences,
 * for both read-outs, over a 2-layer bidirectional stack with variable lengths (the final state of
 * the reverse direction is at t = 0, of the forward one at each sequence's end).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamArena } from '../../src/nn/params.js';
import type { RecurrentOptions } from '../../src/nn/recurrent.js';
import { RecurrentHead, type ReadOut } from '../../src/nn/recurrent-head.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck } from '../helpers/gradcheck.js';
import { k64 } from '../helpers/lstm-setup.js';

const opts: RecurrentOptions = { kind: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true };
const [T, B, O] = [4, 3, 2];

describe('RecurrentHead', () => {
  for (const readOut of ['end', 'steps'] as ReadOut[]) {
    it(`read-out '${readOut}': gradients of x, the head and the first layer match central differences`, () => {
      const arena = new ParamArena(k64, RecurrentHead.paramSpecs(opts, O));
      const net = new RecurrentHead(k64, arena, opts, O);
      const rng = new Rng(4);
      net.recurrent.init(rng);
      net.head.init(rng);
      const x = Float64Array.from({ length: T * B * 3 }, () => rng.uniform(-1, 1));
      const lengths = Int32Array.of(4, 2, 3);
      const n = readOut === 'end' ? B * O : T * B * O;
      const weights = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
      const loss = (): number => {
        const out = net.forward(x, T, B, lengths, readOut);
        let s = 0;
        for (let i = 0; i < n; i++) s += (out[i] as number) * (weights[i] as number);
        return s;
      };
      arena.zeroGrads();
      net.forward(x, T, B, lengths, readOut);
      const dx = Float64Array.from(net.backward(weights));
      const report = gradcheck(
        [
          { name: 'x', values: x, analytic: dx },
          { name: 'head.weight', values: arena.value('head.weight'), analytic: arena.grad('head.weight').slice() },
          {
            name: 'weight_hh_l0_reverse',
            values: arena.value('lstm.weight_hh_l0_reverse'),
            analytic: arena.grad('lstm.weight_hh_l0_reverse').slice(),
          },
        ],
        loss,
      );
      assert.equal(report.failures.length, 0, describeReport(report));
    });
  }
});
