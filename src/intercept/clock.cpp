// Clock reads: in a controlled run the monotonic and wall clocks (and so std::chrono::steady_clock
// and system_clock) follow the run's virtual time. Not scheduling points.
#include <sys/time.h>
#include <time.h>

#include "platform/linux/real_calls.hpp"
#include "sched/controlled_calls.hpp"

using weft::platform::real;
using weft::sched::managed_self_at;

#define WEFT_INTERPOSER extern "C" __attribute__((visibility("default")))

// Asked for by name by consumers of the static library (see weft_static in src/CMakeLists.txt), so that
// the linker keeps this file's interposers even where a sanitizer's runtime already defines them.
extern "C" {
__attribute__((visibility("default"))) int weft_intercepts_clock = 0;
}

WEFT_INTERPOSER int clock_gettime(clockid_t clock, timespec* now) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0))) {
    if (weft::sched::controlled_clock(*me, clock, *now)) return 0;
  }
  return real().clock_gettime(clock, now);
}

WEFT_INTERPOSER int gettimeofday(timeval* now, void* zone) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0))) {
    timespec virtual_now;
    if (weft::sched::controlled_clock(*me, CLOCK_REALTIME, virtual_now)) {
      now->tv_sec = virtual_now.tv_sec;
      now->tv_usec = virtual_now.tv_nsec / 1000;
      return 0;
    }
  }
  return real().gettimeofday(now, zone);
}

WEFT_INTERPOSER time_t time(time_t* now) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0))) {
    timespec virtual_now;
    if (weft::sched::controlled_clock(*me, CLOCK_REALTIME, virtual_now)) {
      if (now != nullptr) *now = virtual_now.tv_sec;
      return virtual_now.tv_sec;
    }
  }
  return real().time(now);
}
