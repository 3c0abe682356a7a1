/**
 * A unidirectional Recurrent stack run one time step at a time, with backpropagation through the
 * steps: for a decoder whose next input depends on this step's output (input feeding, attention),
 * which Recurrent.forward, taking the whole sequence at once, cannot run. Each step runs the same
 * cells as Recurrent.forward over T = 1 (cells/run-cell.ts: the one recurrent core), keeping its
 * own caches, so a forward over T steps followed by the backward over them in reverse computes
 * what Recurrent.forward and backward compute over the whole sequence (to round-off: the weight
 * gradients are summed step by step).
 *
 *   begin(B, h0, c0, maxSteps); forward(0, x_0) … forward(T − 1, x_{T−1})      each → y_t (B, R)
 *   backward(T − 1, dy_{T−1}) … backward(0, dy_0)                               each → dx_t (B, D)
 *   stateGradients()                                                            → dh0, dc0
 *
 * A plain LSTM layer's weight gradients are not summed step by step: each step keeps its input,
 * its h_{t−1} and its dA in buffers that span all steps, and after backward(0) two products over
 * all T·B rows add them (dW_ih += dAᵀ x, dW_hh += dAᵀ h_{t−1}), as Recurrent.backward does; a
 * product of B rows per step ran at a fraction of the machine's speed.
 *
 * While the stack is training, dropout between layers takes a new mask at every step (PyTorch's
 * nn.LSTM applied step by step does the same) and recurrent dropout one mask per sequence, drawn
 * in begin, as Recurrent.forward draws them.
 */
import { ConfigError, ShapeError } from '../errors.js';
import type { Floats } from '../kernels/index.js';
import type { CellConfig } from './cell-config.js';
import { cellBackward, cellForward, defersWeightProducts } from './cells/run-cell.js';
import type { Buffers, SequenceRun } from './cells/sequence.js';
import type { Recurrent } from './recurrent.js';
import { Scratch } from './scratch.js';
import { dropoutMask } from './sequence-order.js';

interface StepLayer {
  run: SequenceRun;
  hT: Floats; // (B, R) this step's state, the next step's h_{t−1}
  cT: Floats | null; // (B, H)
}

export class RecurrentSteps {
  private readonly scratch: Scratch;
  private B = 0;
  private maxSteps = 0;
  private forwarded = 0; // steps run forward since begin
  private nextBackward: number | null = null; // the step backward takes next (null: not started)
  private recMasks: (Floats | null)[] = []; // per layer (B, R), while training with recurrent dropout
  private steps: StepLayer[][] = []; // [t][layer]
  private h0: Floats | undefined;
  private c0: Floats | null = null;

  constructor(private readonly net: Recurrent) {
    if (net.dirs !== 1) {
      throw new ConfigError(
        'RecurrentSteps',
        'a bidirectional stack cannot run step by step: its reverse direction reads the future.',
      );
    }
    this.scratch = new Scratch(net.kernels);
  }

  /** Start a batch of B sequences from h0 (L, B, R) and c0 (L, B, H), or zeros (null). */
  begin(B: number, h0: Floats | null, c0: Floats | null, maxSteps: number): void {
    const { numLayers: L, stateSize: R, hiddenSize: H } = this.net;
    const lstm = this.net.kind === 'lstm';
    if (!Number.isInteger(B) || B < 1 || !Number.isInteger(maxSteps) || maxSteps < 1) {
      throw new ShapeError('RecurrentSteps.begin', `B and maxSteps must be positive integers; got ${B}, ${maxSteps}.`);
    }
    for (const [name, s, width] of [
      ['h0', h0, R],
      ['c0', c0, H],
    ] as const) {
      if (s !== null && s.length !== L * B * width)
        throw new ShapeError(
          'RecurrentSteps.begin',
          `${name} has ${s.length} values; (L, B, ${width}) needs ${L * B * width}.`,
        );
    }
    if (c0 !== null && !lstm)
      throw new ShapeError('RecurrentSteps.begin', `a ${this.net.kind} has no cell state; c0 must be null.`);
    this.B = B;
    this.maxSteps = maxSteps;
    this.forwarded = 0;
    this.nextBackward = null;
    this.steps = [];
    this.h0 = this.scratch.zeros('h0', L * B * R);
    if (h0 !== null) this.h0.set(h0);
    this.c0 = lstm ? this.scratch.zeros('c0', L * B * H) : null;
    if (c0 !== null) this.c0?.set(c0);
    const training = this.net.training;
    this.recMasks = [];
    for (let l = 0; l < L; l++) {
      if (!(training && this.net.recurrentDropout > 0)) {
        this.recMasks.push(null);
        continue;
      }
      const mask = this.scratch.get(`recMask${l}`, B * R);
      dropoutMask(this.net.dropoutRng, this.net.recurrentDropout, mask);
      this.recMasks.push(mask);
    }
  }

