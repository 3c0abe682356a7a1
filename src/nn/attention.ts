/**
 * Attention of a decoder over an encoder's outputs, one decoder step at a time (a decoder with
 * input feeding needs step t's context before step t + 1 runs):
 *
 *   memory M (Ts, B, Hm), time-major as Recurrent writes it; lengths (B): position j of sequence b
 *   takes part only for j < lengths[b]; query q_t (B, Hd), the decoder's state at step t
 *   scores   dot       s[b, j] = q[b] · M[j, b]                       (Luong; Hd = Hm)
 *            general   s[b, j] = q[b] · (W_a M[j, b])                 (Luong; W_a (Hd, Hm))
 *            additive  s[b, j] = vᵀ tanh(W_q q[b] + b_q + W_k M[j, b]) (Bahdanau; W_q (A, Hd),
 *                      b_q (A), W_k (A, Hm), v (A))
 *   weights  α[b, ·] = softmax of s[b, ·] over the positions that take part (all zero for an empty
 *            source, whose context is then zero)
 *   context  c[b] = Σ_j α[b, j] M[j, b]                             (B, Hm)
 *
 * The memory's products (W_a M, W_k M: one (Ts·B) × Hm product each) run once per batch on the
 * kernels in `setMemory`; each step's work is B · Ts · (Hd or A) multiply-adds in loops. Backward
 * runs the steps in any order (the decoder goes from the last), accumulating the gradient of the
 * memory and of the parameters; `memoryBackward` then adds the memory products' share and returns
 * dM. Caches hold up to `maxSteps` steps of one batch.
 */
