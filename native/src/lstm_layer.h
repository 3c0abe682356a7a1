// One LSTM layer's forward over T time steps in a single call (gate order i, f, g, o):
//   for t in [0, T):  gates_t = bias + x_t · W_ihᵀ + h_t · W_hhᵀ;  cell step → c_{t+1}, h_{t+1}
// x (T, B, D); gates (T, B, 4H) written (activated, as the cell leaves them); c and h (T + 1, B, H)
// with c_0 and h_0 given; tanhC (T, B, H). W_ih (4H, D) and W_hh (4H, H) as stored, and their
// transposes packed by pack_b; without packed weights (a single step of at most 4 rows, as in
// generation) the products are row dot products on W as stored, as gemm computes them there.
//
// The pool's threads each own a range of hidden units (whole panels of kTileCols) and compute the
// four gate columns of those units, then their cell step, so a step needs one barrier (h_{t+1}
// complete) instead of a product and a cell job, and a thread's gates stay in its own cache.
// Every number equals what the separate calls compute (bias fill, x product, h product, cell).
#pragma once

namespace lstm {

class ThreadPool;

// False (and nothing written) where the separate calls would compute differently (H not a multiple
// of kTileCols; an input product of at most 4 rows over several steps, or unpacked weights for more
// than one step or more than 4 rows): the caller makes the separate calls.
bool lstm_layer_forward(ThreadPool& pool, int threads, int T, int B, int D, int H, const float* x, const float* wIh,
                        const float* wHh, const float* packedWih, const float* packedWhh, const float* bias,
                        float* gates, float* c, float* tanhC, float* h);

}  // namespace lstm
