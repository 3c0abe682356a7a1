// How every whole-layer kernel (lstm_layer.cc, gru_layer.cc, lstm_options_layer.cc, rnn_layer.cc)
// splits a layer over the pool: each share owns the hidden units [u0, u1) (whole panels of
// kTileCols, so its gate columns are whole panels of the packed weights) for every step, and the
// shares meet at a spin barrier where a step needs values of every unit.
#pragma once

#include <algorithm>

#include "simd.h"
#include "thread_pool.h"

namespace lstm {

// A step smaller than this many multiply-adds runs on one thread.
constexpr double kParallelMinStepMacs = 1 << 17;

// fn(u0, u1, sync) on each share; sync() waits until every share has reached it (a no-op alone).
// At most pool.size() shares (shares_for's limit): they wait for each other.
template <typename Fn>
void split_hidden_units(ThreadPool& pool, int threads, int H, double stepMacs, Fn&& fn) {
  const int panels = H / kTileCols;
  const int n = std::min(panels, pool.shares_for(stepMacs, kParallelMinStepMacs / 2, threads));
  SpinBarrier barrier(n);
  pool.parallel(n, [&](int thread, int count) {
    const int u0 = panels * thread / count * kTileCols;
    const int u1 = panels * (thread + 1) / count * kTileCols;
    const auto sync = [&] {
      if (count > 1) barrier.wait();
    };
    fn(u0, u1, sync);
  });
}

}  // namespace lstm
