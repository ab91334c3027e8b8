// What a thread is about to do at a scheduling point. Strategies see it for every runnable thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace weft::sched {

// Threads of one controlled run, numbered in creation order: 0 is the thread that runs the test.
using thread_id = std::uint32_t;

enum class op_kind : std::uint8_t {
  start,       // a new thread's first step
  create,      // pthread_create
  join,        // pthread_join
  detach,      // pthread_detach
  exit,        // the thread's routine returned
  mutex_lock,  // lock, timedlock; also rwlock write lock
  mutex_trylock,
  mutex_unlock,
  read_lock,  // rwlock read lock
  cond_wait,  // wait and timedwait
  cond_signal,
  cond_broadcast,
  sem_wait,
  sem_post,
  barrier_wait,
  futex_wait,   // syscall(SYS_futex) FUTEX_WAIT and FUTEX_WAIT_BITSET
  futex_wake,   // FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_WAKE_OP, the requeues
  sleep,        // nanosleep, clock_nanosleep, usleep, sleep
  yield,        // sched_yield, std::this_thread::yield, a sleep of no time: the thread gives way
  user_point,   // weft::yield_point(): a point where any thread, the caller included, may go on
  atomic_load,  // weft::atomic and, with [4/8], instrumented accesses
  atomic_store,
  atomic_rmw,
  run_end,  // the test function returned
  // The thread goes on after releasing something (an unlock, a post, a signal, a futex wake, an atomic
  // release store): another thread may run first, before the releaser's next step, whatever that is.
  after_release,
  // A thread in a sleep or a timed wait stops waiting at its deadline, which virtual time jumps to;
  // offered while other threads can still run, since any of them may be slower than the wait.
  time_out,
};

[[nodiscard]] std::string_view name_of(op_kind kind);

// Whether two operations on the same object can be reordered without changing the outcome: false
// for two reads (two atomic loads, two read locks) and for going on after a release (which does
// nothing to the object), true otherwise. POS resets priorities of pending
// operations that conflict with the one just executed.
[[nodiscard]] bool conflicts(op_kind a, op_kind b);

struct operation {
  op_kind kind = op_kind::start;
  std::uintptr_t object = 0;  // the mutex, condition variable, atomic... address; 0 when none
  // Where the program made the call: the return address into its code, for traces and feedback.
  // Never part of a schedule: it differs between processes.
  std::uintptr_t site = 0;
  // False for a plain memory access at code that has not been seen in a data race: still a point, but
  // strategies that count steps to place their switches (pct) skip it, so that thousands of ordinary
  // accesses do not dilute the few that matter. Never part of a schedule either.
  bool interesting = true;
};

// Whether performing `kind` is progress: anything but a yield, a weft::yield_point(), an atomic load
// or going on after a release (the release itself was the progress), which change nothing another
// thread could be waiting for. A thread that yielded waits for progress by
// another.
[[nodiscard]] bool makes_progress(op_kind kind);

// One thread that can run now, and what it will do when it runs.
struct candidate {
  thread_id thread = 0;
  operation next;
  // The thread yielded (or spins, loading one location again and again) and no other thread has made
  // progress since: a fair scheduler runs another candidate first. Never true of every candidate of
  // one decision.
  bool waits_for_progress = false;
};

}  // namespace weft::sched
