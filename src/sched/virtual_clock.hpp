// Virtual time of a controlled run. It starts at the bases the explorer fixed for the whole
// exploration (so every run of it sees the same times) and moves only when every thread is blocked,
// to the earliest deadline (see run::dispatch). A test that sleeps 10 s runs instantly.
#pragma once

#include <time.h>

#include <cstdint>

namespace weft::sched {

class run;

// The run's virtual time for `clock` as a timespec. False for clocks that do not follow it (the
// CPU-time clocks), which the caller then reads for real.
[[nodiscard]] bool read_virtual_clock(const run& current, clockid_t clock, timespec& now);
// An absolute time on `clock` as the run's virtual nanoseconds.
[[nodiscard]] std::int64_t to_virtual(const run& current, clockid_t clock, const timespec& at);

}  // namespace weft::sched
