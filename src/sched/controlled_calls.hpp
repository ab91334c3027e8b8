// What each intercepted call does when a managed thread makes it: a scheduling point, then the
// modeled operation. A thread that would block is descheduled; the real primitive is only called when
// it will not block. Each function has the contract of the pthread/libc call it stands for.
#pragma once

#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <time.h>

#include <cstdint>
#include <optional>

#include "sched/managed_thread.hpp"

namespace weft::sched {

// A deadline as given to a timed call: absolute on `clock`, or none.
struct call_deadline {
  clockid_t clock = CLOCK_REALTIME;
  const timespec* at = nullptr;
};

int controlled_mutex_lock(managed_thread& me, pthread_mutex_t* mutex, bool try_only,
                          call_deadline deadline = {});
int controlled_mutex_unlock(managed_thread& me, pthread_mutex_t* mutex);

int controlled_cond_wait(managed_thread& me, pthread_cond_t* cond, pthread_mutex_t* mutex,
                         call_deadline deadline = {});
int controlled_cond_wake(managed_thread& me, pthread_cond_t* cond, bool all);

int controlled_rwlock_lock(managed_thread& me, pthread_rwlock_t* lock, bool exclusive, bool try_only,
                           call_deadline deadline = {});
int controlled_rwlock_unlock(managed_thread& me, pthread_rwlock_t* lock);

// Return -1 with errno set, as the sem_ functions do.
int controlled_sem_wait(managed_thread& me, sem_t* sem, bool try_only, call_deadline deadline = {});
int controlled_sem_post(managed_thread& me, sem_t* sem);

// Barrier counts come from pthread_barrier_init, which is intercepted for every thread.
void remember_barrier(pthread_barrier_t* barrier, unsigned count);
void forget_barrier(pthread_barrier_t* barrier);
int controlled_barrier_wait(managed_thread& me, pthread_barrier_t* barrier);

// The arguments of syscall(SYS_futex, ...) as futex(2) names them. `timeout` doubles as val2, a count,
// for the requeues and FUTEX_WAKE_OP.
struct futex_call {
  std::uint32_t* word = nullptr;
  int op = 0;
  std::uint32_t value = 0;
  std::uintptr_t timeout = 0;
  std::uint32_t* word2 = nullptr;
  std::uint32_t value3 = 0;
};
// Returns as syscall() does: -1 with errno set on failure. Operations weft does not model (the PI
// ones, FUTEX_FD), and any call of a released thread or of an ended run, go to the kernel.
long controlled_futex(managed_thread& me, const futex_call& call);
#ifdef SYS_futex_waitv
// syscall(SYS_futex_waitv, waiters, count, flags, timeout, clock): returns the index of the word whose
// wake ended the wait, or -1 with errno set; the timeout is absolute on `clock`.
long controlled_futex_waitv(managed_thread& me, const futex_waitv* waiters, unsigned count, unsigned flags,
                            const timespec* timeout, clockid_t clock);
#endif

int controlled_join(managed_thread& me, pthread_t thread, void** result);
int controlled_detach(managed_thread& me, pthread_t thread);
// sched_yield and its kin: the caller gives way until another thread has made progress.
void controlled_yield(managed_thread& me);
// weft::yield_point(): a plain scheduling point.
void controlled_point(managed_thread& me);

// Sleeps in virtual time: relative when `absolute` is false.
int controlled_sleep(managed_thread& me, clockid_t clock, const timespec& duration, bool absolute);
// Fills `now` from the run's virtual clock; false for clocks that are not virtual (CPU-time clocks).
bool controlled_clock(managed_thread& me, clockid_t clock, timespec& now);

// Thread creation: begin_ wraps the routine so the new thread joins the run; end_ completes it. The
// start block belongs to the new thread once it runs, so end_ only touches it if creation failed.
struct managed_start;
struct managed_creation {
  managed_start* start = nullptr;    // pass as the routine's argument, with managed_thread_main
  managed_thread* thread = nullptr;  // the new thread's record in the run
};
[[nodiscard]] managed_creation begin_managed_create(managed_thread& me, void* (*routine)(void*), void* arg);
void* managed_thread_main(void* start);
void end_managed_create(managed_thread& me, managed_creation creation, int result, pthread_t created);

}  // namespace weft::sched
