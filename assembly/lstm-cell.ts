// Fused LSTM cell, forward, one time step (gate order i, f, g, o), f32:
//   in:  gates (B, 4H) pre-activations a; cPrev (B, H)
//   out: gates overwritten with [σ(a_i), σ(a_f), tanh(a_g), σ(a_o)];
//        c = f ⊙ cPrev + i ⊙ g;  tanhC = tanh(c);  h = o ⊙ tanhC
// Four units at a time; σ and tanh come from one exp of a non-positive argument (simd-math.ts),
// so they never overflow (σ(±300) is 1 or 0, tanh(±300) is ±1). The last H mod 4 units go through
// the same vector functions one lane at a time. Checked against src/kernels/ref.ts
// (test/kernels/wasm.test.ts).
import { sigmoid4, tanh4 } from './simd-math';

@inline function cell4(gi: usize, gf: usize, gg: usize, go: usize, cPrev: usize, c: usize, tanhC: usize, h: usize, lane: usize): void {
  const i = sigmoid4(v128.load(gi + lane));
  const f = sigmoid4(v128.load(gf + lane));
  const g = tanh4(v128.load(gg + lane));
  const o = sigmoid4(v128.load(go + lane));
  v128.store(gi + lane, i);
  v128.store(gf + lane, f);
  v128.store(gg + lane, g);
  v128.store(go + lane, o);
  const ct = f32x4.add(f32x4.mul(f, v128.load(cPrev + lane)), f32x4.mul(i, g));
  const th = tanh4(ct);
  v128.store(c + lane, ct);
  v128.store(tanhC + lane, th);
  v128.store(h + lane, f32x4.mul(o, th));
}

@inline function cell1(gi: usize, gf: usize, gg: usize, go: usize, cPrev: usize, c: usize, tanhC: usize, h: usize, lane: usize): void {
  const i = sigmoid4(v128.load32_splat(gi + lane));
  const f = sigmoid4(v128.load32_splat(gf + lane));
  const g = tanh4(v128.load32_splat(gg + lane));
  const o = sigmoid4(v128.load32_splat(go + lane));
  v128.store32_lane(gi + lane, i, 0);
  v128.store32_lane(gf + lane, f, 0);
  v128.store32_lane(gg + lane, g, 0);
  v128.store32_lane(go + lane, o, 0);
  const ct = f32x4.add(f32x4.mul(f, v128.load32_splat(cPrev + lane)), f32x4.mul(i, g));
  const th = tanh4(ct);
  v128.store32_lane(c + lane, ct, 0);
  v128.store32_lane(tanhC + lane, th, 0);
  v128.store32_lane(h + lane, f32x4.mul(o, th), 0);
}

export function lstmCellForward(B: i32, H: i32, gates: usize, cPrev: usize, c: usize, tanhC: usize, h: usize): void {
  const rowBytes = <usize>H << 2;
  const H4 = H - (H % 4);
  for (let b = 0; b < B; b++) {
    const gi = gates + <usize>b * 4 * rowBytes; // this row's [i | f | g | o] blocks of H
    const gf = gi + rowBytes;
    const gg = gf + rowBytes;
    const go = gg + rowBytes;
    const s = <usize>b * rowBytes;
    for (let j = 0; j < H4; j += 4) cell4(gi, gf, gg, go, cPrev + s, c + s, tanhC + s, h + s, <usize>j << 2);
    for (let j = H4; j < H; j++) cell1(gi, gf, gg, go, cPrev + s, c + s, tanhC + s, h + s, <usize>j << 2);
  }
}
