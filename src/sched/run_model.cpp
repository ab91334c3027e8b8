// run's methods that read and change its synchronization model (sync_model.hpp) on behalf of the
// controlled calls, each under the model lock: locks and their holders, barriers, futex queues,
// happens-before and the race detector's accesses.
#include <algorithm>
#include <limits>

#include "sched/model_lock.hpp"
#include "sched/run.hpp"

namespace weft::sched {

bool run::records(const managed_thread& me) const {
  return me.state != thread_state::released && ended_.load(std::memory_order_acquire) == 0;
}

void run::acquired(const managed_thread& me, std::uintptr_t object) {
  model_guard guard(model_lock_);
  if (records(me)) model_.order.acquire(me.id, object);
}

void run::released(const managed_thread& me, std::uintptr_t object) {
  model_guard guard(model_lock_);
  if (records(me)) model_.order.release(me.id, object);
}

void run::atomic_done(const managed_thread& me, std::uintptr_t location, happens_before::atomic_access access,
                      int memory_order) {
  model_guard guard(model_lock_);
  if (records(me)) model_.order.atomic(me.id, location, access, memory_order);
}

void run::fence_done(const managed_thread& me, int memory_order) {
  model_guard guard(model_lock_);
  if (records(me)) model_.order.fence(me.id, memory_order);
}

void run::thread_created(const managed_thread& parent, const managed_thread& child) {
  model_guard guard(model_lock_);
  if (records(parent)) model_.order.thread_created(parent.id, child.id);
}

void run::thread_joined(const managed_thread& joiner, const managed_thread& joined) {
  model_guard guard(model_lock_);
  if (records(joiner)) model_.order.thread_joined(joiner.id, joined.id);
}

void run::mutex_locked(const managed_thread& me, std::uintptr_t mutex) {
  model_guard guard(model_lock_);
  // A released thread's holding still counts: the others must wait for it, and a report names it.
  model_.locked(mutex, me.id);
  if (records(me)) model_.order.acquire(me.id, mutex);
}

void run::mutex_unlocked(const managed_thread& me, std::uintptr_t mutex) {
  model_guard guard(model_lock_);
  if (records(me)) model_.order.release(me.id, mutex);
  if (model_.unlocked(mutex)) wake_locked(mutex, std::numeric_limits<std::size_t>::max());
}

std::optional<sync_model::holder> run::mutex_holder(std::uintptr_t mutex) {
  model_guard guard(model_lock_);
  return model_.holder_of(mutex);
}

unsigned run::mutex_handed_over(const managed_thread& me, std::uintptr_t mutex) {
  model_guard guard(model_lock_);
  if (records(me)) model_.order.release(me.id, mutex);
  const unsigned depth = model_.released_entirely(mutex);
  wake_locked(mutex, std::numeric_limits<std::size_t>::max());
  return depth;
}

void run::mutex_depth_restored(std::uintptr_t mutex, unsigned depth) {
  model_guard guard(model_lock_);
  model_.restore_depth(mutex, depth);
}

bool run::barrier_arrived(const managed_thread& me, std::uintptr_t barrier, unsigned count) {
  model_guard guard(model_lock_);
  // Everything each thread did before the barrier happens before everything any does after it.
  if (records(me)) model_.order.release(me.id, barrier);
  if (!model_.arrived(barrier, count)) return false;
  wake_locked(barrier, std::numeric_limits<std::size_t>::max());
  if (records(me)) model_.order.acquire(me.id, barrier);
  return true;
}

bool run::record_access(const managed_thread& me, std::uintptr_t address, std::size_t size, bool write,
                        bool atomic, std::uintptr_t pc) {
  if (size == 0) return false;
  model_guard guard(model_lock_);
  if (!records(me)) return false;
  const std::size_t racy_before = model_.races.racy_sites().size();
  model_.races.access(model_.order, model_.stacks, me.id, address, size, write, atomic,
                      model_.stacks.child(me.stack_node, pc));
  return model_.races.racy_sites().size() != racy_before;
}

std::unordered_set<std::uintptr_t> run::racy_sites() {
  model_guard guard(model_lock_);
  return model_.races.racy_sites();
}

void run::forget_memory(const managed_thread& me, std::uintptr_t first, std::uintptr_t last) {
  model_guard guard(model_lock_);
  if (records(me)) model_.races.forget(first, last);
}

void run::misused_heap(managed_thread& me, heap_misuse misuse) {
  const run_end_kind kind = misuse.what == heap_misuse::kind::use_after_free ? run_end_kind::use_after_free
                                                                             : run_end_kind::double_free;
  std::string message = describe(misuse);
  {
    model_guard guard(model_lock_);
    if (!records(me)) return;
    for (heap_event* event : {&misuse.bad, &misuse.freed, &misuse.allocated}) {
      event->pcs = model_.stacks.pcs(event->stack);
      event->pcs.insert(event->pcs.begin(), event->site);
    }
    outcome_.heap_error = std::move(misuse);
  }
  fail(me, kind, std::move(message));
}

void run::entered_function(managed_thread& me, std::uintptr_t call_site) {
  model_guard guard(model_lock_);
  if (records(me)) me.stack_node = model_.stacks.child(me.stack_node, call_site);
}

void run::left_function(managed_thread& me) {
  model_guard guard(model_lock_);
  if (records(me)) me.stack_node = model_.stacks.parent(me.stack_node);
}

run::futex_wait_result run::futex_wait(managed_thread& me, std::span<const futex_expectation> words,
                                       std::optional<std::int64_t> deadline_ns) {
  model_guard guard(model_lock_);
  futex_used_ = true;
  // Released since its point: it may not be descheduled any more, and a futex wait may end early.
  if (me.state == thread_state::released || words.empty()) return futex_wait_result::woken;
  for (const futex_expectation& each : words) {
    if (__atomic_load_n(each.word, __ATOMIC_SEQ_CST) != each.expected)
      return futex_wait_result::value_changed;
  }
  for (const futex_expectation& each : words) {
    model_.futexes.enqueue(me.id, reinterpret_cast<std::uintptr_t>(each.word), each.bitset);
  }
  const auto first = reinterpret_cast<std::uintptr_t>(words.front().word);
  const bool woken = block_locked(me, {op_kind::futex_wait, first}, deadline_ns);
  return woken ? futex_wait_result::woken : futex_wait_result::timed_out;
}

std::size_t run::futex_wake(std::uintptr_t word, std::uint32_t bitset, std::size_t count) {
  if (ended_.load(std::memory_order_acquire) != 0) return 0;
  model_guard guard(model_lock_);
  futex_used_ = true;
  std::size_t woken = 0;
  for (thread_id waiter : model_.futexes.take(word, bitset, count)) {
    if (threads_[waiter].state != thread_state::blocked) continue;
    set_state(threads_[waiter], thread_state::runnable);
    // A futex_waitv waiter is in several queues and leaves them all, knowing which word woke it.
    threads_[waiter].waiting_for.object = word;
    model_.futexes.remove(waiter);
    ++woken;
  }
  if (woken > 0) resume_if_idle(0);
  return woken;
}

std::size_t run::futex_requeue(std::uintptr_t from, std::size_t wake_count, std::uintptr_t to,
                               std::size_t requeue_count) {
  if (ended_.load(std::memory_order_acquire) != 0) return 0;
  model_guard guard(model_lock_);
  futex_used_ = true;
  std::size_t woken = 0;
  for (thread_id waiter : model_.futexes.take(from, ~std::uint32_t{0}, wake_count)) {
    if (threads_[waiter].state != thread_state::blocked) continue;
    set_state(threads_[waiter], thread_state::runnable);
    threads_[waiter].waiting_for.object = from;
    model_.futexes.remove(waiter);
    ++woken;
  }
  const std::vector<thread_id> moved = model_.futexes.requeue(from, to, requeue_count);
  for (thread_id waiter : moved) {
    threads_[waiter].waiting_for.object = to;
    threads_[waiter].next.object = to;
  }
  if (woken > 0) resume_if_idle(0);
  return woken + moved.size();
}

}  // namespace weft::sched
