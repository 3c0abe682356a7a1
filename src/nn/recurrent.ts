/**
 * A stack of recurrent layers of one kind (LSTM, GRU or RNN), optionally bidirectional, over
 * padded batches of variable-length sequences, as PyTorch's nn.LSTM / nn.GRU / nn.RNN with
 * pack_padded_sequence. Time-major: x (T, B, D), y (T, B, dirs·R).
 *
 * - Layer l > 0 reads the concatenated outputs of layer l − 1 (forward half first), through
 *   dropout when training (PyTorch's `dropout`).
 * - The reverse direction reads each sequence reversed within its own length.
 * - Final states are (L·dirs, B, R) and (L·dirs, B, H), ordered l0, l0_reverse, l1, … (PyTorch).
 * - Variational recurrent dropout (Gal & Ghahramani 2016; Keras recurrent_dropout): one mask per
 *   sequence, layer and direction on h_{t−1} where it enters the recurrent products.
 * - Dropout of both kinds only while `training` is true.
 * Parameters are named as PyTorch names them: `${prefix}weight_ih_l0`, `…_l0_reverse`, weight_hr …
 */
import { ConfigError, ShapeError } from '../errors.js';
import type { Floats, Kernels } from '../kernels/index.js';
import { Rng } from '../rng.js';
import { type CellConfig, type CellOptions, type CellWeights, cellParamSpecs, resolveCell } from './cell-config.js';
import { cellBackward, cellForward, lstmWeights, runsFusedLstm } from './cells/run-cell.js';
import { type PackedLstmWeights, packLstmWeights, usesPackedWeights } from './cells/lstm-fused.js';
import type { Buffers, SequenceRun } from './cells/sequence.js';
import { initOrthogonal, initUniform, initXavierUniform } from './init.js';
import type { ParamArena, ParamSpec } from './params.js';
import { checkMemory } from './memory-budget.js';
import { LengthOrder } from './length-order.js';
import { Scratch } from './scratch.js';
import { concatColumns, dropoutMask, reverseWithinLengths, takeColumns } from './sequence-order.js';

/** Initialisation schemes of Recurrent.init. */
export type RecurrentInit = 'pytorch' | 'orthogonal';

export interface RecurrentOptions extends CellOptions {
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout on the outputs of every layer but the last, while training (PyTorch's dropout). */
  dropout?: number;
  /** Variational dropout on h_{t−1} in the recurrent products, while training. */
  recurrentDropout?: number;
  /** Parameter name prefix (default `${kind}.`). */
  prefix?: string;
}

export interface RecurrentOutput {
  y: Floats; // (T, B, dirs·R); zero past each sequence's end
  hN: Floats; // (L·dirs, B, R)
  cN: Floats | null; // (L·dirs, B, H), LSTM only
}

export interface RecurrentInputGrads {
  dx: Floats; // (T, B, D)
  dh0: Floats; // (L·dirs, B, R)
  dc0: Floats | null; // (L·dirs, B, H)
}

/** The carried state of a streaming run (unidirectional stacks): h (L, B, R), c (L, B, H). */
export interface RecurrentState {
  B: number;
  h: Floats;
  c: Floats | null;
}

interface LastForward {
  T: number;
  B: number;
  lengths: Int32Array | null;
  inputs: Floats[]; // the input each layer read (after dropout)
  runs: SequenceRun[]; // per layer·dirs + d
}

function probability(where: string, name: string, p: number): number {
  if (!(p >= 0 && p < 1)) throw new ConfigError(where, `${name} must be in [0, 1); got ${p}.`);
  return p;
}

export class Recurrent {
  readonly cells: CellConfig[] = []; // per layer (both directions share a config)
  readonly numLayers: number;
  readonly dirs: 1 | 2;
  readonly prefix: string;
  readonly dropout: number;
  readonly recurrentDropout: number;
  /** Dropout applies only while training (PyTorch's train() / eval()). */
  training = false;
  private readonly weights: CellWeights[] = [];
  private frozen = false;
  // per layer and direction, the plain LSTM's weights packed while frozen (undefined: not yet)
  private readonly packed: (PackedLstmWeights | undefined)[] = [];
  private readonly grads: CellWeights[] = [];
  private readonly scratch: Scratch;
  private last: LastForward | undefined;
  // the order the last forward ran an unsorted batch in (null: as given)
  private lastOrder: LengthOrder | null = null;
  private rng = new Rng(1);

