// Dot-product attention for one decoder step (attention.h). Each batch row's work is Ts · (Hk + Hm)
// multiply-adds forward and twice that backward, in contiguous inner loops the compiler vectorises.
#include "attention.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "simd.h"

namespace lstm {

namespace {

// Below this many multiply-adds a step runs on the caller alone.
constexpr double kParallelMinWork = 32768;

// a · b over n values: lanes of partial sums, then the tail (the compiler may not reorder a float sum)
float dot(const float* a, const float* b, int n) {
  vf acc{};
  int i = 0;
  for (; i + kLanes <= n; i += kLanes) acc += load(a + i) * load(b + i);
  float s = hsum(acc);
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

// y += a · x over n values
void axpy(float a, const float* x, float* y, int n) {
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}

template <typename Fn>
void by_rows(ThreadPool& pool, int threads, int B, double work, Fn&& fn) {
  const int shares = pool.shares_for(work, kParallelMinWork, std::min(threads, B));
  pool.parallel(shares, [&](int s, int n) {
    for (int b = static_cast<int>(static_cast<int64_t>(B) * s / n); b < static_cast<int64_t>(B) * (s + 1) / n; b++)
      fn(b);
  });
}

}  // namespace

void attention_forward(ThreadPool& pool, int threads, int Ts, int B, int Hk, int Hm, const float* q, const float* K,
                       const float* M, const int32_t* lengths, float* alpha, float* context) {
  const double work = static_cast<double>(B) * Ts * (Hk + Hm);
  by_rows(pool, threads, B, work, [&](int b) {
    const int n = std::min(std::max(lengths[b], 0), Ts);
    float* a = alpha + static_cast<size_t>(b) * Ts;
    float* c = context + static_cast<size_t>(b) * Hm;
    std::fill(c, c + Hm, 0.0f);
    std::fill(a + n, a + Ts, 0.0f);
    if (n == 0) return;
    float max = -INFINITY;
    for (int j = 0; j < n; j++) {
      a[j] = dot(q + static_cast<size_t>(b) * Hk, K + (static_cast<size_t>(j) * B + b) * Hk, Hk);
      max = std::max(max, a[j]);
    }
    float sum = 0;
    for (int j = 0; j < n; j++) {
      a[j] = std::exp(a[j] - max);
      sum += a[j];
    }
    for (int j = 0; j < n; j++) {
      a[j] /= sum;
      axpy(a[j], M + (static_cast<size_t>(j) * B + b) * Hm, c, Hm);
    }
  });
}

void attention_backward(ThreadPool& pool, int threads, int Ts, int B, int Hk, int Hm, const float* q, const float* K,
                        const float* M, const float* alpha, const float* dContext, float* dScores, float* dQuery,
                        float* dK, float* dM) {
  const double work = 2.0 * B * Ts * (Hk + Hm);
  by_rows(pool, threads, B, work, [&](int b) {
    const float* a = alpha + static_cast<size_t>(b) * Ts;
    const float* dc = dContext + static_cast<size_t>(b) * Hm;
    float* ds = dScores + static_cast<size_t>(b) * Ts;
    float weighted = 0;
    for (int j = 0; j < Ts; j++) {
      const size_t row = static_cast<size_t>(j) * B + b;
      ds[j] = dot(dc, M + row * Hm, Hm);
      axpy(a[j], dc, dM + row * Hm, Hm);
      weighted += a[j] * ds[j];
    }
    float* dq = dQuery + static_cast<size_t>(b) * Hk;
    std::fill(dq, dq + Hk, 0.0f);
    const float* qb = q + static_cast<size_t>(b) * Hk;
    for (int j = 0; j < Ts; j++) {
      ds[j] = a[j] * (ds[j] - weighted);
      if (ds[j] == 0) continue;
      const size_t row = static_cast<size_t>(j) * B + b;
      axpy(ds[j], K + row * Hk, dq, Hk);
      axpy(ds[j], qb, dK + row * Hk, Hk);
    }
  });
}

}  // namespace lstm
