#include "sched/controlled_calls.hpp"

#include <cerrno>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "intercept/real_calls.hpp"
#include "sched/run.hpp"
#include "sched/virtual_clock.hpp"

namespace weft::sched {
namespace {

using intercept::real;

std::uintptr_t address_of(const void* object) {
  return reinterpret_cast<std::uintptr_t>(object);
}

// glibc keeps a mutex's type in its first word's kind field; an error-checking mutex locked twice by
// its owner must fail with EDEADLK instead of deadlocking.
bool is_error_checking(const pthread_mutex_t* mutex) {
  return (mutex->__data.__kind & 3) == PTHREAD_MUTEX_ERRORCHECK_NP;
}

std::optional<std::int64_t> virtual_deadline(const run& current, call_deadline deadline) {
  if (deadline.at == nullptr) return std::nullopt;
  return to_virtual(current, deadline.clock, *deadline.at);
}

std::mutex barrier_counts_mutex;
std::unordered_map<std::uintptr_t, unsigned>& barrier_counts() {
  static auto* counts = new std::unordered_map<std::uintptr_t, unsigned>();
  return *counts;
}

}  // namespace

int controlled_mutex_lock(managed_thread& me, pthread_mutex_t* mutex, bool try_only, call_deadline deadline) {
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t object = address_of(mutex);
  current.point(me, {try_only ? op_kind::mutex_trylock : op_kind::mutex_lock, object});
  const std::optional<std::int64_t> give_up_at = virtual_deadline(current, deadline);
  for (;;) {
    const int result = real().mutex_trylock(mutex);
    if (result == 0) {
      run::holder& holder = current.mutex_holders[object];
      if (holder.depth > 0 && holder.thread != me.id) holder.depth = 0;
      holder.thread = me.id;
      ++holder.depth;
      current.order.acquire(me.id, object);
      return 0;
    }
    if (result != EBUSY) return result;
    auto held = current.mutex_holders.find(object);
    const bool mine =
        held != current.mutex_holders.end() && held->second.depth > 0 && held->second.thread == me.id;
    if (mine && is_error_checking(mutex)) return EDEADLK;
    if (try_only) return EBUSY;
    if (held == current.mutex_holders.end() || held->second.depth == 0) {
      // Held by a thread outside the run: wait for it for real. The watchdog releases this thread if
      // that takes long, and the run is then marked uncontrolled.
      if (real().mutex_lock(mutex) != 0) return EINVAL;
      current.mutex_holders[object] = {me.id, 1};
      current.order.acquire(me.id, object);
      return 0;
    }
    // A normal mutex locked twice by its owner blocks here forever: the deadlock detector reports it.
    if (!current.block(me, {op_kind::mutex_lock, object}, give_up_at)) return ETIMEDOUT;
  }
}

int controlled_mutex_unlock(managed_thread& me, pthread_mutex_t* mutex) {
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t object = address_of(mutex);
  current.point(me, {op_kind::mutex_unlock, object});
  const int result = real().mutex_unlock(mutex);
  if (result != 0) return result;
  current.order.release(me.id, object);
  auto held = current.mutex_holders.find(object);
  if (held != current.mutex_holders.end() && held->second.depth > 0 && --held->second.depth == 0) {
    current.mutex_holders.erase(held);
    current.wake(object, std::numeric_limits<std::size_t>::max());
  }
  return 0;
}

int controlled_cond_wait(managed_thread& me, pthread_cond_t* cond, pthread_mutex_t* mutex,
                         call_deadline deadline) {
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t object = address_of(cond);
  current.point(me, {op_kind::cond_wait, object});
  const std::optional<std::int64_t> give_up_at = virtual_deadline(current, deadline);
  // Releasing the mutex and starting to wait are one step: nobody runs in between.
  if (const int released = real().mutex_unlock(mutex); released != 0) return released;
  current.order.release(me.id, address_of(mutex));
  auto held = current.mutex_holders.find(address_of(mutex));
  const unsigned depth = held != current.mutex_holders.end() ? held->second.depth : 1;
  current.mutex_holders.erase(address_of(mutex));
  current.wake(address_of(mutex), std::numeric_limits<std::size_t>::max());
  const bool woken = current.block(me, {op_kind::cond_wait, object}, give_up_at);
  // Re-acquiring the mutex is a lock like any other, and may block behind the signaller.
  int relocked;
  do {
    relocked = controlled_mutex_lock(me, mutex, false);
  } while (relocked == ETIMEDOUT);
  if (relocked == 0) current.mutex_holders[address_of(mutex)].depth = depth;
  return woken ? relocked : ETIMEDOUT;
}

int controlled_cond_wake(managed_thread& me, pthread_cond_t* cond, bool all) {
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t object = address_of(cond);
  current.point(me, {all ? op_kind::cond_broadcast : op_kind::cond_signal, object});
  current.wake(object, all ? std::numeric_limits<std::size_t>::max() : 1);
  // Threads outside the run may wait on it for real.
  return all ? real().cond_broadcast(cond) : real().cond_signal(cond);
}

int controlled_rwlock_lock(managed_thread& me, pthread_rwlock_t* lock, bool exclusive, bool try_only,
                           call_deadline deadline) {
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t object = address_of(lock);
  current.point(me, {exclusive ? op_kind::mutex_lock : op_kind::read_lock, object});
  const std::optional<std::int64_t> give_up_at = virtual_deadline(current, deadline);
  for (;;) {
    const int result = exclusive ? real().rwlock_trywrlock(lock) : real().rwlock_tryrdlock(lock);
    if (result == 0) current.order.acquire(me.id, object);
    if (result != EBUSY) return result;
    if (try_only) return EBUSY;
    if (!current.block(me, {exclusive ? op_kind::mutex_lock : op_kind::read_lock, object}, give_up_at)) {
      return ETIMEDOUT;
    }
  }
}

int controlled_rwlock_unlock(managed_thread& me, pthread_rwlock_t* lock) {
  inside_weft internal;
  run& current = *me.owner;
  current.point(me, {op_kind::mutex_unlock, address_of(lock)});
  const int result = real().rwlock_unlock(lock);
  if (result == 0) current.order.release(me.id, address_of(lock));
  current.wake(address_of(lock), std::numeric_limits<std::size_t>::max());
  return result;
}

int controlled_sem_wait(managed_thread& me, sem_t* sem, bool try_only, call_deadline deadline) {
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t object = address_of(sem);
  current.point(me, {op_kind::sem_wait, object});
  const std::optional<std::int64_t> give_up_at = virtual_deadline(current, deadline);
  for (;;) {
    if (real().sem_trywait(sem) == 0) {
      current.order.acquire(me.id, object);
      return 0;
    }
    if (errno != EAGAIN) return -1;
    if (try_only) return -1;
    if (!current.block(me, {op_kind::sem_wait, object}, give_up_at)) {
      errno = ETIMEDOUT;
      return -1;
    }
  }
}

int controlled_sem_post(managed_thread& me, sem_t* sem) {
  inside_weft internal;
  run& current = *me.owner;
  current.point(me, {op_kind::sem_post, address_of(sem)});
  const int result = real().sem_post(sem);
  if (result == 0) {
    current.order.release(me.id, address_of(sem));
    current.wake(address_of(sem), 1);
  }
  return result;
}

void remember_barrier(pthread_barrier_t* barrier, unsigned count) {
  inside_weft internal;
  std::lock_guard lock(barrier_counts_mutex);
  barrier_counts()[address_of(barrier)] = count;
}

void forget_barrier(pthread_barrier_t* barrier) {
  inside_weft internal;
  std::lock_guard lock(barrier_counts_mutex);
  barrier_counts().erase(address_of(barrier));
}

int controlled_barrier_wait(managed_thread& me, pthread_barrier_t* barrier) {
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t object = address_of(barrier);
  current.point(me, {op_kind::barrier_wait, object});
  unsigned count = 0;
  {
    std::lock_guard lock(barrier_counts_mutex);
    auto known = barrier_counts().find(object);
    if (known == barrier_counts().end()) return EINVAL;
    count = known->second;
  }
  // The real barrier is never entered: it would block the only running thread.
  // Everything each thread did before the barrier happens before everything any does after it.
  current.order.release(me.id, object);
  unsigned& arrived = current.barrier_arrivals[object];
  if (++arrived == count) {
    arrived = 0;
    current.wake(object, std::numeric_limits<std::size_t>::max());
    current.order.acquire(me.id, object);
    return PTHREAD_BARRIER_SERIAL_THREAD;
  }
  current.block(me, {op_kind::barrier_wait, object}, std::nullopt);
  current.order.acquire(me.id, object);
  return 0;
}

int controlled_join(managed_thread& me, pthread_t thread, void** result) {
  {
    inside_weft internal;
    run& current = *me.owner;
    managed_thread* target = current.find(thread);
    current.point(me, {op_kind::join, address_of(target)});
    if (target != nullptr && target->state != thread_state::finished &&
        target->state != thread_state::released) {
      current.block(me, {op_kind::join, address_of(target)}, std::nullopt);
    }
    if (target != nullptr) current.order.thread_joined(me.id, target->id);
  }
  // The target left its routine; the real join only waits for its last instructions.
  return real().join(thread, result);
}

int controlled_detach(managed_thread& me, pthread_t thread) {
  inside_weft internal;
  me.owner->point(me, {op_kind::detach, 0});
  return real().detach(thread);
}

void controlled_yield(managed_thread& me) {
  inside_weft internal;
  me.owner->point(me, {op_kind::yield, 0});
}

void controlled_point(managed_thread& me) {
  inside_weft internal;
  me.owner->point(me, {op_kind::user_point, 0});
}

int controlled_sleep(managed_thread& me, clockid_t clock, const timespec& duration, bool absolute) {
  inside_weft internal;
  run& current = *me.owner;
  // Virtual time stands still while this thread can run, so the deadline is the same after the point.
  const std::int64_t wake_at = absolute
                                   ? to_virtual(current, clock, duration)
                                   : current.now_ns() + duration.tv_sec * 1'000'000'000LL + duration.tv_nsec;
  // A sleep of no time (sleep(0), a deadline already past) is how spin loops back off: a yield.
  if (wake_at <= current.now_ns()) {
    current.point(me, {op_kind::yield, 0});
    return 0;
  }
  current.point(me, {op_kind::sleep, 0});
  current.block(me, {op_kind::sleep, 0}, wake_at);
  return 0;
}

bool controlled_clock(managed_thread& me, clockid_t clock, timespec& now) {
  return read_virtual_clock(*me.owner, clock, now);
}

struct managed_start {
  void* (*routine)(void*);
  void* arg;
  managed_thread* thread;
};

managed_creation begin_managed_create(managed_thread& me, void* (*routine)(void*), void* arg) {
  inside_weft internal;
  run& current = *me.owner;
  current.point(me, {op_kind::create, 0});
  managed_thread& added = current.add_thread();
  current.order.thread_created(me.id, added.id);
  return {new managed_start{routine, arg, &added}, &added};
}

void end_managed_create(managed_thread& me, managed_creation creation, int result, pthread_t created) {
  inside_weft internal;
  (void)me;
  if (result != 0) {
    // The thread never existed: it must not be waited for, and its start block is still ours.
    creation.thread->state = thread_state::finished;
    delete creation.start;
    return;
  }
  creation.thread->handle = created;
}

namespace {

// Marks the thread finished however it leaves its routine, pthread_exit's unwind included.
class finish_guard {
 public:
  explicit finish_guard(managed_thread& thread) : thread_(thread) {}
  ~finish_guard() {
    inside_weft internal;
    thread_.owner->finish(thread_);
    set_managed_self(nullptr);
  }
  finish_guard(const finish_guard&) = delete;
  finish_guard& operator=(const finish_guard&) = delete;

 private:
  managed_thread& thread_;
};

}  // namespace

void* managed_thread_main(void* raw_start) {
  const managed_start start = *static_cast<managed_start*>(raw_start);
  delete static_cast<managed_start*>(raw_start);
  managed_thread& me = *start.thread;
  {
    inside_weft internal;
    me.owner->wait_for_first_turn(me);
  }
  set_managed_self(&me);
  finish_guard finish(me);
  return start.routine(start.arg);
}

}  // namespace weft::sched
