// N-API bindings of the recurrent cells' pointwise kernels (gru_rnn_cell.cc, lstm_options.cc) and
// of the GRU layer (gru_layer.cc); the table that exports them is in addon.cc.
#include "addon_cells.h"

#include "addon_args.h"
#include "gru_layer.h"
#include "gru_rnn_cell.h"
#include "lstm_options.h"
#include "lstm_options_layer.h"
#include "rnn_layer.h"

namespace lstm {

namespace {
napi_value boolean(napi_env env, bool value) {
  napi_value out;
  napi_get_boolean(env, value, &out);
  return out;
}
}  // namespace

// The GRU and RNN cell steps (gru_rnn_cell.cc), on the calling thread (no context).
napi_value GruGatesForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int B = a.i32(), H = a.i32();
  const float* xp = a.floats();
  const float* hp = a.floats();
  const float* hRec = a.floats();
  float* pre = a.floats();
  float* act = a.floats();
  float* rh = a.floats();
  const float clip = static_cast<float>(a.f64());
  const bool lbr = a.flag();
  if (!a.ok()) return nullptr;
  gru_gates_forward(B, H, xp, hp, hRec, pre, act, rh, clip, lbr);
  return nullptr;
}

napi_value GruCandidateForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int B = a.i32(), H = a.i32();
  const float* xp = a.floats();
  const float* hp = a.floats();
  const float* hPrev = a.floats();
  float* pre = a.floats();
  float* act = a.floats();
  float* h = a.floats();
  const float clip = static_cast<float>(a.f64());
  const bool lbr = a.flag();
  if (!a.ok()) return nullptr;
  gru_candidate_forward(B, H, xp, hp, hPrev, pre, act, h, clip, lbr);
  return nullptr;
}

napi_value GruCandidateBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int B = a.i32(), H = a.i32();
  const float* dh = a.floats();
  const float* pre = a.floats();
  const float* act = a.floats();
  float* dXP = a.floats();
  float* dHP = a.floats();
  const float clip = static_cast<float>(a.f64());
  const bool lbr = a.flag();
  if (!a.ok()) return nullptr;
  gru_candidate_backward(B, H, dh, pre, act, dXP, dHP, clip, lbr);
  return nullptr;
}

napi_value GruGatesBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int B = a.i32(), H = a.i32();
  const float* dh = a.floats();
  const float* hPrev = a.floats();
  const float* hRec = a.floats();
  const float* hp = a.floats();
  const float* pre = a.floats();
  const float* act = a.floats();
  const float* dRh = a.floats();
  float* dXP = a.floats();
  float* dHP = a.floats();
  const float clip = static_cast<float>(a.f64());
  const bool lbr = a.flag();
  if (!a.ok()) return nullptr;
  gru_gates_backward(B, H, dh, hPrev, hRec, hp, pre, act, dRh, dXP, dHP, clip, lbr);
  return nullptr;
}

napi_value GruStateBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int B = a.i32(), H = a.i32();
  const float* dh = a.floats();
  const float* act = a.floats();
  const float* dhRec = a.floats();
  const float* dRh = a.floats();
  const float* mask = a.floatsOrNull();
  float* dhPrev = a.floats();
  const bool lbr = a.flag();
  if (!a.ok()) return nullptr;
  gru_state_backward(B, H, dh, act, dhRec, dRh, mask, dhPrev, lbr);
  return nullptr;
}

napi_value RnnCellForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int B = a.i32(), H = a.i32();
  const float* pre = a.floats();
  float* h = a.floats();
  const bool relu = a.flag();
  const float clip = static_cast<float>(a.f64());
  if (!a.ok()) return nullptr;
  rnn_cell_forward(B, H, pre, h, relu, clip);
  return nullptr;
}

napi_value RnnCellBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int B = a.i32(), H = a.i32();
  const float* dh = a.floats();
  const float* pre = a.floats();
  const float* h = a.floats();
  float* dPre = a.floats();
  const bool relu = a.flag();
  const float clip = static_cast<float>(a.f64());
  if (!a.ok()) return nullptr;
  rnn_cell_backward(B, H, dh, pre, h, dPre, relu, clip);
  return nullptr;
}

// gruLayerForward(ctx, T, B, H, xp, wHh, packedWhh, bHh, hp, pre, act, h, lengths, recMask, hRec, clip,
// linearBeforeReset) → whether it ran; packedWhh may be null (a single step, W read in place), lengths
// (an Int32Array) and recMask null (none), hRec then too
napi_value GruLayerForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int T = a.i32(), B = a.i32(), H = a.i32();
  const float* xp = a.floats();
  const float* wHh = a.floats();
  const float* packedWhh = a.floatsOrNull();
  const float* bHh = a.floats();
  float* hp = a.floats();
  float* pre = a.floats();
  float* act = a.floats();
  float* h = a.floats();
  const int32_t* lengths = a.intsOrNull();
  const float* recMask = a.floatsOrNull();
  float* hRec = a.floatsOrNull();
  const float clip = static_cast<float>(a.f64());
  const bool lbr = a.flag();
  if (!a.ok()) return nullptr;
  if (recMask != nullptr && hRec == nullptr) return boolean(env, false);
  return boolean(env, gru_layer_forward(ctx->pool, ctx->threads, T, B, H, xp, wHh, packedWhh, bHh, hp, pre, act, h,
                                        lengths, recMask, hRec, clip, lbr));
}

