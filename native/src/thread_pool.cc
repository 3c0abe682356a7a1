#include "thread_pool.h"

#include <algorithm>
#include <chrono>
#include <climits>

#if defined(__linux__)
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void cpu_relax() { _mm_pause(); }
#else
static inline void cpu_relax() {}
#endif

namespace lstm {

namespace {

// About 100 µs of polling before a waiting thread sleeps: enough to catch the next product of a
// time step (or the next token's, in generation), short enough that a thread waiting for a
// preempted one soon gives its core back. Spinning longer (a millisecond) made two threads slower
// than one whenever another process wanted a core. Timed by the clock, not counted in pauses: a
// pause lasts 25 ns on this machine's Zen 4 and up to 140 ns on other x86 cores, so 2048 of them
// were 50 µs here. The clock is read every 32 pauses.
constexpr double kSpinSeconds = 100e-6;
constexpr int kPausesPerClockRead = 32;

void futex_wait(std::atomic<uint32_t>* word, uint32_t seen) {
#if defined(__linux__)
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
#else
  (void)word;
  (void)seen;
  std::this_thread::yield();
#endif
}

void futex_wake_all(std::atomic<uint32_t>* word) {
#if defined(__linux__)
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
#else
  (void)word;
#endif
}

// The caller stalled when it sat idle (asleep at a barrier inside its shares, or waiting after
// them) longer than this and for at least half the job: a thread holding a share was not running
// (another process had its core), and one thread alone would have been as fast.
// The pool then runs the next kBackoffMin split-worthy calls on the caller alone, doubling that
// up to kBackoffMax while stalls continue and halving it after each call that did not stall.
constexpr double kStallSeconds = 200e-6;
constexpr int kBackoffMin = 8;
constexpr int kBackoffMax = 1024;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Seconds this thread has slept in WaitWord::wait_while_equal (the caller's idle time at barriers).
thread_local double t_slept_seconds = 0;

constexpr uint32_t kShareBits = 16;
constexpr uint32_t kShareMask = (1u << kShareBits) - 1;

}  // namespace

int usable_cores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

uint32_t WaitWord::wait_while_equal(uint32_t seen) {
  uint32_t now = value_.load(std::memory_order_acquire);
  if (now != seen) return now;
  const double spinUntil = seconds_now() + kSpinSeconds;
  for (int spins = 1; now == seen; spins++) {
    cpu_relax();
    now = value_.load(std::memory_order_acquire);
    if (spins % kPausesPerClockRead == 0 && seconds_now() >= spinUntil) break;
  }
  if (now != seen) return now;
  // Announce the sleep before the last look (both sequentially consistent): a waker either sees
  // the sleeper, or the sleeper sees the new value (the futex also refuses a changed value).
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  const double asleep = seconds_now();
  while ((now = value_.load(std::memory_order_seq_cst)) == seen) futex_wait(&value_, seen);
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
  t_slept_seconds += seconds_now() - asleep;
  return now;
}

void WaitWord::add_and_notify(uint32_t delta) {
  value_.fetch_add(delta, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) futex_wake_all(&value_);
}

void SpinBarrier::wait() {
  const uint32_t phase = phase_.load();
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) == threads_ - 1) {
    arrived_.store(0, std::memory_order_relaxed);
    phase_.add_and_notify(1);
    return;
  }
  phase_.wait_while_equal(phase);
}

ThreadPool::ThreadPool(int threads) {
  const int started = std::min(threads, usable_cores());
  for (int i = 1; i < started; i++) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  stopping_.store(true, std::memory_order_relaxed);
  generation_.add_and_notify(1);
  for (auto& w : workers_) w.join();
}

int ThreadPool::shares_for(double work, double minWorkPerShare, int limit) {
  const double worth = work / minWorkPerShare;
  const int most = std::min(limit, size());
  if (worth < 2 || most < 2) return 1;
  if (backoff_left_ > 0) {
    backoff_left_--;
    return 1;
  }
  return worth >= most ? most : static_cast<int>(worth);
}

void ThreadPool::run_claimed_shares() {
  for (;;) {
    // acquire: a claim that counts in the current job's word sees that job's fields
    const uint32_t word = claim_.fetch_add(1, std::memory_order_acq_rel);
    const int share = static_cast<int>(word & kShareMask);
    const int shares = static_cast<int>(word >> kShareBits);
    if (share >= shares) return;
    job_(context_, share, shares);
    done_.add_and_notify(1);
  }
}

void ThreadPool::run(Job job, void* context, int shares) {
  if (shares > 1) split_jobs_++;
  if (shares <= 1 || workers_.empty()) {
    for (int s = 0; s < std::max(shares, 1); s++) job(context, s, std::max(shares, 1));
    return;
  }
  job_ = job;
  context_ = context;
  done_.store_relaxed(0);
  // release: publishes the job's fields to whoever claims a share of it
  claim_.store(static_cast<uint32_t>(shares) << kShareBits, std::memory_order_release);
  generation_.add_and_notify(1);
  const double start = seconds_now();
  const double sleptBefore = t_slept_seconds;
  run_claimed_shares();  // the caller works too, and takes the shares no worker has started
  const double idleInShares = t_slept_seconds - sleptBefore;
  const double ownDone = seconds_now();
  for (uint32_t done = done_.load(); done != static_cast<uint32_t>(shares);) done = done_.wait_while_equal(done);
  const double end = seconds_now();
  const double idle = idleInShares + (end - ownDone);
  if (idle > kStallSeconds && 2 * idle >= end - start) {
    backoff_next_ = std::min(kBackoffMax, std::max(kBackoffMin, 2 * backoff_next_));
    backoff_left_ = backoff_next_;
  } else {
    backoff_next_ /= 2;
  }
}

void ThreadPool::worker_loop() {
  // The generation when the pool was made, not when this thread got to run: a job (or the stop)
  // posted before then must still be seen, or the caller would wait at a barrier (or a join)
  // for a thread that sleeps.
  uint32_t seen = 0;
  for (;;) {
    seen = generation_.wait_while_equal(seen);
    if (stopping_.load(std::memory_order_relaxed)) return;
    run_claimed_shares();
  }
}

}  // namespace lstm
