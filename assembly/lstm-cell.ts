// Fused LSTM cell, forward, one time step (gate order i, f, g, o), f32:
//   in:  gates (B, 4H) pre-activations a; cPrev (B, H)
//   out: gates overwritten with [σ(a_i), σ(a_f), tanh(a_g), σ(a_o)];
//        c = f ⊙ cPrev + i ⊙ g;  tanhC = tanh(c);  h = o ⊙ tanhC
// σ and tanh are computed from one exp of a non-positive argument, so they never overflow
// (σ(±300) is 1 or 0, tanh(±300) is ±1). Checked against src/kernels/ref.ts (test/kernels/wasm.test.ts).

@inline function sigmoid(x: f32): f32 {
  const e = Mathf.exp(-Mathf.abs(x)); // in (0, 1]
  const s = <f32>1 / (<f32>1 + e);
  return x >= 0 ? s : e * s;
}

@inline function tanhf(x: f32): f32 {
  const e = Mathf.exp(<f32>-2 * Mathf.abs(x)); // in (0, 1]
  const t = (<f32>1 - e) / (<f32>1 + e);
  return x >= 0 ? t : -t;
}

export function lstmCellForward(B: i32, H: i32, gates: usize, cPrev: usize, c: usize, tanhC: usize, h: usize): void {
  const rowBytes = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const gi = gates + <usize>b * 4 * rowBytes; // this row's [i | f | g | o] blocks of H
    const gf = gi + rowBytes;
    const gg = gf + rowBytes;
    const go = gg + rowBytes;
    const s = <usize>b * rowBytes;
    for (let j = 0; j < H; j++) {
      const o4 = <usize>j << 2;
      const i = sigmoid(load<f32>(gi + o4));
      const f = sigmoid(load<f32>(gf + o4));
      const g = tanhf(load<f32>(gg + o4));
      const o = sigmoid(load<f32>(go + o4));
      store<f32>(gi + o4, i);
      store<f32>(gf + o4, f);
      store<f32>(gg + o4, g);
      store<f32>(go + o4, o);
      const ct = f * load<f32>(cPrev + s + o4) + i * g;
      const th = tanhf(ct);
      store<f32>(c + s + o4, ct);
      store<f32>(tanhC + s + o4, th);
      store<f32>(h + s + o4, o * th);
    }
  }
}
