#include "sched/controlled_calls.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "platform/linux/real_calls.hpp"
#include "sched/run.hpp"
#include "sched/virtual_clock.hpp"

namespace weft::sched {
namespace {

using platform::real;

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
  return virtual_deadline_at(current, deadline.clock, *deadline.at);
}

// Item 3 of docs/scheduler.md's model: whoever released something may be slower than the thread it
// released it to.
void go_on_after_release(managed_thread& me, std::uintptr_t object) {
  me.owner->after_release(me, object);
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
      current.mutex_locked(me, object);
      return 0;
    }
    if (result != EBUSY) return result;
    const std::optional<sync_model::holder> held = current.mutex_holder(object);
    if (held && held->thread == me.id && is_error_checking(mutex)) return EDEADLK;
    if (try_only) return EBUSY;
    if (!held) {
      // Held by a thread outside the run: wait for it for real. The watchdog releases this thread if
      // that takes long, and the run is then marked uncontrolled.
      if (real().mutex_lock(mutex) != 0) return EINVAL;
      current.mutex_locked(me, object);
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
  current.mutex_unlocked(me, object);
  go_on_after_release(me, object);
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
  const unsigned depth = current.mutex_handed_over(me, address_of(mutex));
  const bool woken = current.block(me, {op_kind::cond_wait, object}, give_up_at);
  // Re-acquiring the mutex is a lock like any other, and may block behind the signaller.
  int relocked;
  do {
    relocked = controlled_mutex_lock(me, mutex, false);
  } while (relocked == ETIMEDOUT);
  if (relocked == 0) current.mutex_depth_restored(address_of(mutex), depth);
  return woken ? relocked : ETIMEDOUT;
}

int controlled_cond_wake(managed_thread& me, pthread_cond_t* cond, bool all) {
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t object = address_of(cond);
  current.point(me, {all ? op_kind::cond_broadcast : op_kind::cond_signal, object});
  current.wake(object, all ? std::numeric_limits<std::size_t>::max() : 1);
  // Threads outside the run may wait on it for real.
  const int result = all ? real().cond_broadcast(cond) : real().cond_signal(cond);
  go_on_after_release(me, object);
  return result;
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
    if (result == 0) current.acquired(me, object);
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
  if (result != 0) return result;
  current.released(me, address_of(lock));
  current.wake(address_of(lock), std::numeric_limits<std::size_t>::max());
  go_on_after_release(me, address_of(lock));
  return 0;
}

int controlled_sem_wait(managed_thread& me, sem_t* sem, bool try_only, call_deadline deadline) {
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t object = address_of(sem);
  current.point(me, {op_kind::sem_wait, object});
  const std::optional<std::int64_t> give_up_at = virtual_deadline(current, deadline);
  for (;;) {
    if (real().sem_trywait(sem) == 0) {
      current.acquired(me, object);
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
  if (result != 0) return result;
  current.released(me, address_of(sem));
  current.wake(address_of(sem), 1);
  go_on_after_release(me, address_of(sem));
  return 0;
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
  if (current.barrier_arrived(me, object, count)) {
    go_on_after_release(me, object);
    return PTHREAD_BARRIER_SERIAL_THREAD;
  }
  current.block(me, {op_kind::barrier_wait, object}, std::nullopt);
  current.acquired(me, object);
  return 0;
}

namespace {

constexpr std::uint32_t any_bit = FUTEX_BITSET_MATCH_ANY;

long forward_futex(const futex_call& call) {
  return real().syscall(SYS_futex, call.word, call.op, call.value, call.timeout, call.word2, call.value3);
}

// Threads the model does not hold (released ones, threads outside the run) may wait on the word in
// the kernel: every modeled wake wakes them too, up to what the model left of `count`.
std::size_t wake_in_kernel(const std::uint32_t* word, int op, std::size_t count) {
  if (count == 0) return 0;
  const int limit = static_cast<int>(std::min<std::size_t>(count, std::numeric_limits<int>::max()));
  const long woken =
      real().syscall(SYS_futex, word, FUTEX_WAKE | (op & FUTEX_PRIVATE_FLAG), limit, nullptr, nullptr, 0);
  return woken > 0 ? static_cast<std::size_t>(woken) : 0;
}

long fail_with(int error) {
  errno = error;
  return -1;
}

bool valid(const timespec& time) {
  return time.tv_sec >= 0 && time.tv_nsec >= 0 && time.tv_nsec < 1'000'000'000;
}

// A futex deadline in virtual time: FUTEX_WAIT's timeout is relative, the others' absolute.
std::optional<std::int64_t> futex_deadline(const run& current, clockid_t clock, const timespec& time,
                                           bool relative) {
  return relative ? virtual_deadline_after(current, time) : virtual_deadline_at(current, clock, time);
}

// The kernel wakes at least one waiter even when asked for none.
std::size_t wake_count(std::uint32_t value) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<int>(value) > 0 ? value : 0));
}

// FUTEX_WAKE_OP's encoded operation on word2: returns the old value and whether the comparison holds.
std::pair<std::uint32_t, bool> apply_wake_op(std::uint32_t* word, std::uint32_t encoded) {
  const unsigned operation = (encoded >> 28) & 7;
  const unsigned comparison = (encoded >> 24) & 15;
  // Both arguments are 12-bit signed fields.
  std::int32_t argument = static_cast<std::int32_t>(encoded << 8) >> 20;
  const std::int32_t compare_with = static_cast<std::int32_t>(encoded << 20) >> 20;
  if ((encoded >> 28) & FUTEX_OP_OPARG_SHIFT) argument = static_cast<std::int32_t>(1u << (argument & 31));
  std::uint32_t old = __atomic_load_n(word, __ATOMIC_RELAXED);
  for (;;) {
    const auto operand = static_cast<std::uint32_t>(argument);
    std::uint32_t updated = old;
    switch (operation) {
      case FUTEX_OP_SET:
        updated = operand;
        break;
      case FUTEX_OP_ADD:
        updated = old + operand;
        break;
      case FUTEX_OP_OR:
        updated = old | operand;
        break;
      case FUTEX_OP_ANDN:
        updated = old & ~operand;
        break;
      case FUTEX_OP_XOR:
        updated = old ^ operand;
        break;
      default:
        break;
    }
    if (__atomic_compare_exchange_n(word, &old, updated, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) break;
  }
  const auto seen = static_cast<std::int32_t>(old);
  bool holds = false;
  switch (comparison) {
    case FUTEX_OP_CMP_EQ:
      holds = seen == compare_with;
      break;
    case FUTEX_OP_CMP_NE:
      holds = seen != compare_with;
      break;
    case FUTEX_OP_CMP_LT:
      holds = seen < compare_with;
      break;
    case FUTEX_OP_CMP_LE:
      holds = seen <= compare_with;
      break;
    case FUTEX_OP_CMP_GT:
      holds = seen > compare_with;
      break;
    case FUTEX_OP_CMP_GE:
      holds = seen >= compare_with;
      break;
    default:
      break;
  }
  return {old, holds};
}

bool is_modeled(int command) {
  switch (command) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
      return true;
    default:
      return false;
  }
}

// The wait of FUTEX_WAIT, FUTEX_WAIT_BITSET and futex_waitv: -1 with errno set, or 0 once woken.
long wait_for_wake(managed_thread& me, run& current, std::span<const run::futex_expectation> words,
                   std::optional<std::int64_t> give_up_at) {
  switch (current.futex_wait(me, words, give_up_at)) {
    case run::futex_wait_result::value_changed:
      return fail_with(EAGAIN);
    case run::futex_wait_result::timed_out:
      return fail_with(ETIMEDOUT);
    case run::futex_wait_result::woken:
      break;
  }
  // Whatever the waker did before its wake happens before what the waiter does after it.
  current.acquired(me, me.waiting_for.object);
  return 0;
}

long futex_wait(managed_thread& me, const futex_call& call, int command) {
  run& current = *me.owner;
  const std::uint32_t bitset = command == FUTEX_WAIT ? any_bit : call.value3;
  if (bitset == 0) return fail_with(EINVAL);
  const auto* timeout = reinterpret_cast<const timespec*>(call.timeout);
  if (timeout != nullptr && !valid(*timeout)) return fail_with(EINVAL);
  const std::uintptr_t word = address_of(call.word);
  current.point(me, {op_kind::futex_wait, word});
  std::optional<std::int64_t> give_up_at;
  if (timeout != nullptr) {
    // FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's absolute, on the clock the flag names.
    const clockid_t clock = (call.op & FUTEX_CLOCK_REALTIME) != 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    give_up_at = futex_deadline(current, clock, *timeout, command == FUTEX_WAIT);
  }
  const run::futex_expectation expectation{call.word, call.value, bitset};
  return wait_for_wake(me, current, {&expectation, 1}, give_up_at);
}

}  // namespace

