#include "sched/run.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <thread>

#include "platform/threads.hpp"
#include "sched/model_lock.hpp"
#include "sched/observer.hpp"
#include "weft/atomic.hpp"

namespace weft::sched {
namespace {

using namespace std::chrono_literals;

// A thread whose points load one location this many times again in a row spins on it: since its last
// load only it has run, so this load, made now, would read what that one read. Such a load is treated
// as a yield: it waits for another thread's progress. Two, not one: a single re-read is common in code
// that does not spin, and giving way there would prune interleavings a real machine has.
constexpr unsigned spinning_reloads = 2;

// How often the controller looks at a run in progress: the watchdog's resolution.
constexpr auto controller_slice = 10ms;

// The CPU every managed thread of a run is pinned to: a hand-off between threads sharing a CPU costs
// about 1.5 us, between CPUs about 30 us (measured on this project's machines).
void pin_to(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
}

int run_cpu = -1;

}  // namespace

run::run(strategy& chooser, run_limits limits) : chooser_(chooser), limits_(limits) {}

run* current_run() {
  managed_thread* self = managed_self();
  return self != nullptr ? self->owner : nullptr;
}

managed_thread* run::find(pthread_t handle) {
  for (managed_thread& thread : threads_) {
    if (pthread_equal(thread.handle, handle)) return &thread;
  }
  return nullptr;
}

void run::set_state(managed_thread& thread, thread_state state) {
  thread.state = state;
  if (state == thread_state::runnable) {
    runnable_.insert(thread.id);
  } else {
    runnable_.erase(thread.id);
  }
  if (state == thread_state::blocked && thread.deadline_ns) {
    timed_waiters_.insert(thread.id);
  } else {
    timed_waiters_.erase(thread.id);
  }
}

void run::gather_candidates() {
  candidates_.clear();
  runnable_.for_each([&](thread_id id) {
    const managed_thread& thread = threads_[id];
    candidates_.push_back({thread.id, thread.next, waits_for_progress(thread)});
  });
}

void run::offer_early_time_outs() {
  bool offered = false;
  timed_waiters_.for_each([&](thread_id id) {
    const managed_thread& thread = threads_[id];
    if (thread.firm_deadline || thread.blocked_at_progress == progress_of_punctual_threads_) return;
    candidates_.push_back({thread.id, {op_kind::time_out, thread.waiting_for.object}, false});
    offered = true;
  });
  // Strategies see candidates in thread id order.
  if (offered) {
    std::sort(candidates_.begin(), candidates_.end(),
              [](const candidate& a, const candidate& b) { return a.thread < b.thread; });
  }
}

bool run::waits_for_progress(const managed_thread& thread) const {
  return thread.yielded_at && *thread.yielded_at == progress_made_;
}

void run::note_progress() {
  ++progress_made_;
  step_of_last_progress_ = steps_;
}

void run::hand_baton_to(managed_thread& next) {
  running_.store(&next, std::memory_order_release);
  pass_baton_to(next);
}

void run::pass_baton_to(managed_thread& next) {
  next.baton.store(1, std::memory_order_release);
  platform::wake_all(next.baton);
}

void run::wait_for_baton(managed_thread& me) {
  // Not bounded on purpose: a thread of a run that ended stays parked here, as it would stay blocked in
  // the program without weft. Every thread that can still make progress gets the baton.
  while (me.baton.load(std::memory_order_acquire) == 0) platform::wait_for_change(me.baton, 0, 1s);
  me.baton.store(0, std::memory_order_relaxed);
}

void run::park(managed_thread& me) {
  for (;;) wait_for_baton(me);
}

managed_thread& run::add_thread() {
  managed_thread& added = threads_.emplace_back();
  added.id = static_cast<thread_id>(threads_.size() - 1);
  added.owner = this;
  set_state(added, thread_state::runnable);
  added.next = {op_kind::start, 0};
  return added;
}

void run::end_run(run_end_kind kind, std::string message, std::vector<int> tids) {
  if (ended_.load(std::memory_order_acquire) != 0) return;
  outcome_.kind = kind;
  outcome_.message = std::move(message);
  outcome_.tids = std::move(tids);
  outcome_.steps = steps_;
  outcome_.uncontrolled = uncontrolled_;
  outcome_.threads = threads_.size();
  outcome_.futex_used = futex_used_;
  if (limits_.races != race_mode::off && !model_.races.races().empty()) outcome_.races = model_.races.races();
  // A data race is undefined behaviour, and usually the cause of whatever else went wrong in the run:
  // unless races are only reported, it leads the report, and the other failure follows it.
  // A misused heap leads instead: it names the memory error itself, and the races follow it.
  const bool heap_misused = kind == run_end_kind::use_after_free || kind == run_end_kind::double_free;
  if (limits_.races == race_mode::fail && !model_.races.races().empty() && !heap_misused) {
    outcome_.kind = run_end_kind::race;
    const std::size_t count = outcome_.races.size();
    std::string headline = "weft: the run exhibited " + std::to_string(count) + " data race" +
                           (count == 1 ? "" : "s") + " on plain memory";
    if (kind != run_end_kind::completed) {
      std::string_view other = outcome_.message;
      if (other.starts_with("weft: ")) other.remove_prefix(6);
      headline += "; then it failed too: ";
      headline += other;
    }
    outcome_.message = std::move(headline);
  }
  notify_observers([&](run_observer& observer) { observer.run_ended(*this, outcome_); });
  running_.store(nullptr, std::memory_order_release);
  ended_.store(1, std::memory_order_release);
  platform::wake_all(ended_);
}

std::string run::describe_blocked() const {
  std::string text;
  for (const managed_thread& thread : threads_) {
    if (thread.state != thread_state::blocked) continue;
    text += "\n  thread " + std::to_string(thread.id) + " (tid " + std::to_string(thread.tid) +
            ") waits in " + std::string(name_of(thread.waiting_for.kind));
    const std::uintptr_t object = thread.waiting_for.object;
    if (thread.waiting_for.kind == op_kind::join) {
      for (const managed_thread& target : threads_) {
        if (reinterpret_cast<std::uintptr_t>(&target) == object)
          text += " for thread " + std::to_string(target.id);
      }
      continue;
    }
    if (object != 0) {
      char address[32];
      std::snprintf(address, sizeof address, " on %#zx", static_cast<std::size_t>(object));
      text += address;
    }
    if (const std::optional<sync_model::holder> held = model_.holder_of(object)) {
      text += " held by thread " + std::to_string(held->thread);
    }
  }
  return text;
}

// The heart of a run: who runs next. Called with the model locked. Returns nullptr when nobody can
// run now: the run ended (deadlock), every thread finished, or a thread the watchdog released must
// make progress before the others can.
managed_thread* run::choose_next(thread_id current) {
  for (;;) {
    gather_candidates();
    std::vector<candidate>& runnable = candidates_;
    const bool all_wait = std::all_of(runnable.begin(), runnable.end(),
                                      [](const candidate& c) { return c.waits_for_progress; });
    if (!runnable.empty() && all_wait) {
      // Every thread that can run is yielding: they wait for something, and a timed wait ending is the
      // only progress left to them. Without one they take turns, the longest waiting first, as a fair
      // scheduler would: whichever of them can end the wait gets to run, and threads that only wait
      // for each other spin until the step bound.
      if (advance_time()) continue;
      const auto longest_waiting =
          std::min_element(runnable.begin(), runnable.end(), [&](const candidate& a, const candidate& b) {
            return threads_[a.thread].yield_turn < threads_[b.thread].yield_turn;
          });
      for (candidate& c : runnable) c.waits_for_progress = &c != &*longest_waiting;
    }
    if (!runnable.empty()) {
      futex_stall_.store(false, std::memory_order_relaxed);
      // While some thread can run, any sleeper or timed waiter might be the slow one: its deadline may
      // come first. Offered only once a thread that was not itself woken early has made progress since
      // it began to wait, so that threads polling with short sleeps or timed waits cannot keep the
      // others from ever running by waking each other in turn (pct with them on top would).
      if (!all_wait) offer_early_time_outs();
      const std::size_t chosen = runnable.size() > 1 ? chooser_.choose(runnable, current) : 0;
      const candidate& picked = runnable[std::min(chosen, runnable.size() - 1)];
      managed_thread& next = threads_[picked.thread];
      if (picked.next.kind == op_kind::time_out) {
        // Virtual time jumps to its deadline, never back: whoever else's deadline that passes times out too.
        now_ns_ = std::max(now_ns_, *next.deadline_ns);
        time_out_reached_deadlines(/*early=*/true);
        note_progress();
        return &next;
      }
      next.yielded_at.reset();
      if (makes_progress(next.next.kind)) {
        note_progress();
        if (!next.woke_early) ++progress_of_punctual_threads_;
      }
      return &next;
    }
    // Virtual time moves only when nothing can run: to the earliest deadline of a timed wait.
    if (advance_time()) continue;
    // The test function returned and waits for the others: now they have all had their turns.
    managed_thread& test_thread = threads_.front();
    if (test_thread.state == thread_state::blocked && test_thread.waiting_for.kind == op_kind::run_end) {
      set_state(test_thread, thread_state::runnable);
      continue;
    }
    bool any_blocked = false;
    for (const managed_thread& thread : threads_) {
      if (thread.state == thread_state::released) return nullptr;
      if (thread.state == thread_state::blocked) any_blocked = true;
    }
    if (any_blocked && !begin_futex_stall()) end_in_deadlock();
    return nullptr;
  }
}

bool run::advance_time() {
  std::optional<std::int64_t> earliest;
  timed_waiters_.for_each([&](thread_id id) {
    const std::int64_t deadline = *threads_[id].deadline_ns;
    earliest = earliest ? std::min(*earliest, deadline) : deadline;
  });
  if (!earliest) return false;
  now_ns_ = std::max(now_ns_, *earliest);
  time_out_reached_deadlines(/*early=*/false);
  return true;
}

void run::time_out_reached_deadlines(bool early) {
  timed_waiters_.for_each([&](thread_id id) {
    managed_thread& thread = threads_[id];
    if (*thread.deadline_ns > now_ns_) return;
    set_state(thread, thread_state::runnable);
    thread.timed_out = true;
    thread.woke_early = early;
    model_.futexes.remove(thread.id);  // a futex waiter that timed out is no longer in its queue
  });
}

void run::end_in_deadlock() {
  futex_stall_.store(false, std::memory_order_release);
  std::vector<int> tids;
  for (const managed_thread& thread : threads_) {
    if (thread.state == thread_state::blocked) tids.push_back(thread.tid);
  }
  // Worded before the call: its arguments are evaluated in no set order, and one moves tids.
  std::string message = "weft: deadlock after " + std::to_string(steps_) + " steps: all " +
                        std::to_string(tids.size()) + " threads are blocked:" + describe_blocked();
  end_run(run_end_kind::deadlock, std::move(message), std::move(tids));
}

bool run::begin_futex_stall() {
  if (futex_stall_.load(std::memory_order_acquire)) return true;
  stall_words_.clear();
  for (const managed_thread& thread : threads_) {
    if (thread.state != thread_state::blocked || thread.waiting_for.kind != op_kind::futex_wait) continue;
    const auto* word = reinterpret_cast<const std::uint32_t*>(thread.waiting_for.object);
    stall_words_.emplace_back(thread.id, __atomic_load_n(word, __ATOMIC_SEQ_CST));
  }
  if (stall_words_.empty()) return false;
  futex_stall_.store(true, std::memory_order_release);
  return true;
}

bool run::wake_futex_waiters_whose_word_changed() {
  bool woke = false;
  for (const auto& [waiter, seen] : stall_words_) {
    managed_thread& thread = threads_[waiter];
    if (thread.state != thread_state::blocked || thread.waiting_for.kind != op_kind::futex_wait) continue;
    const auto* word = reinterpret_cast<const std::uint32_t*>(thread.waiting_for.object);
    if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen) continue;
    set_state(thread, thread_state::runnable);
    model_.futexes.remove(waiter);
    woke = true;
  }
  if (!woke) return false;
  // Woken by a thread weft does not control: this run's schedule no longer decides everything.
  uncontrolled_ = true;
  futex_stall_.store(false, std::memory_order_release);
  resume_if_idle(0);
  return true;
}

