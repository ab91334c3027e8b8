// Sleeps and yields: in a controlled run a sleep waits in virtual time, which moves only when every
// thread is blocked, so a test that sleeps 10 s runs instantly.
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "platform/linux/real_calls.hpp"
#include "sched/controlled_calls.hpp"

using weft::platform::real;
using weft::sched::managed_self_at;

#define WEFT_INTERPOSER extern "C" __attribute__((visibility("default")))

// Asked for by name by consumers of the static library (see weft_static in src/CMakeLists.txt), so that
// the linker keeps this file's interposers even where a sanitizer's runtime already defines them.
extern "C" {
__attribute__((visibility("default"))) int weft_intercepts_sleep = 0;
}

WEFT_INTERPOSER int nanosleep(const timespec* duration, timespec* remaining) {
  if (auto* me = managed_self_at(__builtin_return_address(0)); me != nullptr && duration != nullptr) {
    // Copied first: std::this_thread::sleep_for passes the same timespec as duration and remainder.
    const timespec requested = *duration;
    if (remaining != nullptr) *remaining = {0, 0};
    return weft::sched::controlled_sleep(*me, CLOCK_MONOTONIC, requested, false);
  }
  return real().nanosleep(duration, remaining);
}

WEFT_INTERPOSER int clock_nanosleep(clockid_t clock, int flags, const timespec* duration,
                                    timespec* remaining) {
  if (auto* me = managed_self_at(__builtin_return_address(0)); me != nullptr && duration != nullptr) {
    const timespec requested = *duration;
    if (remaining != nullptr) *remaining = {0, 0};
    return weft::sched::controlled_sleep(*me, clock, requested, (flags & TIMER_ABSTIME) != 0);
  }
  return real().clock_nanosleep(clock, flags, duration, remaining);
}

WEFT_INTERPOSER int usleep(useconds_t microseconds) {
  if (auto* me = managed_self_at(__builtin_return_address(0))) {
    const timespec duration{static_cast<time_t>(microseconds / 1'000'000),
                            static_cast<long>(microseconds % 1'000'000) * 1000};
    return weft::sched::controlled_sleep(*me, CLOCK_MONOTONIC, duration, false);
  }
  return real().usleep(microseconds);
}

WEFT_INTERPOSER unsigned sleep(unsigned seconds) {
  if (auto* me = managed_self_at(__builtin_return_address(0))) {
    weft::sched::controlled_sleep(*me, CLOCK_MONOTONIC, {static_cast<time_t>(seconds), 0}, false);
    return 0;
  }
  return real().sleep(seconds);
}

WEFT_INTERPOSER int sched_yield() noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0))) {
    weft::sched::controlled_yield(*me);
    return 0;
  }
  return real().yield();
}