long controlled_futex(managed_thread& me, const futex_call& call) {
  const int command = call.op & FUTEX_CMD_MASK;
  const bool misaligned = call.word == nullptr || address_of(call.word) % alignof(std::uint32_t) != 0;
  if (!is_modeled(command) || misaligned || me.state == thread_state::released || me.owner->ended()) {
    return forward_futex(call);
  }
  inside_weft internal;
  run& current = *me.owner;
  const std::uintptr_t word = address_of(call.word);
  switch (command) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
      return futex_wait(me, call, command);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const std::uint32_t bitset = command == FUTEX_WAKE ? any_bit : call.value3;
      if (bitset == 0) return fail_with(EINVAL);
      current.point(me, {op_kind::futex_wake, word});
      current.released(me, word);
      const std::size_t wanted = wake_count(call.value);
      const std::size_t woken = current.futex_wake(word, bitset, wanted);
      const std::size_t in_kernel = wake_in_kernel(call.word, call.op, wanted - woken);
      go_on_after_release(me, word);
      return static_cast<long>(woken + in_kernel);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      const auto requeue_count = static_cast<long>(call.timeout);
      if (static_cast<int>(call.value) < 0 || requeue_count < 0 || call.word2 == nullptr) {
        return fail_with(EINVAL);
      }
      current.point(me, {op_kind::futex_wake, word});
      if (command == FUTEX_CMP_REQUEUE && __atomic_load_n(call.word, __ATOMIC_SEQ_CST) != call.value3) {
        return fail_with(EAGAIN);
      }
      // A requeued waiter is woken later through word2: both carry what the requeuer did.
      current.released(me, word);
      current.released(me, address_of(call.word2));
      const std::size_t moved = current.futex_requeue(word, call.value, address_of(call.word2),
                                                      static_cast<std::size_t>(requeue_count));
      // Waiters the model does not hold are woken or moved in the kernel alike.
      const long in_kernel =
          real().syscall(SYS_futex, call.word, FUTEX_REQUEUE | (call.op & FUTEX_PRIVATE_FLAG), call.value,
                         requeue_count, call.word2, 0);
      go_on_after_release(me, word);
      return static_cast<long>(moved) + std::max(0L, in_kernel);
    }
    case FUTEX_WAKE_OP: {
      if (call.word2 == nullptr) return fail_with(EFAULT);
      // The kernel knows five operations and six comparisons.
      if (((call.value3 >> 28) & 7) > FUTEX_OP_XOR || ((call.value3 >> 24) & 15) > FUTEX_OP_CMP_GE) {
        return fail_with(ENOSYS);
      }
      current.point(me, {op_kind::futex_wake, word});
      current.released(me, word);
      current.released(me, address_of(call.word2));
      const bool second_too = apply_wake_op(call.word2, call.value3).second;
      std::size_t woken = current.futex_wake(word, any_bit, wake_count(call.value));
      woken += wake_in_kernel(call.word, call.op, wake_count(call.value) - woken);
      if (second_too) {
        const std::size_t wanted = wake_count(static_cast<std::uint32_t>(call.timeout));
        const std::size_t second = current.futex_wake(address_of(call.word2), any_bit, wanted);
        woken += second + wake_in_kernel(call.word2, call.op, wanted - second);
      }
      go_on_after_release(me, word);
      return static_cast<long>(woken);
    }
    default:
      return forward_futex(call);
  }
}