void run::dispatch(managed_thread& me, bool me_waits) {
  managed_thread* next = choose_next(me.id);
  if (next == &me) return;  // me keeps the baton
  if (next != nullptr) {
    notify_observers([&](run_observer& observer) { observer.switched(*this, me.id, next->id); });
  } else {
    running_.store(nullptr, std::memory_order_release);
  }
  if (!me_waits) {
    if (next != nullptr) hand_baton_to(*next);
    return;
  }
  if (next != nullptr) running_.store(next, std::memory_order_release);
  unlock_model(model_lock_);
  // Woken only now: the kernel often runs a woken thread at once, and one woken while this thread still
  // held the model lock went straight back to sleep on it, two context switches for one hand-off.
  if (next != nullptr) pass_baton_to(*next);
  if (ended_.load(std::memory_order_acquire) != 0) park(me);
  wait_for_baton(me);
  lock_model(model_lock_);
}

// A released thread runs free: nobody hands it the baton, and when it wakes others or finishes while
// nobody holds the baton, it starts the next turn itself.
void run::resume_if_idle(thread_id current) {
  if (running_.load(std::memory_order_acquire) != nullptr || ended_.load(std::memory_order_acquire) != 0)
    return;
  if (managed_thread* next = choose_next(current)) hand_baton_to(*next);
}

