/**
 * The inspection trace is what the stack computes: its h at every step equals the stack's forward
 * output (float64, every cell kind and the LSTM's options, stacked and bidirectional), its gates
 * obey the cell equations, and a language model's trace ends in the model's own final state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LanguageModel } from '../../src/models/language-model.js';
import { findTrackingUnits, inspectLanguageModel, patternMask } from '../../src/models/inspect-language-model.js';
import { inspectRecurrent } from '../../src/nn/inspect.js';
import { ParamArena } from '../../src/nn/params.js';
import { Recurrent, type RecurrentOptions } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/rng.js';
import { k64 } from '../helpers/lstm-setup.js';

const D = 3;
const H = 4;
const T = 6;
const CASES: { name: string; opts: RecurrentOptions }[] = [
  { name: 'plain LSTM, 2 layers', opts: { kind: 'lstm', inputSize: D, hiddenSize: H, numLayers: 2 } },
  {
    name: 'LSTM with peepholes, projection, clip, coupled gates, bidirectional',
    opts: {
      kind: 'lstm',
      inputSize: D,
      hiddenSize: H,
      projSize: 2,
      peephole: true,
      clip: 0.5,
      inputForget: true,
      bidirectional: true,
    },
  },
  {
    name: 'GRU (PyTorch form), bidirectional, 2 layers',
    opts: { kind: 'gru', inputSize: D, hiddenSize: H, numLayers: 2, bidirectional: true },
  },
  { name: 'GRU, original form', opts: { kind: 'gru', inputSize: D, hiddenSize: H, linearBeforeReset: false } },
  { name: 'RNN, relu', opts: { kind: 'rnn', inputSize: D, hiddenSize: H, activations: ['relu'] } },
];

describe('inspectRecurrent', () => {
  for (const c of CASES) {
    it(`${c.name}: h of the trace = the stack's output at every step`, () => {
      const arena = new ParamArena(k64, Recurrent.paramSpecs(c.opts));
      const net = new Recurrent(k64, arena, c.opts);
      const rng = new Rng(3);
      net.init(rng);
      const x = Float64Array.from({ length: T * D }, () => rng.uniform(-1, 1));
      const { y } = net.forward(x, T, 1);
      const traces = inspectRecurrent(net, x, T);
      assert.equal(traces.length, net.numLayers * net.dirs);
      const top = traces.filter((tr) => tr.layer === net.numLayers - 1);
      const width = net.stateSize;
      for (let t = 0; t < T; t++) {
        const fromTrace = top.flatMap((tr) => tr.hidden[t] as number[]);
        const fromForward = Array.from(y.subarray(t * net.outputSize, (t + 1) * net.outputSize));
        assert.equal(fromTrace.length, net.dirs * width);
        fromTrace.forEach((v, j) =>
          assert.ok(Math.abs(v - (fromForward[j] as number)) < 1e-12, `t ${t}, j ${j}: ${v} vs ${fromForward[j]}`),
        );
      }
      for (const tr of traces) {
        for (const rows of Object.values(tr.gates)) {
          assert.equal(rows.length, T);
        }
        if (c.opts.kind === 'lstm') {
          // c_t = f ⊙ c_{t−1} + i ⊙ g, in the direction's own order of reading
          const order = tr.direction === 'forward' ? [...Array(T).keys()] : [...Array(T).keys()].reverse();
          let prev = new Array<number>(H).fill(0);
          for (const t of order) {
            const [i, f, g] = (['input', 'forget', 'cell'] as const).map(
              (n) => (tr.gates[n] as number[][])[t] as number[],
            );
            const cell = (tr.cell as number[][])[t] as number[];
            cell.forEach((v, j) =>
              assert.ok(
                Math.abs(v - ((f as number[])[j]! * prev[j]! + (i as number[])[j]! * (g as number[])[j]!)) < 1e-12,
              ),
            );
            prev = cell;
          }
        }
      }
    });
  }
});

describe('inspectLanguageModel', () => {
  it("one step per character, and the trace's last state is the model's final state", () => {
    const model = LanguageModel.create({
      text: 'abcabd abba',
      embeddingSize: 3,
      hiddenSize: 5,
      numLayers: 2,
      seed: 2,
      kernels: k64,
    });
    const text = 'abdz'; // z is unknown: read as the unknown token
    const trace = inspectLanguageModel(model, text);
    assert.deepEqual(trace.chars, ['a', 'b', 'd', 'z']);
    const ids = model.vocab.encode(text);
    const { hN, cN } = model.network.forward(ids, ids.length, 1, null, null);
    trace.layers.forEach((layer, l) => {
      const h = layer.hidden[ids.length - 1] as number[];
      const c = (layer.cell as number[][])[ids.length - 1] as number[];
      h.forEach((v, j) => assert.ok(Math.abs(v - (hN[l * 5 + j] as number)) < 1e-12));
      c.forEach((v, j) => assert.ok(Math.abs(v - (cN![l * 5 + j] as number)) < 1e-12));
      for (const g of ['input', 'forget', 'output'])
        for (const row of layer.gates[g] as number[][]) for (const v of row) assert.ok(v > 0 && v < 1);
    });
    assert.throws(() => inspectLanguageModel(model, ''), /the text is empty/);
  });
});

describe('findTrackingUnits and patternMask', () => {
  it('masks the characters inside matches (astral characters count once) and ranks the unit that follows them first', () => {
    const text = 'say "hi 🐳" ok "yo"';
    const mask = patternMask(text, /"[^"]*"/);
    assert.deepEqual(Array.from(mask).join(''), '000011111100001111');
    const rng = new Rng(5);
    const steps = mask.length;
    // a one-layer trace: cell unit 2 is the mask plus a little noise, the rest noise
    const noise = (): number[][] => Array.from({ length: steps }, () => [0, 0, 0].map(() => rng.uniform(-1, 1)));
    const cell = noise().map((row, t) => row.map((v, u) => (u === 2 ? (mask[t] as number) + 0.1 * v : v)));
    const trace = {
      chars: [...text],
      layers: [
        {
          layer: 0,
          direction: 'forward' as const,
          kind: 'lstm' as const,
          gates: { input: noise(), forget: noise() },
          cell,
          hidden: noise().map((row, t) => row.map((v, u) => (u === 0 ? -(mask[t] as number) + 0.3 * v : v))),
        },
      ],
    };
    const [best, second] = findTrackingUnits(trace, text, /"[^"]*"/g, 3);
    assert.deepEqual([best?.signal, best?.unit], ['cell', 2]);
    assert.ok((best?.correlation as number) > 0.95);
    assert.deepEqual([second?.signal, second?.unit], ['hidden', 0]);
    assert.ok((second?.correlation as number) < -0.7, 'a unit that goes down inside the pattern ranks by |r|');
    assert.throws(() => findTrackingUnits(trace, text, /x{5}/), /matches no character of the text/);
  });
});