  static paramSpecs(opts: RecurrentOptions): ParamSpec[] {
    return Recurrent.layerConfigs(opts).flatMap((cfg, l) =>
      Recurrent.suffixes(opts).flatMap((suffix) => cellParamSpecs(cfg, Recurrent.prefixOf(opts), l, suffix)),
    );
  }

  private static prefixOf(opts: RecurrentOptions): string {
    return opts.prefix ?? `${opts.kind}.`;
  }

  private static suffixes(opts: RecurrentOptions): string[] {
    return opts.bidirectional === true ? ['', '_reverse'] : [''];
  }

  private static layerConfigs(opts: RecurrentOptions): CellConfig[] {
    const L = opts.numLayers ?? 1;
    if (!Number.isInteger(L) || L < 1)
      throw new ConfigError('Recurrent', `numLayers must be a positive integer; got ${L}.`);
    const first = resolveCell(opts, 'Recurrent');
    const dirs = opts.bidirectional === true ? 2 : 1;
    const upper = resolveCell({ ...opts, inputSize: dirs * first.R }, 'Recurrent');
    // the memory budget before L layer configs exist (a file saying numLayers 1e9 stops here)
    const values = (cfg: CellConfig): number =>
      cellParamSpecs(cfg, '', 0, '').reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    const total = dirs * (values(first) + (L - 1) * values(upper));
    checkMemory(
      'Recurrent',
      [
        { what: 'parameters (float32)', bytes: 4 * total },
        { what: 'their gradients', bytes: 4 * total },
      ],
      `numLayers ${L} × hiddenSize ${first.H}${dirs === 2 ? ' × 2 directions' : ''}`,
    );
    const configs = [first];
    for (let l = 1; l < L; l++) configs.push(resolveCell({ ...opts, inputSize: dirs * first.R }, 'Recurrent'));
    return configs;
  }

  constructor(
    private readonly k: Kernels,
    arena: ParamArena,
    opts: RecurrentOptions,
  ) {
    this.cells = Recurrent.layerConfigs(opts);
    this.numLayers = this.cells.length;
    this.dirs = opts.bidirectional === true ? 2 : 1;
    this.prefix = Recurrent.prefixOf(opts);
    this.dropout = probability('Recurrent', 'dropout', opts.dropout ?? 0);
    this.recurrentDropout = probability('Recurrent', 'recurrentDropout', opts.recurrentDropout ?? 0);
    this.cells.forEach((cfg, l) => {
      for (const suffix of Recurrent.suffixes(opts)) {
        const n = (s: string): string => `${this.prefix}${s}_l${l}${suffix}`;
        const view = (get: (name: string) => Floats): CellWeights => ({
          wIh: get(n('weight_ih')),
          wHh: get(n('weight_hh')),
          bIh: get(n('bias_ih')),
          bHh: get(n('bias_hh')),
          wHr: cfg.projSize > 0 ? get(n('weight_hr')) : null,
          peep: cfg.peephole ? get(n('weight_peephole')) : null,
        });
        this.weights.push(view((s) => arena.value(s)));
        this.grads.push(view((s) => arena.grad(s)));
      }
    });
    this.scratch = new Scratch(k);
  }

  /** The kernels the stack runs on (its arrays live in their memory). */
  get kernels(): Kernels {
    return this.k;
  }
  get inputSize(): number {
    return (this.cells[0] as CellConfig).D;
  }
  get hiddenSize(): number {
    return (this.cells[0] as CellConfig).H;
  }
  /** The size of each direction's output and carried h (the projection size when there is one). */
  get stateSize(): number {
    return (this.cells[0] as CellConfig).R;
  }
  get outputSize(): number {
    return this.dirs * this.stateSize;
  }
  get kind(): CellConfig['kind'] {
    return (this.cells[0] as CellConfig).kind;
  }