void run::point(managed_thread& me, operation op) {
  if (me.state == thread_state::released || ended_.load(std::memory_order_acquire) != 0) return;
  model_guard guard(model_lock_);
  progress_.fetch_add(1, std::memory_order_relaxed);
  if (op.site == 0) op.site = me.call_site;
  me.call_site = 0;
  const bool reload =
      op.kind == op_kind::atomic_load && me.next.kind == op_kind::atomic_load && me.next.object == op.object;
  me.reloads = reload ? me.reloads + 1 : 0;
  me.next = op;
  if (op.kind == op_kind::yield || me.reloads >= spinning_reloads) {
    me.yielded_at = progress_made_;
    me.yield_turn = ++yields_;
  }
  notify_observers([&](run_observer& observer) { observer.point_reached(*this, me.id, op); });
  if (++steps_ > limits_.max_steps) {
    std::vector<int> tids;
    for (const managed_thread& thread : threads_) {
      if (thread.state != thread_state::finished) tids.push_back(thread.tid);
    }
    const std::size_t still = steps_ - step_of_last_progress_;
    // Yielders give way to whoever can progress, so a run that stands still this long has nobody who
    // can: every thread spins waiting for another.
    const std::string why =
        2 * still >= limits_.max_steps
            ? "no thread made progress in its last " + std::to_string(still) +
                  " steps, only yields and atomic loads: every thread that can run spins waiting for another"
            : "its threads keep making progress (the last " + std::to_string(still) +
                  " steps ago) but never finish: an endless loop?";
    end_run(run_end_kind::livelock,
            "weft: livelock: the run passed " + std::to_string(limits_.max_steps) +
                " scheduling points without ending; " + why,
            std::move(tids));
    unlock_model(model_lock_);
    park(me);
  }
  dispatch(me, true);
}

