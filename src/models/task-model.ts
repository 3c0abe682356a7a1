/**
 * The network the long-time-lag experiments train: one recurrent stack (LSTM, GRU or tanh RNN)
 * and a linear head (src/nn/recurrent-head.ts), reading the task's time-major batch:
 *   final targets:  the state at each sequence's own end → head → (B, O)
 *   step targets:   every output → head → (T, B, O)
 * Backward returns dx (T, B, D), the gradient of the loss with respect to every input step, which
 * is what the gradient-flow measurement reads.
 * The batch's inputs and the output gradient may be any arrays: they are copied into kernel memory
 * once per call, where they enter (the kernels refuse arrays from elsewhere).
 */
import type { TaskBatch } from '../data/task-batch.js';
import type { Floats, Kernels } from '../kernels/index.js';
import type { CellKind } from '../nn/cell-config.js';
import type { Linear } from '../nn/linear.js';
import { ParamArena } from '../nn/params.js';
import { RecurrentHead } from '../nn/recurrent-head.js';
import { Scratch } from '../nn/scratch.js';
import type { Recurrent } from '../nn/recurrent.js';
import type { Rng } from '../rng.js';

export interface TaskModelOptions {
  cell: CellKind;
  hiddenSize: number;
  numLayers?: number;
  /**
   * LSTM forget-gate bias at the start: a number for every unit (default 1, as Keras's
   * unit_forget_bias; Gers et al. 2000, Jozefowicz et al. 2015: the cell begins by keeping what it
   * holds), or 'chrono' (Tallec & Ollivier 2018): b_f = ln u with u ~ U(1, horizon − 1) per unit
   * and b_i = −b_f, so the units' memory time scales spread up to the task's time lag.
   */
  forgetBias?: number | 'chrono';
  /** The longest time lag the task asks to bridge, for 'chrono' (default 100). */
  horizon?: number;
}

/** What the model reads of a task (src/tasks/types.ts Task): its sizes, and the tolerance of a value target. */
export interface TaskShape {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly tolerance?: number;
}

export class TaskModel {
  readonly arena: ParamArena;
  private readonly net: RecurrentHead;
  private readonly scratch: Scratch;

  constructor(
    k: Kernels,
    readonly task: TaskShape,
    readonly options: TaskModelOptions,
  ) {
    const recurrentOptions = {
      kind: options.cell,
      inputSize: task.inputSize,
      hiddenSize: options.hiddenSize,
      numLayers: options.numLayers ?? 1,
      prefix: `${options.cell}.`,
    };
    this.arena = new ParamArena(k, RecurrentHead.paramSpecs(recurrentOptions, task.outputSize));
    this.net = new RecurrentHead(k, this.arena, recurrentOptions, task.outputSize);
    this.scratch = new Scratch(k);
  }

  /** `a` copied into the kernel buffer `name`. */
  private inKernels(name: string, a: Floats): Floats {
    const copy = this.scratch.get(name, a.length);
    copy.set(a);
    return copy;
  }

  get recurrent(): Recurrent {
    return this.net.recurrent;
  }
  get head(): Linear {
    return this.net.head;
  }

  /** PyTorch's initialisation, then the LSTM's input and forget biases (see forgetBias). */
  init(rng: Rng): void {
    this.recurrent.init(rng);
    this.head.init(rng);
    if (this.options.cell !== 'lstm') return;
    const H = this.options.hiddenSize;
    const forget = this.options.forgetBias ?? 1;
    const horizon = Math.max(this.options.horizon ?? 100, 3);
    for (let l = 0; l < this.recurrent.numLayers; l++) {
      const bIh = this.arena.value(`lstm.bias_ih_l${l}`); // gate blocks i, f, g, o of H each
      const bHh = this.arena.value(`lstm.bias_hh_l${l}`);
      bHh.fill(0, 0, 2 * H);
      for (let j = 0; j < H; j++) {
        const bf = forget === 'chrono' ? Math.log(rng.uniform(1, horizon - 1)) : forget;
        bIh[H + j] = bf;
        if (forget === 'chrono') bIh[j] = -bf;
      }
    }
  }

  /** The head's outputs for a batch: (B, O) for final targets, (T, B, O) for step targets. */
  forward(batch: TaskBatch): Floats {
    const readOut = batch.target.kind === 'step-class' ? 'steps' : 'end';
    return this.net.forward(this.inKernels('x', batch.x), batch.T, batch.B, batch.lengths, readOut);
  }

  /** Backward from dOut (the shape forward returned); accumulates every gradient; returns dx (T, B, D). */
  backward(dOut: Floats): Floats {
    return this.net.backward(this.inKernels('dOut', dOut));
  }
}
