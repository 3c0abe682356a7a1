#include "gru_layer.h"

#include <algorithm>

#include "gemm.h"
#include "gru_rnn_cell.h"
#include "sequence_rows.h"
#include "simd.h"
#include "thread_pool.h"
#include "unit_split.h"

namespace lstm {

bool gru_layer_forward(ThreadPool& pool, int threads, int T, int B, int H, const float* xp, const float* wHh,
                       const float* packedWhh, const float* bHh, float* hp, float* pre, float* act, float* h, const int32_t* lengths,
                       const float* recMask, float* hRec, float clip, bool linearBeforeReset) {
  if (!linearBeforeReset || H % kTileCols != 0) return false;
  // gemm takes products of at most 4 rows (A · Bᵀ) as row dot products: match it exactly
  const bool rowDots = packedWhh == nullptr;
  if (rowDots && (T != 1 || B > 4)) return false;
  const int G = 3 * H;
  const double stepMacs = static_cast<double>(B) * G * H;
  split_hidden_units(pool, threads, H, stepMacs, [&](int u0, int u1, auto sync) {
    int n0[3], n1[3];  // this thread's columns in each gate block
    for (int g = 0; g < 3; g++) {
      n0[g] = g * H + u0;
      n1[g] = g * H + u1;
    }
    const size_t bh = static_cast<size_t>(B) * H;
    if (recMask != nullptr) {
      masked_units(B, H, u0, u1, h, recMask, hRec);
      sync();  // the whole first operand before any product reads it
    }
    for (int t = 0; t < T; t++) {
      const size_t off = static_cast<size_t>(t) * B * G;
      float* hpT = hp + off;
      const float* hPrev = h + t * bh;
      const float* operand = recMask != nullptr ? hRec + t * bh : hPrev;
      if (rowDots) {
        for (int g = 0; g < 3; g++) {
          for (int b = 0; b < B; b++)
            std::copy(bHh + n0[g], bHh + n1[g], hpT + static_cast<size_t>(b) * G + n0[g]);
          gemm_rows_dot_range(operand, H, wHh, H, B, H, n0[g], n1[g], hpT, G, 1);
        }
      } else {
        // hp_t = b_hh + h_t · W_hhᵀ (the bias enters in the store, not copied in first)
        gemm_prepacked_ranges(Matrix{operand, H, false}, packedWhh, H, 0, B, n0, n1, 3, hpT, G, 1, bHh);
      }
      gru_gates_forward_units(B, H, xp + off, hpT, operand, pre + off, act + off, nullptr, clip, true, u0, u1);
      gru_candidate_forward_units(B, H, xp + off, hpT, hPrev, pre + off, act + off, h + (t + 1) * bh, clip, true, u0,
                                  u1);
      carry_past_end(lengths, B, t, H, u0, u1, hPrev, h + (t + 1) * bh);
      if (recMask != nullptr && t + 1 < T) masked_units(B, H, u0, u1, h + (t + 1) * bh, recMask, hRec + (t + 1) * bh);
      sync();  // every unit of h_{t+1} is written before any thread reads it
    }
  });
  return true;
}

}  // namespace lstm