void run::after_release(managed_thread& me, std::uintptr_t object) {
  // me.next is the release just made: its call site is where the program goes on from.
  point(me, {op_kind::after_release, object, me.next.site});
}

bool run::block(managed_thread& me, operation on, std::optional<std::int64_t> deadline_ns,
                deadline_kind kind) {
  if (me.state == thread_state::released || ended_.load(std::memory_order_acquire) != 0) {
    // Outside control it cannot be descheduled; it polls, in real time, the condition its caller
    // re-checks. So does a thread of an ended run (the test's thread unwinding after a failed check,
    // its destructors waiting for a mutex a parked thread holds), which must not spin on a CPU.
    std::atomic<std::uint32_t> never{0};
    platform::wait_for_change(never, 0, 1ms);
    return true;
  }
  model_guard guard(model_lock_);
  return block_locked(me, on, deadline_ns, kind);
}

bool run::block_locked(managed_thread& me, operation on, std::optional<std::int64_t> deadline_ns,
                       deadline_kind kind) {
  progress_.fetch_add(1, std::memory_order_relaxed);
  me.waiting_for = on;
  me.next = on;
  me.deadline_ns = deadline_ns;
  me.timed_out = false;
  me.woken_order = ++wake_counter_;
  me.blocked_at_progress = progress_of_punctual_threads_;
  // Back to waiting for time: what it does after its next wake is judged afresh.
  if (deadline_ns) me.woke_early = false;
  me.firm_deadline = kind == deadline_kind::firm;
  set_state(me, thread_state::blocked);  // after the deadline: a timed waiter is one of timed_waiters_
  dispatch(me, true);
  // dispatch returned: me was made runnable and chosen (or it ran out of others and woke itself).
  if (me.state == thread_state::blocked) {
    // Chosen while still blocked cannot happen; dispatch only hands the baton to runnable threads.
    set_state(me, thread_state::runnable);
  }
  me.deadline_ns.reset();
  return !me.timed_out;
}

