// One GRU layer's recurrence over T time steps in a single call, linear before the reset (PyTorch's
// form), σ and tanh, after the input projection xp (T, B, 3H) = x W_ihᵀ + b_ih computed for all
// steps at once by the caller:
//   for t in [0, T):  hp_t = b_hh + (h_t ⊙ m) · W_hhᵀ;  gru_gates_forward, gru_candidate_forward → h_{t+1};
//                     rows that have ended carry h (sequence_rows.h; every row is computed first)
// hp, pre, act (T, B, 3H) written; h (T + 1, B, H) with h_0 given; hRec (T, B, H) = h_t ⊙ m when
// there is a recurrent dropout mask m (B, H). W_hh (3H, H) as stored, and
// packedWhh = pack_b of its transpose; without it (a single step of at most 4 rows, as in
// generation) the product is row dot products on W_hh as stored, as gemm computes them there.
//
// The pool's threads each own a range of hidden units (whole panels of kTileCols) and compute the
// r, z and n columns of those units, then their cell step, so a step needs one barrier (h_{t+1}
// complete). Every number equals what the separate calls compute (bias fill, product, cell).
#pragma once

#include <cstdint>

namespace lstm {

class ThreadPool;

// False (and nothing written) where the separate calls would compute differently or this form is
// not covered: H not a multiple of kTileCols; unpacked weights for more than one step or more than
// 4 rows; the original form (its n product needs r ⊙ h_t of every unit first).
bool gru_layer_forward(ThreadPool& pool, int threads, int T, int B, int H, const float* xp, const float* wHh,
                       const float* packedWhh, const float* bHh, float* hp, float* pre, float* act, float* h, const int32_t* lengths,
                       const float* recMask, float* hRec, float clip, bool linearBeforeReset);

}  // namespace lstm