  /** The weights of layer l, direction d (0 forward, 1 reverse), as views into the arena. */
  weightsOf(layer: number, direction = 0): CellWeights {
    const w = this.weights[layer * this.dirs + direction];
    if (w === undefined || direction >= this.dirs)
      throw new ConfigError(
        'Recurrent.weightsOf',
        `no layer ${layer}, direction ${direction}: the stack has ${this.numLayers} layer(s) and ${this.dirs} direction(s).`,
      );
    return w;
  }

  /** The gradients of layer l, direction d, as views into the arena (weightsOf's shapes). */
  gradsOf(layer: number, direction = 0): CellWeights {
    this.weightsOf(layer, direction); // the same check
    return this.grads[layer * this.dirs + direction] as CellWeights;
  }

  /**
   * For inference over weights that do not change (a served model, a generation batch): while
   * true, a plain LSTM layer packs its weights for the products at its first forward that can use
   * them (native kernels; all but single steps of a few rows) and reads that copy in every later
   * forward, with the same numbers. A change to the weight matrices is not seen until
   * frozenWeights is set false (which drops the copies) and true again (the biases are read as
   * they are). False by default.
   */
  get frozenWeights(): boolean {
    return this.frozen;
  }
  set frozenWeights(on: boolean) {
    this.frozen = on;
    if (!on) this.packed.length = 0;
  }

  /** Layer-direction s's weights packed (on first use), or null where they would not be read. */
  private packedWeights(s: number, cfg: CellConfig, run: SequenceRun): PackedLstmWeights | null {
    if (!this.frozen || !runsFusedLstm(cfg, run) || !usesPackedWeights(this.k, run.T, run.B)) return null;
    let packed = this.packed[s];
    if (packed === undefined) {
      const G = 4 * cfg.H;
      const own = (name: string, length: number): Floats => this.scratch.get(`${s}.${name}`, length);
      packed = {
        wIh: own('frozenWih', this.k.packedLength(cfg.D, G)),
        wHh: own('frozenWhh', this.k.packedLength(cfg.H, G)),
      };
      packLstmWeights(this.k, lstmWeights(this.weights[s] as CellWeights), cfg.D, cfg.H, packed);
      this.packed[s] = packed;
    }
    return packed;
  }

  /** The random source of the dropout masks (RecurrentSteps draws its masks from it too). */
  get dropoutRng(): Rng {
    return this.rng;
  }

  /**
   * Initialise the weights.
   *   'pytorch' (default): every weight and bias U(±1/√H), as PyTorch initialises its recurrent
   *     modules. On the char-rnn recipe it learned faster than 'orthogonal' (about 0.06 nats lower
   *     validation loss after 1,000–2,000 updates on tiny-shakespeare; README).
   *   'orthogonal': W_ih Xavier-uniform, each gate's (H, R) block of W_hh orthogonal (Saxe et al.
   *     2014), W_hr Xavier-uniform, peepholes and biases zero except an LSTM's forget-gate
   *     b_ih = 1 (Gers et al. 2000; Jozefowicz et al. 2015), so the cell starts out remembering.
   */
  init(rng: Rng, scheme: RecurrentInit = 'pytorch'): void {
    if (scheme === 'pytorch') {
      const bound = 1 / Math.sqrt(this.hiddenSize);
      for (const w of this.weights) {
        for (const a of [w.wIh, w.wHh, w.bIh, w.bHh, w.wHr, w.peep]) if (a !== null) initUniform(a, rng, bound);
      }
      return;
    }
    this.weights.forEach((w, s) => {
      const { D, H, R, G } = this.cells[Math.floor(s / this.dirs)] as CellConfig;
      initXavierUniform(w.wIh, rng, D, G * H);
      for (let gate = 0; gate < G; gate++) initOrthogonal(w.wHh, rng, H, R, gate * H * R, R);
      w.bIh.fill(0);
      w.bHh.fill(0);
      if (this.kind === 'lstm') w.bIh.fill(1, H, 2 * H);
      if (w.wHr !== null) initXavierUniform(w.wHr, rng, H, R);
      w.peep?.fill(0);
    });
  }

  /** The random source of the dropout masks (seed it for reproducible training). */
  setDropoutRng(rng: Rng): void {
    this.rng = rng;
  }

