#include "lstm_options.h"

#include <algorithm>
#include <limits>

#include "simd.h"
#include "thread_pool.h"

namespace lstm {

namespace {

constexpr int64_t kParallelMinCells = 4096;  // B · H of a step worth splitting

// Threads split the hidden units (whole vectors each), never the rows: a peephole gradient p_j is
// then summed over the rows by one thread, in row order, for any thread count.
template <typename Fn>
void split_units(ThreadPool& pool, int threads, int B, int H, Fn&& fn) {
  const int vectors = (H + kLanes - 1) / kLanes;
  // the pool's own choice (work size, its back-off after stalls), at most one share per vector
  const int n = std::min(vectors, pool.shares_for(static_cast<double>(B) * H, kParallelMinCells, threads));
  pool.parallel(n, [&](int t, int count) {
    const int u0 = vectors * t / count * kLanes;
    const int u1 = std::min(H, vectors * (t + 1) / count * kLanes);
    if (u0 < u1) fn(u0, u1);
  });
}

// Units [j, j + count) of one row: full vectors, or fewer at the row's end through the same code
// on a partial load, so a unit's value does not depend on where it sits.
struct Lanes {
  int count;
  vf in(const float* p) const { return count == kLanes ? load(p) : load_partial(p, count); }
  void out(float* p, vf v) const {
    if (count == kLanes) store(p, v);
    else store_partial(p, v, count);
  }
};

inline vf clamp(vf a, vf bound) {
  const vf lo = -bound;
  a = a < lo ? lo : a;
  return a > bound ? bound : a;
}

// 1 where |a| ≤ bound, 0 where the clip held a at a bound
inline vf slope(vf a, vf bound) { return (vf)((vi)(abs(a) <= bound) & (vi)splat(1.0f)); }

}  // namespace

void lstm_cell_options_forward_units(int B, int H, float* pre, float* act, const float* cPrev, float* c, float* tanhC,
                                     float* h, const float* peep, float clip, bool coupled, int u0, int u1) {
  const vf bound = splat(clip > 0 ? clip : std::numeric_limits<float>::infinity());
  for (int64_t b = 0; b < B; b++) {
    float* a = pre + b * 4 * H;  // this row's [i | f | g | o] blocks of H
    float* y = act + b * 4 * H;
    const size_t s = static_cast<size_t>(b) * H;
    for (int j = u0; j < u1; j += kLanes) {
      const Lanes L{std::min(kLanes, u1 - j)};
      const vf cp = L.in(cPrev + s + j);
      vf ai = L.in(a + j), af = L.in(a + H + j), ao = L.in(a + 3 * H + j);
      const vf ag = L.in(a + 2 * H + j);
      if (peep != nullptr) {
        ai += L.in(peep + j) * cp;
        af += L.in(peep + H + j) * cp;
        L.out(a + j, ai);
        L.out(a + H + j, af);
      }
      const vf i = sigmoid(clamp(ai, bound));
      const vf f = coupled ? 1.0f - i : sigmoid(clamp(af, bound));
      const vf g = tanh(clamp(ag, bound));
      const vf ct = f * cp + i * g;
      if (peep != nullptr) {
        ao += L.in(peep + 2 * H + j) * ct;
        L.out(a + 3 * H + j, ao);
      }
      const vf o = sigmoid(clamp(ao, bound));
      const vf th = tanh(ct);
      L.out(y + j, i);  // after pre's stores: act may alias pre
      L.out(y + H + j, f);
      L.out(y + 2 * H + j, g);
      L.out(y + 3 * H + j, o);
      L.out(c + s + j, ct);
      L.out(tanhC + s + j, th);
      L.out(h + s + j, o * th);
    }
  }
}

void lstm_cell_options_forward(ThreadPool& pool, int threads, int B, int H, float* pre, float* act,
                               const float* cPrev, float* c, float* tanhC, float* h, const float* peep, float clip,
                               bool coupled) {
  split_units(pool, threads, B, H, [&](int u0, int u1) {
    lstm_cell_options_forward_units(B, H, pre, act, cPrev, c, tanhC, h, peep, clip, coupled, u0, u1);
  });
}

void lstm_cell_options_backward_units(int B, int H, const float* dh, const float* dc, const float* pre,
                                      const float* act, const float* cPrev, const float* c, const float* tanhC,
                                      const float* peep, float clip, bool coupled, float* dPre, float* dcPrev,
                                      float* dPeep, int u0, int u1) {
  const vf bound = splat(clip > 0 ? clip : std::numeric_limits<float>::infinity());
  for (int64_t b = 0; b < B; b++) {
    const float* a = pre + b * 4 * H;
    const float* y = act + b * 4 * H;
    float* d = dPre + b * 4 * H;
    const size_t s = static_cast<size_t>(b) * H;
    for (int j = u0; j < u1; j += kLanes) {
      const Lanes L{std::min(kLanes, u1 - j)};
      const vf i = L.in(y + j), f = L.in(y + H + j), g = L.in(y + 2 * H + j), o = L.in(y + 3 * H + j);
      const vf cp = L.in(cPrev + s + j);
      const vf th = L.in(tanhC + s + j);
      const vf dhj = L.in(dh + s + j);
      const vf dao = dhj * th * (o * (1.0f - o)) * slope(L.in(a + 3 * H + j), bound);
      vf dcTotal = L.in(dc + s + j) + dhj * o * (1.0f - th * th);
      if (peep != nullptr) dcTotal += dao * L.in(peep + 2 * H + j);
      const vf dag = dcTotal * i * (1.0f - g * g) * slope(L.in(a + 2 * H + j), bound);
      const vf dfGate = dcTotal * cp;
      vf di = dcTotal * g;
      vf daf{};
      if (coupled) di -= dfGate;
      else daf = dfGate * (f * (1.0f - f)) * slope(L.in(a + H + j), bound);
      const vf dai = di * (i * (1.0f - i)) * slope(L.in(a + j), bound);
      vf dcp = dcTotal * f;
      if (peep != nullptr) {
        dcp += dai * L.in(peep + j) + daf * L.in(peep + H + j);
        if (dPeep != nullptr) {
          L.out(dPeep + j, L.in(dPeep + j) + dai * cp);
          L.out(dPeep + H + j, L.in(dPeep + H + j) + daf * cp);
          L.out(dPeep + 2 * H + j, L.in(dPeep + 2 * H + j) + dao * L.in(c + s + j));
        }
      }
      L.out(d + j, dai);
      L.out(d + H + j, daf);
      L.out(d + 2 * H + j, dag);
      L.out(d + 3 * H + j, dao);
      L.out(dcPrev + s + j, dcp);  // last: dcPrev may alias dc
    }
  }
}

void lstm_cell_options_backward(ThreadPool& pool, int threads, int B, int H, const float* dh, const float* dc,
                                const float* pre, const float* act, const float* cPrev, const float* c,
                                const float* tanhC, const float* peep, float clip, bool coupled, float* dPre,
                                float* dcPrev, float* dPeep) {
  split_units(pool, threads, B, H, [&](int u0, int u1) {
    lstm_cell_options_backward_units(B, H, dh, dc, pre, act, cPrev, c, tanhC, peep, clip, coupled, dPre, dcPrev,
                                     dPeep, u0, u1);
  });
}

void multiply(int64_t n, const float* x, const float* y, float* out) {
  for (int64_t i = 0; i < n; i++) out[i] = x[i] * y[i];
}

}  // namespace lstm
