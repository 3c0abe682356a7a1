// A small persistent pool: `size() - 1` worker threads plus the calling thread run one job at a
// time, each with its own index, and run() returns when all of them are done. Workers spin
// briefly after a job (the next product of a training step follows within microseconds) and then
// sleep on a condition variable, so an idle pool costs nothing. Threads are created once, when
// the pool is; never per call.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace lstm {

// A barrier for the threads of one pool job (they are all running): the last to arrive starts
// the next phase; the others spin on the phase counter.
class SpinBarrier {
 public:
  explicit SpinBarrier(int threads) : threads_(threads) {}
  void wait();

 private:
  const int threads_;
  std::atomic<int> arrived_{0};
  std::atomic<uint64_t> phase_{0};
};

class ThreadPool {
 public:
  using Job = void (*)(void* context, int thread, int threads);

  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // job(context, t, n) for t in [0, n), n = min(threads, size()); t = 0 runs on the caller.
  void run(Job job, void* context, int threads);

  // Call fn(t, n) on `threads` threads (lambda form of run).
  template <typename Fn>
  void parallel(int threads, Fn&& fn) {
    if (threads <= 1 || size() == 1) {
      fn(0, 1);
      return;
    }
    run([](void* c, int t, int n) { (*static_cast<Fn*>(c))(t, n); }, &fn, threads);
  }

 private:
  void worker_loop(int index);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stopping_{false};
  Job job_ = nullptr;
  void* context_ = nullptr;
  int active_ = 1;  // threads taking part in the current job
};

}  // namespace lstm