// lstmOptionsLayerForward(ctx, T, B, D, H, x, wIh, packedWih, bias, pre, act, wHh, packedWhh, h, c, hAct,
// lengths, recMask, hRec, peep, clip, coupled) → whether it ran; packedWih, packedWhh, lengths, recMask,
// hRec and peep may be null
napi_value LstmOptionsLayerForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int T = a.i32(), B = a.i32(), D = a.i32(), H = a.i32();
  const float* x = a.floats();
  const float* wIh = a.floats();
  const float* packedWih = a.floatsOrNull();
  const float* bias = a.floats();
  float* pre = a.floats();
  float* act = a.floats();
  const float* wHh = a.floats();
  const float* packedWhh = a.floatsOrNull();
  float* h = a.floats();
  float* c = a.floats();
  float* hAct = a.floats();
  const int32_t* lengths = a.intsOrNull();
  const float* recMask = a.floatsOrNull();
  float* hRec = a.floatsOrNull();
  const float* peep = a.floatsOrNull();
  const float clip = static_cast<float>(a.f64());
  const bool coupled = a.flag();
  if (!a.ok()) return nullptr;
  if (recMask != nullptr && hRec == nullptr) return boolean(env, false);
  return boolean(env, lstm_options_layer_forward(ctx->pool, ctx->threads, T, B, D, H, x, wIh, packedWih, bias, pre,
                                                 act, wHh, packedWhh, h, c, hAct, lengths, recMask, hRec, peep, clip,
                                                 coupled));
}

// lstmOptionsLayerBackward(ctx, T, B, H, dy, dhNext, dcNext, pre, act, c, hAct, packedWhhBack, dPre, lengths,
// recMask, peep, clip, coupled, dPeep) → whether it ran; dy, packedWhhBack, lengths, recMask, peep and dPeep
// may be null
napi_value LstmOptionsLayerBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int T = a.i32(), B = a.i32(), H = a.i32();
  const float* dy = a.floatsOrNull();
  float* dhNext = a.floats();
  float* dcNext = a.floats();
  const float* pre = a.floats();
  const float* act = a.floats();
  const float* c = a.floats();
  const float* hAct = a.floats();
  const float* packedWhhBack = a.floatsOrNull();
  float* dPre = a.floats();
  const int32_t* lengths = a.intsOrNull();
  const float* recMask = a.floatsOrNull();
  const float* peep = a.floatsOrNull();
  const float clip = static_cast<float>(a.f64());
  const bool coupled = a.flag();
  float* dPeep = a.floatsOrNull();
  if (!a.ok()) return nullptr;
  return boolean(env, lstm_options_layer_backward(ctx->pool, ctx->threads, T, B, H, dy, dhNext, dcNext, pre, act, c,
                                                  hAct, packedWhhBack, dPre, lengths, recMask, peep, clip, coupled,
                                                  dPeep));
}

// rnnLayerForward(ctx, T, B, H, pre, wHh, packedWhh, h, lengths, recMask, hRec, relu, clip) → whether it ran;
// packedWhh, lengths, recMask and hRec may be null
napi_value RnnLayerForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int T = a.i32(), B = a.i32(), H = a.i32();
  float* pre = a.floats();
  const float* wHh = a.floats();
  const float* packedWhh = a.floatsOrNull();
  float* h = a.floats();
  const int32_t* lengths = a.intsOrNull();
  const float* recMask = a.floatsOrNull();
  float* hRec = a.floatsOrNull();
  const bool relu = a.flag();
  const float clip = static_cast<float>(a.f64());
  if (!a.ok()) return nullptr;
  if (recMask != nullptr && hRec == nullptr) return boolean(env, false);
  return boolean(env, rnn_layer_forward(ctx->pool, ctx->threads, T, B, H, pre, wHh, packedWhh, h, lengths, recMask,
                                        hRec, relu, clip));
}

// lstmCellOptionsForward(ctx, B, H, pre, act, cPrev, c, tanhC, h, peep | null, clip, coupled)
napi_value LstmCellOptionsForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int B = a.i32(), H = a.i32();
  float* pre = a.floats();
  float* act = a.floats();
  const float* cPrev = a.floats();
  float* c = a.floats();
  float* tanhC = a.floats();
  float* h = a.floats();
  const float* peep = a.floatsOrNull();
  const double clip = a.f64();
  const bool coupled = a.flag();
  if (!a.ok()) return nullptr;
  lstm_cell_options_forward(ctx->pool, ctx->threads, B, H, pre, act, cPrev, c, tanhC, h, peep,
                            static_cast<float>(clip), coupled);
  return nullptr;
}

// lstmCellOptionsBackward(ctx, B, H, dh, dc, pre, act, cPrev, c, tanhC, peep | null, clip, coupled, dPre, dcPrev,
// dPeep | null)
napi_value LstmCellOptionsBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  Context* ctx = a.context();
  const int B = a.i32(), H = a.i32();
  const float* dh = a.floats();
  const float* dc = a.floats();
  const float* pre = a.floats();
  const float* act = a.floats();
  const float* cPrev = a.floats();
  const float* c = a.floats();
  const float* tanhC = a.floats();
  const float* peep = a.floatsOrNull();
  const double clip = a.f64();
  const bool coupled = a.flag();
  float* dPre = a.floats();
  float* dcPrev = a.floats();
  float* dPeep = a.floatsOrNull();
  if (!a.ok()) return nullptr;
  lstm_cell_options_backward(ctx->pool, ctx->threads, B, H, dh, dc, pre, act, cPrev, c, tanhC, peep,
                             static_cast<float>(clip), coupled, dPre, dcPrev, dPeep);
  return nullptr;
}

}  // namespace lstm
