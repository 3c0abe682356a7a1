// What the whole-layer forwards (gru_layer.cc, lstm_options_layer.cc, rnn_layer.cc) share for
// batches of sequences with lengths and for recurrent dropout, each the native form of a helper in
// src/nn/cells/sequence.ts, on one thread's hidden units [u0, u1) of every row:
//   a row b has ended at step t when t ≥ lengths[b] (lengths null: none ever ends);
//   its state is carried, h_{t+1}[b] = h_t[b] (carryPastEnd), so the final state is its own end's;
//   the recurrent product reads h_t ⊙ mask (recMask (B, H), recurrentOperand) when there is one.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace lstm {

// The rows a step computes, [first, end): those outside have all ended (firstRunningRow and
// runningRowsEnd in sequence.ts); an unsorted batch may have ended rows inside.
struct RunningRows {
  int first;
  int end;
};

inline RunningRows running_rows(const int32_t* lengths, int B, int t) {
  if (lengths == nullptr) return {0, B};
  int first = 0;
  while (first < B && t >= lengths[first]) first++;
  int end = B;
  while (end > 0 && t >= lengths[end - 1]) end--;
  return {first, end};
}

// Rows past their end at step t: cur[b][u0, u1) = prev[b][u0, u1), rows of `width`.
inline void carry_past_end(const int32_t* lengths, int B, int t, int width, int u0, int u1, const float* prev,
                           float* cur) {
  if (lengths == nullptr) return;
  for (int b = 0; b < B; b++) {
    if (t < lengths[b]) continue;
    const size_t row = static_cast<size_t>(b) * width;
    std::copy(prev + row + u0, prev + row + u1, cur + row + u0);
  }
}

// out[u0, u1) of every row = h ⊙ mask: the masked operand of a recurrent product, (B, width).
inline void masked_units(int B, int width, int u0, int u1, const float* h, const float* mask, float* out) {
  for (int b = 0; b < B; b++) {
    const size_t row = static_cast<size_t>(b) * width;
    for (int j = u0; j < u1; j++) out[row + j] = h[row + j] * mask[row + j];
  }
}

}  // namespace lstm
