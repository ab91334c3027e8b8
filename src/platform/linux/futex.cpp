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

}  // namespace

void wait_for_change(const std::atomic<std::uint32_t>& word, std::uint32_t seen,
                     std::chrono::nanoseconds timeout) {
  if (timeout <= std::chrono::nanoseconds::zero()) return;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  const timespec relative{static_cast<std::time_t>(seconds.count()),
                          static_cast<long>((timeout - seconds).count())};
  // EAGAIN (the word already changed), EINTR and ETIMEDOUT all mean: go and look again.
  ::syscall(SYS_futex, futex_word(word), FUTEX_WAIT_PRIVATE, seen, &relative, nullptr, 0);
}

void wake_all(const std::atomic<std::uint32_t>& word) {
  ::syscall(SYS_futex, futex_word(word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace weft::platform
