// Condition variables, as std::condition_variable uses them (wait_for and wait_until use clockwait).
// The waits are cancellation points, declared without noexcept by glibc; the others are noexcept.
#include <pthread.h>

#include "platform/linux/real_calls.hpp"
#include "sched/controlled_calls.hpp"

using weft::platform::real;
using weft::sched::managed_self_at;

#define WEFT_INTERPOSER extern "C" __attribute__((visibility("default")))

// Asked for by name by consumers of the static library (see weft_static in src/CMakeLists.txt), so that
// the linker keeps this file's interposers even where a sanitizer's runtime already defines them.
extern "C" {
__attribute__((visibility("default"))) int weft_intercepts_condvar = 0;
}

WEFT_INTERPOSER int pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex) {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_cond_wait(*me, cond, mutex);
  return real().cond_wait(cond, mutex);
}

WEFT_INTERPOSER int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex, const timespec* at) {
  if (auto* me = managed_self_at(__builtin_return_address(0))) {
    // The condition variable's clock attribute is not visible here; std::condition_variable never
    // calls timedwait (it uses clockwait), and pthread's default clock is CLOCK_REALTIME.
    return weft::sched::controlled_cond_wait(*me, cond, mutex, {CLOCK_REALTIME, at});
  }
  return real().cond_timedwait(cond, mutex, at);
}

WEFT_INTERPOSER int pthread_cond_clockwait(pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t clock,
                                           const timespec* at) {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_cond_wait(*me, cond, mutex, {clock, at});
  return real().cond_clockwait(cond, mutex, clock, at);
}

WEFT_INTERPOSER int pthread_cond_signal(pthread_cond_t* cond) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_cond_wake(*me, cond, false);
  return real().cond_signal(cond);
}

WEFT_INTERPOSER int pthread_cond_broadcast(pthread_cond_t* cond) noexcept {
  if (auto* me = managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_cond_wake(*me, cond, true);
  return real().cond_broadcast(cond);
}
