#include "thread_pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void cpu_relax() { _mm_pause(); }
#else
static inline void cpu_relax() {}
#endif

namespace lstm {

namespace {
// About a millisecond of spinning before a worker sleeps (a pause is ~30-150 cycles).
constexpr int kSpinsBeforeSleep = 1 << 15;
}  // namespace

void SpinBarrier::wait() {
  const uint64_t phase = phase_.load(std::memory_order_acquire);
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) == threads_ - 1) {
    arrived_.store(0, std::memory_order_relaxed);
    phase_.fetch_add(1, std::memory_order_release);
    return;
  }
  while (phase_.load(std::memory_order_acquire) == phase) cpu_relax();
}

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; i++) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_.store(true, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::run(Job job, void* context, int threads) {
  const int n = threads < size() ? threads : size();
  if (n <= 1) {
    job(context, 0, 1);
    return;
  }
  job_ = job;
  context_ = context;
  active_ = n;
  pending_.store(size() - 1, std::memory_order_relaxed);  // every worker acknowledges
  {
    // under the lock, so a worker between its check and its wait cannot miss the new generation
    std::lock_guard<std::mutex> lock(mutex_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  job(context, 0, n);
  while (pending_.load(std::memory_order_acquire) != 0) cpu_relax();
}

void ThreadPool::worker_loop(int index) {
  uint64_t seen = 0;
  for (;;) {
    uint64_t now = generation_.load(std::memory_order_acquire);
    for (int spins = 0; now == seen && spins < kSpinsBeforeSleep; spins++) {
      cpu_relax();
      now = generation_.load(std::memory_order_acquire);
    }
    if (now == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      now = generation_.load(std::memory_order_acquire);
    }
    seen = now;
    if (stopping_.load(std::memory_order_relaxed)) return;
    // threads beyond this job's count only acknowledge it
    if (index < active_) job_(context_, index, active_);
    pending_.fetch_sub(1, std::memory_order_release);
  }
}

}  // namespace lstm
