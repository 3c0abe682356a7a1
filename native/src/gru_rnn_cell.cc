// The GRU and RNN cell steps (gru_rnn_cell.h): kLanes units at a time (simd.h: AVX-512, AVX2 or
// portable vectors), the row's last H mod kLanes units through the same vector code on a partial
// load, so a unit's value does not depend on where it sits.
#include "gru_rnn_cell.h"

#include <cstddef>

#include "simd.h"

namespace lstm {

namespace {

// Loads and stores of `count` lanes (kLanes, or fewer at a row's end).
struct Lanes {
  int count;
  vf in(const float* p) const { return count == kLanes ? load(p) : load_partial(p, count); }
  void out(float* p, vf v) const { count == kLanes ? store(p, v) : store_partial(p, v, count); }
};

inline vf clipped(vf a, float clip) {
  if (clip <= 0.0f) return a;
  const vf hi = splat(clip), lo = splat(-clip);
  a = a > hi ? hi : a;
  return a < lo ? lo : a;
}

// d clip(a) / da: 0 where the clip holds a value at a bound, else 1
inline vf clip_slope(vf a, float clip) {
  const vf one = splat(1.0f);
  if (clip <= 0.0f) return one;
  return (a > clip) | (a < -clip) ? splat(0.0f) : one;
}

// Calls fn(offset in the (B, H) arrays, offset in the (B, 3H) arrays, lanes) for the units
// [u0, u1) of every row, kLanes at a time from u0 (a multiple of kLanes).
template <typename Fn>
void for_units(int B, int H, int u0, int u1, Fn&& fn) {
  for (int b = 0; b < B; b++) {
    const size_t s = static_cast<size_t>(b) * H;
    const size_t g = 3 * s;
    for (int j = u0; j < u1; j += kLanes) fn(s + j, g + j, Lanes{u1 - j < kLanes ? u1 - j : kLanes});
  }
}
template <typename Fn>
void for_units(int B, int H, Fn&& fn) {
  for_units(B, H, 0, H, fn);
}

}  // namespace

void gru_gates_forward_units(int B, int H, const float* xp, const float* hp, const float* hRec, float* pre, float* act,
                             float* rh, float clip, bool lbr, int u0, int u1) {
  for_units(B, H, u0, u1, [&](size_t s, size_t g, Lanes l) {
    const vf ar = l.in(xp + g) + l.in(hp + g);
    const vf az = l.in(xp + g + H) + l.in(hp + g + H);
    l.out(pre + g, ar);
    l.out(pre + g + H, az);
    const vf r = sigmoid(clipped(ar, clip));
    l.out(act + g, r);
    l.out(act + g + H, sigmoid(clipped(az, clip)));
    if (!lbr) l.out(rh + s, r * l.in(hRec + s));
  });
}

void gru_gates_forward(int B, int H, const float* xp, const float* hp, const float* hRec, float* pre, float* act,
                       float* rh, float clip, bool lbr) {
  gru_gates_forward_units(B, H, xp, hp, hRec, pre, act, rh, clip, lbr, 0, H);
}

void gru_candidate_forward_units(int B, int H, const float* xp, const float* hp, const float* hPrev, float* pre,
                                 float* act, float* h, float clip, bool lbr, int u0, int u1) {
  for_units(B, H, u0, u1, [&](size_t s, size_t g, Lanes l) {
    const size_t n0 = g + 2 * H;
    const vf r = l.in(act + g);
    const vf z = l.in(act + g + H);
    const vf hpn = l.in(hp + n0);
    const vf a = l.in(xp + n0) + (lbr ? r * hpn : hpn);
    l.out(pre + n0, a);
    const vf n = tanh(clipped(a, clip));
    l.out(act + n0, n);
    l.out(h + s, (1.0f - z) * n + z * l.in(hPrev + s));
  });
}

void gru_candidate_forward(int B, int H, const float* xp, const float* hp, const float* hPrev, float* pre, float* act,
                           float* h, float clip, bool lbr) {
  gru_candidate_forward_units(B, H, xp, hp, hPrev, pre, act, h, clip, lbr, 0, H);
}

void gru_candidate_backward(int B, int H, const float* dh, const float* pre, const float* act, float* dXP, float* dHP,
                            float clip, bool lbr) {
  for_units(B, H, [&](size_t s, size_t g, Lanes l) {
    const size_t n0 = g + 2 * H;
    const vf z = l.in(act + g + H);
    const vf n = l.in(act + n0);
    const vf dan = l.in(dh + s) * (1.0f - z) * (1.0f - n * n) * clip_slope(l.in(pre + n0), clip);
    l.out(dXP + n0, dan);
    l.out(dHP + n0, lbr ? dan * l.in(act + g) : dan);
  });
}

void gru_gates_backward(int B, int H, const float* dh, const float* hPrev, const float* hRec, const float* hp,
                        const float* pre, const float* act, const float* dRh, float* dXP, float* dHP, float clip,
                        bool lbr) {
  for_units(B, H, [&](size_t s, size_t g, Lanes l) {
    const size_t n0 = g + 2 * H;
    const vf r = l.in(act + g);
    const vf z = l.in(act + g + H);
    const vf n = l.in(act + n0);
    const vf dz = l.in(dh + s) * (l.in(hPrev + s) - n);
    const vf dr = lbr ? l.in(dXP + n0) * l.in(hp + n0) : l.in(dRh + s) * l.in(hRec + s);
    const vf dar = dr * (r * (1.0f - r)) * clip_slope(l.in(pre + g), clip);
    const vf daz = dz * (z * (1.0f - z)) * clip_slope(l.in(pre + g + H), clip);
    l.out(dXP + g, dar);
    l.out(dXP + g + H, daz);
    l.out(dHP + g, dar);
    l.out(dHP + g + H, daz);
  });
}

void gru_state_backward(int B, int H, const float* dh, const float* act, const float* dhRec, const float* dRh,
                        const float* mask, float* dhPrev, bool lbr) {
  for_units(B, H, [&](size_t s, size_t g, Lanes l) {
    vf dOp = l.in(dhRec + s);
    if (!lbr) dOp += l.in(dRh + s) * l.in(act + g);
    if (mask != nullptr) dOp *= l.in(mask + s);
    l.out(dhPrev + s, l.in(dh + s) * l.in(act + g + H) + dOp);
  });
}

void rnn_cell_forward(int B, int H, const float* pre, float* h, bool relu, float clip) {
  const int n = B * H;
  for (int q = 0; q < n; q += kLanes) {
    const Lanes l{n - q < kLanes ? n - q : kLanes};
    const vf a = clipped(l.in(pre + q), clip);
    l.out(h + q, relu ? (a > 0.0f ? a : splat(0.0f)) : tanh(a));
  }
}

void rnn_cell_forward_units(int B, int H, const float* pre, float* h, bool relu, float clip, int u0, int u1) {
  for (int b = 0; b < B; b++) {
    const size_t s = static_cast<size_t>(b) * H;
    for (int j = u0; j < u1; j += kLanes) {
      const Lanes l{u1 - j < kLanes ? u1 - j : kLanes};
      const vf a = clipped(l.in(pre + s + j), clip);
      l.out(h + s + j, relu ? (a > 0.0f ? a : splat(0.0f)) : tanh(a));
    }
  }
}

void rnn_cell_backward(int B, int H, const float* dh, const float* pre, const float* h, float* dPre, bool relu,
                       float clip) {
  const int n = B * H;
  for (int q = 0; q < n; q += kLanes) {
    const Lanes l{n - q < kLanes ? n - q : kLanes};
    const vf a = l.in(pre + q);
    const vf hv = l.in(h + q);
    const vf slope = relu ? (clipped(a, clip) > 0.0f ? splat(1.0f) : splat(0.0f)) : 1.0f - hv * hv;
    l.out(dPre + q, l.in(dh + q) * (slope * clip_slope(a, clip)));
  }
}

}  // namespace lstm
