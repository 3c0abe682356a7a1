#include "lstm_layer.h"

#include <algorithm>

#include "gemm.h"
#include "pointwise.h"
#include "simd.h"
#include "thread_pool.h"
#include "unit_split.h"

namespace lstm {

bool lstm_layer_forward(ThreadPool& pool, int threads, int T, int B, int D, int H, const float* x, const float* wIh,
                        const float* wHh, const float* packedWih, const float* packedWhh, const float* bias,
                        float* gates, float* c, float* tanhC, float* h) {
  if (H % kTileCols != 0) return false;
  // gemm takes products of at most 4 rows (A · Bᵀ) as row dot products: match it exactly
  const bool rowDots = packedWih == nullptr || packedWhh == nullptr;
  if (rowDots ? (T != 1 || B > 4) : T * B <= 4) return false;
  const int G = 4 * H;
  const double stepMacs = static_cast<double>(B) * G * (D + H);
  split_hidden_units(pool, threads, H, stepMacs, [&](int u0, int u1, auto sync) {
    for (int t = 0; t < T; t++) {
      const size_t bh = static_cast<size_t>(B) * H;
      float* gatesT = gates + static_cast<size_t>(t) * B * G;
      const float* xT = x + static_cast<size_t>(t) * B * D;
      const float* hPrev = h + t * bh;
      int n0[4], n1[4];  // this thread's columns in each gate block
      for (int g = 0; g < 4; g++) {
        n0[g] = g * H + u0;
        n1[g] = g * H + u1;
      }
      if (rowDots) {
        for (int g = 0; g < 4; g++) {
          for (int b = 0; b < B; b++)
            std::copy(bias + n0[g], bias + n1[g], gatesT + static_cast<size_t>(b) * G + n0[g]);
          gemm_rows_dot_range(xT, D, wIh, D, B, D, n0[g], n1[g], gatesT, G, 1);
          gemm_rows_dot_range(hPrev, H, wHh, H, B, H, n0[g], n1[g], gatesT, G, 1);
        }
      } else {
        // gates_t = bias + x_t · W_ihᵀ (the bias enters in the store, not copied in first)
        gemm_prepacked_ranges(Matrix{xT, D, false}, packedWih, D, 0, B, n0, n1, 4, gatesT, G, 1, bias);
        gemm_prepacked_ranges(Matrix{hPrev, H, false}, packedWhh, H, 0, B, n0, n1, 4, gatesT, G, 1);
      }
      lstm_cell_forward_units(B, H, gatesT, c + t * bh, c + (t + 1) * bh, tanhC + t * bh, h + (t + 1) * bh, u0, u1);
      sync();  // every unit of h_{t+1} is written before any thread reads it
    }
  });
  return true;
}

}  // namespace lstm
