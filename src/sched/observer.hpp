// Watching controlled runs from the inside, for tools that record or steer by what a run does: the
// trace export of `weft replay --trace`, libFuzzer's interleaving counters.
//
// Observers are called by the thread that holds the run's baton (run_started and run_ended by the
// controller; read_from by the race detector, under the run's model lock), inside weft's own code: they must
// not block, and any pthread call they make is not a scheduling point. They see every run of the process
// while registered.
#pragma once

#include <cstdint>

#include "sched/operation.hpp"

namespace weft::sched {

class run;
struct run_outcome;

class run_observer {
 public:
  virtual ~run_observer() = default;
  virtual void run_started(const run& /*started*/) {}
  // `thread` reached a scheduling point and is about to perform `op`; op.site is where it was called
  // from (a return address in the program's code), or 0 when unknown.
  virtual void point_reached(const run& /*current*/, thread_id /*thread*/, const operation& /*op*/) {}
  // The baton passes from `from` to `to` (different threads): a context switch.
  virtual void switched(const run& /*current*/, thread_id /*from*/, thread_id /*to*/) {}
  // A read of instrumented code by `reader`, made at `read_site`, observed the value another thread's
  // write made at `write_site` stored (return addresses into the program's code). Told by the race
  // detector, which sees every instrumented access of the run.
  virtual void read_from(thread_id /*reader*/, std::uintptr_t /*write_site*/, std::uintptr_t /*read_site*/) {}
  virtual void run_ended(const run& /*ended*/, const run_outcome& /*outcome*/) {}
};

// At most 8 observers at a time; a ninth is refused with std::length_error. Removing one that is not
// registered does nothing. Neither may be called while a controlled run is in progress.
void add_run_observer(run_observer& observer);
void remove_run_observer(run_observer& observer);

// For run.cpp: calls `notify` on every registered observer.
template <typename Notify>
void notify_observers(Notify&& notify);

namespace observer_list {
inline constexpr int max_observers = 8;
extern run_observer* observers[max_observers];
extern int observer_count;
}  // namespace observer_list

template <typename Notify>
void notify_observers(Notify&& notify) {
  for (int i = 0; i < observer_list::observer_count; ++i) notify(*observer_list::observers[i]);
}

}  // namespace weft::sched
