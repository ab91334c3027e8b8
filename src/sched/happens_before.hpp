// Happens-before over one controlled run: a vector clock per thread, one per synchronization object,
// joined at every acquire and release weft sees (locks, semaphores, barriers, thread create and join,
// atomics with their memory orders, fences). A run is serialized, so nothing here needs a lock: only
// the thread holding the baton calls in.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sched/operation.hpp"
#include "weft/atomic.hpp"

namespace weft::sched {

class vector_clock {
 public:
  [[nodiscard]] std::uint32_t at(thread_id thread) const {
    return thread < times_.size() ? times_[thread] : 0;
  }
  void join(const vector_clock& other);
  void tick(thread_id thread);
  void clear() { times_.clear(); }

 private:
  std::vector<std::uint32_t> times_;
};

// One access's moment: thread `thread` at its own time `time`. It happened before everything whose
// clock has caught up with it.
struct epoch {
  thread_id thread = 0;
  std::uint32_t time = 0;
};

class happens_before {
 public:
  void thread_started(thread_id thread);  // the test's thread, which nothing precedes
  void thread_created(thread_id parent, thread_id child);
  void thread_joined(thread_id joiner, thread_id joined);

  // Lock-like objects: a release publishes everything the thread did so far to the next acquirer.
  void acquire(thread_id thread, std::uintptr_t object);
  void release(thread_id thread, std::uintptr_t object);

  using atomic_access = weft::detail::atomic_access;
  // `memory_order` as the __atomic builtins and the __tsan_atomic* ABI number them (__ATOMIC_RELAXED..).
  void atomic(thread_id thread, std::uintptr_t location, atomic_access access, int memory_order);
  void fence(thread_id thread, int memory_order);

  [[nodiscard]] epoch now(thread_id thread) const { return {thread, clock_of(thread).at(thread)}; }
  // Whether `earlier` happened before whatever `thread` does now.
  [[nodiscard]] bool ordered_before(epoch earlier, thread_id thread) const {
    return earlier.thread == thread || clock_of(thread).at(earlier.thread) >= earlier.time;
  }

 private:
  struct thread_clocks {
    vector_clock now;
    vector_clock at_release_fence;  // what a relaxed store publishes: the clock of the last release fence
    vector_clock to_acquire;        // what relaxed loads saw, for the next acquire fence
  };
  [[nodiscard]] const vector_clock& clock_of(thread_id thread) const;
  thread_clocks& clocks(thread_id thread);

  std::vector<thread_clocks> threads_;
  std::unordered_map<std::uintptr_t, vector_clock> objects_;
};

}  // namespace weft::sched
