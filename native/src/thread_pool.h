// A small persistent pool that never spins against a thread it is waiting for. A job is split
// into `shares` numbered 0 … shares − 1; the caller and the workers claim shares from one atomic
// counter until none is left, so a share that no worker has started yet (a worker still waking,
// or preempted by another process on a busy machine) runs on the caller instead of being waited
// for. A share's result depends only on its number, never on which thread ran it, so the numbers
// are the same whichever threads took part.
//
// Every wait (a worker for the next job, the caller for the last share, a barrier) spins for about
// 100 µs (the next product of a time step follows within microseconds) and then
// sleeps on a futex, so a waiting thread hands its core to the one it waits for, and an idle pool
// costs nothing. The pool creates at most as many threads as the process may run on (its CPU
// affinity): asking for more gives no more. Threads are created once,
// with the pool; never per call.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace lstm {

// A 32-bit word threads can sleep on until it changes: spin a little, then a futex (Linux; a
// yielding loop elsewhere). Wakers call notify() after changing the value.
class WaitWord {
 public:
  uint32_t load() const { return value_.load(std::memory_order_acquire); }
  // Return once the value differs from `seen` (at once if it already does); the value it found.
  uint32_t wait_while_equal(uint32_t seen);
  // value += delta, then wake any thread sleeping on the word.
  void add_and_notify(uint32_t delta);
  void store_relaxed(uint32_t v) { value_.store(v, std::memory_order_relaxed); }

 private:
  std::atomic<uint32_t> value_{0};
  std::atomic<int> sleepers_{0};
};

// A barrier for the shares of one pool job (they all run at once: such a job has at most size()
// shares): the last to arrive starts the next phase; the others spin briefly, then sleep.
class SpinBarrier {
 public:
  explicit SpinBarrier(int threads) : threads_(threads) {}
  void wait();

 private:
  const int threads_;
  std::atomic<int> arrived_{0};
  WaitWord phase_;
};

class ThreadPool {
 public:
  using Job = void (*)(void* context, int share, int shares);

  // A pool for `threads` threads (the caller included); it starts min(threads, usable cores) − 1.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads that run jobs at once, the caller included.
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Shares worth splitting `work` into: one per `minWorkPerShare` of it, at most `limit` and
  // size(); 1 (the caller alone) when the work is too small to pay for waking a worker, or while
  // the pool backs off because its workers recently did not get a core (see run()).
  int shares_for(double work, double minWorkPerShare, int limit);

  // job(context, s, shares) for every s in [0, shares), each exactly once, on the caller and the
  // workers; returns when all are done. Shares that wait for each other (a SpinBarrier) must
  // number at most size().
  void run(Job job, void* context, int shares);

  // Jobs split into more than one share so far (for tests: which calls the pool took part in).
  double split_jobs() const { return split_jobs_; }

  // Call fn(s, shares) for every share (lambda form of run).
  template <typename Fn>
  void parallel(int shares, Fn&& fn) {
    if (shares <= 1) {
      fn(0, 1);
      return;
    }
    run([](void* c, int s, int n) { (*static_cast<Fn*>(c))(s, n); }, &fn, shares);
  }

 private:
  void worker_loop();
  // Claim and run shares of the current job until none is left.
  void run_claimed_shares();

  std::vector<std::thread> workers_;
  WaitWord generation_;  // bumped for each job (and to stop)
  WaitWord done_;        // shares of the current job finished
  // The next share to claim (low 16 bits) and the job's share count (high 16): one word, so a
  // claim that lands on a finished job's word sees that job's count and takes nothing.
  std::atomic<uint32_t> claim_{0};
  std::atomic<bool> stopping_{false};
  Job job_ = nullptr;
  void* context_ = nullptr;
  double split_jobs_ = 0;  // written by the caller only
  // Backing off: split-worthy calls still to run on the caller alone, and the next back-off's length.
  int backoff_left_ = 0;
  int backoff_next_ = 0;
};

// Cores this process may run on (its CPU affinity where the system says; else the hardware's).
int usable_cores();

}  // namespace lstm
