/**
 * Decoding a Seq2SeqNetwork: beam search over a batch of sources, batched as B · K decoder rows
 * (K hypotheses per source), greedy decoding being the beam of 1. At each step every live
 * hypothesis is extended by every token; per source the best candidates by total log-probability
 * are kept: a candidate ending in </s> among the first K becomes a finished hypothesis, the others
 * the K live ones (their decoder states, fed h̃ and histories gathered from their parents). A source
 * is done once it has K finished hypotheses; at the maximum length the live ones end with a forced
 * </s>. Finished hypotheses are ranked by score / length^α (α = lengthPenalty; the length
 * counts </s>; α = 0 ranks by total log-probability), as fairseq's lenpen does.
 */
import { ConfigError, ShapeError } from '../errors.js';
import type { Floats } from '../kernels/index.js';
import { logSoftmaxInto } from '../loss/softmax.js';
import type { Seq2SeqNetwork } from './seq2seq-network.js';

export interface BeamOptions {
  /** Hypotheses kept per source (1 = greedy). */
  beam: number;
  /** Most target tokens before </s>. */
  maxLength: number;
  /** α in score / length^α (default 1). */
  lengthPenalty?: number;
  /** Hypotheses returned per source, best first (default 1, at most beam). */
  nbest?: number;
  /** The ids of <s> and </s> in the target vocabulary. */
  bos: number;
  eos: number;
}

export interface Hypothesis {
  /** The target tokens, without <s> and </s>. */
  tokens: number[];
  /** Σ log p over the tokens and the </s> that ends them. */
  logProb: number;
  /** logProb / (tokens + 1)^α: the ranking score. */
  score: number;
  /** False when the maximum length forced its </s>. */
  finished: boolean;
}

