#include "rnn_layer.h"

#include <algorithm>

#include "gemm.h"
#include "gru_rnn_cell.h"
#include "sequence_rows.h"
#include "simd.h"
#include "thread_pool.h"
#include "unit_split.h"

namespace lstm {

bool rnn_layer_forward(ThreadPool& pool, int threads, int T, int B, int H, float* pre, const float* wHh,
                       const float* packedWhh, float* h, const int32_t* lengths, const float* recMask, float* hRec,
                       bool relu, float clip) {
  if (H % kTileCols != 0) return false;
  // gemm takes products of at most 4 rows (A · Bᵀ) as row dot products: match it exactly
  const bool rowDots = packedWhh == nullptr;
  if (rowDots && (T != 1 || B > 4)) return false;
  const double stepMacs = static_cast<double>(B) * H * H;
  const size_t bh = static_cast<size_t>(B) * H;
  split_hidden_units(pool, threads, H, stepMacs, [&](int u0, int u1, auto sync) {
    if (recMask != nullptr) {
      masked_units(B, H, u0, u1, h, recMask, hRec);
      sync();  // the whole first operand before any product reads it
    }
    for (int t = 0; t < T; t++) {
      float* preT = pre + t * bh;
      const float* hPrev = h + t * bh;
      float* hCur = h + (t + 1) * bh;
      const float* operand = recMask != nullptr ? hRec + t * bh : hPrev;
      if (rowDots) gemm_rows_dot_range(operand, H, wHh, H, B, H, u0, u1, preT, H, 1);
      else gemm_prepacked_ranges(Matrix{operand, H, false}, packedWhh, H, 0, B, &u0, &u1, 1, preT, H, 1);
      rnn_cell_forward_units(B, H, preT, hCur, relu, clip, u0, u1);
      carry_past_end(lengths, B, t, H, u0, u1, hPrev, hCur);
      if (recMask != nullptr && t + 1 < T) masked_units(B, H, u0, u1, hCur, recMask, hRec + (t + 1) * bh);
      sync();  // every unit of h_{t+1} is written before any thread reads it
    }
  });
  return true;
}

}  // namespace lstm
