// Matrix products, f32, row-major with row strides (the Kernels interface, src/kernels/types.ts):
//   C (M, N) = beta · C + op(A) (M, K) · op(B) (K, N),  beta ∈ {0, 1}
// op(A) is A (M, K) or, transA, A stored (K, M); op(B) is B (K, N) or, transB, B stored (N, K).
#pragma once

#include <cstddef>

namespace lstm {

class ThreadPool;

struct Matrix {
  const float* data;
  int stride;      // elements between rows as stored
  bool transposed; // the operand is the transpose of what is stored
};

// Elements a packed op(B) (K, N) takes: whole panels of kTileCols columns (the last one padded).
size_t packed_length(int K, int N);

// Pack op(B) (K, N) into panels of kTileCols columns: panel p holds K rows of kTileCols floats at
// packed + p · K · kTileCols, columns past N zero.
void pack_b(Matrix B, int K, int N, float* packed);

// C = beta · C + op(A) · op(B), B given as stored (packed per call) or prepacked by pack_b.
// Every element of C is computed the same way whatever the thread count: the pool splits the
// rows or the columns of C, never the sum over k.
void gemm(ThreadPool& pool, int threads, Matrix A, Matrix B, int M, int N, int K, float* C, int ldc, int beta);
void gemm_prepacked(ThreadPool& pool, int threads, Matrix A, const float* packed, int M, int N, int K, float* C,
                    int ldc, int beta);

// Rows [m0, m1) of C = beta · C + A · op(B), op(B) prepacked, over several column ranges
// [n0[r], n1[r]) (each n0 a multiple of kTileCols), on the calling thread, packing A once for all
// of them. Each element is computed exactly as gemm_prepacked computes it, so a caller may split C
// its own way (lstm_layer.cc: by hidden units, four gate ranges per thread). With `bias` (a row of
// N), C = bias + A · op(B) for every row, beta ignored: the numbers of filling C with the bias
// and then accumulating, without the fill.
void gemm_prepacked_ranges(Matrix A, const float* packed, int K, int m0, int m1, const int* n0, const int* n1,
                           int ranges, float* C, int ldc, int beta, const float* bias = nullptr);

// Columns [j0, j1) of C (M, N) = beta · C + A (M, K) · Bᵀ as gemm_rows_dot computes them, on the
// calling thread (lstm_layer.cc splits by hidden units).
void gemm_rows_dot_range(const float* A, int lda, const float* B, int ldb, int M, int K, int j0, int j1, float* C,
                         int ldc, int beta);

// C (M, N) = beta · C + A (M, K) · Bᵀ, B stored (N, K), read in place: dot products along the rows
// of B, for few rows of A (batch-1 generation), where packing B would cost as much as the product.
void gemm_rows_dot(ThreadPool& pool, int threads, const float* A, int lda, const float* B, int ldb, int M, int N,
                   int K, float* C, int ldc, int beta);

}  // namespace lstm
