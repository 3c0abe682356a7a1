// One plain RNN layer (tanh or relu) over T time steps in a single call, after the input projection
// pre (T, B, H) = x W_ihᵀ + b_ih + b_hh computed for all steps by the caller:
//   for t in [0, T):  pre_t += (h_t ⊙ m) · W_hhᵀ;  h_{t+1} = f(clip pre_t);  rows that have ended
//                     carry h (sequence_rows.h)
// h (T + 1, B, H) with h_0 given; hRec (T, B, H) = h_t ⊙ m when there is a mask m (B, H). W_hh
// (H, H) as stored, and packedWhh = pack_b of its transpose; without it (a single step of at most 4
// rows, as in generation) the product is row dot products on W_hh as stored, as gemm computes them
// there. src/nn/cells/rnn-cell.ts makes the same calls one by one; every number here equals theirs.
//
// The pool's threads each own a range of hidden units (whole panels of kTileCols), so a step needs
// one barrier (h_{t+1} complete).
#pragma once

#include <cstdint>

namespace lstm {

class ThreadPool;

// False (and nothing written) where the separate calls would compute differently: H not a multiple
// of kTileCols; unpacked weights for more than one step or more than 4 rows.
bool rnn_layer_forward(ThreadPool& pool, int threads, int T, int B, int H, float* pre, const float* wHh,
                       const float* packedWhh, float* h, const int32_t* lengths, const float* recMask, float* hRec,
                       bool relu, float clip);

}  // namespace lstm
