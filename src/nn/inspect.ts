/**
 * Inspection: what a recurrent stack does inside, step by step, for one sequence. Every gate's
 * activation, the LSTM cell state and the output h at every step, per layer and direction, as
 * plain arrays (T rows of H numbers), for a person, a terminal heat map or the browser.
 *
 * The trace runs the cell equations of src/nn/cell-config.ts step by step in float64 from the
 * stack's own weights (the fast paths keep no per-gate record for every option), and the tests
 * hold it to the stack's forward: its h equals the forward's output to float32 round-off.
 *   LSTM  gates input, forget, cell (the candidate g), output; cell c_t; hidden h_t (R wide)
 *   GRU   gates reset, update, candidate (n_t); hidden h_t
 *   RNN   no gates; hidden h_t
 */
import { ShapeError } from '../errors.js';
import type { CellConfig, CellWeights } from './cell-config.js';
import { clipValue } from './cells/lstm-cell.js';
import type { Recurrent } from './recurrent.js';

export interface LayerTrace {
  layer: number;
  direction: 'forward' | 'reverse';
  kind: CellConfig['kind'];
  /** Gate name → T × H activations. */
  gates: Record<string, number[][]>;
  /** LSTM: c_t, T × H; null for GRU and RNN. */
  cell: number[][] | null;
  /** h_t, T × R: what the layer emits at each step. */
  hidden: number[][];
}

const GATE_NAMES: Record<CellConfig['kind'], string[]> = {
  lstm: ['input', 'forget', 'cell', 'output'],
  gru: ['reset', 'update', 'candidate'],
  rnn: [],
};

/** Row r of W (rows, cols) · v, plus the two biases at r. */
function rowDot(w: ArrayLike<number>, r: number, v: ArrayLike<number>): number {
  const cols = v.length;
  let s = 0;
  for (let j = 0; j < cols; j++) s += (w[r * cols + j] as number) * (v[j] as number);
  return s;
}

/** One direction of one layer over xs (T rows of D). */
function traceCell(cfg: CellConfig, w: CellWeights, xs: number[][]): Omit<LayerTrace, 'layer' | 'direction'> {
  const { H, R, kind } = cfg;
  const [f, g, hAct] = cfg.activations as [CellConfig['activations'][0], ...CellConfig['activations']];
  const act = (fn: typeof f | undefined, a: number): number => (fn ?? f).apply(clipValue(a, cfg.clip));
  const gates: Record<string, number[][]> = Object.fromEntries(GATE_NAMES[kind].map((n) => [n, []]));
  const cells: number[][] = [];
  const hidden: number[][] = [];
  let h: number[] = new Array<number>(R).fill(0);
  let c: number[] = new Array<number>(H).fill(0);
  for (const x of xs) {
    const xi = (r: number): number => rowDot(w.wIh, r, x) + (w.bIh[r] as number);
    const hh = (r: number): number => rowDot(w.wHh, r, h) + (w.bHh[r] as number);
    if (kind === 'rnn') h = Array.from({ length: H }, (_, j) => act(f, xi(j) + hh(j)));
    else if (kind === 'gru') {
      const r = Array.from({ length: H }, (_, j) => act(f, xi(j) + hh(j)));
      const z = Array.from({ length: H }, (_, j) => act(f, xi(H + j) + hh(H + j)));
      const rh = h.map((v, j) => v * (r[j] as number));
      const n = Array.from({ length: H }, (_, j) => {
        const recurrent = cfg.linearBeforeReset
          ? (r[j] as number) * hh(2 * H + j)
          : rowDot(w.wHh, 2 * H + j, rh) + (w.bHh[2 * H + j] as number);
        return act(g, xi(2 * H + j) + recurrent);
      });
      h = h.map((v, j) => (1 - (z[j] as number)) * (n[j] as number) + (z[j] as number) * v);
      [r, z, n].forEach((values, i) => (gates[GATE_NAMES.gru[i] as string] as number[][]).push(values));
    } else {
      const peep = (gate: number, j: number, state: number[]): number =>
        w.peep === null ? 0 : (w.peep[gate * H + j] as number) * (state[j] as number);
      const i = Array.from({ length: H }, (_, j) => act(f, xi(j) + hh(j) + peep(0, j, c)));
      const fg = cfg.inputForget
        ? i.map((v) => 1 - v)
        : Array.from({ length: H }, (_, j) => act(f, xi(H + j) + hh(H + j) + peep(1, j, c)));
      const cand = Array.from({ length: H }, (_, j) => act(g, xi(2 * H + j) + hh(2 * H + j)));
      c = c.map((v, j) => (fg[j] as number) * v + (i[j] as number) * (cand[j] as number));
      const o = Array.from({ length: H }, (_, j) => act(f, xi(3 * H + j) + hh(3 * H + j) + peep(2, j, c)));
      const full = c.map((v, j) => (o[j] as number) * (hAct ?? f).apply(v));
      h = w.wHr === null ? full : Array.from({ length: R }, (_, p) => rowDot(w.wHr as ArrayLike<number>, p, full));
      [i, fg, cand, o].forEach((values, n) => (gates[GATE_NAMES.lstm[n] as string] as number[][]).push(values));
      cells.push(c);
    }
    hidden.push(h);
  }
  return { kind, gates, cell: kind === 'lstm' ? cells : null, hidden };
}

/**
 * Trace layers over one sequence x (T, D) (a flat array or T rows): `configs[l]` and
 * `weights[l][d]` for layer l and direction d (0 forward, 1 reverse). Layer l > 0 reads the
 * directions' outputs side by side, as the stack does.
 */
export function traceLayers(
  configs: readonly CellConfig[],
  weights: readonly (readonly CellWeights[])[],
  x: ArrayLike<number>,
  T: number,
): LayerTrace[] {
  const D = (configs[0] as CellConfig).D;
  if (x.length !== T * D)
    throw new ShapeError('inspect', `the sequence has ${x.length} values; (T, D) = (${T}, ${D}) needs ${T * D}.`);
  let rows = Array.from({ length: T }, (_, t) => Array.from(x).slice(t * D, (t + 1) * D));
  const traces: LayerTrace[] = [];
  configs.forEach((cfg, layer) => {
    const outputs: number[][][] = [];
    (weights[layer] as CellWeights[]).forEach((w, d) => {
      const reverse = d === 1;
      const trace = traceCell(cfg, w, reverse ? [...rows].reverse() : rows);
      if (reverse) {
        trace.hidden.reverse();
        trace.cell?.reverse();
        for (const g of Object.values(trace.gates)) g.reverse();
      }
      traces.push({ layer, direction: reverse ? 'reverse' : 'forward', ...trace });
      outputs.push(trace.hidden);
    });
    rows = rows.map((_, t) => outputs.flatMap((o) => o[t] as number[]));
  });
  return traces;
}

/** Trace a Recurrent stack over one sequence x (T, D). */
export function inspectRecurrent(net: Recurrent, x: ArrayLike<number>, T: number): LayerTrace[] {
  const weights = net.cells.map((_, l) => Array.from({ length: net.dirs }, (__, d) => net.weightsOf(l, d)));
  return traceLayers(net.cells, weights, x, T);
}