import { ConfigError, ShapeError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import type { Rng } from '../rng.js';
import { initUniform } from './init.js';
import type { ParamArena, ParamSpec } from './params.js';
import { Scratch } from './scratch.js';

export type AttentionKind = 'dot' | 'general' | 'additive';

export const ATTENTION_KINDS: readonly AttentionKind[] = ['dot', 'general', 'additive'];

export interface AttentionOptions {
  kind: AttentionKind;
  /** Hd, the query's (the decoder state's) size. */
  querySize: number;
  /** Hm, the memory's (the encoder outputs') size; dot attention needs Hm = Hd. */
  memorySize: number;
  /** A, the additive score's hidden size (default Hd). */
  attentionSize?: number;
}

export class Attention {
  readonly kind: AttentionKind;
  readonly querySize: number;
  readonly memorySize: number;
  readonly attentionSize: number;
  private readonly scratch: Scratch;
  private readonly w: Record<string, Floats> = {};
  private readonly g: Record<string, Floats> = {};
  // the batch set by setMemory
  private memory: Floats | undefined;
  private lengths: Int32Array | null = null;
  private allLengths: Int32Array | undefined; // (B) all Ts, for a memory without lengths
  private Ts = 0;
  private B = 0;
  private maxSteps = 0;

  static paramSpecs(prefix: string, opts: AttentionOptions): ParamSpec[] {
    const { kind, querySize: Hd, memorySize: Hm } = checkOptions(opts);
    const A = opts.attentionSize ?? Hd;
    if (kind === 'dot') return [];
    if (kind === 'general') return [{ name: `${prefix}weight`, shape: [Hd, Hm] }];
    return [
      { name: `${prefix}query.weight`, shape: [A, Hd] },
      { name: `${prefix}query.bias`, shape: [A] },
      { name: `${prefix}memory.weight`, shape: [A, Hm] },
      { name: `${prefix}v`, shape: [A] },
    ];
  }

  constructor(
    private readonly k: Kernels,
    arena: ParamArena,
    readonly prefix: string,
    opts: AttentionOptions,
  ) {
    checkOptions(opts);
    this.kind = opts.kind;
    this.querySize = opts.querySize;
    this.memorySize = opts.memorySize;
    this.attentionSize = opts.attentionSize ?? opts.querySize;
    for (const spec of Attention.paramSpecs(prefix, opts)) {
      const short = spec.name.slice(prefix.length);
      this.w[short] = arena.value(spec.name);
      this.g[short] = arena.grad(spec.name);
    }
    this.scratch = new Scratch(k);
  }

  /** PyTorch's Linear default for each matrix, U(±1/√fan_in); v as a Linear(A → 1) weight. */
  init(rng: Rng): void {
    const { querySize: Hd, memorySize: Hm, attentionSize: A } = this;
    if (this.kind === 'general') initUniform(this.param('weight'), rng, 1 / Math.sqrt(Hm));
    if (this.kind !== 'additive') return;
    initUniform(this.param('query.weight'), rng, 1 / Math.sqrt(Hd));
    initUniform(this.param('query.bias'), rng, 1 / Math.sqrt(Hd));
    initUniform(this.param('memory.weight'), rng, 1 / Math.sqrt(Hm));
    initUniform(this.param('v'), rng, 1 / Math.sqrt(A));
  }

  /**
   * The encoder outputs for the next steps: memory (Ts, B, Hm), lengths (B) or null for all Ts.
   * Zeroes the memory's gradient; keeps `memory` (not a copy) until the backward is done.
   */
  setMemory(memory: Floats, Ts: number, B: number, lengths: Int32Array | null, maxSteps: number): void {
    const Hm = this.memorySize;
    if (memory.length !== Ts * B * Hm) {
      throw new ShapeError(
        'Attention.setMemory',
        `memory has ${memory.length} values, but (Ts, B, Hm) = (${Ts}, ${B}, ${Hm}) needs ${Ts * B * Hm}.`,
      );
    }
    if (lengths !== null && (lengths.length !== B || lengths.some((n) => n < 0 || n > Ts))) {
      throw new ShapeError('Attention.setMemory', `lengths must be ${B} numbers in [0, ${Ts}]; got [${lengths}].`);
    }
    this.memory = memory;
    this.lengths = lengths;
    this.Ts = Ts;
    this.B = B;
    this.maxSteps = maxSteps;
    const rows = Ts * B;
    const keyWidth = this.keyWidth();
    if (this.kind !== 'dot') {
      // keys (Ts·B, Hd) = M · W_aᵀ, or the additive score's memory term (Ts·B, A) = M · W_kᵀ
      const keys = this.scratch.get('keys', rows * keyWidth);
      const w = this.kind === 'general' ? this.param('weight') : this.param('memory.weight');
      this.k.gemm(false, true, rows, keyWidth, Hm, memory, Hm, w, Hm, keys, keyWidth, 0);
      this.scratch.zeros('dKeys', rows * keyWidth);
    }
    this.scratch.zeros('dMemory', rows * Hm);
  }

  /** Step t < maxSteps: query (B, Hd) → context (B, Hm); the weights (B, Ts) are kept for backward. */
  step(t: number, query: Floats): { context: Floats; weights: Floats } {
    const { Ts, B } = this.checkStep('Attention.step', t);
    const Hd = this.querySize;
    if (query.length !== B * Hd) {
      throw new ShapeError('Attention.step', `query has ${query.length} values, but (B, Hd) = (${B}, ${Hd}).`);
    }
    const q = this.stepRows('queries', t, B * Hd);
    q.set(query);
    const alpha = this.stepRows('weights', t, B * Ts);
    const context = this.stepRows('contexts', t, B * this.memorySize);
    const fast = this.kind !== 'additive' ? this.k.attentionForward : undefined;
    if (fast !== undefined) {
      // the backend's whole step: scores, softmax and context in one call
      fast.call(
        this.k,
        Ts,
        B,
        Hd,
        this.memorySize,
        q,
        this.keys(),
        this.memory as Floats,
        this.lengthsOrAll(),
        alpha,
        context,
      );
      return { context, weights: alpha };
    }
    if (this.kind === 'additive') this.additiveScores(t, q, alpha);
    else this.dotScores(q, alpha);
    this.softmaxRows(alpha);
    this.weightedMemory(alpha, context);
    return { context, weights: alpha };
  }

  /**
   * Backward of step t: dContext (B, Hm) → dQuery (B, Hd), a view valid until the next call.
   * Accumulates the parameter gradients (+=) and the memory's (returned by memoryBackward).
   */
  stepBackward(t: number, dContext: Floats): Floats {
    const { Ts, B } = this.checkStep('Attention.stepBackward', t);
    const { memorySize: Hm, querySize: Hd } = this;
    const M = this.memory as Floats;
    const alpha = this.stepRows('weights', t, B * Ts);
    const dMemory = this.scratch.get('dMemory', Ts * B * Hm);
    const dScores = this.scratch.get('dScores', B * Ts);
    const fast = this.kind !== 'additive' ? this.k.attentionBackward : undefined;
    if (fast !== undefined) {
      const dQuery = this.scratch.get('dQuery', B * Hd);
      const q = this.stepRows('queries', t, B * Hd);
      const dKeys = this.kind === 'dot' ? dMemory : this.scratch.get('dKeys', Ts * B * Hd);
      fast.call(this.k, Ts, B, Hd, Hm, q, this.keys(), M, alpha, dContext, dScores, dQuery, dKeys, dMemory);
      return dQuery;
    }
    // dα[b, j] = dc[b] · M[j, b];  dM[j, b] += α[b, j] dc[b]
    for (let b = 0; b < B; b++) {
      const dc = b * Hm;
      for (let j = 0; j < Ts; j++) {
        const a = alpha[b * Ts + j] as number;
        const m = (j * B + b) * Hm;
        let dot = 0;
        for (let i = 0; i < Hm; i++) {
          dot += (dContext[dc + i] as number) * (M[m + i] as number);
          dMemory[m + i] = (dMemory[m + i] as number) + a * (dContext[dc + i] as number);
        }
        dScores[b * Ts + j] = dot;
      }
      // through the softmax: ds = α ⊙ (dα − Σ α dα); positions outside have α = 0
      let sum = 0;
      for (let j = 0; j < Ts; j++) sum += (alpha[b * Ts + j] as number) * (dScores[b * Ts + j] as number);
      for (let j = 0; j < Ts; j++)
        dScores[b * Ts + j] = (alpha[b * Ts + j] as number) * ((dScores[b * Ts + j] as number) - sum);
    }
    const dQuery = this.scratch.zeros('dQuery', B * Hd);
    const q = this.stepRows('queries', t, B * Hd);
    if (this.kind === 'additive') this.additiveBackward(t, q, dScores, dQuery);
    else {
      // s[b, j] = q[b] · K[j, b]: dq[b] += Σ_j ds K[j, b];  dK[j, b] += ds q[b]
      const dot = this.kind === 'dot';
      const K = dot ? M : this.scratch.get('keys', Ts * B * Hd);
      const dK = dot ? dMemory : this.scratch.get('dKeys', Ts * B * Hd);
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < Ts; j++) {
          const ds = dScores[b * Ts + j] as number;
          if (ds === 0) continue;
          const kr = (j * B + b) * Hd;
          for (let i = 0; i < Hd; i++) {
            dQuery[b * Hd + i] = (dQuery[b * Hd + i] as number) + ds * (K[kr + i] as number);
            dK[kr + i] = (dK[kr + i] as number) + ds * (q[b * Hd + i] as number);
          }
        }
      }
    }
    return dQuery;
  }

  /**
   * After every step's backward: dM (Ts, B, Hm), the memory's whole gradient (the steps' direct
   * share and, through W_a or W_k, the keys'), and the gradient of that weight accumulated.
   */
  memoryBackward(): Floats {
    const { Ts, B, memorySize: Hm } = this;
    const dMemory = this.scratch.get('dMemory', Ts * B * Hm);
    if (this.kind === 'dot') return dMemory;
    const rows = Ts * B;
    const width = this.keyWidth();
    const dKeys = this.scratch.get('dKeys', rows * width);
    const name = this.kind === 'general' ? 'weight' : 'memory.weight';
    // keys = M · Wᵀ:  dW += dKeysᵀ · M;  dM += dKeys · W
    this.k.gemm(true, false, width, Hm, rows, dKeys, width, this.memory as Floats, Hm, this.grad(name), Hm, 1);
    const through = this.scratch.get('dMemoryKeys', rows * Hm);
    this.k.gemm(false, false, rows, Hm, width, dKeys, width, this.param(name), Hm, through, Hm, 0);
    this.k.addInPlace(rows * Hm, through, dMemory);
    return dMemory;
  }

  /** The keys of dot-product scores (Ts, B, Hd): the memory itself (dot) or M W_aᵀ (general). */
  private keys(): Floats {
    return this.kind === 'dot' ? (this.memory as Floats) : this.scratch.get('keys', this.Ts * this.B * this.querySize);
  }

  /** Each source's length, Ts for all when the memory came without lengths. */
  private lengthsOrAll(): Int32Array {
    if (this.lengths !== null) return this.lengths;
    const all = this.allLengths;
    if (all?.length === this.B && all[0] === this.Ts) return all;
    this.allLengths = new Int32Array(this.B).fill(this.Ts);
    return this.allLengths;
  }

  /** s = q · K (dot: K = M; general: K = M W_aᵀ), masked positions −∞. */
  private dotScores(q: Floats, scores: Floats): void {
    const { B, querySize: Hd } = this;
    const K = this.keys();
    this.scorePositions(scores, (b, j) => {
      const kr = (j * B + b) * Hd;
      let s = 0;
      for (let i = 0; i < Hd; i++) s += (q[b * Hd + i] as number) * (K[kr + i] as number);
      return s;
    });
  }

  /** s[b, j] = vᵀ z, z = tanh(W_q q[b] + b_q + U[j, b]) (U = M W_kᵀ), z kept for backward. */
  private additiveScores(t: number, q: Floats, scores: Floats): void {
    const { Ts, B, querySize: Hd, attentionSize: A } = this;
    const U = this.scratch.get('keys', Ts * B * A);
    const qa = this.scratch.get('queryTerm', B * A);
    this.k.fillRows(B, A, this.param('query.bias'), qa, A);
    this.k.gemm(false, true, B, A, Hd, q, Hd, this.param('query.weight'), Hd, qa, A, 1);
    const z = this.stepRows('tanh', t, B * Ts * A);
    const v = this.param('v');
    this.scorePositions(scores, (b, j) => {
      const u = (j * B + b) * A;
      const zr = (b * Ts + j) * A;
      let s = 0;
      for (let a = 0; a < A; a++) {
        const value = Math.tanh((qa[b * A + a] as number) + (U[u + a] as number));
        z[zr + a] = value;
        s += (v[a] as number) * value;
      }
      return s;
    });
  }

  /** scores[b, j] = score(b, j) for the positions that take part, −∞ past each source's length. */
  private scorePositions(scores: Floats, score: (b: number, j: number) => number): void {
    const { Ts, B } = this;
    for (let b = 0; b < B; b++) {
      const n = this.sourceLength(b);
      for (let j = 0; j < Ts; j++) scores[b * Ts + j] = j < n ? score(b, j) : -Infinity;
    }
  }

  /** Through s = vᵀ tanh(W_q q + b_q + U): dv, dW_q, db_q here; dU into dKeys; dq into dQuery. */
  private additiveBackward(t: number, q: Floats, dScores: Floats, dQuery: Floats): void {
    const { Ts, B, querySize: Hd, attentionSize: A } = this;
    const z = this.stepRows('tanh', t, B * Ts * A);
    const v = this.param('v');
    const dv = this.grad('v');
    const dU = this.scratch.get('dKeys', Ts * B * A);
    const dqa = this.scratch.zeros('dQueryTerm', B * A);
    for (let b = 0; b < B; b++) {
      const n = this.sourceLength(b);
      for (let j = 0; j < n; j++) {
        const ds = dScores[b * Ts + j] as number;
        const zr = (b * Ts + j) * A;
        const u = (j * B + b) * A;
        for (let a = 0; a < A; a++) {
          const value = z[zr + a] as number;
          dv[a] = (dv[a] as number) + ds * value;
          const dPre = ds * (v[a] as number) * (1 - value * value);
          dqa[b * A + a] = (dqa[b * A + a] as number) + dPre;
          dU[u + a] = (dU[u + a] as number) + dPre;
        }
      }
    }
    // qa = q W_qᵀ + b_q:  dW_q += dqaᵀ q;  db_q += Σ_b dqa;  dq = dqa W_q
    this.k.gemm(true, false, A, Hd, B, dqa, A, q, Hd, this.grad('query.weight'), Hd, 1);
    this.k.addColumnSums(B, A, dqa, this.grad('query.bias'));
    this.k.gemm(false, false, B, Hd, A, dqa, A, this.param('query.weight'), Hd, dQuery, Hd, 1);
  }

  /** In place over rows of Ts: softmax of the finite entries; a row of only −∞ becomes zeros. */
  private softmaxRows(scores: Floats): void {
    const { Ts, B } = this;
    for (let b = 0; b < B; b++) {
      let max = -Infinity;
      for (let j = 0; j < Ts; j++) max = Math.max(max, scores[b * Ts + j] as number);
      if (max === -Infinity) {
        scores.fill(0, b * Ts, (b + 1) * Ts);
        continue;
      }
      let sum = 0;
      for (let j = 0; j < Ts; j++) {
        const e = Math.exp((scores[b * Ts + j] as number) - max);
        scores[b * Ts + j] = e;
        sum += e;
      }
      for (let j = 0; j < Ts; j++) scores[b * Ts + j] = (scores[b * Ts + j] as number) / sum;
    }
  }

  /** context[b] = Σ_j α[b, j] M[j, b]. */
  private weightedMemory(alpha: Floats, context: Floats): void {
    const { Ts, B, memorySize: Hm } = this;
    const M = this.memory as Floats;
    context.fill(0);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < Ts; j++) {
        const a = alpha[b * Ts + j] as number;
        if (a === 0) continue;
        const m = (j * B + b) * Hm;
        for (let i = 0; i < Hm; i++) context[b * Hm + i] = (context[b * Hm + i] as number) + a * (M[m + i] as number);
      }
    }
  }

  private keyWidth(): number {
    return this.kind === 'additive' ? this.attentionSize : this.querySize;
  }

  private sourceLength(b: number): number {
    return this.lengths === null ? this.Ts : (this.lengths[b] as number);
  }

  /** Step t's rows of a per-step cache (maxSteps, n). */
  private stepRows(name: string, t: number, n: number): Floats {
    return this.scratch.get(name, this.maxSteps * n).subarray(t * n, (t + 1) * n);
  }

  private checkStep(where: string, t: number): { Ts: number; B: number } {
    if (this.memory === undefined) throw new ShapeError(where, 'no memory set.', 'call setMemory first.');
    if (!Number.isInteger(t) || t < 0 || t >= this.maxSteps) {
      throw new ShapeError(where, `step ${t} is outside [0, ${this.maxSteps}) (setMemory's maxSteps).`);
    }
    return { Ts: this.Ts, B: this.B };
  }

  private param(name: string): Floats {
    return this.w[name] as Floats;
  }

  private grad(name: string): Floats {
    return this.g[name] as Floats;
  }
}

function checkOptions(opts: AttentionOptions): AttentionOptions {
  if (!ATTENTION_KINDS.includes(opts.kind)) {
    throw new ConfigError('Attention', `kind must be one of ${ATTENTION_KINDS.join(', ')}; got '${opts.kind}'.`);
  }
  for (const [name, n] of [
    ['querySize', opts.querySize],
    ['memorySize', opts.memorySize],
    ['attentionSize', opts.attentionSize ?? opts.querySize],
  ] as const) {
    if (!Number.isInteger(n) || n < 1)
      throw new ConfigError('Attention', `${name} must be a positive integer; got ${n}.`);
  }
  if (opts.kind === 'dot' && opts.querySize !== opts.memorySize) {
    throw new ConfigError(
      'Attention',
      `dot attention needs the query and memory sizes equal; got ${opts.querySize} and ${opts.memorySize} (use 'general').`,
    );
  }
  return opts;
}