#ifdef SYS_futex_waitv
long controlled_futex_waitv(managed_thread& me, const futex_waitv* waiters, unsigned count, unsigned flags,
                            const timespec* timeout, clockid_t clock) {
  // The kernel's FUTEX_32 (FUTEX2_SIZE_U32 in newer headers): the only word size it waits on.
  constexpr std::uint32_t size_32 = 2;
  const bool outside = me.state == thread_state::released || me.owner->ended();
  if (outside || waiters == nullptr) {
    return real().syscall(SYS_futex_waitv, waiters, count, flags, timeout, clock);
  }
  if (flags != 0 || count == 0 || count > FUTEX_WAITV_MAX) return fail_with(EINVAL);
  if (timeout != nullptr && ((clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) || !valid(*timeout))) {
    return fail_with(EINVAL);
  }
  std::vector<run::futex_expectation> words;
  {
    inside_weft internal;
    for (unsigned index = 0; index < count; ++index) {
      const futex_waitv& waiter = waiters[index];
      const bool known_flags = (waiter.flags & ~(size_32 | FUTEX_PRIVATE_FLAG)) == 0;
      if (!known_flags || (waiter.flags & size_32) == 0 || waiter.__reserved != 0 ||
          waiter.val > std::numeric_limits<std::uint32_t>::max()) {
        return fail_with(EINVAL);
      }
      const auto* word = reinterpret_cast<const std::uint32_t*>(static_cast<std::uintptr_t>(waiter.uaddr));
      if (word == nullptr || address_of(word) % alignof(std::uint32_t) != 0) return fail_with(EINVAL);
      words.push_back({word, static_cast<std::uint32_t>(waiter.val), any_bit});
    }
  }
  inside_weft internal;
  run& current = *me.owner;
  current.point(me, {op_kind::futex_wait, address_of(words.front().word)});
  std::optional<std::int64_t> give_up_at;
  if (timeout != nullptr) give_up_at = futex_deadline(current, clock, *timeout, false);
  if (const long failed = wait_for_wake(me, current, words, give_up_at); failed != 0) return failed;
  const std::uintptr_t woken_on = me.waiting_for.object;
  for (unsigned index = 0; index < count; ++index) {
    if (address_of(words[index].word) == woken_on) return static_cast<long>(index);
  }
  return 0;  // released while waiting: a spurious wake of the first word
}
#endif

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
    if (target != nullptr) current.thread_joined(me, *target);
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
  const std::optional<std::int64_t> wake_at =
      absolute ? virtual_deadline_at(current, clock, duration) : virtual_deadline_after(current, duration);
  // A sleep of no time (sleep(0), a deadline already past) is how spin loops back off: a yield.
  if (wake_at && *wake_at <= current.now_ns()) {
    current.point(me, {op_kind::yield, 0});
    return 0;
  }
  // A sleep with no end in any run (sleep_for(hours::max())) blocks for good: a leak or a deadlock.
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
  current.thread_created(me, added);
  return {new managed_start{routine, arg, &added}, &added};
}

void end_managed_create(managed_thread& me, managed_creation creation, int result, pthread_t created) {
  inside_weft internal;
  (void)me;
  if (result != 0) {
    // The thread never existed: it must not be waited for, and its start block is still ours.
    creation.thread->owner->set_state(*creation.thread, thread_state::finished);
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
