// While an exploration runs, a fatal signal in any thread (a crash, an assert, an uncaught exception
// in a thread) first prints the schedule that led to it, then dies as it would have without weft.
#pragma once

#include <atomic>
#include <cstddef>

#include "sched/strategies/recording.hpp"

namespace weft::sched {

class crash_guard {
 public:
  // `recorder` holds the decisions of the run in progress; `run_number` is 1-based.
  crash_guard(const recording_strategy& recorder, const std::atomic<std::size_t>& run_number);
  // In a fork()ed run: the line also goes to `fd`, where the parent reads it.
  static void also_report_to(int fd);
  // In a program the weft command runs: the line with the schedule goes to `fd` only (the result file,
  // from which the command prints its own `weft replay` command); stderr gets the signal and the run
  // number, since a WEFT_REPLAY line would do nothing there.
  static void report_schedule_only_to(int fd);
  ~crash_guard();
  crash_guard(const crash_guard&) = delete;
  crash_guard& operator=(const crash_guard&) = delete;
};

}  // namespace weft::sched
