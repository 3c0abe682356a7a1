// N-API binding of the native kernels (loaded by src/node/native-addon.ts, wrapped by
// src/kernels/native.ts). Every kernel takes its operands as the Float32Array / Int32Array views the
// JavaScript side holds and works on their memory in place: no copies. Argument order and meaning
// are those of the Kernels interface (src/kernels/types.ts); booleans arrive as booleans, sizes as
// numbers. Kernels that can split over threads take the context from createContext first.
#include <node_api.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "addon_args.h"
#include "addon_cells.h"
#include "attention.h"
#include "gemm.h"
#include "lstm_layer.h"
#include "lstm_options.h"
#include "pointwise.h"
#include "simd.h"
#include "thread_pool.h"

namespace lstm {
namespace {

napi_value number(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

void free_context(napi_env, void* data, void*) { delete static_cast<Context*>(data); }
void free_floats(napi_env, void* data, void*) { std::free(data); }

// createContext(threads) → an external owning a pool of threads − 1 workers.
napi_value CreateContext(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int threads = a.i32();
  if (!a.ok()) return nullptr;
  if (threads < 1 || threads > 256) {
    napi_throw_range_error(env, nullptr, "native kernels: threads must be from 1 to 256");
    return nullptr;
  }
  napi_value out;
  napi_create_external(env, new Context(threads), free_context, nullptr, &out);
  return out;
}

// poolStats(ctx) → [threads the pool runs, jobs split into shares so far] (for tests).
napi_value PoolStats(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  if (!a.ok()) return nullptr;
  napi_value out;
  napi_create_array_with_length(env, 2, &out);
  napi_set_element(env, out, 0, number(env, ctx->pool.size()));
  napi_set_element(env, out, 1, number(env, ctx->pool.split_jobs()));
  return out;
}

// alloc(length) → a zero-filled Float32Array over 64-byte-aligned memory freed with its buffer.
napi_value Alloc(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int64_t length = a.i64();
  if (!a.ok()) return nullptr;
  if (length < 0 || length > (int64_t{1} << 34)) {
    napi_throw_range_error(env, nullptr, "native kernels: alloc length must be from 0 to 2^34");
    return nullptr;
  }
  const size_t bytes = ((static_cast<size_t>(length) * sizeof(float) + 63) / 64) * 64;
  void* data = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
  if (data == nullptr) {
    napi_throw_error(env, nullptr, "native kernels: out of memory");
    return nullptr;
  }
  std::memset(data, 0, bytes == 0 ? 64 : bytes);
  napi_value buffer, array;
  if (napi_create_external_arraybuffer(env, data, static_cast<size_t>(length) * sizeof(float), free_floats, nullptr,
                                       &buffer) != napi_ok) {
    std::free(data);
    napi_throw_error(env, nullptr, "native kernels: this runtime refuses external buffers");
    return nullptr;
  }
  napi_create_typedarray(env, napi_float32_array, static_cast<size_t>(length), buffer, 0, &array);
  return array;
}

napi_value Gemm(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const bool transA = a.flag(), transB = a.flag();
  const int M = a.i32(), N = a.i32(), K = a.i32();
  const float* A = a.floats();
  const int lda = a.i32();
  const float* B = a.floats();
  const int ldb = a.i32();
  float* C = a.floats();
  const int ldc = a.i32(), beta = a.i32();
  if (!a.ok()) return nullptr;
  if (!transA && transB && M <= 4) {
    gemm_rows_dot(ctx->pool, ctx->threads, A, lda, B, ldb, M, N, K, C, ldc, beta);
  } else {
    gemm(ctx->pool, ctx->threads, Matrix{A, lda, transA}, Matrix{B, ldb, transB}, M, N, K, C, ldc, beta);
  }
  return nullptr;
}

napi_value PackedLength(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int K = a.i32(), N = a.i32();
  if (!a.ok()) return nullptr;
  return number(env, static_cast<double>(packed_length(K, N)));
}

napi_value PackB(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const bool transB = a.flag();
  const int K = a.i32(), N = a.i32();
  const float* B = a.floats();
  const int ldb = a.i32();
  float* packed = a.floats();
  if (!a.ok()) return nullptr;
  pack_b(Matrix{B, ldb, transB}, K, N, packed);
  return nullptr;
}

napi_value GemmPrepacked(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int M = a.i32(), N = a.i32(), K = a.i32();
  const float* A = a.floats();
  const int lda = a.i32();
  const float* packed = a.floats();
  float* C = a.floats();
  const int ldc = a.i32(), beta = a.i32();
  if (!a.ok()) return nullptr;
  gemm_prepacked(ctx->pool, ctx->threads, Matrix{A, lda, false}, packed, M, N, K, C, ldc, beta);
  return nullptr;
}

napi_value FillRows(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int M = a.i32(), N = a.i32();
  const float* bias = a.floats();
  float* C = a.floats();
  const int ldc = a.i32();
  if (!a.ok()) return nullptr;
  fill_rows(M, N, bias, C, ldc);
  return nullptr;
}

napi_value AddColumnSums(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int M = a.i32(), N = a.i32();
  const float* A = a.floats();
  float* out = a.floats();
  if (!a.ok()) return nullptr;
  add_column_sums(M, N, A, out);
  return nullptr;
}

napi_value LstmCellForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int B = a.i32(), H = a.i32();
  float* gates = a.floats();
  const float* cPrev = a.floats();
  float* c = a.floats();
  float* tanhC = a.floats();
  float* h = a.floats();
  if (!a.ok()) return nullptr;
  lstm_cell_forward(ctx->pool, ctx->threads, B, H, gates, cPrev, c, tanhC, h);
  return nullptr;
}

napi_value LstmCellBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int B = a.i32(), H = a.i32();
  const float* dh = a.floats();
  const float* dc = a.floats();
  const float* gates = a.floats();
  const float* cPrev = a.floats();
  const float* tanhC = a.floats();
  float* dGates = a.floats();
  float* dcPrev = a.floats();
  if (!a.ok()) return nullptr;
  lstm_cell_backward(ctx->pool, ctx->threads, B, H, dh, dc, gates, cPrev, tanhC, dGates, dcPrev);
  return nullptr;
}

// lstmLayerForward(ctx, T, B, D, H, x, wIh, wHh, packedWih, packedWhh, bias, gates, c, tanhC, h) → whether
// it ran; packedWih and packedWhh may be null (a single step, W read in place)
napi_value LstmLayerForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int T = a.i32(), B = a.i32(), D = a.i32(), H = a.i32();
  const float* x = a.floats();
  const float* wIh = a.floats();
  const float* wHh = a.floats();
  const float* packedWih = a.floatsOrNull();
  const float* packedWhh = a.floatsOrNull();
  const float* bias = a.floats();
  float* gates = a.floats();
  float* c = a.floats();
  float* tanhC = a.floats();
  float* h = a.floats();
  if (!a.ok()) return nullptr;
  napi_value out;
  napi_get_boolean(
      env,
      lstm_layer_forward(ctx->pool, ctx->threads, T, B, D, H, x, wIh, wHh, packedWih, packedWhh, bias, gates, c, tanhC, h),
      &out);
  return out;
}