  /** Step t (the next one): x (B, D), copied → y (B, R), a view valid until the next begin. */
  forward(t: number, x: Floats): Floats {
    const { B } = this;
    const net = this.net;
    if (t !== this.forwarded || t >= this.maxSteps || this.nextBackward !== null) {
      throw new ShapeError(
        'RecurrentSteps.forward',
        `step ${t} is not the next one (${this.forwarded}, at most ${this.maxSteps - 1}).`,
      );
    }
    if (x.length !== B * net.inputSize) {
      throw new ShapeError(
        'RecurrentSteps.forward',
        `x has ${x.length} values; (B, D) = (${B}, ${net.inputSize}) needs ${B * net.inputSize}.`,
      );
    }
    const { stateSize: R, hiddenSize: H } = net;
    const layers: StepLayer[] = [];
    // a copy: the backward reads the step's input, and a decoder builds each input in one buffer
    let input = this.buffers(t, 0)('x', x.length);
    input.set(x);
    for (let l = 0; l < net.numLayers; l++) {
      const cfg = net.cells[l] as CellConfig;
      const buf = this.buffers(t, l);
      if (l > 0 && net.training && net.dropout > 0) {
        const mask = buf('dropMask', input.length);
        dropoutMask(net.dropoutRng, net.dropout, mask);
        const dropped = buf('dropped', input.length);
        net.kernels.multiply(input.length, input, mask, dropped);
        input = dropped;
      }
      const run: SequenceRun = { T: 1, B, x: input, lengths: null, recMask: this.recMasks[l] ?? null };
      const previous = t === 0 ? null : (this.steps[t - 1]?.[l] as StepLayer);
      const hPrev = previous?.hT ?? (this.h0 as Floats).subarray(l * B * R, (l + 1) * B * R);
      const cPrev = previous?.cT ?? this.c0?.subarray(l * B * H, (l + 1) * B * H) ?? null;
      const res = cellForward(net.kernels, cfg, net.weightsOf(l), run, hPrev, cPrev, buf);
      if (defersWeightProducts(cfg, run)) {
        // what the deferred weight products read: this step's input and h_{t−1}, rows t·B …
        this.spanning(l, 'x', cfg.D).set(input, t * B * cfg.D);
        this.spanning(l, 'hPrev', H).set(hPrev, t * B * H);
      }
      layers.push({ run, hT: res.hT, cT: res.cT });
      input = res.y;
    }
    this.steps.push(layers);
    this.forwarded++;
    return input;
  }

