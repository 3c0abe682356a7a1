// exp, σ and tanh on four f32 lanes at once (WebAssembly SIMD). Mathf.exp is a scalar library
// routine and dominated the LSTM cell (5 calls per cell); these are branch-free and vectorised.
//
// exp(x) for x ≤ 0 (every caller passes −|·|, so nothing overflows): x = n·ln 2 + r with
// n = round(x / ln 2) and |r| ≤ ln 2 / 2, e^r from a degree-6 polynomial (the minimax
// coefficients of Cephes' expf, relative error about 1e-7), then 2^n put into the exponent bits.
// x is clamped at −87 so 2^n stays a normal float (e^−87 ≈ 1.6e−38, zero for every purpose here).
//
// The scalar tails of the kernels call the same functions on a splatted lane, so an element gets
// the same value wherever it sits in a row (and on whichever thread computes it).

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375; // ln 2 split in two: n·LN2_HI is exact for |n| < 2^11
const LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

@inline export function expNonPositive4(x: v128): v128 {
  x = f32x4.max(x, f32x4.splat(-87));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(P0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  // e^r ≈ 1 + r + r²·p
  const r2 = f32x4.mul(r, r);
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2n);
}

// σ(x) = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) below, from e = e^−|x| ∈ (0, 1].
@inline export function sigmoid4(x: v128): v128 {
  const e = expNonPositive4(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, f32x4.splat(0)));
}

// tanh(x) = sign(x) · (1 − e) / (1 + e) with e = e^−2|x| ∈ (0, 1].
@inline export function tanh4(x: v128): v128 {
  const e = expNonPositive4(f32x4.mul(f32x4.splat(-2), f32x4.abs(x)));
  const t = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  // copy x's sign bit onto t (t ≥ 0)
  const signBit = i32x4.splat(0x80000000);
  return v128.or(t, v128.and(x, signBit));
}

@inline export function expNonPositive(x: f32): f32 {
  return f32x4.extract_lane(expNonPositive4(f32x4.splat(x)), 0);
}
@inline export function sigmoid(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}
@inline export function tanhf(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}
