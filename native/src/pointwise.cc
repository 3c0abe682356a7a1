#include "pointwise.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "simd.h"
#include "thread_pool.h"

namespace lstm {

namespace {

constexpr int kParallelMinCells = 4096;     // B · H of a cell step worth splitting
constexpr int64_t kChunk = 1 << 14;         // elements per chunk of the flat loops
constexpr int64_t kParallelMinFlat = 1 << 17;

// Split [0, count) into `threads` contiguous ranges and call fn(begin, end) for each.
template <typename Fn>
void split(ThreadPool& pool, int threads, int64_t count, Fn&& fn) {
  pool.parallel(threads, [&](int t, int n) { fn(count * t / n, count * (t + 1) / n); });
}

int threads_for_cells(ThreadPool& pool, int threads, int B, int H) {
  return B >= 2 && static_cast<int64_t>(B) * H >= kParallelMinCells ? std::min(threads, pool.size()) : 1;
}

int threads_for_flat(ThreadPool& pool, int threads, int64_t n) {
  return n >= kParallelMinFlat ? std::min(threads, pool.size()) : 1;
}

// Units [j, j + count) of one row (count = kLanes, or fewer at the row's end: the same vector code
// on a partial load, so a unit's result does not depend on where it sits).
inline void cell_forward_lanes(float* gi, float* gf, float* gg, float* go, const float* cPrev, float* c, float* tanhC,
                               float* h, int count) {
  auto in = [count](const float* p) { return count == kLanes ? load(p) : load_partial(p, count); };
  auto out = [count](float* p, vf v) { count == kLanes ? store(p, v) : store_partial(p, v, count); };
  const vf i = sigmoid(in(gi));
  const vf f = sigmoid(in(gf));
  const vf g = tanh(in(gg));
  const vf o = sigmoid(in(go));
  out(gi, i);
  out(gf, f);
  out(gg, g);
  out(go, o);
  const vf ct = f * in(cPrev) + i * g;
  const vf th = tanh(ct);
  out(c, ct);
  out(tanhC, th);
  out(h, o * th);
}

inline void cell_backward_lanes(const float* dh, const float* dc, const float* gi, const float* gf, const float* gg,
                                const float* go, const float* cPrev, const float* tanhC, float* di, float* df,
                                float* dg, float* dout, float* dcPrev, int count) {
  auto in = [count](const float* p) { return count == kLanes ? load(p) : load_partial(p, count); };
  auto out = [count](float* p, vf v) { count == kLanes ? store(p, v) : store_partial(p, v, count); };
  const vf i = in(gi);
  const vf f = in(gf);
  const vf g = in(gg);
  const vf o = in(go);
  const vf th = in(tanhC);
  const vf dhj = in(dh);
  const vf dcTotal = in(dc) + dhj * o * (1.0f - th * th);
  out(di, dcTotal * g * (i * (1.0f - i)));
  out(df, dcTotal * in(cPrev) * (f * (1.0f - f)));
  out(dg, dcTotal * i * (1.0f - g * g));
  out(dout, dhj * th * (o * (1.0f - o)));
  out(dcPrev, dcTotal * f);  // last: dcPrev may alias dc
}

}  // namespace

void fill_rows(int M, int N, const float* bias, float* C, int ldc) {
  for (int i = 0; i < M; i++) std::copy(bias, bias + N, C + static_cast<size_t>(i) * ldc);
}

void add_column_sums(int M, int N, const float* __restrict__ A, float* __restrict__ out) {
  for (int i = 0; i < M; i++) {
    const float* a = A + static_cast<size_t>(i) * N;
    for (int j = 0; j < N; j++) out[j] += a[j];
  }
}

void lstm_cell_forward_units(int B, int H, float* gates, const float* cPrev, float* c, float* tanhC, float* h, int u0,
                             int u1) {
  for (int64_t b = 0; b < B; b++) {
    float* gi = gates + b * 4 * H;  // this row's [i | f | g | o] blocks of H
    const size_t s = static_cast<size_t>(b) * H;
    for (int j = u0; j < u1; j += kLanes) {
      cell_forward_lanes(gi + j, gi + H + j, gi + 2 * H + j, gi + 3 * H + j, cPrev + s + j, c + s + j, tanhC + s + j,
                         h + s + j, std::min(kLanes, u1 - j));
    }
  }
}

void lstm_cell_forward(ThreadPool& pool, int threads, int B, int H, float* gates, const float* cPrev, float* c,
                       float* tanhC, float* h) {
  split(pool, threads_for_cells(pool, threads, B, H), B, [&](int64_t b0, int64_t b1) {
    const int64_t G = 4 * static_cast<int64_t>(H);
    lstm_cell_forward_units(static_cast<int>(b1 - b0), H, gates + b0 * G, cPrev + b0 * H, c + b0 * H, tanhC + b0 * H,
                            h + b0 * H, 0, H);
  });
}

void lstm_cell_backward(ThreadPool& pool, int threads, int B, int H, const float* dh, const float* dc,
                        const float* gates, const float* cPrev, const float* tanhC, float* dGates, float* dcPrev) {
  split(pool, threads_for_cells(pool, threads, B, H), B, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const float* gi = gates + b * 4 * H;
      float* di = dGates + b * 4 * H;
      const size_t s = static_cast<size_t>(b) * H;
      for (int j = 0; j < H; j += kLanes) {
        cell_backward_lanes(dh + s + j, dc + s + j, gi + j, gi + H + j, gi + 2 * H + j, gi + 3 * H + j, cPrev + s + j,
                            tanhC + s + j, di + j, di + H + j, di + 2 * H + j, di + 3 * H + j, dcPrev + s + j,
                            std::min(kLanes, H - j));
      }
    }
  });
}

