// The futex waiters of one controlled run: which thread waits on which 32-bit word, with which
// bitset, in arrival order, as the kernel keeps them. It decides who a wake or a requeue picks; the
// run makes those threads runnable.
//
// Locking rule: a futex_queues belongs to exactly one run, and every member is called with that run's
// model lock held (run.cpp's model_guard). The lock, not the baton, is what keeps the queues
// consistent with the thread states that virtual time and the watchdog change from other threads.
#pragma once

#include <cstdint>
#include <vector>

#include "sched/operation.hpp"

namespace weft::sched {

class futex_queues {
 public:
  // `thread` starts waiting on the word at `address` for wakes whose bitset shares a bit with `bitset`.
  void enqueue(thread_id thread, std::uintptr_t address, std::uint32_t bitset);
  // `thread` stops waiting (it timed out); nothing when it is not waiting.
  void remove(thread_id thread);
  // Takes up to `count` waiters on `address` whose bitset matches, oldest first.
  [[nodiscard]] std::vector<thread_id> take(std::uintptr_t address, std::uint32_t bitset, std::size_t count);
  // Moves up to `count` waiters on `from` (the oldest) to the end of `to`'s queue; returns them.
  [[nodiscard]] std::vector<thread_id> requeue(std::uintptr_t from, std::uintptr_t to, std::size_t count);

 private:
  struct waiter {
    thread_id thread = 0;
    std::uintptr_t address = 0;
    std::uint32_t bitset = 0;
  };
  std::vector<waiter> waiters_;  // in arrival order; a requeued waiter goes to the end
};

}  // namespace weft::sched
