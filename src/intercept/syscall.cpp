// syscall(), for SYS_futex (and SYS_futex_waitv where the headers define it): libstdc++'s
// std::atomic<T>::wait/notify, std::latch, std::barrier, std::counting_semaphore and std::future, and
// abseil's Mutex and Notification, all reach the kernel's futex through it. Every other number, and every
// caller outside a controlled run, goes straight on.
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdarg>

#include "platform/linux/real_calls.hpp"
#include "sched/controlled_calls.hpp"

using weft::platform::real;
using weft::sched::managed_self_at;

#define WEFT_INTERPOSER extern "C" __attribute__((visibility("default")))

// Asked for by name by consumers of the static library (see weft_static in src/CMakeLists.txt), so that
// the linker keeps this file's interposers even where a sanitizer's runtime already defines them.
extern "C" {
__attribute__((visibility("default"))) int weft_intercepts_syscall = 0;
}

namespace {

// Resolved at load time, so that the first forwarded call never runs dlsym, whatever state its caller
// is in (a signal handler, a half-initialized thread).
[[gnu::constructor]] void resolve_real_calls() {
  (void)real();
}

}  // namespace

// libc's syscall() reads six arguments whatever the number; so does this one, and forwards all six.
WEFT_INTERPOSER long syscall(long number, ...) noexcept {
  va_list arguments;
  va_start(arguments, number);
  long argument[6];
  for (long& each : argument) each = va_arg(arguments, long);
  va_end(arguments);
  if (number == SYS_futex) {
    if (auto* me = managed_self_at(__builtin_return_address(0))) {
      return weft::sched::controlled_futex(
          *me, {reinterpret_cast<std::uint32_t*>(argument[0]), static_cast<int>(argument[1]),
                static_cast<std::uint32_t>(argument[2]), static_cast<std::uintptr_t>(argument[3]),
                reinterpret_cast<std::uint32_t*>(argument[4]), static_cast<std::uint32_t>(argument[5])});
    }
  }
#ifdef SYS_futex_waitv
  if (number == SYS_futex_waitv) {
    if (auto* me = managed_self_at(__builtin_return_address(0))) {
      return weft::sched::controlled_futex_waitv(
          *me, reinterpret_cast<const futex_waitv*>(argument[0]), static_cast<unsigned>(argument[1]),
          static_cast<unsigned>(argument[2]), reinterpret_cast<const timespec*>(argument[3]),
          static_cast<clockid_t>(argument[4]));
    }
  }
#endif
  return real().syscall(number, argument[0], argument[1], argument[2], argument[3], argument[4], argument[5]);
}
