// The lock that guards a run's model (thread states, sync_model) against the threads that change it at
// once: the baton's holder, a thread the watchdog released, and the watchdog itself. run.cpp and
// run_model.cpp take it; nothing else does.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "platform/threads.hpp"
#include "sched/managed_thread.hpp"

namespace weft::sched {

// The model lock, built on the futex directly: a std::mutex would itself be intercepted. 0 free, 1
// held, 2 held with a waiter, so that an unlock without waiters makes no system call (instrumented code
// takes the lock at every access).
inline void lock_model(std::atomic<std::uint32_t>& word) {
  std::uint32_t seen = 0;
  if (word.compare_exchange_strong(seen, 1, std::memory_order_acquire)) return;
  if (seen != 2) seen = word.exchange(2, std::memory_order_acquire);
  while (seen != 0) {
    platform::wait_for_change(word, 2, std::chrono::milliseconds(1));
    seen = word.exchange(2, std::memory_order_acquire);
  }
}

inline void unlock_model(std::atomic<std::uint32_t>& word) {
  if (word.exchange(0, std::memory_order_release) == 2) platform::wake_all(word);
}

// Whoever holds the model lock runs weft's own code: a memcpy or a lock on the way (a strategy's, a
// message's) must not come back to the scheduler, which would wait for this very lock.
class model_guard {
 public:
  explicit model_guard(std::atomic<std::uint32_t>& word) : word_(word) { lock_model(word_); }
  ~model_guard() { unlock_model(word_); }
  model_guard(const model_guard&) = delete;
  model_guard& operator=(const model_guard&) = delete;

 private:
  inside_weft internal_;
  std::atomic<std::uint32_t>& word_;
};

}  // namespace weft::sched