  /**
   * x (T, B, D); h0 (L·dirs, B, R) and c0 (L·dirs, B, H) or null for zeros; lengths (B) in [0, T]
   * or null for all T. Returns views valid until the next forward or step.
   */
  forward(
    x: Floats,
    T: number,
    B: number,
    h0: Floats | null = null,
    c0: Floats | null = null,
    lengths: Int32Array | null = null,
  ): RecurrentOutput {
    this.checkForward(x, T, B, h0, c0, lengths);
    const order = LengthOrder.of(lengths);
    this.lastOrder = order;
    if (order === null) return this.forwardInOrder(x, T, B, h0, c0, lengths);
    // an unsorted batch runs sorted by length, and its results come back in the caller's order
    const { k, scratch, dirs } = this;
    const [D, R, H, states] = [this.inputSize, this.stateSize, this.hiddenSize, this.numLayers * dirs];
    const sorted = (name: string, a: Floats | null, blocks: number, width: number): Floats | null =>
      order.sortedCopy(k, scratch, name, a, blocks, width);
    const xs = sorted('xSorted', x, T, D) as Floats;
    const out = this.forwardInOrder(
      xs,
      T,
      B,
      sorted('h0Sorted', h0, states, R),
      sorted('c0Sorted', c0, states, H),
      order.lengths,
    );
    return {
      y: order.unsortedCopy(k, scratch, 'yInOrder', out.y, T, dirs * R) as Floats,
      hN: order.unsortedCopy(k, scratch, 'hNInOrder', out.hN, states, R) as Floats,
      cN: order.unsortedCopy(k, scratch, 'cNInOrder', out.cN, states, H),
    };
  }

  /** forward on a batch whose lengths (if any) are non-increasing, or that is run as it comes. */
  private forwardInOrder(
    x: Floats,
    T: number,
    B: number,
    h0: Floats | null,
    c0: Floats | null,
    lengths: Int32Array | null,
  ): RecurrentOutput {
    const { dirs, k } = this;
    const R = this.stateSize;
    const H = this.hiddenSize;
    const isLstm = this.kind === 'lstm';
    const hN = this.scratch.get('hN', this.numLayers * dirs * B * R);
    const cN = isLstm ? this.scratch.get('cN', this.numLayers * dirs * B * H) : null;
    const zeros = this.scratch.zeros('zeros', B * Math.max(R, H));
    const last: LastForward = { T, B, lengths, inputs: [], runs: [] };
    let input = x;
    for (let l = 0; l < this.numLayers; l++) {
      const cfg = this.cells[l] as CellConfig;
      if (l > 0 && this.training && this.dropout > 0) {
        const mask = this.scratch.get(`dropMask${l}`, input.length);
        dropoutMask(this.rng, this.dropout, mask);
        const dropped = this.scratch.get(`dropped${l}`, input.length);
        this.k.multiply(input.length, input, mask, dropped);
        input = dropped;
      }
      last.inputs.push(input);
      const outs: Floats[] = [];
      for (let d = 0; d < dirs; d++) {
        const s = l * dirs + d;
        const buf = this.buffers(s);
        let xd = input;
        if (d === 1) {
          xd = buf('xReversed', input.length);
          reverseWithinLengths(input, T, B, cfg.D, lengths, xd);
        }
        const recMask = this.training && this.recurrentDropout > 0 ? buf('recMask', B * R) : null;
        if (recMask !== null) dropoutMask(this.rng, this.recurrentDropout, recMask);
        const run: SequenceRun = { T, B, x: xd, lengths, recMask };
        last.runs.push(run);
        const h0s = h0 === null ? zeros.subarray(0, B * R) : h0.subarray(s * B * R, (s + 1) * B * R);
        const c0s = !isLstm ? null : c0 === null ? zeros.subarray(0, B * H) : c0.subarray(s * B * H, (s + 1) * B * H);
        const prepacked = this.packedWeights(s, cfg, run);
        const res = cellForward(k, cfg, this.weights[s] as CellWeights, run, h0s, c0s, buf, prepacked);
        hN.set(res.hT, s * B * R);
        if (cN !== null && res.cT !== null) cN.set(res.cT, s * B * H);
        let y = res.y;
        if (d === 1) {
          y = buf('yUnreversed', T * B * R);
          reverseWithinLengths(res.y, T, B, R, lengths, y);
        }
        outs.push(y);
      }
      if (dirs === 1) input = outs[0] as Floats;
      else {
        input = this.scratch.get(`y${l}`, T * B * 2 * R);
        concatColumns(outs, T * B, R, input);
      }
    }
    this.last = last;
    return { y: input, hN, cN };
  }

