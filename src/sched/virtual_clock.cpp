#include "sched/virtual_clock.hpp"

#include "sched/run.hpp"

namespace weft::sched {
namespace {

constexpr std::int64_t nanoseconds_per_second = 1'000'000'000;
// Seconds since the epoch (or of a duration) from which on a deadline is none: past 2096, and far
// enough from overflowing 64-bit nanoseconds that adding a run's virtual time cannot.
constexpr std::time_t never_seconds = 4'000'000'000;

bool follows_wall_time(clockid_t clock) {
  return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}

bool follows_monotonic_time(clockid_t clock) {
  return clock == CLOCK_MONOTONIC || clock == CLOCK_MONOTONIC_RAW || clock == CLOCK_MONOTONIC_COARSE ||
         clock == CLOCK_BOOTTIME;
}

std::int64_t base_of(const run& current, clockid_t clock) {
  return follows_wall_time(clock) ? current.limits().realtime_base_ns : current.limits().monotonic_base_ns;
}

}  // namespace

bool read_virtual_clock(const run& current, clockid_t clock, timespec& now) {
  if (!follows_wall_time(clock) && !follows_monotonic_time(clock)) return false;
  const std::int64_t at = base_of(current, clock) + current.now_ns();
  now.tv_sec = at / nanoseconds_per_second;
  now.tv_nsec = at % nanoseconds_per_second;
  return true;
}

std::optional<std::int64_t> virtual_deadline_at(const run& current, clockid_t clock, const timespec& at) {
  if (at.tv_sec >= never_seconds) return std::nullopt;
  return at.tv_sec * nanoseconds_per_second + at.tv_nsec - base_of(current, clock);
}

std::optional<std::int64_t> virtual_deadline_after(const run& current, const timespec& duration) {
  if (duration.tv_sec >= never_seconds) return std::nullopt;
  return current.now_ns() + duration.tv_sec * nanoseconds_per_second + duration.tv_nsec;
}

}  // namespace weft::sched
