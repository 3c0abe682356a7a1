// One decoder step of dot-product attention (Luong dot and general) over an encoder memory, forward
// and backward, rows split over the pool by batch row b (each b reads and writes only its own rows,
// so the result does not depend on the split). Layouts are time-major as the library's:
//   q (B, Hk), keys K (Ts, B, Hk) (the memory itself for dot), memory M (Ts, B, Hm), lengths (B)
//   forward   s[b, j] = q[b] · K[j, b] for j < lengths[b]; α[b, ·] = softmax (a row with no positions
//             is all zero); context[b] = Σ_j α[b, j] M[j, b]
//   backward  from dContext (B, Hm): dM[j, b] += α[b, j] dc[b]; ds = α ⊙ (dα − Σ α dα) with
//             dα[b, j] = dc[b] · M[j, b]; dq[b] = Σ_j ds[b, j] K[j, b] (written); dK[j, b] += ds[b, j] q[b]
//             (for dot, dK may be dM itself: the two additions to a row happen in that order)
#pragma once

#include <cstdint>

#include "thread_pool.h"

namespace lstm {

void attention_forward(ThreadPool& pool, int threads, int Ts, int B, int Hk, int Hm, const float* q, const float* K,
                       const float* M, const int32_t* lengths, float* alpha, float* context);

void attention_backward(ThreadPool& pool, int threads, int Ts, int B, int Hk, int Hm, const float* q, const float* K,
                        const float* M, const float* alpha, const float* dContext, float* dScores, float* dQuery,
                        float* dK, float* dM);

}  // namespace lstm