napi_value SoftmaxCrossEntropy(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int N = a.i32(), V = a.i32();
  const float* logits = a.floats();
  const int32_t* targets = a.ints();
  float* dLogits = a.floats();
  const double gradScale = a.f64();
  if (!a.ok()) return nullptr;
  return number(env, softmax_cross_entropy(ctx->pool, ctx->threads, N, V, logits, targets, dLogits, gradScale));
}

napi_value SumSquares(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int64_t n = a.i64();
  const float* x = a.floats();
  if (!a.ok()) return nullptr;
  return number(env, sum_squares(ctx->pool, ctx->threads, n, x));
}

napi_value Scale(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int64_t n = a.i64();
  float* x = a.floats();
  const double s = a.f64();
  if (!a.ok()) return nullptr;
  scale(n, x, static_cast<float>(s));
  return nullptr;
}

napi_value AddInPlace(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int64_t n = a.i64();
  const float* x = a.floats();
  float* y = a.floats();
  if (!a.ok()) return nullptr;
  add_in_place(n, x, y);
  return nullptr;
}

napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int64_t n = a.i64();
  float* p = a.floats();
  const float* g = a.floats();
  float* m = a.floats();
  float* v = a.floats();
  const double lr = a.f64(), beta1 = a.f64(), beta2 = a.f64(), eps = a.f64(), l2 = a.f64(), decoupled = a.f64(),
               bc1 = a.f64(), bc2 = a.f64();
  if (!a.ok()) return nullptr;
  adam_update(ctx->pool, ctx->threads, n, p, g, m, v, lr, beta1, beta2, eps, l2, decoupled, bc1, bc2);
  return nullptr;
}

napi_value SgdUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int64_t n = a.i64();
  float* p = a.floats();
  const float* g = a.floats();
  float* buf = a.floats();
  const double lr = a.f64(), momentum = a.f64(), l2 = a.f64();
  const bool nesterov = a.flag();
  if (!a.ok()) return nullptr;
  sgd_update(ctx->pool, ctx->threads, n, p, g, buf, lr, momentum, l2, nesterov);
  return nullptr;
}

napi_value Multiply(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int64_t n = a.i64();
  const float* x = a.floats();
  const float* y = a.floats();
  float* out = a.floats();
  if (!a.ok()) return nullptr;
  multiply(n, x, y, out);
  return nullptr;
}

