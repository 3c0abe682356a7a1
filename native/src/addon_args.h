// What every N-API binding of the kernels shares: the pool context a threaded kernel takes first,
// and Args, which reads a call's arguments in order (addon.cc, addon_cells.cc).
#pragma once

#include <node_api.h>

#include <cstdint>
#include <cstdio>

#include "thread_pool.h"

namespace lstm {

struct Context {
  explicit Context(int threads) : pool(threads), threads(threads) {}
  ThreadPool pool;
  int threads;
};

// Reads the call's arguments in order; the first failure throws a JavaScript error and makes every
// later read return a harmless value, so a binding checks `ok()` once before running its kernel.
class Args {
 public:
  Args(napi_env env, napi_callback_info info) : env_(env) {
    napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr);
  }
  bool ok() const { return ok_; }

  int i32() {
    int32_t v = 0;
    if (take() && napi_get_value_int32(env_, argv_[index_], &v) != napi_ok) fail("a number");
    return v;
  }
  int64_t i64() {
    int64_t v = 0;
    if (take() && napi_get_value_int64(env_, argv_[index_], &v) != napi_ok) fail("a number");
    return v;
  }
  double f64() {
    double v = 0;
    if (take() && napi_get_value_double(env_, argv_[index_], &v) != napi_ok) fail("a number");
    return v;
  }
  bool flag() {
    bool v = false;
    if (take() && napi_get_value_bool(env_, argv_[index_], &v) != napi_ok) fail("a boolean");
    return v;
  }
  float* floats() { return static_cast<float*>(array(napi_float32_array, "a Float32Array")); }
  // a Float32Array, or null (nullptr)
  float* floatsOrNull() { return nextIsNull() ? nullptr : floats(); }
  int32_t* ints() { return static_cast<int32_t*>(array(napi_int32_array, "an Int32Array")); }
  // an Int32Array, or null (nullptr)
  int32_t* intsOrNull() { return nextIsNull() ? nullptr : ints(); }
  // the number of elements of the typed array read last
  size_t lastLength() const { return length_; }
  Context* context() {
    void* data = nullptr;
    if (take() && napi_get_value_external(env_, argv_[index_], &data) != napi_ok) fail("a kernel context");
    return ok_ ? static_cast<Context*>(data) : nullptr;
  }

 private:
  static constexpr size_t kMaxArgs = 24;

  // whether the next argument is null, then taken
  bool nextIsNull() {
    napi_valuetype type = napi_undefined;
    if (ok_ && static_cast<size_t>(index_ + 1) < argc_) napi_typeof(env_, argv_[index_ + 1], &type);
    if (type != napi_null) return false;
    index_++;
    return true;
  }

  bool take() {
    index_++;
    if (!ok_) return false;
    if (static_cast<size_t>(index_) >= argc_) {
      fail("an argument");
      return false;
    }
    return true;
  }
  void* array(napi_typedarray_type want, const char* what) {
    if (!take()) return nullptr;
    bool isTyped = false;
    napi_is_typedarray(env_, argv_[index_], &isTyped);
    if (!isTyped) {
      fail(what);
      return nullptr;
    }
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env_, argv_[index_], &type, &length, &data, nullptr, nullptr);
    if (type != want) {
      fail(what);
      return nullptr;
    }
    length_ = length;
    return data;
  }
  void fail(const char* expected) {
    if (!ok_) return;
    ok_ = false;
    char message[96];
    std::snprintf(message, sizeof message, "native kernels: argument %d must be %s", index_ + 1, expected);
    napi_throw_type_error(env_, nullptr, message);
  }

  napi_env env_;
  size_t argc_ = kMaxArgs;
  napi_value argv_[kMaxArgs];
  int index_ = -1;
  bool ok_ = true;
  size_t length_ = 0;
};

}  // namespace lstm
