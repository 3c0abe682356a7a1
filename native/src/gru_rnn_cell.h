// The GRU and RNN cells' pointwise work for one time step, f32 (equations and shapes: the Kernels
// interface, src/kernels/types.ts, gruGatesForward … rnnCellBackward). Gate rows are (B, 3H) in
// the order r, z, n; clip 0 means none. On the calling thread: a step's pointwise work is small
// beside its products.
#pragma once

namespace lstm {

// The *_units forms compute the hidden units [u0, u1) of every row only (u0 a multiple of kLanes),
// each exactly as the whole-row call computes it (gru_layer.cc splits a step by units).
void gru_gates_forward_units(int B, int H, const float* xp, const float* hp, const float* hRec, float* pre, float* act,
                             float* rh, float clip, bool linearBeforeReset, int u0, int u1);
void gru_candidate_forward_units(int B, int H, const float* xp, const float* hp, const float* hPrev, float* pre,
                                 float* act, float* h, float clip, bool linearBeforeReset, int u0, int u1);
void gru_gates_forward(int B, int H, const float* xp, const float* hp, const float* hRec, float* pre, float* act,
                       float* rh, float clip, bool linearBeforeReset);
void gru_candidate_forward(int B, int H, const float* xp, const float* hp, const float* hPrev, float* pre, float* act,
                           float* h, float clip, bool linearBeforeReset);
void gru_candidate_backward(int B, int H, const float* dh, const float* pre, const float* act, float* dXP, float* dHP,
                            float clip, bool linearBeforeReset);
void gru_gates_backward(int B, int H, const float* dh, const float* hPrev, const float* hRec, const float* hp,
                        const float* pre, const float* act, const float* dRh, float* dXP, float* dHP, float clip,
                        bool linearBeforeReset);
// mask may be null: no recurrent dropout
void gru_state_backward(int B, int H, const float* dh, const float* act, const float* dhRec, const float* dRh,
                        const float* mask, float* dhPrev, bool linearBeforeReset);
void rnn_cell_forward(int B, int H, const float* pre, float* h, bool relu, float clip);
void rnn_cell_forward_units(int B, int H, const float* pre, float* h, bool relu, float clip, int u0, int u1);
void rnn_cell_backward(int B, int H, const float* dh, const float* pre, const float* h, float* dPre, bool relu,
                       float clip);

}  // namespace lstm
