/**
 * Beam search over a Seq2SeqNetwork (src/models/seq2seq-decode.ts), float64: every hypothesis's
 * log-probability is what teacher forcing gives its tokens; a batch decodes as each source alone;
 * the beam of 1 takes the most likely token at every step; n-best lists are ranked by the
 * length-normalised score; and bad options are refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefKernels } from '../../src/kernels/index.js';
import { beamSearch, type Hypothesis } from '../../src/models/seq2seq-decode.js';
import { Seq2SeqNetwork, type Seq2SeqNetworkOptions } from '../../src/models/seq2seq-network.js';
import { ParamArena } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';

const k64 = new RefKernels('float64');
const [BOS, EOS] = [1, 2];
const OPTS: Seq2SeqNetworkOptions = {
  sourceVocab: 7,
  targetVocab: 6,
  embeddingSize: 4,
  encoderHidden: 3,
  decoderHidden: 5,
  decoderLayers: 2,
  attention: 'general',
};
// two sources (Ts 4, B 2) time-major: lengths 4 and 2
const SOURCE = Int32Array.from([3, 4, 5, 6, 6, 0, 3, 0]);
const LENGTHS = Int32Array.from([4, 2]);

function network(seed: number): Seq2SeqNetwork {
  const net = new Seq2SeqNetwork(k64, new ParamArena(k64, Seq2SeqNetwork.paramSpecs(OPTS)), OPTS);
  net.init(new Rng(seed));
  return net;
}

/** Σ log p of tokens then </s> for source b alone, by teacher forcing. */
function teacherForced(net: Seq2SeqNetwork, b: number, tokens: number[]): number {
  const Ts = LENGTHS[b] as number;
  const source = Int32Array.from({ length: Ts }, (_, j) => SOURCE[j * 2 + b] as number);
  const Tt = tokens.length + 1;
  const batch = {
    source,
    sourceLengths: Int32Array.from([Ts]),
    Ts,
    targetIn: Int32Array.from([BOS, ...tokens]),
    targetOut: Int32Array.from([...tokens, EOS]),
    Tt,
    B: 1,
  };
  return -net.forward(batch).sum;
}

describe('beamSearch (float64)', () => {
  const net = network(3);

  it('gives each hypothesis the log-probability teacher forcing gives it, n-best ranked by score', () => {
    const results = beamSearch(net, SOURCE, LENGTHS, 4, 2, { beam: 4, nbest: 4, maxLength: 6, bos: BOS, eos: EOS });
    assert.equal(results.length, 2);
    for (const [b, list] of results.entries()) {
      assert.ok(list.length >= 1 && list.length <= 4);
      list.forEach((h: Hypothesis, i) => {
        assert.ok(Math.abs(h.logProb - teacherForced(net, b, h.tokens)) < 1e-9, `source ${b}, hypothesis ${i}`);
        assert.ok(Math.abs(h.score - h.logProb / (h.tokens.length + 1)) < 1e-12);
        if (i > 0) assert.ok((list[i - 1] as Hypothesis).score >= h.score);
        assert.ok(!h.tokens.includes(EOS) && h.tokens.length <= 6);
      });
    }
  });

  it('decodes a batch as it decodes each source alone', () => {
    const opts = { beam: 3, nbest: 2, maxLength: 5, bos: BOS, eos: EOS, lengthPenalty: 0.6 };
    const both = beamSearch(net, SOURCE, LENGTHS, 4, 2, opts);
    const first = beamSearch(net, Int32Array.from([3, 5, 6, 3]), Int32Array.from([4]), 4, 1, opts)[0];
    const second = beamSearch(net, Int32Array.from([4, 6]), Int32Array.from([2]), 2, 1, opts)[0];
    assert.deepEqual(both[0], first);
    assert.deepEqual(both[1], second);
  });

  it('with a beam of 1 takes the most likely token at every step (greedy)', () => {
    const [greedy] = beamSearch(net, SOURCE, LENGTHS, 4, 2, {
      beam: 1,
      maxLength: 6,
      bos: BOS,
      eos: EOS,
    })[0] as Hypothesis[];
    const chosen = [...(greedy as Hypothesis).tokens, EOS];
    // the same source alone, stepped by hand: each chosen token is the argmax of its step's logits
    const enc = net.encode(Int32Array.from([3, 5, 6, 3]), Int32Array.from([4]), 4, 1);
    net.startDecoding(Float64Array.from(enc.memory), 4, 1, Int32Array.from([4]), 8);
    const state = { B: 1, h: Float64Array.from(enc.h0), c: Float64Array.from(enc.c0) };
    let fed = new Float64Array(OPTS.decoderHidden);
    let previous = BOS;
    chosen.forEach((token, t) => {
      const { logits, hTilde } = net.step(t, Int32Array.from([previous]), fed, state);
      const best = Array.from(logits).reduce((arg, v, i, all) => (v > (all[arg] as number) ? i : arg), 0);
      // a </s> forced by the maximum length need not be the best token
      if (t < chosen.length - 1 || (greedy as Hypothesis).finished) assert.equal(token, best, `step ${t}`);
      fed = Float64Array.from(hTilde);
      previous = token;
    });
  });

  it('refuses a beam, n-best or maximum length out of range', () => {
    const base = { beam: 2, maxLength: 4, bos: BOS, eos: EOS };
    assert.throws(() => beamSearch(net, SOURCE, LENGTHS, 4, 2, { ...base, beam: 0 }), /beam must be/);
    assert.throws(() => beamSearch(net, SOURCE, LENGTHS, 4, 2, { ...base, nbest: 3 }), /nbest must be/);
    assert.throws(() => beamSearch(net, SOURCE, LENGTHS, 4, 2, { ...base, maxLength: 0 }), /maxLength must be/);
    assert.throws(() => beamSearch(net, SOURCE, LENGTHS, 3, 2, base), /source must be/);
  });
});
