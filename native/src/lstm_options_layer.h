// One layer of the LSTM with options (lengths, recurrent dropout, peepholes, clip, coupled input and
// forget gates; σ, tanh, tanh; no projection) over T time steps in a single call:
//   for t in [0, T):  rows [first, end) still running (sequence_rows.h):
//                       pre_t = bias + x_t · W_ihᵀ + (h_t ⊙ m) · W_hhᵀ;
//                       lstm_cell_options_forward → c_{t+1}, h_{t+1}
//                     rows that have ended carry h and c (their pre is not written)
// x (T, B, D); bias (4H) = b_ih + b_hh; pre, act (T, B, 4H) (act may be pre itself), hAct (T, B, H)
// = tanh(c_t), h and c (T + 1, B, H) with h_0 and c_0 given, hRec (T, B, H) = h_t ⊙ m when there is
// a mask m (B, H). W_ih (4H, D) and W_hh (4H, H) as stored, and packedWih, packedWhh = pack_b of
// their transposes; without them (a single step of at most 4 rows, as in generation) the products
// are row dot products on W as stored, as gemm computes them there. src/nn/cells/lstm-cell.ts
// makes the same calls one by one (the input projection over the real rows first); every number
// here equals theirs.
//
// The pool's threads each own a range of hidden units (whole panels of kTileCols): the four gate
// columns of those units, their cell step, their carried rows and their masked operand, so a step
// needs one barrier (h_{t+1} complete).
#pragma once

#include <cstdint>

namespace lstm {

class ThreadPool;

// False (and nothing written) where the separate calls would compute differently: H not a multiple
// of kTileCols; unpacked weights for more than one step or more than 4 rows; an input product of at
// most 4 rows over several steps.
bool lstm_options_layer_forward(ThreadPool& pool, int threads, int T, int B, int D, int H, const float* x,
                                const float* wIh, const float* packedWih, const float* bias, float* pre, float* act,
                                const float* wHh, const float* packedWhh, float* h, float* c, float* hAct,
                                const int32_t* lengths, const float* recMask, float* hRec, const float* peep,
                                float clip, bool coupled);

// The backward through that forward's steps in one call, from t = T − 1 down to 0, as the step loop of
// lstmCellSequenceBackward (src/nn/cells/lstm-cell.ts) computes it:
//   dh = dhNext + dy_t (rows still running);  on rows [first, end): lstm_cell_options_backward → dPre_t,
//   dc_{t}; dhNext = (dPre_t · W_hh) ⊙ m;  rows that have ended pass dh and dc through, and get no
//   gate gradient (dPre_t zero; an ended row inside [first, end) runs with zero state gradients)
// dy (T, B, H) or null; dhNext, dcNext (B, H): the gradients into h_T, c_T in, into h_0, c_0 out;
// dPre (T, B, 4H) out; dPeep (3H) accumulated (+=) when there are peepholes. packedWhhBack =
// pack_b of W_hh (4H, H) as stored. Threads own hidden units as in the forward; a step needs one
// barrier (dPre_t complete before the product reads whole rows of it).
// False (and nothing written) for H not a multiple of kTileCols or without the packing (one step).
bool lstm_options_layer_backward(ThreadPool& pool, int threads, int T, int B, int H, const float* dy, float* dhNext,
                                 float* dcNext, const float* pre, const float* act, const float* c,
                                 const float* hAct, const float* packedWhhBack, float* dPre, const int32_t* lengths,
                                 const float* recMask, const float* peep, float clip, bool coupled, float* dPeep);

}  // namespace lstm
