// Mutexes and reader-writer locks, as std::mutex, std::recursive_mutex, std::timed_mutex and
// std::shared_mutex use them. Outside a controlled run each forwards at once.
#include <pthread.h>

#include "platform/linux/real_calls.hpp"
#include "sched/controlled_calls.hpp"

using weft::platform::real;
using weft::sched::call_deadline;
using weft::sched::managed_self_at;

#define WEFT_INTERPOSER extern "C" __attribute__((visibility("default")))

// Asked for by name by consumers of the static library (see weft_static in src/CMakeLists.txt), so that
// the linker keeps this file's interposers even where a sanitizer's runtime already defines them.
extern "C" {
__attribute__((visibility("default"))) int weft_intercepts_mutex = 0;
}

WEFT_INTERPOSER int pthread_mutex_lock(pthread_mutex_t* mutex) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_mutex_lock(*me, mutex, false);
  return real().mutex_lock(mutex);
}

WEFT_INTERPOSER int pthread_mutex_trylock(pthread_mutex_t* mutex) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_mutex_lock(*me, mutex, true);
  return real().mutex_trylock(mutex);
}

WEFT_INTERPOSER int pthread_mutex_timedlock(pthread_mutex_t* mutex, const timespec* at) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_mutex_lock(*me, mutex, false, {CLOCK_REALTIME, at});
  return real().mutex_timedlock(mutex, at);
}

WEFT_INTERPOSER int pthread_mutex_clocklock(pthread_mutex_t* mutex, clockid_t clock,
                                            const timespec* at) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_mutex_lock(*me, mutex, false, {clock, at});
  return real().mutex_clocklock(mutex, clock, at);
}

WEFT_INTERPOSER int pthread_mutex_unlock(pthread_mutex_t* mutex) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_mutex_unlock(*me, mutex);
  return real().mutex_unlock(mutex);
}

WEFT_INTERPOSER int pthread_rwlock_rdlock(pthread_rwlock_t* lock) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_rwlock_lock(*me, lock, false, false);
  return real().rwlock_rdlock(lock);
}

WEFT_INTERPOSER int pthread_rwlock_tryrdlock(pthread_rwlock_t* lock) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_rwlock_lock(*me, lock, false, true);
  return real().rwlock_tryrdlock(lock);
}

WEFT_INTERPOSER int pthread_rwlock_timedrdlock(pthread_rwlock_t* lock, const timespec* at) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0))) {
    return weft::sched::controlled_rwlock_lock(*me, lock, false, false, {CLOCK_REALTIME, at});
  }
  return real().rwlock_timedrdlock(lock, at);
}

WEFT_INTERPOSER int pthread_rwlock_clockrdlock(pthread_rwlock_t* lock, clockid_t clock,
                                               const timespec* at) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_rwlock_lock(*me, lock, false, false, {clock, at});
  return real().rwlock_clockrdlock(lock, clock, at);
}

WEFT_INTERPOSER int pthread_rwlock_wrlock(pthread_rwlock_t* lock) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_rwlock_lock(*me, lock, true, false);
  return real().rwlock_wrlock(lock);
}

WEFT_INTERPOSER int pthread_rwlock_trywrlock(pthread_rwlock_t* lock) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_rwlock_lock(*me, lock, true, true);
  return real().rwlock_trywrlock(lock);
}

WEFT_INTERPOSER int pthread_rwlock_timedwrlock(pthread_rwlock_t* lock, const timespec* at) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0))) {
    return weft::sched::controlled_rwlock_lock(*me, lock, true, false, {CLOCK_REALTIME, at});
  }
  return real().rwlock_timedwrlock(lock, at);
}

WEFT_INTERPOSER int pthread_rwlock_clockwrlock(pthread_rwlock_t* lock, clockid_t clock,
                                               const timespec* at) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_rwlock_lock(*me, lock, true, false, {clock, at});
  return real().rwlock_clockwrlock(lock, clock, at);
}

WEFT_INTERPOSER int pthread_rwlock_unlock(pthread_rwlock_t* lock) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_rwlock_unlock(*me, lock);
  return real().rwlock_unlock(lock);
}
