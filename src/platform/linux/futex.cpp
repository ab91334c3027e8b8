// Waiting on a 32-bit atomic with the futex system call. wake_all runs inside stack capture's signal
// handler, so both stay free of allocation and locks.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <ctime>

#include "platform/threads.hpp"

namespace weft::platform {

// The kernel compares and wakes on the 4 bytes at the atomic's address, so the atomic must be exactly
// a plain uint32_t in memory.
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

namespace {

const std::uint32_t* futex_word(const std::atomic<std::uint32_t>& word) {
  return reinterpret_cast<const std::uint32_t*>(&word);
}

// Straight to the kernel, not through libc's syscall(): weft interposes that one to model the
// program's futexes, and weft's own waits (the baton, the model lock, a stack capture's handler) must
// never become the program's scheduling points. The result is ignored by both callers, so no errno.
long futex(const std::uint32_t* word, int op, std::uint32_t value, const timespec* timeout) {
#if defined(__x86_64__)
  long result;
  register long r10 __asm__("r10") = reinterpret_cast<long>(timeout);
  register long r8 __asm__("r8") = 0;
  register long r9 __asm__("r9") = 0;
  __asm__ volatile("syscall"
                   : "=a"(result)
                   : "0"(static_cast<long>(SYS_futex)), "D"(word), "S"(static_cast<long>(op)),
                     "d"(static_cast<long>(value)), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return result;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = SYS_futex;
  register long x0 __asm__("x0") = reinterpret_cast<long>(word);
  register long x1 __asm__("x1") = op;
  register long x2 __asm__("x2") = static_cast<long>(value);
  register long x3 __asm__("x3") = reinterpret_cast<long>(timeout);
  register long x4 __asm__("x4") = 0;
  register long x5 __asm__("x5") = 0;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  return x0;
#else
#error "weft's futex needs the system call sequence of this architecture"
#endif
}

}  // namespace

void wait_for_change(const std::atomic<std::uint32_t>& word, std::uint32_t seen,
                     std::chrono::nanoseconds timeout) {
  if (timeout <= std::chrono::nanoseconds::zero()) return;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  const timespec relative{static_cast<std::time_t>(seconds.count()),
                          static_cast<long>((timeout - seconds).count())};
  // EAGAIN (the word already changed), EINTR and ETIMEDOUT all mean: go and look again.
  futex(futex_word(word), FUTEX_WAIT_PRIVATE, seen, &relative);
}

void wake_all(const std::atomic<std::uint32_t>& word) {
  futex(futex_word(word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr);
}

}  // namespace weft::platform
