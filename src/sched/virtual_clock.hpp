// Virtual time of a controlled run. It starts at the bases the explorer fixed for the whole
// exploration (so every run of it sees the same times) and only moves forward: to the earliest
// deadline when nothing else can run, or to a sleeper's or timed waiter's deadline when the strategy
// wakes it early (run::choose_next). A test that sleeps 10 s runs instantly.
#pragma once

#include <time.h>

#include <cstdint>
#include <optional>

namespace weft::sched {

class run;

// The run's virtual time for `clock` as a timespec. False for clocks that do not follow it (the
// CPU-time clocks), which the caller then reads for real.
[[nodiscard]] bool read_virtual_clock(const run& current, clockid_t clock, timespec& now);
// A deadline given as an absolute time on `clock`, or as a duration from now, in the run's virtual
// nanoseconds. None for one so far away (past the year 2096) that it would overflow the count and can
// come in no run: std::chrono's time_point::max() and durations::max() are passed as such.
[[nodiscard]] std::optional<std::int64_t> virtual_deadline_at(const run& current, clockid_t clock,
                                                              const timespec& at);
[[nodiscard]] std::optional<std::int64_t> virtual_deadline_after(const run& current,
                                                                 const timespec& duration);

}  // namespace weft::sched
