// Vector types and the σ / tanh / exp the kernels share, written with GCC/Clang vector extensions
// so one source compiles to whatever the build machine has: with -march=native on an AVX-512 CPU a
// `vf` is one zmm register (16 floats), on AVX2 a ymm (8), elsewhere 4 lanes (SSE, NEON, or plain
// scalar code the compiler generates). The register tile of the matrix product follows the width.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace lstm {

#if defined(__AVX512F__)
constexpr int kLanes = 16;
constexpr int kTileRows = 8;  // 8 rows × 2 vectors = 16 accumulators of the 32 zmm registers
constexpr const char* kSimdName = "avx512";
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int kLanes = 8;
constexpr int kTileRows = 6;  // 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm registers
constexpr const char* kSimdName = "avx2";
#else
constexpr int kLanes = 4;
constexpr int kTileRows = 4;
constexpr const char* kSimdName = "portable";
#endif
constexpr int kTileCols = 2 * kLanes;  // columns of the register tile and of a packed B panel

typedef float vf __attribute__((vector_size(kLanes * 4)));
typedef int32_t vi __attribute__((vector_size(kLanes * 4)));

inline vf load(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);  // an unaligned vector load
  return v;
}
inline void store(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
// A broadcast. With AVX-512 the intrinsic, which becomes one vbroadcastss (or an embedded
// broadcast in the FMA); the generic forms became a ymm broadcast plus an insert, or (vf{} + x) an
// extra add, since adding +0 is not an identity for −0.
inline vf splat(float x) {
#if defined(__AVX512F__)
  return (vf)_mm512_set1_ps(x);
#else
  vf v;
  for (int i = 0; i < kLanes; i++) v[i] = x;
  return v;
#endif
}

// The sum of the lanes, pairwise (halves added until one lane is left): a latency of log2(kLanes)
// additions, not kLanes.
inline float hsum(vf v) {
  float t[kLanes];
  store(t, v);
  for (int width = kLanes / 2; width >= 1; width /= 2)
    for (int i = 0; i < width; i++) t[i] += t[i + width];
  return t[0];
}

// e^x for x ≤ 0 (callers pass −|·|): x = n·ln 2 + r, |r| ≤ ln 2 / 2, e^r by a degree-6 polynomial
// (Cephes' expf coefficients, relative error about 1e-7), 2^n written into the exponent bits.
// x is clamped at −87 so 2^n stays normal (e^−87 ≈ 1.6e−38). Rounding to the nearest integer adds
// and subtracts 1.5·2^23, which is exact in float32 for |x / ln 2| < 2^22.
inline vf exp_nonpositive(vf x) {
  const vf lo = splat(-87.0f);
  x = x < lo ? lo : x;
  const vf round = splat(12582912.0f);
  const vf n = (x * 1.44269504088896341f + round) - round;
  vf r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  vf p = splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const vi bits = (__builtin_convertvector(n, vi) + 127) << 23;
  return p * (vf)bits;
}

inline vf abs(vf x) { return (vf)((vi)x & 0x7fffffff); }

// σ(x) from e = e^−|x|: 1 / (1 + e) for x ≥ 0, e / (1 + e) below; never overflows.
inline vf sigmoid(vf x) {
  const vf e = exp_nonpositive(-abs(x));
  const vf s = 1.0f / (1.0f + e);
  return x >= 0.0f ? s : e * s;
}

// tanh(x) = sign(x) · (1 − e) / (1 + e) with e = e^−2|x|.
inline vf tanh(vf x) {
  const vf e = exp_nonpositive(-2.0f * abs(x));
  const vf t = (1.0f - e) / (1.0f + e);
  return (vf)((vi)t | ((vi)x & static_cast<int32_t>(0x80000000u)));
}

// Load the first `count` (< kLanes) floats of p into a vector, zeros after; and the mirror store.
// Element by element: a variable-length memcpy here cost a library call per row tail.
inline vf load_partial(const float* p, int count) {
  vf v{};
  for (int i = 0; i < count; i++) v[i] = p[i];
  return v;
}
inline void store_partial(float* p, vf v, int count) {
  for (int i = 0; i < count; i++) p[i] = v[i];
}

}  // namespace lstm