  /**
   * Backward through the last forward. dy (T, B, dirs·R) or null; dhN (L·dirs, B, R), dcN
   * (L·dirs, B, H) or null. Accumulates the parameter gradients; returns views valid until the
   * next call.
   */
  backward(dy: Floats | null, dhN: Floats | null = null, dcN: Floats | null = null): RecurrentInputGrads {
    const last = this.last;
    if (last === undefined) {
      throw new ShapeError('Recurrent.backward', 'no forward pass to go back through.', 'call forward first.');
    }
    const { T, B } = last;
    const { dirs, k, scratch } = this;
    const R = this.stateSize;
    const H = this.hiddenSize;
    if (dy !== null && dy.length !== T * B * dirs * R) {
      throw new ShapeError(
        'Recurrent.backward',
        `dy has ${dy.length} values, but (T, B, dirs·R) = (${T}, ${B}, ${dirs * R}) needs ${T * B * dirs * R}.`,
      );
    }
    const order = this.lastOrder;
    if (order === null) return this.backwardInOrder(last, dy, dhN, dcN);
    // the forward ran sorted by length: so does the backward, and its results come back in order
    const states = this.numLayers * dirs;
    const sorted = (name: string, a: Floats | null, blocks: number, width: number): Floats | null =>
      order.sortedCopy(k, scratch, name, a, blocks, width);
    const dyS = sorted('dySorted', dy, T, dirs * R);
    const dcS = this.kind === 'lstm' ? sorted('dcNSorted', dcN, states, H) : null;
    const grads = this.backwardInOrder(last, dyS, sorted('dhNSorted', dhN, states, R), dcS);
    return {
      dx: order.unsortedCopy(k, scratch, 'dxInOrder', grads.dx, T, this.inputSize) as Floats,
      dh0: order.unsortedCopy(k, scratch, 'dh0InOrder', grads.dh0, states, R) as Floats,
      dc0: order.unsortedCopy(k, scratch, 'dc0InOrder', grads.dc0, states, H),
    };
  }

  /** backward through a forward run in the order its lengths (if any) were given to the cells. */
  private backwardInOrder(
    last: LastForward,
    dy: Floats | null,
    dhN: Floats | null,
    dcN: Floats | null,
  ): RecurrentInputGrads {
    const { T, B, lengths } = last;
    const { dirs, k } = this;
    const R = this.stateSize;
    const H = this.hiddenSize;
    const isLstm = this.kind === 'lstm';
    const dh0 = this.scratch.get('dh0', this.numLayers * dirs * B * R);
    const dc0 = isLstm ? this.scratch.get('dc0', this.numLayers * dirs * B * H) : null;
    let dOut = dy;
    let dx = this.scratch.get('dxA', 0);
    for (let l = this.numLayers - 1; l >= 0; l--) {
      const cfg = this.cells[l] as CellConfig;
      const D = cfg.D;
      dx = this.scratch.zeros(`dx${l % 2}`, T * B * D);
      for (let d = 0; d < dirs; d++) {
        const s = l * dirs + d;
        const buf = this.buffers(s);
        let dyd: Floats | null = null;
        if (dOut !== null && dirs === 1) dyd = dOut;
        else if (dOut !== null) {
          dyd = buf('dyPart', T * B * R);
          takeColumns(dOut, T * B, R, dirs, d, dyd);
          if (d === 1) {
            const reversed = buf('dyReversed', T * B * R);
            reverseWithinLengths(dyd, T, B, R, lengths, reversed);
            dyd = reversed;
          }
        }
        const dxd = buf('dxPart', T * B * D);
        cellBackward(
          k,
          cfg,
          this.weights[s] as CellWeights,
          this.grads[s] as CellWeights,
          last.runs[s] as SequenceRun,
          {
            dy: dyd,
            dhT: dhN === null ? null : dhN.subarray(s * B * R, (s + 1) * B * R),
            dcT: dcN === null || !isLstm ? null : dcN.subarray(s * B * H, (s + 1) * B * H),
            dx: dxd,
            dh0: dh0.subarray(s * B * R, (s + 1) * B * R),
            dc0: dc0 === null ? null : dc0.subarray(s * B * H, (s + 1) * B * H),
          },
          buf,
        );
        if (d === 1) {
          const unreversed = buf('dxUnreversed', T * B * D);
          reverseWithinLengths(dxd, T, B, D, lengths, unreversed);
          k.addInPlace(T * B * D, unreversed, dx);
        } else k.addInPlace(T * B * D, dxd, dx);
      }
      if (l > 0 && this.training && this.dropout > 0) {
        this.k.multiply(dx.length, dx, this.scratch.get(`dropMask${l}`, dx.length), dx);
      }
      dOut = dx;
    }
    return { dx, dh0, dc0 };
  }

