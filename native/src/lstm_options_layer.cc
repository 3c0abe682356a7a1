#include "lstm_options_layer.h"

#include <algorithm>

#include "gemm.h"
#include "lstm_options.h"
#include "sequence_rows.h"
#include "simd.h"
#include "thread_pool.h"

namespace lstm {

namespace {
// A step smaller than this many multiply-adds runs on one thread (as lstm_layer.cc).
constexpr double kParallelMinStepMacs = 1 << 17;
}  // namespace

bool lstm_options_layer_forward(ThreadPool& pool, int threads, int T, int B, int H, float* pre, float* act,
                                const float* wHh, const float* packedWhh, float* h, float* c, float* hAct,
                                const int32_t* lengths, const float* recMask, float* hRec, const float* peep,
                                float clip, bool coupled) {
  if (H % kTileCols != 0) return false;
  // gemm takes products of at most 4 rows (A · Bᵀ) as row dot products: match it exactly
  const bool rowDots = packedWhh == nullptr;
  if (rowDots && (T != 1 || B > 4)) return false;
  const int G = 4 * H;
  const int panels = H / kTileCols;
  const double stepMacs = static_cast<double>(B) * G * H;
  // shares wait for each other at every step: at most pool.size() of them (shares_for's limit)
  const int n = std::min(panels, pool.shares_for(stepMacs, kParallelMinStepMacs / 2, threads));
  SpinBarrier barrier(n);
  const size_t bh = static_cast<size_t>(B) * H;
  pool.parallel(n, [&](int thread, int count) {
    const int u0 = panels * thread / count * kTileCols;
    const int u1 = panels * (thread + 1) / count * kTileCols;
    int n0[4], n1[4];  // this thread's columns in each gate block
    for (int g = 0; g < 4; g++) {
      n0[g] = g * H + u0;
      n1[g] = g * H + u1;
    }
    if (recMask != nullptr) {
      masked_units(B, H, u0, u1, h, recMask, hRec);
      if (count > 1) barrier.wait();  // the whole first operand before any product reads it
    }
    for (int t = 0; t < T; t++) {
      const RunningRows rows = running_rows(lengths, B, t);
      const int m = rows.end - rows.first;
      const size_t g0 = static_cast<size_t>(rows.first) * G, h0 = static_cast<size_t>(rows.first) * H;
      float* preT = pre + t * B * static_cast<size_t>(G);
      float* actT = act + t * B * static_cast<size_t>(G);
      const float* hPrev = h + t * bh;
      float* hCur = h + (t + 1) * bh;
      const float* cPrev = c + t * bh;
      float* cCur = c + (t + 1) * bh;
      const float* operand = recMask != nullptr ? hRec + t * bh : hPrev;
      if (m > 0) {
        if (rowDots) {
          for (int g = 0; g < 4; g++)
            gemm_rows_dot_range(operand + h0, H, wHh, H, m, H, n0[g], n1[g], preT + g0, G, 1);
        } else {
          gemm_prepacked_ranges(Matrix{operand + h0, H, false}, packedWhh, H, 0, m, n0, n1, 4, preT + g0, G, 1);
        }
        lstm_cell_options_forward_units(m, H, preT + g0, actT + g0, cPrev + h0, cCur + h0, hAct + t * bh + h0,
                                        hCur + h0, peep, clip, coupled, u0, u1);
      }
      carry_past_end(lengths, B, t, H, u0, u1, hPrev, hCur);
      carry_past_end(lengths, B, t, H, u0, u1, cPrev, cCur);
      if (recMask != nullptr && t + 1 < T) masked_units(B, H, u0, u1, hCur, recMask, hRec + (t + 1) * bh);
      if (count > 1) barrier.wait();  // every unit of h_{t+1} is written before any thread reads it
    }
  });
  return true;
}

}  // namespace lstm