std::size_t run::wake(std::uintptr_t object, std::size_t count) {
  if (ended_.load(std::memory_order_acquire) != 0) return 0;
  model_guard guard(model_lock_);
  return wake_locked(object, count);
}

std::size_t run::wake_locked(std::uintptr_t object, std::size_t count) {
  // The longest waiting first. Most wakes (an unlock, a post, a signal) wake one or none: for those, a
  // search for the earliest sleeper, with no allocation and no sort.
  const auto waits_here = [&](const managed_thread& thread) {
    return thread.state == thread_state::blocked && thread.waiting_for.object == object;
  };
  std::size_t woken = 0;
  if (count == 1) {
    managed_thread* earliest = nullptr;
    for (managed_thread& thread : threads_) {
      if (waits_here(thread) && (earliest == nullptr || thread.woken_order < earliest->woken_order))
        earliest = &thread;
    }
    if (earliest != nullptr) {
      set_state(*earliest, thread_state::runnable);
      woken = 1;
    }
  } else {
    std::vector<managed_thread*> waiting;
    for (managed_thread& thread : threads_) {
      if (waits_here(thread)) waiting.push_back(&thread);
    }
    std::sort(waiting.begin(), waiting.end(), [](const managed_thread* a, const managed_thread* b) {
      return a->woken_order < b->woken_order;
    });
    for (managed_thread* thread : waiting) {
      if (woken == count) break;
      set_state(*thread, thread_state::runnable);
      ++woken;
    }
  }
  if (woken > 0) resume_if_idle(0);
  return woken;
}

void run::wait_for_first_turn(managed_thread& me) {
  me.tid = platform::current_tid();
  pin_to(run_cpu);
  wait_for_baton(me);
}

void run::finish(managed_thread& me) {
  if (ended_.load(std::memory_order_acquire) != 0) return;
  model_guard guard(model_lock_);
  progress_.fetch_add(1, std::memory_order_relaxed);
  // The next thread may get this one's stack block: what this one did there is no longer memory
  // anybody shares. A released thread's accesses were never recorded.
  if (me.state != thread_state::released) {
    const platform::memory_range stack = platform::current_thread_stack();
    if (stack.last != 0) {
      model_.races.forget(stack.first, stack.last);
      // The next thread of this run may get this stack from the C library's cache: which of its
      // accesses are points must not depend on whether it does.
      forget_first_touches(stack.first, stack.last);
    }
  }
  const bool was_released = me.state == thread_state::released;
  set_state(me, thread_state::finished);
  note_progress();
  me.next = {op_kind::exit, 0};
  // Joiners block on the thread's record.
  for (managed_thread& thread : threads_) {
    if (thread.state == thread_state::blocked && thread.waiting_for.kind == op_kind::join &&
        thread.waiting_for.object == reinterpret_cast<std::uintptr_t>(&me)) {
      set_state(thread, thread_state::runnable);
    }
  }
  if (was_released) {
    resume_if_idle(me.id);
  } else {
    dispatch(me, false);
  }
}

void run::fail(managed_thread& me, run_end_kind kind, std::string message) {
  inside_weft internal;
  // Where a check failed is worth showing; an exception's catch site in weft is not.
  std::vector<std::uintptr_t> pcs;
  if (kind == run_end_kind::user_check) {
    pcs.resize(64);
    pcs.resize(static_cast<std::size_t>(
        platform::capture_current_stack(pcs.data(), static_cast<int>(pcs.size()), 0)));
  }
  {
    model_guard guard(model_lock_);
    outcome_.failure_pcs = std::move(pcs);
    outcome_.failing_thread = me.id;
    // The failing thread itself is shown by failure_pcs; the others still alive by their stacks.
    std::vector<int> others;
    for (const managed_thread& thread : threads_) {
      if (&thread != &me &&
          (thread.state == thread_state::blocked || thread.state == thread_state::runnable)) {
        others.push_back(thread.tid);
      }
    }
    end_run(kind, std::move(message), std::move(others));
  }
  if (me.id != 0) park(me);
}

