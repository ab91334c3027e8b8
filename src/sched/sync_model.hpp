// What a controlled run knows about its synchronization objects: who holds each mutex and how deeply,
// how many threads have arrived at each barrier, who waits on each futex word, what every acquire and
// release orders, and the memory accesses the race detector has seen.
//
// Locking rule: a run's sync_model is read and written only by that run (run.cpp), with the run's model
// lock held. Controlled calls reach it through run's methods, which take the lock and leave out what a
// thread no longer under control must not record (happens-before and accesses of a thread the
// watchdog released, or of a run that ended). Holding the baton is not enough: a released thread runs
// alongside the baton's holder, and the watchdog changes thread states from its own thread.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "sched/futex_queues.hpp"
#include "sched/happens_before.hpp"
#include "sched/operation.hpp"
#include "sched/race_detector.hpp"

namespace weft::sched {

class sync_model {
 public:
  struct holder {
    thread_id thread = 0;
    unsigned depth = 0;  // how many times it locked the mutex (recursive mutexes) without unlocking
  };

  // The thread holding `mutex`, if a thread of the run does.
  [[nodiscard]] std::optional<holder> holder_of(std::uintptr_t mutex) const;
  // `thread` locked `mutex` once more (a lock whose previous holder was another thread starts over).
  void locked(std::uintptr_t mutex, thread_id thread);
  // Its holder unlocked `mutex` once; true when that freed it.
  bool unlocked(std::uintptr_t mutex);
  // A condition wait releases its mutex whatever the depth, and restores the depth once relocked.
  unsigned released_entirely(std::uintptr_t mutex);
  void restore_depth(std::uintptr_t mutex, unsigned depth);

  // One more thread arrived at a barrier of `count`; true for the last, which opens it for the next round.
  bool arrived(std::uintptr_t barrier, unsigned count);

  futex_queues futexes;
  happens_before order;
  stack_depot stacks;  // instrumented code's call stacks (managed_thread::stack_node)
  race_detector races;

 private:
  std::unordered_map<std::uintptr_t, holder> holders_;
  std::unordered_map<std::uintptr_t, unsigned> barrier_arrivals_;
};

}  // namespace weft::sched
