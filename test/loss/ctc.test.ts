/**
 * The CTC loss: PyTorch's nn.CTCLoss on frozen vectors (test/fixtures/ctc_reference.json, made by
 * make_ctc_reference.py): every reduction, zero_infinity, a blank other than 0, repeated labels, an
 * empty target and an impossible alignment; a float64 gradient check; a brute-force sum over every
 * alignment of a tiny case; and its errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ctcLoss, type CtcReduction } from '../../src/loss/ctc.js';
import { logSoftmaxInto } from '../../src/loss/softmax.js';
import { Rng } from '../../src/rng.js';
import { describeReport, gradcheck, randomArray } from '../helpers/gradcheck.js';

type Value = number | string; // 'inf' where PyTorch wrote infinity
interface Fixture {
  T: number;
  B: number;
  C: number;
  S: number;
  logits: number[];
  inputLengths: number[];
  targetLengths: number[];
  cases: {
    blank: number;
    reduction: CtcReduction;
    zeroInfinity: boolean;
    targets: number[];
    loss: Value[];
    dLogits?: number[];
  }[];
}

const read = (v: Value): number => (v === 'inf' ? Infinity : Number(v));
const close = (a: number, b: number): boolean => (a === b ? true : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));

describe('ctcLoss', () => {
  const f = JSON.parse(readFileSync('test/fixtures/ctc_reference.json', 'utf8')) as Fixture;
  for (const c of f.cases) {
    it(`matches PyTorch: blank ${c.blank}, reduction ${c.reduction}, zeroInfinity ${c.zeroInfinity}`, () => {
      const d = new Float64Array(f.T * f.B * f.C);
      const r = ctcLoss(f.logits, f.T, f.B, f.C, f.inputLengths, c.targets, f.S, f.targetLengths, c, d);
      const expected = c.loss.map(read);
      if (c.reduction === 'none')
        r.losses.forEach((v, b) => assert.ok(close(v, expected[b] as number), `loss ${b}: ${v}`));
      else assert.ok(close(r.loss, expected[0] as number), `${r.loss} against ${expected[0]}`);
      if (c.dLogits !== undefined) {
        // with 'none' PyTorch's backward went through the losses' sum, which is what d holds then
        c.dLogits.forEach((v, i) =>
          assert.ok(Math.abs((d[i] as number) - v) < 1e-9, `dLogits[${i}]: ${d[i]} against ${v}`),
        );
      }
    });
  }

  it('passes a float64 gradient check (repeats, an empty target, lengths)', () => {
    const [T, B, C, S] = [6, 3, 4, 3];
    const logits = randomArray(T * B * C, new Rng(5));
    const targets = [1, 1, 2, 3, 0, 0, 0, 0, 0];
    const lengths = [6, 4, 5];
    const targetLengths = [3, 1, 0];
    const d = new Float64Array(T * B * C);
    ctcLoss(logits, T, B, C, lengths, targets, S, targetLengths, {}, d);
    const loss = (): number => ctcLoss(logits, T, B, C, lengths, targets, S, targetLengths).loss;
    const report = gradcheck([{ name: 'logits', values: logits, analytic: d }], loss);
    assert.equal(report.failures.length, 0, describeReport(report));
  });

  it('equals minus the log of the sum over every alignment that collapses to the target', () => {
    const [T, C] = [5, 3];
    const logits = randomArray(T * C, new Rng(9));
    const logP = new Float64Array(T * C);
    for (let t = 0; t < T; t++) logSoftmaxInto(logits, t * C, C, logP, t * C);
    const target = [1, 1, 2];
    const collapse = (path: number[]): number[] => path.filter((c, i) => c !== 0 && (i === 0 || c !== path[i - 1]));
    let total = 0;
    for (let code = 0; code < C ** T; code++) {
      const path = Array.from({ length: T }, (_, t) => Math.floor(code / C ** t) % C);
      if (collapse(path).join() !== target.join()) continue;
      total += Math.exp(path.reduce((s, c, t) => s + (logP[t * C + c] as number), 0));
    }
    const r = ctcLoss(logits, T, 1, C, [T], target, 3, [3], { reduction: 'sum' });
    assert.ok(Math.abs(r.loss + Math.log(total)) < 1e-12, `${r.loss} against ${-Math.log(total)}`);
  });

  it('refuses labels that are the blank or out of range, and lengths out of range', () => {
    const z = new Float64Array(2 * 1 * 3);
    assert.throws(
      () => ctcLoss(z, 2, 1, 3, [2], [0], 1, [1]),
      /target 0 of sequence 0 is 0; .* other than the blank \(0\)/,
    );
    assert.throws(() => ctcLoss(z, 2, 1, 3, [2], [3], 1, [1]), /in \[0, 3\)/);
    assert.throws(() => ctcLoss(z, 2, 1, 3, [3], [1], 1, [1]), /inputLengths\[0\] is 3/);
    assert.throws(() => ctcLoss(z, 2, 1, 3, [2], [1], 1, [2]), /targetLengths\[0\] is 2/);
    assert.throws(() => ctcLoss(z, 2, 1, 3, [2], [1], 1, [1], { blank: 3 }), /blank must be a class in \[0, 3\)/);
    assert.throws(() => ctcLoss(z, 3, 1, 3, [2], [1], 1, [1]), /needs 9/);
  });
});
