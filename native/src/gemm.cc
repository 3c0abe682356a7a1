// The BLIS recipe: op(B) is packed into panels of kTileCols columns and op(A) into panels of
// kTileRows rows (both k-major, zero-padded), and a register tile of kTileRows × kTileCols
// accumulators (simd.h: 8 × 32 with AVX-512) runs over kc steps of k, reading one row of the B
// panel (2 vectors) and broadcasting kTileRows values of A per step. Cache blocks: kKC × kNC of
// packed B (1 MiB) stay in L2/L3 while kMC × kKC of packed A (192 KiB) passes over them, and the
// kKC × kTileCols B panel under the register tile stays in L1.
//
// A partial tile at an edge is computed in full on the zero padding and only its valid part is
// written, so every element of C is the same sum in the same order wherever it lies and whichever
// thread computes it.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "simd.h"
#include "thread_pool.h"

namespace lstm {

namespace {

constexpr int kKC = 256;
constexpr int kMC = 192;   // a multiple of every kTileRows (8, 6, 4)
constexpr int kNC = 1024;  // a multiple of every kTileCols
// A thread takes part in a product only with at least this many multiply-adds to do (waking a
// worker costs 5-50 µs); smaller products run on the caller alone.
constexpr double kMinMacsPerThread = 1 << 18;

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float[], AlignedFree>;

Buffer aligned_floats(size_t count) {
  return Buffer(static_cast<float*>(std::aligned_alloc(64, ((count * sizeof(float) + 63) / 64) * 64)));
}

// Each thread packs into its own buffers, allocated on its first product and kept.
float* pack_buffer_a() {
  static thread_local Buffer buffer = aligned_floats(static_cast<size_t>(kMC) * kKC);
  return buffer.get();
}
float* pack_buffer_b() {
  static thread_local Buffer buffer = aligned_floats(static_cast<size_t>(kKC) * kNC);
  return buffer.get();
}

// Rows [i0, i0 + rows) and columns [k0, k0 + kc) of op(A), as panels of kTileRows rows: panel p
// at out + p · kc · kTileRows, each k one group of kTileRows floats (rows past the end zero).
void pack_a(Matrix A, int i0, int rows, int k0, int kc, float* out) {
  for (int p = 0; p < rows; p += kTileRows) {
    const int r = std::min(kTileRows, rows - p);
    float* dst = out + static_cast<size_t>(p) * kc;
    if (!A.transposed) {
      for (int k = 0; k < kc; k++) {
        float* d = dst + static_cast<size_t>(k) * kTileRows;
        for (int i = 0; i < r; i++) d[i] = A.data[static_cast<size_t>(i0 + p + i) * A.stride + k0 + k];
        for (int i = r; i < kTileRows; i++) d[i] = 0;
      }
    } else {  // stored (K, M): op(A)[m][k] = data[k · stride + m], a row of the storage per k
      for (int k = 0; k < kc; k++) {
        const float* src = A.data + static_cast<size_t>(k0 + k) * A.stride + i0 + p;
        float* d = dst + static_cast<size_t>(k) * kTileRows;
        for (int i = 0; i < r; i++) d[i] = src[i];
        for (int i = r; i < kTileRows; i++) d[i] = 0;
      }
    }
  }
}

// Rows [k0, k0 + kc) and columns [j0, j0 + nc) of op(B) as panels of kTileCols columns: panel q
// at out + q · kc · kTileCols, each k one row of kTileCols floats (columns past the end zero).
void pack_b_block(Matrix B, int k0, int kc, int j0, int nc, float* out) {
  for (int q = 0; q < nc; q += kTileCols) {
    const int w = std::min(kTileCols, nc - q);
    float* dst = out + static_cast<size_t>(q) * kc;
    if (!B.transposed) {  // stored (K, N): a row of the storage per k
      for (int k = 0; k < kc; k++) {
        const float* src = B.data + static_cast<size_t>(k0 + k) * B.stride + j0 + q;
        float* d = dst + static_cast<size_t>(k) * kTileCols;
        std::copy(src, src + w, d);
        std::fill(d + w, d + kTileCols, 0.0f);
      }
    } else {  // stored (N, K): op(B)[k][j] = data[j · stride + k], a column of the panel per row
      for (int j = 0; j < w; j++) {
        const float* src = B.data + static_cast<size_t>(j0 + q + j) * B.stride + k0;
        for (int k = 0; k < kc; k++) dst[static_cast<size_t>(k) * kTileCols + j] = src[k];
      }
      for (int k = 0; k < kc && w < kTileCols; k++)
        std::fill(dst + static_cast<size_t>(k) * kTileCols + w, dst + static_cast<size_t>(k + 1) * kTileCols, 0.0f);
    }
  }
}

// C tile (rows × cols ≤ kTileRows × kTileCols, row stride ldc) (+)= Σ_k a_k ⊗ b_k over kc steps,
// a: kTileRows floats per k (packed A panel), b: kTileCols floats per k (packed B panel). With
// `row`, C = row + Σ instead (the same row for every row of the tile: a bias, so a caller need not
// copy it into C first; the sum is the one C = bias then C += Σ gives).
inline void tile_kernel(int kc, const float* a, const float* b, float* c, int ldc, bool accumulate, int rows,
                        int cols, const float* row = nullptr) {
  vf lo[kTileRows];
  vf hi[kTileRows];
  for (int i = 0; i < kTileRows; i++) lo[i] = hi[i] = vf{};
  for (int k = 0; k < kc; k++) {
    const vf b0 = load(b);
    const vf b1 = load(b + kLanes);
    for (int i = 0; i < kTileRows; i++) {
      const vf ai = splat(a[i]);
      lo[i] += ai * b0;
      hi[i] += ai * b1;
    }
    a += kTileRows;
    b += kTileCols;
  }
  if (rows == kTileRows && cols == kTileCols) {
    for (int i = 0; i < kTileRows; i++) {
      float* ci = c + static_cast<size_t>(i) * ldc;
      if (row != nullptr) {
        store(ci, load(row) + lo[i]);
        store(ci + kLanes, load(row + kLanes) + hi[i]);
      } else if (accumulate) {
        store(ci, load(ci) + lo[i]);
        store(ci + kLanes, load(ci + kLanes) + hi[i]);
      } else {
        store(ci, lo[i]);
        store(ci + kLanes, hi[i]);
      }
    }
    return;
  }
  float tile[kTileRows * kTileCols];
  for (int i = 0; i < kTileRows; i++) {
    store(tile + i * kTileCols, lo[i]);
    store(tile + i * kTileCols + kLanes, hi[i]);
  }
  for (int i = 0; i < rows; i++) {
    float* ci = c + static_cast<size_t>(i) * ldc;
    const float* ti = tile + i * kTileCols;
    for (int j = 0; j < cols; j++) ci[j] = row != nullptr ? row[j] + ti[j] : accumulate ? ci[j] + ti[j] : ti[j];
  }
}

// Rows [m0, m1) × columns [n0, n1) of C; n0 is a multiple of kTileCols. `packed` (pack_b's
// layout, K rows per panel) or, when null, B packed here block by block.
void gemm_block(Matrix A, Matrix B, const float* packed, int K, int m0, int m1, int n0, int n1, float* C, int ldc,
                int beta) {
  if (m0 >= m1 || n0 >= n1) return;
  if (K == 0) {
    if (beta == 0)
      for (int i = m0; i < m1; i++) std::fill(C + static_cast<size_t>(i) * ldc + n0, C + static_cast<size_t>(i) * ldc + n1, 0.0f);
    return;
  }
  float* workA = pack_buffer_a();
  float* workB = packed == nullptr ? pack_buffer_b() : nullptr;
  for (int jc = n0; jc < n1; jc += kNC) {
    const int nc = std::min(kNC, n1 - jc);
    for (int pc = 0; pc < K; pc += kKC) {
      const int kc = std::min(kKC, K - pc);
      const bool accumulate = beta != 0 || pc > 0;
      const float* panels;
      size_t panelStride;
      if (packed != nullptr) {
        panels = packed + static_cast<size_t>(jc) * K + static_cast<size_t>(pc) * kTileCols;
        panelStride = static_cast<size_t>(K) * kTileCols;
      } else {
        pack_b_block(B, pc, kc, jc, nc, workB);
        panels = workB;
        panelStride = static_cast<size_t>(kc) * kTileCols;
      }
      for (int ic = m0; ic < m1; ic += kMC) {
        const int mc = std::min(kMC, m1 - ic);
        pack_a(A, ic, mc, pc, kc, workA);
        for (int jr = 0; jr < nc; jr += kTileCols) {
          const float* b = panels + static_cast<size_t>(jr / kTileCols) * panelStride;
          float* cBlock = C + static_cast<size_t>(ic) * ldc + jc + jr;
          for (int ir = 0; ir < mc; ir += kTileRows) {
            tile_kernel(kc, workA + static_cast<size_t>(ir) * kc, b, cBlock + static_cast<size_t>(ir) * ldc, ldc,
                        accumulate, std::min(kTileRows, mc - ir), std::min(kTileCols, nc - jr));
          }
        }
      }
    }
  }
}

// Split C over the pool: by panels of columns when there are enough, else by panels of rows.
void gemm_split(ThreadPool& pool, int threads, Matrix A, Matrix B, const float* packed, int M, int N, int K, float* C,
                int ldc, int beta) {
  const int colPanels = (N + kTileCols - 1) / kTileCols;
  const int rowPanels = (M + kTileRows - 1) / kTileRows;
  int n = pool.shares_for(static_cast<double>(M) * N * K, kMinMacsPerThread, threads);
  const bool byColumns = colPanels >= 2 * n;
  if (!byColumns && rowPanels < 2 * n) n = 1;
  pool.parallel(n, [&](int t, int count) {
    if (count == 1) {
      gemm_block(A, B, packed, K, 0, M, 0, N, C, ldc, beta);
    } else if (byColumns) {
      const int p0 = colPanels * t / count;
      const int p1 = colPanels * (t + 1) / count;
      gemm_block(A, B, packed, K, 0, M, p0 * kTileCols, std::min(N, p1 * kTileCols), C, ldc, beta);
    } else {
      const int p0 = rowPanels * t / count;
      const int p1 = rowPanels * (t + 1) / count;
      gemm_block(A, B, packed, K, p0 * kTileRows, std::min(M, p1 * kTileRows), 0, N, C, ldc, beta);
    }
  });
}

// c[j] (+)= a · (row j of B) for j in [j0, j1): four rows of B at a time share each load of a.
// The last K mod kLanes products are added one by one after the lanes' sum (a partial vector load
// stalled on store forwarding); an element's sum is the same in a group of four or alone.
inline float dot_tail(const float* a, const float* b, int k0, int K, float sum) {
  for (int k = k0; k < K; k++) sum += a[k] * b[k];
  return sum;
}

void dot_rows(const float* a, const float* B, int ldb, int K, int j0, int j1, float* c, int beta) {
  const int K0 = K - K % kLanes;
  int j = j0;
  for (; j + 4 <= j1; j += 4) {
    const float* b0 = B + static_cast<size_t>(j) * ldb;
    const float* b1 = b0 + ldb;
    const float* b2 = b1 + ldb;
    const float* b3 = b2 + ldb;
    vf s0{}, s1{}, s2{}, s3{};
    for (int k = 0; k < K0; k += kLanes) {
      const vf x = load(a + k);
      s0 += x * load(b0 + k);
      s1 += x * load(b1 + k);
      s2 += x * load(b2 + k);
      s3 += x * load(b3 + k);
    }
    const float t[4] = {dot_tail(a, b0, K0, K, hsum(s0)), dot_tail(a, b1, K0, K, hsum(s1)),
                        dot_tail(a, b2, K0, K, hsum(s2)), dot_tail(a, b3, K0, K, hsum(s3))};
    for (int u = 0; u < 4; u++) c[j + u] = beta != 0 ? c[j + u] + t[u] : t[u];
  }
  for (; j < j1; j++) {
    const float* b0 = B + static_cast<size_t>(j) * ldb;
    vf s0{};
    for (int k = 0; k < K0; k += kLanes) s0 += load(a + k) * load(b0 + k);
    const float t = dot_tail(a, b0, K0, K, hsum(s0));
    c[j] = beta != 0 ? c[j] + t : t;
  }
}

}  // namespace

size_t packed_length(int K, int N) {
  return static_cast<size_t>((N + kTileCols - 1) / kTileCols) * kTileCols * static_cast<size_t>(K);
}

void pack_b(Matrix B, int K, int N, float* packed) { pack_b_block(B, 0, K, 0, N, packed); }

void gemm(ThreadPool& pool, int threads, Matrix A, Matrix B, int M, int N, int K, float* C, int ldc, int beta) {
  gemm_split(pool, threads, A, B, nullptr, M, N, K, C, ldc, beta);
}

void gemm_prepacked(ThreadPool& pool, int threads, Matrix A, const float* packed, int M, int N, int K, float* C,
                    int ldc, int beta) {
  gemm_split(pool, threads, A, Matrix{nullptr, 0, false}, packed, M, N, K, C, ldc, beta);
}

void gemm_prepacked_ranges(Matrix A, const float* packed, int K, int m0, int m1, const int* n0, const int* n1,
                           int ranges, float* C, int ldc, int beta, const float* bias) {
  if (K == 0) {
    for (int r = 0; r < ranges; r++) {
      for (int i = m0; i < m1 && bias != nullptr; i++)
        std::copy(bias + n0[r], bias + n1[r], C + static_cast<size_t>(i) * ldc + n0[r]);
      if (bias == nullptr) gemm_block(A, Matrix{nullptr, 0, false}, packed, K, m0, m1, n0[r], n1[r], C, ldc, beta);
    }
    return;
  }
  float* workA = pack_buffer_a();
  for (int pc = 0; pc < K; pc += kKC) {
    const int kc = std::min(kKC, K - pc);
    const bool accumulate = beta != 0 || pc > 0;
    for (int ic = m0; ic < m1; ic += kMC) {
      const int mc = std::min(kMC, m1 - ic);
      pack_a(A, ic, mc, pc, kc, workA);
      for (int r = 0; r < ranges; r++) {
        for (int j = n0[r]; j < n1[r]; j += kTileCols) {
          // the panel of column j (a multiple of kTileCols): K rows of kTileCols, from row pc
          const float* b = packed + static_cast<size_t>(j) * K + static_cast<size_t>(pc) * kTileCols;
          float* cBlock = C + static_cast<size_t>(ic) * ldc + j;
          for (int ir = 0; ir < mc; ir += kTileRows) {
            tile_kernel(kc, workA + static_cast<size_t>(ir) * kc, b, cBlock + static_cast<size_t>(ir) * ldc, ldc,
                        accumulate, std::min(kTileRows, mc - ir), std::min(kTileCols, n1[r] - j),
                        pc == 0 && bias != nullptr ? bias + j : nullptr);
          }
        }
      }
    }
  }
}

void gemm_rows_dot_range(const float* A, int lda, const float* B, int ldb, int M, int K, int j0, int j1, float* C,
                         int ldc, int beta) {
  for (int i = 0; i < M; i++)
    dot_rows(A + static_cast<size_t>(i) * lda, B, ldb, K, j0, j1, C + static_cast<size_t>(i) * ldc, beta);
}

void gemm_rows_dot(ThreadPool& pool, int threads, const float* A, int lda, const float* B, int ldb, int M, int N,
                   int K, float* C, int ldc, int beta) {
  const int groups = (N + 3) / 4;  // threads take whole groups of four rows of B
  const int n = groups < 2 ? 1 : std::min(groups, pool.shares_for(static_cast<double>(M) * N * K, kMinMacsPerThread, threads));
  pool.parallel(n, [&](int t, int count) {
    const int j0 = std::min(N, 4 * (groups * t / count));
    const int j1 = std::min(N, 4 * (groups * (t + 1) / count));
    for (int i = 0; i < M; i++)
      dot_rows(A + static_cast<size_t>(i) * lda, B, ldb, K, j0, j1, C + static_cast<size_t>(i) * ldc, beta);
  });
}

}  // namespace lstm