// Thread 0: runs the test function, then waits for every other thread to finish or block for good.
void* run_test_thread(void* raw_run) {
  run& self = *static_cast<run*>(raw_run);
  managed_thread& me = self.threads_.front();
  set_managed_self(&me);
  self.wait_for_first_turn(me);
  std::string failure;
  try {
    (*self.test_)();
  } catch (const run_stopped&) {
    // weft::expect already ended the run; the controller may be deciding to join or detach right now
    // and is told below, after which this thread touches the run no more.
    set_managed_self(nullptr);
    self.test_thread_returned_.store(true, std::memory_order_release);
    return nullptr;
  } catch (const std::exception& error) {
    inside_weft internal;
    failure = std::string("weft: the test threw ") + error.what();
  } catch (...) {
    inside_weft internal;
    failure = "weft: the test threw an exception that is not a std::exception";
  }
  if (!failure.empty()) {
    inside_weft internal;
    self.test_thread_returned_.store(true, std::memory_order_release);
    self.fail(me, run_end_kind::exception, std::move(failure));
    set_managed_self(nullptr);
    return nullptr;
  }
  // The end of the test function is a scheduling decision too: the others get their turns first.
  self.block(me, {op_kind::run_end, 0}, std::nullopt);
  // Said before the outcome is published, so that the controller joins this thread, and with it waits
  // for this function's last touch of the run, instead of detaching it.
  self.test_thread_returned_.store(true, std::memory_order_release);
  {
    inside_weft internal;
    model_guard guard(self.model_lock_);
    std::vector<int> alive;
    for (const managed_thread& thread : self.threads_) {
      if (thread.id != 0 && thread.state != thread_state::finished) alive.push_back(thread.tid);
    }
    if (alive.empty()) {
      self.end_run(run_end_kind::completed, "", {});
    } else {
      self.end_run(
          run_end_kind::leak,
          "weft: " + std::to_string(alive.size()) +
              " thread(s) were still blocked when the test function returned:" + self.describe_blocked(),
          alive);
    }
  }
  set_managed_self(nullptr);
  return nullptr;
}

bool run::threads_gone() const {
  for (const managed_thread& thread : threads_) {
    if (thread.tid != 0 && platform::thread_exists(thread.tid)) return false;
  }
  return true;
}

namespace {

// Counts the runs in progress for as long as it lives.
struct active_run {
  active_run() { detail::controlled_runs.fetch_add(1, std::memory_order_relaxed); }
  ~active_run() { detail::controlled_runs.fetch_sub(1, std::memory_order_relaxed); }
  active_run(const active_run&) = delete;
  active_run& operator=(const active_run&) = delete;
};

struct watch_job {
  run* watched;
  const std::function<void(const run_outcome&)>* ended;
};

}  // namespace

managed_thread& run::prepare(const std::function<void()>& test) {
  test_ = &test;
  controller_tid_.store(platform::current_tid(), std::memory_order_relaxed);
  run_cpu = sched_getcpu();
  notify_observers([&](run_observer& observer) { observer.run_started(*this); });
  managed_thread& test_thread = add_thread();
  model_.order.thread_started(test_thread.id);
  return test_thread;
}

run_outcome run::execute(const std::function<void()>& test) {
  inside_weft internal;
  // Before the run counts as active: from then on every free in the process asks the checker.
  heap().run_started(*this);
  const active_run active;
  managed_thread& test_thread = prepare(test);
  pthread_t handle;
  // Through the ordinary pthread_create (the controller is not managed): sanitizers and weft's
  // registry see the test's thread like any other.
  if (pthread_create(&handle, nullptr, run_test_thread, this) != 0) {
    outcome_.kind = run_end_kind::hung;
    outcome_.message = "weft: could not start the test's thread";
    heap().run_ended(*this);
    return outcome_;
  }
  test_thread.handle = handle;
  hand_baton_to(test_thread);
  watch(std::chrono::steady_clock::now());
  // The test's thread either returned (or is returning) and is reclaimed, or stays parked in a run
  // that ended without it.
  if (test_thread_returned_.load(std::memory_order_acquire)) {
    pthread_join(handle, nullptr);
  } else {
    pthread_detach(handle);
  }
  heap().run_ended(*this);
  return outcome_;
}

