#include "platform/linux/real_calls.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace weft::platform {
namespace {

template <typename function>
void resolve(function& out, const char* name) {
  out = reinterpret_cast<function>(dlsym(RTLD_NEXT, name));
  if (out == nullptr) {
    std::fprintf(stderr, "weft: cannot find the real %s behind weft's interposer (%s)\n", name, dlerror());
    std::abort();
  }
}

real_functions resolve_all() {
  real_functions found{};
  resolve(found.mutex_lock, "pthread_mutex_lock");
  resolve(found.mutex_trylock, "pthread_mutex_trylock");
  resolve(found.mutex_timedlock, "pthread_mutex_timedlock");
  resolve(found.mutex_clocklock, "pthread_mutex_clocklock");
  resolve(found.mutex_unlock, "pthread_mutex_unlock");
  resolve(found.cond_wait, "pthread_cond_wait");
  resolve(found.cond_timedwait, "pthread_cond_timedwait");
  resolve(found.cond_clockwait, "pthread_cond_clockwait");
  resolve(found.cond_signal, "pthread_cond_signal");
  resolve(found.cond_broadcast, "pthread_cond_broadcast");
  resolve(found.rwlock_rdlock, "pthread_rwlock_rdlock");
  resolve(found.rwlock_tryrdlock, "pthread_rwlock_tryrdlock");
  resolve(found.rwlock_timedrdlock, "pthread_rwlock_timedrdlock");
  resolve(found.rwlock_clockrdlock, "pthread_rwlock_clockrdlock");
  resolve(found.rwlock_wrlock, "pthread_rwlock_wrlock");
  resolve(found.rwlock_trywrlock, "pthread_rwlock_trywrlock");
  resolve(found.rwlock_timedwrlock, "pthread_rwlock_timedwrlock");
  resolve(found.rwlock_clockwrlock, "pthread_rwlock_clockwrlock");
  resolve(found.rwlock_unlock, "pthread_rwlock_unlock");
  resolve(found.sem_wait, "sem_wait");
  resolve(found.sem_trywait, "sem_trywait");
  resolve(found.sem_timedwait, "sem_timedwait");
  resolve(found.sem_clockwait, "sem_clockwait");
  resolve(found.sem_post, "sem_post");
  resolve(found.barrier_init, "pthread_barrier_init");
  resolve(found.barrier_destroy, "pthread_barrier_destroy");
  resolve(found.barrier_wait, "pthread_barrier_wait");
  resolve(found.join, "pthread_join");
  resolve(found.detach, "pthread_detach");
  resolve(found.yield, "sched_yield");
  resolve(found.nanosleep, "nanosleep");
  resolve(found.clock_nanosleep, "clock_nanosleep");
  resolve(found.usleep, "usleep");
  resolve(found.sleep, "sleep");
  resolve(found.clock_gettime, "clock_gettime");
  resolve(found.gettimeofday, "gettimeofday");
  resolve(found.time, "time");
  resolve(found.syscall, "syscall");
  return found;
}

}  // namespace

const real_functions& real() {
  static const real_functions resolved = resolve_all();
  return resolved;
}

}  // namespace weft::platform
