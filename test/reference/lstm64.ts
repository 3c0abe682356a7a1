/**
 * An independent float64 LSTM oracle, written as plainly as possible and sharing no code with
 * src/: four separate gate matrices per layer, nested arrays, one step at a time. It exists so
 * the library's fused, time-major, arena-backed implementation is compared against something
 * that is obviously the textbook equations.
 */

export interface OracleLayer {
  // per gate: W_x (H × D), W_h (H × H), b (H) = b_ih + b_hh
  Wx: { i: number[][]; f: number[][]; g: number[][]; o: number[][] };
  Wh: { i: number[][]; f: number[][]; g: number[][]; o: number[][] };
  b: { i: number[]; f: number[]; g: number[]; o: number[] };
}

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

function matVec(W: number[][], v: number[]): number[] {
  return W.map((row) => row.reduce((s, w, j) => s + w * (v[j] as number), 0));
}

function add(...vs: number[][]): number[] {
  return (vs[0] as number[]).map((_, j) => vs.reduce((s, v) => s + (v[j] as number), 0));
}

/**
 * Split PyTorch-layout flat weights (W_ih (4H, D), W_hh (4H, H), b_ih, b_hh; gate rows in the
 * order given by `order`, default i, f, g, o) into an OracleLayer.
 */
export function oracleLayer(
  wIh: ArrayLike<number>,
  wHh: ArrayLike<number>,
  bIh: ArrayLike<number>,
  bHh: ArrayLike<number>,
  D: number,
  H: number,
  order: readonly ('i' | 'f' | 'g' | 'o')[] = ['i', 'f', 'g', 'o'],
): OracleLayer {
  const block = (w: ArrayLike<number>, gate: number, cols: number): number[][] =>
    Array.from({ length: H }, (_, r) => Array.from({ length: cols }, (_, c) => w[(gate * H + r) * cols + c] as number));
  const bias = (gate: number): number[] =>
    Array.from({ length: H }, (_, r) => (bIh[gate * H + r] as number) + (bHh[gate * H + r] as number));
  const layer = { Wx: {}, Wh: {}, b: {} } as OracleLayer;
  order.forEach((name, gate) => {
    layer.Wx[name] = block(wIh, gate, D);
    layer.Wh[name] = block(wHh, gate, H);
    layer.b[name] = bias(gate);
  });
  return layer;
}

/** One sequence (batch element) through stacked layers: x[t] (D), states per layer. */
export function oracleForward(
  layers: OracleLayer[],
  xs: number[][],
  h0: number[][],
  c0: number[][],
): { ys: number[][]; hN: number[][]; cN: number[][] } {
  let inputs = xs;
  const hN: number[][] = [];
  const cN: number[][] = [];
  layers.forEach((L, l) => {
    let h = h0[l] as number[];
    let c = c0[l] as number[];
    const outs: number[][] = [];
    for (const x of inputs) {
      const i = add(matVec(L.Wx.i, x), matVec(L.Wh.i, h), L.b.i).map(sig);
      const f = add(matVec(L.Wx.f, x), matVec(L.Wh.f, h), L.b.f).map(sig);
      const g = add(matVec(L.Wx.g, x), matVec(L.Wh.g, h), L.b.g).map(Math.tanh);
      const o = add(matVec(L.Wx.o, x), matVec(L.Wh.o, h), L.b.o).map(sig);
      c = c.map((cj, j) => (f[j] as number) * cj + (i[j] as number) * (g[j] as number));
      h = c.map((cj, j) => (o[j] as number) * Math.tanh(cj));
      outs.push(h);
    }
    hN.push(h);
    cN.push(c);
    inputs = outs;
  });
  return { ys: inputs, hN, cN };
}