// Each row's loss goes to its own slot and the slots are added in row order afterwards, so the
// total is the same for any thread count. exp(z − max) is written to dLogits between the sum and
// the scaling (dLogits may alias logits: z_target is read first).
double softmax_cross_entropy(ThreadPool& pool, int threads, int N, int V, const float* logits, const int32_t* targets,
                             float* dLogits, double gradScale) {
  static thread_local std::vector<double> rowLossBuffer;  // the caller's; workers see a pointer to it
  rowLossBuffer.resize(N);
  double* rowLoss = rowLossBuffer.data();
  const int n = static_cast<int64_t>(N) * V >= kParallelMinFlat && N >= 2 ? std::min(threads, pool.size()) : 1;
  split(pool, n, N, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* z = logits + r * V;
      float* d = dLogits + r * V;
      float max = -INFINITY;
      for (int v = 0; v < V; v++) max = std::max(max, z[v]);
      const int target = targets[r];
      const float zTarget = z[target];
      double sum = 0;
      for (int v = 0; v < V; v += kLanes) {
        const int count = std::min(kLanes, V - v);
        const vf x = count == kLanes ? load(z + v) : load_partial(z + v, count);
        const vf e = exp_nonpositive(x - max);
        for (int u = 0; u < count; u++) sum += e[u];
        if (count == kLanes) store(d + v, e);
        else store_partial(d + v, e, count);
      }
      rowLoss[r] = std::log(sum) - (static_cast<double>(zTarget) - max);
      const float inv = static_cast<float>(gradScale / sum);
      for (int v = 0; v < V; v++) d[v] *= inv;
      d[target] -= static_cast<float>(gradScale);
    }
  });
  double loss = 0;
  for (int r = 0; r < N; r++) loss += rowLoss[r];
  return loss;
}

// Fixed chunks of kChunk elements, each summed in float64 lanes, the chunk sums added in order:
// the same total for any thread count.
double sum_squares(ThreadPool& pool, int threads, int64_t n, const float* x) {
  typedef double vd __attribute__((vector_size(kLanes * 8)));
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  static thread_local std::vector<double> chunkSumBuffer;  // the caller's; workers see a pointer to it
  chunkSumBuffer.resize(chunks);
  double* chunkSum = chunkSumBuffer.data();
  split(pool, threads_for_flat(pool, threads, n), chunks, [&](int64_t c0, int64_t c1) {
    for (int64_t ch = c0; ch < c1; ch++) {
      const int64_t begin = ch * kChunk;
      const int64_t end = std::min(n, begin + kChunk);
      vd acc{};
      int64_t i = begin;
      for (; i + kLanes <= end; i += kLanes) {
        const vd v = __builtin_convertvector(load(x + i), vd);
        acc += v * v;
      }
      double s = 0;
      for (int u = 0; u < kLanes; u++) s += acc[u];
      for (; i < end; i++) s += static_cast<double>(x[i]) * x[i];
      chunkSum[ch] = s;
    }
  });
  double total = 0;
  for (int64_t ch = 0; ch < chunks; ch++) total += chunkSum[ch];
  return total;
}

void scale(int64_t n, float* x, float s) {
  for (int64_t i = 0; i < n; i++) x[i] *= s;
}

void add_in_place(int64_t n, const float* __restrict__ x, float* __restrict__ y) {
  for (int64_t i = 0; i < n; i++) y[i] += x[i];
}

// The reference's formulas (src/kernels/ref.ts), in float32 arithmetic.
void adam_update(ThreadPool& pool, int threads, int64_t n, float* p, const float* g, float* m, float* v, double lr,
                 double beta1, double beta2, double eps, double l2, double decoupled, double bc1, double bc2) {
  const float stepSize = static_cast<float>(lr / bc1);
  const float invSqrtBc2 = static_cast<float>(1 / std::sqrt(bc2));
  const float decay = static_cast<float>(lr * decoupled);
  const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
  const float c1 = static_cast<float>(1 - beta1), c2 = static_cast<float>(1 - beta2);
  const float e = static_cast<float>(eps), wd = static_cast<float>(l2);
  split(pool, threads_for_flat(pool, threads, n), n, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const float pi = p[i];
      const float gi = g[i] + wd * pi;
      const float mi = b1 * m[i] + c1 * gi;
      const float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = pi - (stepSize * (mi / (std::sqrt(vi) * invSqrtBc2 + e)) + decay * pi);
    }
  });
}

void sgd_update(ThreadPool& pool, int threads, int64_t n, float* p, const float* g, float* buf, double lr,
                double momentum, double l2, bool nesterov) {
  const float rate = static_cast<float>(lr), mu = static_cast<float>(momentum), wd = static_cast<float>(l2);
  split(pool, threads_for_flat(pool, threads, n), n, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const float gi = g[i] + wd * p[i];
      const float bi = mu * buf[i] + gi;
      buf[i] = bi;
      p[i] -= rate * (nesterov ? gi + mu * bi : bi);
    }
  });
}

}  // namespace lstm