// gatherRows(N, E, table, ids, out): out row n = table row ids[n], rows of E; an id outside the table
// or an out shorter than N rows throws a RangeError, having written nothing.
napi_value GatherRows(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int N = a.i32(), E = a.i32();
  const float* table = a.floats();
  const size_t tableRows = E > 0 ? a.lastLength() / static_cast<size_t>(E) : 0;
  const int32_t* ids = a.ints();
  const size_t idCount = a.lastLength();
  float* out = a.floats();
  const size_t outLength = a.lastLength();
  if (!a.ok()) return nullptr;
  if (N < 0 || E < 0 || idCount < static_cast<size_t>(N) || outLength < static_cast<size_t>(N) * E) {
    napi_throw_range_error(env, nullptr, "native gatherRows: ids or out are shorter than N rows");
    return nullptr;
  }
  for (int n = 0; n < N; n++) {
    if (ids[n] < 0 || static_cast<size_t>(ids[n]) >= tableRows) {
      napi_throw_range_error(env, nullptr, "native gatherRows: a row id is outside the table");
      return nullptr;
    }
  }
  for (int n = 0; n < N; n++)
    std::memcpy(out + static_cast<size_t>(n) * E, table + static_cast<size_t>(ids[n]) * E, sizeof(float) * E);
  return nullptr;
}

// attentionForward(ctx, Ts, B, Hk, Hm, q, K, M, lengths, alpha, context): attention.h
napi_value AttentionForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int Ts = a.i32(), B = a.i32(), Hk = a.i32(), Hm = a.i32();
  const float* q = a.floats();
  const float* K = a.floats();
  const float* M = a.floats();
  const int32_t* lengths = a.ints();
  float* alpha = a.floats();
  float* context = a.floats();
  if (!a.ok()) return nullptr;
  attention_forward(ctx->pool, ctx->threads, Ts, B, Hk, Hm, q, K, M, lengths, alpha, context);
  return nullptr;
}

// attentionBackward(ctx, Ts, B, Hk, Hm, q, K, M, alpha, dContext, dScores, dQuery, dK, dM): attention.h
napi_value AttentionBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int Ts = a.i32(), B = a.i32(), Hk = a.i32(), Hm = a.i32();
  const float* q = a.floats();
  const float* K = a.floats();
  const float* M = a.floats();
  const float* alpha = a.floats();
  const float* dContext = a.floats();
  float* dScores = a.floats();
  float* dQuery = a.floats();
  float* dK = a.floats();
  float* dM = a.floats();
  if (!a.ok()) return nullptr;
  attention_backward(ctx->pool, ctx->threads, Ts, B, Hk, Hm, q, K, M, alpha, dContext, dScores, dQuery, dK, dM);
  return nullptr;
}

// simd() → { name, lanes, tileRows, tileCols }: what the build compiled for.
napi_value Simd(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_object(env, &out);
  napi_value name;
  napi_create_string_utf8(env, kSimdName, NAPI_AUTO_LENGTH, &name);
  napi_set_named_property(env, out, "name", name);
  napi_set_named_property(env, out, "lanes", number(env, kLanes));
  napi_set_named_property(env, out, "tileRows", number(env, kTileRows));
  napi_set_named_property(env, out, "tileCols", number(env, kTileCols));
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"createContext", nullptr, CreateContext, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"alloc", nullptr, Alloc, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"packedLength", nullptr, PackedLength, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"packB", nullptr, PackB, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gemmPrepacked", nullptr, GemmPrepacked, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fillRows", nullptr, FillRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addColumnSums", nullptr, AddColumnSums, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmCellForward", nullptr, LstmCellForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmCellBackward", nullptr, LstmCellBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmLayerForward", nullptr, LstmLayerForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxCrossEntropy", nullptr, SoftmaxCrossEntropy, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumSquares", nullptr, SumSquares, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scale", nullptr, Scale, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addInPlace", nullptr, AddInPlace, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamUpdate", nullptr, AdamUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgdUpdate", nullptr, SgdUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"simd", nullptr, Simd, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmCellOptionsForward", nullptr, LstmCellOptionsForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmCellOptionsBackward", nullptr, LstmCellOptionsBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gatherRows", nullptr, GatherRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"attentionForward", nullptr, AttentionForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"attentionBackward", nullptr, AttentionBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"multiply", nullptr, Multiply, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruGatesForward", nullptr, GruGatesForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruCandidateForward", nullptr, GruCandidateForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruCandidateBackward", nullptr, GruCandidateBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruGatesBackward", nullptr, GruGatesBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruStateBackward", nullptr, GruStateBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rnnCellForward", nullptr, RnnCellForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rnnCellBackward", nullptr, RnnCellBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruLayerForward", nullptr, GruLayerForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmOptionsLayerForward", nullptr, LstmOptionsLayerForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmOptionsLayerBackward", nullptr, LstmOptionsLayerBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rnnLayerForward", nullptr, RnnLayerForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"poolStats", nullptr, PoolStats, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

}  // namespace
}  // namespace lstm

NAPI_MODULE_INIT() { return lstm::Init(env, exports); }
