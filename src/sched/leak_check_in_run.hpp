// A leak check made by a thread of a controlled run: a gtest or Catch2 listener checking each test of a
// program that `weft explore` runs under a schedule. The check is weft's own work, not the program's.
#pragma once

#include <chrono>
#include <optional>

#include "sched/managed_thread.hpp"

namespace weft::sched {

class run;

class leak_check_in_run {
 public:
  // On a managed thread, first lets the run's other threads take their turns for `settle` of virtual
  // time, as the uncontrolled check's settle wait would in real time: a thread about to exit does; one
  // blocked for good stays blocked, and virtual time jumps past the wait at once. Then, while alive,
  // the check's own locks are plain locks, not scheduling points (a point inside the symbolizer could
  // park the thread for good with the symbolizer's lock held, or pass the livelock bound), and the
  // watchdog does not take the check's silence for a thread stuck in code weft does not see.
  // On any other thread it does nothing.
  explicit leak_check_in_run(std::chrono::milliseconds settle);
  ~leak_check_in_run();
  // The thread watching the run this check is made in (the caller of run::execute, or the helper of
  // run::execute_here), or 0 outside a run. A check without a baseline expects it as it expects
  // itself: without weft, the thread that called the test would be the one making the check, and
  // the helper is weft's.
  [[nodiscard]] int caller_of_the_run() const;
  leak_check_in_run(const leak_check_in_run&) = delete;
  leak_check_in_run& operator=(const leak_check_in_run&) = delete;

 private:
  run* checking_ = nullptr;
  std::optional<inside_weft> internal_;
};

}  // namespace weft::sched