  /**
   * Backward of step t, from the last step forwarded down to 0: dy (B, R) or null (no gradient into
   * y_t) → dx (B, D), a view valid until the next backward. Accumulates the weight gradients.
   */
  backward(t: number, dy: Floats | null): Floats {
    const { B } = this;
    const net = this.net;
    const { numLayers: L, stateSize: R, hiddenSize: H } = net;
    if (this.nextBackward === null) {
      this.nextBackward = this.forwarded - 1;
      this.scratch.zeros('dhCarry', L * B * R);
      if (net.kind === 'lstm') this.scratch.zeros('dcCarry', L * B * H);
    }
    if (t !== this.nextBackward) {
      throw new ShapeError('RecurrentSteps.backward', `step ${t} is not the next one back (${this.nextBackward}).`);
    }
    if (dy !== null && dy.length !== B * R) {
      throw new ShapeError(
        'RecurrentSteps.backward',
        `dy has ${dy.length} values; (B, R) = (${B}, ${R}) needs ${B * R}.`,
      );
    }
    const dhCarry = this.scratch.get('dhCarry', L * B * R);
    const dcCarry = net.kind === 'lstm' ? this.scratch.get('dcCarry', L * B * H) : null;
    let dOut = dy;
    let dx = dy as Floats;
    for (let l = L - 1; l >= 0; l--) {
      const cfg = net.cells[l] as CellConfig;
      const buf = this.buffers(t, l);
      const step = (this.steps[t] as StepLayer[])[l] as StepLayer;
      const dh = dhCarry.subarray(l * B * R, (l + 1) * B * R);
      const dc = dcCarry === null ? null : dcCarry.subarray(l * B * H, (l + 1) * B * H);
      // the cell writes dh0 and dc0 apart from the dhT and dcT it reads, then they are carried
      const [dh0, dc0] = [buf('dh0', B * R), dc === null ? null : buf('dc0', B * H)];
      dx = buf('dx', B * cfg.D);
      const deferred = defersWeightProducts(cfg, step.run);
      cellBackward(
        net.kernels,
        cfg,
        net.weightsOf(l),
        net.gradsOf(l),
        step.run,
        { dy: dOut, dhT: dh, dcT: dc, dx, dh0, dc0 },
        buf,
        deferred,
      );
      if (deferred) this.spanning(l, 'dGates', 4 * H).set(buf('dGates', B * 4 * H), t * B * 4 * H);
      dh.set(dh0);
      if (dc !== null && dc0 !== null) dc.set(dc0);
      if (l > 0 && net.training && net.dropout > 0) net.kernels.multiply(dx.length, dx, buf('dropMask', dx.length), dx);
      dOut = dx;
    }
    this.nextBackward--;
    if (t === 0) this.weightProducts();
    return dx;
  }

  /** After backward(0): each deferring layer's dW_ih += dAᵀ x and dW_hh += dAᵀ h_{t−1} over all steps. */
  private weightProducts(): void {
    const net = this.net;
    const k = net.kernels;
    const rows = this.forwarded * this.B;
    const H = net.hiddenSize;
    const G = 4 * H;
    for (let l = 0; l < net.numLayers; l++) {
      const cfg = net.cells[l] as CellConfig;
      if (!defersWeightProducts(cfg, ((this.steps[0] as StepLayer[])[l] as StepLayer).run)) continue;
      const g = net.gradsOf(l);
      const dA = this.spanning(l, 'dGates', G);
      k.gemm(true, false, G, H, rows, dA, G, this.spanning(l, 'hPrev', H), H, g.wHh, H, 1);
      k.gemm(true, false, G, cfg.D, rows, dA, G, this.spanning(l, 'x', cfg.D), cfg.D, g.wIh, cfg.D, 1);
    }
  }

  /** Layer l's buffer of `width` values per row over every step's rows (maxSteps · B rows). */
  private spanning(l: number, name: string, width: number): Floats {
    return this.scratch.get(`all.${l}.${name}`, this.maxSteps * this.B * width);
  }

  /** After backward(0): the gradients of h0 (L, B, R) and c0 (L, B, H) (null for GRU and RNN). */
  stateGradients(): { dh0: Floats; dc0: Floats | null } {
    if (this.nextBackward !== -1) {
      const left = this.nextBackward ?? this.forwarded - 1;
      throw new ShapeError('RecurrentSteps.stateGradients', `steps ${left} … 0 have not gone back yet.`);
    }
    const { numLayers: L, stateSize: R, hiddenSize: H } = this.net;
    return {
      dh0: this.scratch.get('dhCarry', L * this.B * R),
      dc0: this.net.kind === 'lstm' ? this.scratch.get('dcCarry', L * this.B * H) : null,
    };
  }

  private buffers(t: number, l: number): Buffers {
    return (name, length) => this.scratch.get(`${t}.${l}.${name}`, length);
  }
}
