/**
 * A Sequential model imported from Keras / TensorFlow.js (src/io/tfjs-layers.ts), running on the
 * engine for prediction. Batch-major at the boundary, as Keras is:
 *   input  token ids (B, T) for a model that starts with an Embedding, else (B, T, D) floats
 *   output (B, T, units) while the last recurrent layer returns sequences, else (B, units)
 * Inside, every recurrent layer is a one-layer Recurrent over one parameter arena (names
 * `${layer}.weight_ih_l0` …), time-major.
 */
import { ShapeError } from '../errors.js';
import { defaultKernels, type Floats, type Kernels } from '../kernels/index.js';
import { softmaxInto } from '../loss/softmax.js';
import { activation } from '../nn/activations.js';
import { ParamArena, type ParamSpec } from '../nn/params.js';
import { Recurrent, type RecurrentOptions } from '../nn/recurrent.js';
import { concatColumns, swapLeadingAxes, takeColumns } from '../nn/sequence-order.js';
import type { LayerPlan, ModelPlan } from './sequential-plan.js';

type RecurrentPlan = Extract<LayerPlan, { type: 'recurrent' }>;

function recurrentOptions(p: RecurrentPlan): RecurrentOptions {
  return {
    kind: p.kind,
    inputSize: p.inputSize,
    hiddenSize: p.units,
    bidirectional: p.merge !== null,
    activations: p.activations,
    ...(p.kind === 'gru' ? { linearBeforeReset: p.linearBeforeReset } : {}),
    prefix: `${p.name}.`,
  };
}

function specsOf(p: LayerPlan): ParamSpec[] {
  if (p.type === 'embedding') return [{ name: `${p.name}.weight`, shape: [p.inputDim, p.outputDim] }];
  if (p.type === 'dense') {
    return [
      { name: `${p.name}.weight`, shape: [p.units, p.inSize] },
      { name: `${p.name}.bias`, shape: [p.units] },
    ];
  }
  return Recurrent.paramSpecs(recurrentOptions(p));
}

export class SequentialModel {
  readonly arena: ParamArena;
  private readonly recurrent = new Map<string, Recurrent>();

  constructor(
    readonly plan: ModelPlan,
    private readonly k: Kernels = defaultKernels(),
  ) {
    this.arena = new ParamArena(k, plan.layers.flatMap(specsOf));
    for (const p of plan.layers) {
      if (p.type === 'embedding') this.arena.value(`${p.name}.weight`).set(p.table);
      else if (p.type === 'dense') {
        this.arena.value(`${p.name}.weight`).set(p.weight);
        this.arena.value(`${p.name}.bias`).set(p.bias);
      } else {
        p.directions.forEach((d, i) => {
          const suffix = i === 0 ? '' : '_reverse';
          for (const [key, values] of Object.entries(d)) this.arena.value(`${p.name}.${key}_l0${suffix}`).set(values);
        });
        this.recurrent.set(p.name, new Recurrent(k, this.arena, recurrentOptions(p)));
      }
    }
  }

  /** Predict for a batch: see the file comment for the layouts. Returns a new array. */
  predict(input: ArrayLike<number>, B: number, T: number): Float32Array {
    const k = this.k;
    const D = this.plan.inputFeatures;
    if (input.length !== B * T * D) {
      const layout = this.plan.tokens ? `token ids (B, T) = (${B}, ${T})` : `(B, T, D) = (${B}, ${T}, ${D})`;
      throw new ShapeError(
        'SequentialModel.predict',
        `the input has ${input.length} values, but ${layout} needs ${B * T * D}.`,
      );
    }
    // time-major from here on: x (T, B, width), or (B, width) once a layer drops the time axis
    let width = D;
    let x = k.alloc(T * B * D);
    swapLeadingAxes(input, B, T, D, x);
    let rows = T * B;
    let sequence = true;
    for (const p of this.plan.layers) {
      if (p.type === 'embedding') {
        const ids = Int32Array.from(x, (v) => v);
        ids.forEach((id, n) => {
          if (!(id >= 0 && id < p.inputDim)) {
            throw new ShapeError(
              'SequentialModel.predict',
              `token ${id} at position ${n} is outside the embedding's [0, ${p.inputDim}).`,
            );
          }
        });
        const out = k.alloc(rows * p.outputDim);
        k.gatherRows(rows, p.outputDim, this.arena.value(`${p.name}.weight`), ids, out);
        x = out;
        width = p.outputDim;
      } else if (p.type === 'dense') {
        const out = k.alloc(rows * p.units);
        k.fillRows(rows, p.units, this.arena.value(`${p.name}.bias`), out, p.units);
        k.gemm(
          false,
          true,
          rows,
          p.units,
          width,
          x,
          width,
          this.arena.value(`${p.name}.weight`),
          width,
          out,
          p.units,
          1,
        );
        applyActivation(p.activation, rows, p.units, out);
        x = out;
        width = p.units;
      } else {
        const net = this.recurrent.get(p.name) as Recurrent;
        const res = net.forward(x, T, B);
        const H = p.units;
        // Keras's last output of a direction is its final state (the reverse one ends at t = 0)
        // (hN is (dirs, B, H): as rows (B, dirs·H) it is the directions side by side)
        const y = p.returnSequences ? res.y : k.alloc(res.hN.length);
        if (!p.returnSequences)
          concatColumns(
            p.directions.map((_, d) => res.hN.subarray(d * B * H, (d + 1) * B * H)),
            B,
            H,
            y,
          );
        const n = p.returnSequences ? T * B : B;
        const merged = k.alloc(n * (p.merge === 'concat' || p.merge === null ? y.length / n : H));
        if (p.merge === null || p.merge === 'concat') merged.set(y);
        else mergeDirections(p.merge, y, n, H, merged, k);
        x = merged;
        width = merged.length / n;
        rows = n;
        sequence = p.returnSequences;
      }
    }
    // back to batch-major
    const out = new Float32Array(rows * width);
    if (!sequence) out.set(x);
    else swapLeadingAxes(x, T, B, width, out);
    return out;
  }
}

/** Bidirectional's sum, mul and ave of the two halves of each row (rows, 2H) → (rows, H). */
function mergeDirections(
  mode: 'sum' | 'mul' | 'ave',
  y: Floats,
  rows: number,
  H: number,
  out: Floats,
  k: Kernels,
): void {
  const back = k.alloc(rows * H);
  takeColumns(y, rows, H, 2, 0, out);
  takeColumns(y, rows, H, 2, 1, back);
  for (let i = 0; i < out.length; i++) {
    const a = out[i] as number;
    const b = back[i] as number;
    out[i] = mode === 'sum' ? a + b : mode === 'mul' ? a * b : (a + b) / 2;
  }
}

function applyActivation(
  spec: Extract<LayerPlan, { type: 'dense' }>['activation'],
  rows: number,
  width: number,
  x: Floats,
): void {
  if (spec === 'softmax') {
    for (let r = 0; r < rows; r++) softmaxInto(x, r * width, width, x, r * width);
    return;
  }
  const f = activation(spec);
  for (let i = 0; i < x.length; i++) x[i] = f.apply(x[i] as number);
}