  /** A zero state for streaming with batch size B (unidirectional stacks only). */
  initialState(B: number): RecurrentState {
    if (this.dirs !== 1) {
      throw new ConfigError(
        'Recurrent.initialState',
        'a bidirectional stack cannot stream: its reverse direction reads the future.',
      );
    }
    const L = this.numLayers;
    return {
      B,
      h: this.k.alloc(L * B * this.stateSize),
      c: this.kind === 'lstm' ? this.k.alloc(L * B * this.hiddenSize) : null,
    };
  }

  /** Set a state back to zeros. */
  resetState(state: RecurrentState): void {
    state.h.fill(0);
    state.c?.fill(0);
  }

  /**
   * One step: x_t (B, D) → y_t (B, R); the state advances in place. Gives exactly what the
   * whole-sequence forward gives at that step (dropout aside: streaming is inference).
   * The returned view is valid until the next call.
   */
  step(xT: Floats, state: RecurrentState): Floats {
    if (this.dirs !== 1) {
      throw new ConfigError(
        'Recurrent.step',
        'a bidirectional stack cannot stream: its reverse direction reads the future.',
      );
    }
    const training = this.training;
    this.training = false;
    const out = this.forward(xT, 1, state.B, state.h, state.c, null);
    this.training = training;
    state.h.set(out.hN);
    if (state.c !== null && out.cN !== null) state.c.set(out.cN);
    return out.y;
  }

  private buffers(s: number): Buffers {
    return (name, length) => this.scratch.get(`${s}.${name}`, length);
  }

  private checkForward(
    x: Floats,
    T: number,
    B: number,
    h0: Floats | null,
    c0: Floats | null,
    lengths: Int32Array | null,
  ): void {
    const where = `${this.kind.toUpperCase()}.forward`;
    const D = this.inputSize;
    if (!Number.isInteger(T) || T < 1 || !Number.isInteger(B) || B < 1) {
      throw new ShapeError(where, `T and B must be positive integers; got T ${T}, B ${B}.`);
    }
    if (x.length !== T * B * D) {
      throw new ShapeError(
        where,
        `x has ${x.length} values, but (T, B, D) = (${T}, ${B}, ${D}) needs ${T * B * D}.`,
        'inputs are time-major; did you pass (B, T, D)?',
      );
    }
    const states = this.numLayers * this.dirs;
    const sizes: [string, Floats | null, number][] = [
      ['h0', h0, this.stateSize],
      ['c0', c0, this.hiddenSize],
    ];
    for (const [name, s, width] of sizes) {
      if (s === null) continue;
      if (name === 'c0' && this.kind !== 'lstm')
        throw new ShapeError(where, `a ${this.kind} has no cell state; c0 must be null.`);
      if (s.length !== states * B * width) {
        throw new ShapeError(
          where,
          `${name} has ${s.length} values, but (L·dirs, B, ${name === 'h0' ? 'R' : 'H'}) = (${states}, ${B}, ${width}) needs ${states * B * width}.`,
        );
      }
    }
    if (lengths !== null) {
      if (lengths.length !== B)
        throw new ShapeError(where, `lengths has ${lengths.length} entries; the batch has ${B}.`);
      lengths.forEach((L, b) => {
        if (!(L >= 0 && L <= T)) throw new ShapeError(where, `lengths[${b}] = ${L} is outside [0, T = ${T}].`);
      });
    }
  }
}
