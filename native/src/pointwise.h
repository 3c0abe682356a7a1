// Element-wise and row-wise kernels, f32 (formulas and shapes: the Kernels interface,
// src/kernels/types.ts). Those that take a pool split rows or fixed chunks over it, so results do
// not depend on the thread count.
#pragma once

#include <cstdint>

namespace lstm {

class ThreadPool;

void fill_rows(int M, int N, const float* bias, float* C, int ldc);
void add_column_sums(int M, int N, const float* A, float* out);

// The cell forward for hidden units [u0, u1) of every row (u0 a multiple of kLanes), on the calling
// thread: each unit computed exactly as lstm_cell_forward computes it.
void lstm_cell_forward_units(int B, int H, float* gates, const float* cPrev, float* c, float* tanhC, float* h, int u0,
                             int u1);
void lstm_cell_forward(ThreadPool& pool, int threads, int B, int H, float* gates, const float* cPrev, float* c,
                       float* tanhC, float* h);
void lstm_cell_backward(ThreadPool& pool, int threads, int B, int H, const float* dh, const float* dc,
                        const float* gates, const float* cPrev, const float* tanhC, float* dGates, float* dcPrev);

double softmax_cross_entropy(ThreadPool& pool, int threads, int N, int V, const float* logits, const int32_t* targets,
                             float* dLogits, double gradScale);

double sum_squares(ThreadPool& pool, int threads, int64_t n, const float* x);
void scale(int64_t n, float* x, float s);
void add_in_place(int64_t n, const float* x, float* y);

void adam_update(ThreadPool& pool, int threads, int64_t n, float* p, const float* g, float* m, float* v, double lr,
                 double beta1, double beta2, double eps, double l2, double decoupled, double bc1, double bc2);
void sgd_update(ThreadPool& pool, int threads, int64_t n, float* p, const float* g, float* buf, double lr,
                double momentum, double l2, bool nesterov);

}  // namespace lstm