// execute_here's helper: the controller of a run whose thread 0 is the thread that asked for it.
void* watch_for_the_caller(void* raw_job) {
  const watch_job job = *static_cast<watch_job*>(raw_job);
  run& self = *job.watched;
  {
    const inside_weft internal;
    // Before thread 0's first turn: a leak check in the test expects this thread, not the caller.
    self.controller_tid_.store(platform::current_tid(), std::memory_order_relaxed);
    self.hand_baton_to(self.threads_.front());
    self.watch(std::chrono::steady_clock::now());
  }
  (*job.ended)(self.outcome_);
  return nullptr;
}

run_outcome run::execute_here(const std::function<void()>& test,
                              const std::function<void(const run_outcome&)>& ended) {
  std::optional<active_run> active;
  pthread_t watcher;
  watch_job job{this, &ended};
  {
    inside_weft internal;
    heap().run_started(*this);
    active.emplace();
    managed_thread& test_thread = prepare(test);
    test_thread.handle = pthread_self();
    // The helper is weft's, created while the caller is not yet a thread of the run: an ordinary
    // thread, like the caller of execute.
    if (pthread_create(&watcher, nullptr, watch_for_the_caller, &job) != 0) {
      outcome_.kind = run_end_kind::hung;
      outcome_.message = "weft: could not start the thread that watches the run";
      heap().run_ended(*this);
      ended(outcome_);
      return outcome_;
    }
  }
  run_test_thread(this);
  // The run ended (the test function returned, threw or failed a check; every other way leaves this
  // thread parked); its outcome is the helper's to judge, and `job` must outlive it.
  pthread_join(watcher, nullptr);
  {
    inside_weft internal;
    heap().run_ended(*this);
  }
  return outcome_;
}

void run::watch(std::chrono::steady_clock::time_point started) {
  std::uint64_t last_progress = progress_.load(std::memory_order_relaxed);
  auto last_change = std::chrono::steady_clock::now();
  while (ended_.load(std::memory_order_acquire) == 0) {
    platform::wait_for_change(ended_, 0, controller_slice);
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t progress = progress_.load(std::memory_order_relaxed);
    if (progress != last_progress) {
      last_progress = progress;
      last_change = now;
      continue;
    }
    if (now - started > limits_.hard_timeout) {
      model_guard guard(model_lock_);
      std::vector<int> tids;
      for (const managed_thread& thread : threads_) {
        if (thread.state != thread_state::finished) tids.push_back(thread.tid);
      }
      end_run(run_end_kind::hung,
              "weft: the run did not end within " + std::to_string(limits_.hard_timeout.count()) +
                  " ms and was abandoned; its threads are left running",
              std::move(tids));
      return;
    }
    // A leak check in the baton's holder is slow weft work, not a thread stuck in code weft does not see.
    if (own_work_.load(std::memory_order_relaxed) > 0) last_change = now;
    if (futex_stall_.load(std::memory_order_acquire)) {
      model_guard guard(model_lock_);
      if (!futex_stall_.load(std::memory_order_acquire) || wake_futex_waiters_whose_word_changed()) {
        last_change = now;
      } else if (now - last_change >= limits_.watchdog) {
        end_in_deadlock();
      }
      continue;
    }
    if (now - last_change < limits_.watchdog) continue;
    // The running thread has not reached a scheduling point for a while: it runs code weft does not
    // see (a raw futex, a blocking read, a spin loop). Let it run free and give the others their turns.
    model_guard guard(model_lock_);
    managed_thread* stuck = running_.load(std::memory_order_acquire);
    if (stuck == nullptr || stuck->state != thread_state::runnable) continue;
    set_state(*stuck, thread_state::released);
    uncontrolled_ = true;
    last_change = now;
    running_.store(nullptr, std::memory_order_release);
    resume_if_idle(stuck->id);
  }
}

}  // namespace weft::sched
