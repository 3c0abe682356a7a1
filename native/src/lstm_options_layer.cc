#include "lstm_options_layer.h"

#include <algorithm>
#include <vector>

#include "gemm.h"
#include "lstm_options.h"
#include "sequence_rows.h"
#include "simd.h"
#include "thread_pool.h"
#include "unit_split.h"

namespace lstm {

bool lstm_options_layer_forward(ThreadPool& pool, int threads, int T, int B, int D, int H, const float* x,
                                const float* wIh, const float* packedWih, const float* bias, float* pre, float* act,
                                const float* wHh, const float* packedWhh, float* h, float* c, float* hAct,
                                const int32_t* lengths, const float* recMask, float* hRec, const float* peep,
                                float clip, bool coupled) {
  if (H % kTileCols != 0) return false;
  // gemm takes products of at most 4 rows (A · Bᵀ) as row dot products: match it exactly
  const bool rowDots = packedWih == nullptr || packedWhh == nullptr;
  if (rowDots ? (T != 1 || B > 4) : T * B <= 4) return false;
  const int G = 4 * H;
  const double stepMacs = static_cast<double>(B) * G * (D + H);
  const size_t bh = static_cast<size_t>(B) * H;
  split_hidden_units(pool, threads, H, stepMacs, [&](int u0, int u1, auto sync) {
    int n0[4], n1[4];  // this thread's columns in each gate block
    for (int g = 0; g < 4; g++) {
      n0[g] = g * H + u0;
      n1[g] = g * H + u1;
    }
    if (recMask != nullptr) {
      masked_units(B, H, u0, u1, h, recMask, hRec);
      sync();  // the whole first operand before any product reads it
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
        const float* xT = x + (static_cast<size_t>(t) * B + rows.first) * D;
        if (rowDots) {
          for (int g = 0; g < 4; g++) {
            for (int b = 0; b < m; b++)
              std::copy(bias + n0[g], bias + n1[g], preT + g0 + static_cast<size_t>(b) * G + n0[g]);
            gemm_rows_dot_range(xT, D, wIh, D, m, D, n0[g], n1[g], preT + g0, G, 1);
            gemm_rows_dot_range(operand + h0, H, wHh, H, m, H, n0[g], n1[g], preT + g0, G, 1);
          }
        } else {
          // pre_t = bias + x_t · W_ihᵀ (the bias enters in the store), then + (h_t ⊙ m) · W_hhᵀ
          gemm_prepacked_ranges(Matrix{xT, D, false}, packedWih, D, 0, m, n0, n1, 4, preT + g0, G, 1, bias);
          gemm_prepacked_ranges(Matrix{operand + h0, H, false}, packedWhh, H, 0, m, n0, n1, 4, preT + g0, G, 1);
        }
        lstm_cell_options_forward_units(m, H, preT + g0, actT + g0, cPrev + h0, cCur + h0, hAct + t * bh + h0,
                                        hCur + h0, peep, clip, coupled, u0, u1);
      }
      carry_past_end(lengths, B, t, H, u0, u1, hPrev, hCur);
      carry_past_end(lengths, B, t, H, u0, u1, cPrev, cCur);
      if (recMask != nullptr && t + 1 < T) masked_units(B, H, u0, u1, hCur, recMask, hRec + (t + 1) * bh);
      sync();  // every unit of h_{t+1} is written before any thread reads it
    }
  });
  return true;
}

bool lstm_options_layer_backward(ThreadPool& pool, int threads, int T, int B, int H, const float* dy, float* dhNext,
                                 float* dcNext, const float* pre, const float* act, const float* c,
                                 const float* hAct, const float* packedWhhBack, float* dPre, const int32_t* lengths,
                                 const float* recMask, const float* peep, float clip, bool coupled, float* dPeep) {
  if (H % kTileCols != 0 || packedWhhBack == nullptr) return false;
  const int G = 4 * H;
  const double stepMacs = static_cast<double>(B) * G * H;
  const size_t bh = static_cast<size_t>(B) * H;
  // dh into the step; with ended rows inside the running range, dh and dc with those rows zeroed
  std::vector<float> dhTot(bh), dhCell(bh), dcIncoming(bh);
  split_hidden_units(pool, threads, H, stepMacs, [&](int u0, int u1, auto sync) {
    for (int t = T - 1; t >= 0; t--) {
      const RunningRows rows = running_rows(lengths, B, t);
      const int m = std::max(0, rows.end - rows.first);
      bool endedInside = false;
      for (int b = rows.first; b < rows.end && lengths != nullptr; b++) endedInside = endedInside || t >= lengths[b];
      const float* dyT = dy == nullptr ? nullptr : dy + t * bh;
      for (int b = 0; b < B; b++) {
        const size_t row = static_cast<size_t>(b) * H;
        const bool ended = lengths != nullptr && t >= lengths[b];
        for (int j = u0; j < u1; j++) dhTot[row + j] = dyT == nullptr || ended ? dhNext[row + j] : dhNext[row + j] + dyT[row + j];
        if (!endedInside) continue;
        for (int j = u0; j < u1; j++) {
          dhCell[row + j] = ended ? 0.0f : dhTot[row + j];
          dcIncoming[row + j] = dcNext[row + j];
          if (ended) dcNext[row + j] = 0.0f;
        }
      }
      const float* dhF = endedInside ? dhCell.data() : dhTot.data();
      float* dPreT = dPre + t * B * static_cast<size_t>(G);
      const int zeroFrom = std::max(rows.first, rows.end);
      for (int b = 0; b < B; b++) {
        if (b >= rows.first && b < zeroFrom) continue;  // rows outside [first, end): no gate gradient
        for (int g = 0; g < 4; g++) {
          float* d = dPreT + static_cast<size_t>(b) * G + g * H;
          std::fill(d + u0, d + u1, 0.0f);
        }
      }
      const size_t g0 = static_cast<size_t>(rows.first) * G, h0 = static_cast<size_t>(rows.first) * H;
      if (m > 0) {
        const float* preT = pre + t * B * static_cast<size_t>(G);
        const float* actT = act + t * B * static_cast<size_t>(G);
        lstm_cell_options_backward_units(m, H, dhF + h0, dcNext + h0, preT + g0, actT + g0, c + t * bh + h0,
                                         c + (t + 1) * bh + h0, hAct + t * bh + h0, peep, clip, coupled, dPreT + g0,
                                         dcNext + h0, dPeep, u0, u1);
      }
      if (endedInside) carry_past_end(lengths, B, t, H, u0, u1, dcIncoming.data(), dcNext);
      sync();  // the product below reads whole rows of dPre_t
      if (m > 0) {
        gemm_prepacked_ranges(Matrix{dPreT + g0, G, false}, packedWhhBack, G, 0, m, &u0, &u1, 1, dhNext + h0, H, 0);
        if (recMask != nullptr) {
          for (int b = rows.first; b < rows.end; b++) {
            const size_t row = static_cast<size_t>(b) * H;
            for (int j = u0; j < u1; j++) dhNext[row + j] = dhNext[row + j] * recMask[row + j];
          }
        }
      }
      carry_past_end(lengths, B, t, H, u0, u1, dhTot.data(), dhNext);
    }
  });
  return true;
}

}  // namespace lstm
