// POSIX semaphores and barriers.
#include <pthread.h>
#include <semaphore.h>

#include "platform/linux/real_calls.hpp"
#include "sched/controlled_calls.hpp"

using weft::platform::real;
using weft::sched::managed_self_at;

#define WEFT_INTERPOSER extern "C" __attribute__((visibility("default")))

// Asked for by name by consumers of the static library (see weft_static in src/CMakeLists.txt), so that
// the linker keeps this file's interposers even where a sanitizer's runtime already defines them.
extern "C" {
__attribute__((visibility("default"))) int weft_intercepts_semaphore = 0;
}

WEFT_INTERPOSER int sem_wait(sem_t* sem) {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_sem_wait(*me, sem, false);
  return real().sem_wait(sem);
}

WEFT_INTERPOSER int sem_trywait(sem_t* sem) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_sem_wait(*me, sem, true);
  return real().sem_trywait(sem);
}

WEFT_INTERPOSER int sem_timedwait(sem_t* sem, const timespec* at) {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_sem_wait(*me, sem, false, {CLOCK_REALTIME, at});
  return real().sem_timedwait(sem, at);
}

WEFT_INTERPOSER int sem_clockwait(sem_t* sem, clockid_t clock, const timespec* at) {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_sem_wait(*me, sem, false, {clock, at});
  return real().sem_clockwait(sem, clock, at);
}

WEFT_INTERPOSER int sem_post(sem_t* sem) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_sem_post(*me, sem);
  return real().sem_post(sem);
}

WEFT_INTERPOSER int pthread_barrier_init(pthread_barrier_t* barrier, const pthread_barrierattr_t* attr,
                                         unsigned count) noexcept {
  const int result = real().barrier_init(barrier, attr, count);
  if (result == 0) weft::sched::remember_barrier(barrier, count);
  return result;
}

WEFT_INTERPOSER int pthread_barrier_destroy(pthread_barrier_t* barrier) noexcept {
  weft::sched::forget_barrier(barrier);
  return real().barrier_destroy(barrier);
}

WEFT_INTERPOSER int pthread_barrier_wait(pthread_barrier_t* barrier) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_barrier_wait(*me, barrier);
  return real().barrier_wait(barrier);
}
