// The LSTM cell with options (peepholes, clip, coupled input-forget gate), forward and backward,
// one time step, and the element-wise product the recurrent dropout mask needs (formulas and
// shapes: Kernels.lstmCellOptionsForward / lstmCellOptionsBackward / multiply in
// src/kernels/types.ts). peep and dPeep may be null; clip 0 means none.
#pragma once

#include <cstdint>

namespace lstm {

class ThreadPool;

void lstm_cell_options_forward(ThreadPool& pool, int threads, int B, int H, float* pre, float* act,
                               const float* cPrev, float* c, float* tanhC, float* h, const float* peep, float clip,
                               bool coupled);
// The forward on the hidden units [u0, u1) of every row only (u0 a multiple of kLanes), on the calling
// thread, each unit exactly as the whole call computes it (lstm_options_layer.cc splits a step so).
void lstm_cell_options_forward_units(int B, int H, float* pre, float* act, const float* cPrev, float* c, float* tanhC,
                                     float* h, const float* peep, float clip, bool coupled, int u0, int u1);
void lstm_cell_options_backward(ThreadPool& pool, int threads, int B, int H, const float* dh, const float* dc,
                                const float* pre, const float* act, const float* cPrev, const float* c,
                                const float* tanhC, const float* peep, float clip, bool coupled, float* dPre,
                                float* dcPrev, float* dPeep);
// The backward on the hidden units [u0, u1) of every row only, as the forward's units form; a unit's
// peephole gradient is summed over the rows in row order, as the whole call sums it.
void lstm_cell_options_backward_units(int B, int H, const float* dh, const float* dc, const float* pre,
                                      const float* act, const float* cPrev, const float* c, const float* tanhC,
                                      const float* peep, float clip, bool coupled, float* dPre, float* dcPrev,
                                      float* dPeep, int u0, int u1);
void multiply(int64_t n, const float* x, const float* y, float* out);

}  // namespace lstm