/** Decode B sources (Ts, B) time-major with their lengths: per source the n best, best first. */
export function beamSearch(
  net: Seq2SeqNetwork,
  source: Int32Array,
  sourceLengths: Int32Array,
  Ts: number,
  B: number,
  opts: BeamOptions,
): Hypothesis[][] {
  const K = opts.beam;
  const nbest = opts.nbest ?? 1;
  const alpha = opts.lengthPenalty ?? 1;
  if (!Number.isInteger(K) || K < 1) throw new ConfigError('beamSearch', `beam must be a positive integer; got ${K}.`);
  if (!Number.isInteger(nbest) || nbest < 1 || nbest > K)
    throw new ConfigError('beamSearch', `nbest must be an integer in [1, beam = ${K}]; got ${nbest}.`);
  if (!Number.isInteger(opts.maxLength) || opts.maxLength < 1)
    throw new ConfigError('beamSearch', `maxLength must be a positive integer; got ${opts.maxLength}.`);
  if (source.length !== Ts * B || sourceLengths.length !== B)
    throw new ShapeError('beamSearch', `source must be (Ts, B) = (${Ts}, ${B}) ids with ${B} lengths.`);
  const k = net.kernels;
  const { decoderHidden: Hd, targetVocab: V } = net.options;
  const N = B * K;
  const parentOf = (row: number): number => Math.floor(row / K); // the source of a decoder row
  const enc = net.encode(source, sourceLengths, Ts, B);
  const Hm = enc.memory.length / (Ts * B);
  // every source's rows repeated for its K hypotheses
  const memory = k.alloc(Ts * N * Hm);
  for (let j = 0; j < Ts; j++)
    for (let row = 0; row < N; row++)
      memory.set(
        enc.memory.subarray((j * B + parentOf(row)) * Hm, (j * B + parentOf(row) + 1) * Hm),
        (j * N + row) * Hm,
      );
  const lengths = Int32Array.from({ length: N }, (_, row) => sourceLengths[parentOf(row)] as number);
  const Ld = enc.h0.length / (B * Hd);
  const state = { B: N, h: k.alloc(Ld * N * Hd), c: k.alloc(Ld * N * Hd) as Floats | null };
  for (let l = 0; l < Ld; l++)
    for (let row = 0; row < N; row++) {
      const from = (l * B + parentOf(row)) * Hd;
      state.h.set(enc.h0.subarray(from, from + Hd), (l * N + row) * Hd);
      state.c?.set(enc.c0.subarray(from, from + Hd), (l * N + row) * Hd);
    }
  net.startDecoding(memory, Ts, N, lengths, opts.maxLength + 1);

  let tokens = new Int32Array(N).fill(opts.bos);
  let fed: Floats = k.alloc(N * Hd);
  // the first step extends one hypothesis per source (the others are copies of it)
  let scores = Float64Array.from({ length: N }, (_, row) => (row % K === 0 ? 0 : -Infinity));
  let histories: number[][] = Array.from({ length: N }, () => []);
  const finished: Hypothesis[][] = Array.from({ length: B }, () => []);
  const done = new Array<boolean>(B).fill(false);
  const logP = new Float64Array(V);
  const finish = (tokensSoFar: number[], logProb: number, chosen: boolean): Hypothesis => ({
    tokens: tokensSoFar,
    logProb,
    score: logProb / Math.pow(tokensSoFar.length + 1, alpha),
    finished: chosen,
  });
  for (let t = 0; t <= opts.maxLength && !done.every(Boolean); t++) {
    const step = net.step(t, tokens, fed, state);
    const parents = new Int32Array(N);
    const nextTokens = new Int32Array(N).fill(opts.eos);
    const nextScores = new Float64Array(N).fill(-Infinity);
    for (let b = 0; b < B; b++) {
      if (done[b] === true) continue;
      // every extension of the source's live hypotheses, best first
      const candidates: { row: number; token: number; score: number }[] = [];
      for (let kk = 0; kk < K; kk++) {
        const row = b * K + kk;
        const base = scores[row] as number;
        if (base === -Infinity) continue;
        logSoftmaxInto(step.logits, row * V, V, logP);
        for (let v = 0; v < V; v++) candidates.push({ row, token: v, score: base + (logP[v] as number) });
      }
      if (t === opts.maxLength) {
        // the maximum length: every live hypothesis ends here with </s>, forced
        for (const c of candidates)
          if (c.token === opts.eos) finished[b]?.push(finish([...(histories[c.row] as number[])], c.score, false));
        done[b] = true;
        continue;
      }
      candidates.sort((x, y) => y.score - x.score);
      let live = 0;
      for (let i = 0; i < candidates.length && live < K; i++) {
        const c = candidates[i] as { row: number; token: number; score: number };
        if (c.token === opts.eos) {
          // </s> among the best K ends a hypothesis
          if (i < K) finished[b]?.push(finish([...(histories[c.row] as number[])], c.score, true));
          continue;
        }
        const to = b * K + live++;
        parents[to] = c.row;
        nextTokens[to] = c.token;
        nextScores[to] = c.score;
      }
      if ((finished[b] as Hypothesis[]).length >= K || live === 0) done[b] = true;
    }
    // the live rows take their parents' states, fed h̃ and histories
    for (let row = 0; row < N; row++) if (nextScores[row] === -Infinity) parents[row] = row;
    gatherRows(state.h, Ld, N, Hd, parents);
    if (state.c !== null) gatherRows(state.c, Ld, N, Hd, parents);
    const nextFed = k.alloc(N * Hd);
    for (let row = 0; row < N; row++)
      nextFed.set(step.hTilde.subarray((parents[row] as number) * Hd, ((parents[row] as number) + 1) * Hd), row * Hd);
    fed = nextFed;
    histories = Array.from(parents, (p, row) =>
      nextScores[row] === -Infinity ? [] : [...(histories[p] as number[]), nextTokens[row] as number],
    );
    tokens = nextTokens;
    scores = nextScores;
  }
  return finished.map((list) => list.sort((x, y) => y.score - x.score).slice(0, nbest));
}

/** In place: rows of a (L, N, width) state taken from their parents' rows, layer by layer. */
function gatherRows(a: Floats, L: number, N: number, width: number, parents: Int32Array): void {
  const copy = Float64Array.from(a);
  for (let l = 0; l < L; l++)
    for (let row = 0; row < N; row++) {
      const from = (l * N + (parents[row] as number)) * width;
      for (let i = 0; i < width; i++) a[(l * N + row) * width + i] = copy[from + i] as number;
    }
}
