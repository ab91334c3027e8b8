// One controlled execution of a test: its threads run one at a time, on one CPU, and a strategy picks
// who runs at every scheduling point. The model of who holds and who waits for what lives here; the
// interposers (src/intercept/) and controlled_calls.cpp translate each pthread call into it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sched/heap_checker.hpp"
#include "sched/managed_thread.hpp"
#include "sched/strategies/strategy.hpp"
#include "sched/sync_model.hpp"
#include "sched/thread_set.hpp"
#include "weft/sched.hpp"

namespace weft::sched {

struct run_limits {
  std::size_t max_steps = 100'000;                 // more scheduling points than this is a livelock
  std::chrono::milliseconds watchdog{1000};        // a thread this long without a point is released
  std::chrono::milliseconds hard_timeout{30'000};  // the run is abandoned as hung after this
  std::int64_t realtime_base_ns = 0;               // CLOCK_REALTIME at virtual time zero
  std::int64_t monotonic_base_ns = 0;              // CLOCK_MONOTONIC at virtual time zero
  // fail: a data race fails an otherwise passing run, and is shown in any failure; report: the run's
  // races are in its outcome, which they do not change; off: neither.
  race_mode races = race_mode::fail;
};

enum class run_end_kind {
  completed,
  deadlock,
  livelock,
  leak,
  exception,
  user_check,
  hung,
  race,
  use_after_free,
  double_free
};

// Thrown in the test's own thread to unwind the test function once its run has ended with a failure
// (a failed weft::expect). Not a std::exception, so a test's catch (std::exception&) lets it pass.
struct run_stopped {};

struct run_outcome {
  run_end_kind kind = run_end_kind::completed;
  std::string message;    // what went wrong, in words, without stacks
  std::vector<int> tids;  // threads the report should show stacks of
  std::size_t steps = 0;
  bool uncontrolled = false;  // the watchdog had to release a thread: not deterministic
  // Where a failing check or exception was raised, captured in the failing thread before it unwound
  // or parked: innermost first, return addresses.
  std::vector<std::uintptr_t> failure_pcs;
  thread_id failing_thread = 0;
  std::vector<data_race> races;  // the data races the run exhibited, unless races are off
  // use_after_free and double_free: the bad access or free, with the block's free and allocation.
  std::optional<heap_misuse> heap_error;
  // How many threads the run had (the test's own included) and whether any of them made a futex call:
  // a run with one thread and no futex has no other schedule (weft test runs such a test once).
  std::size_t threads = 0;
  bool futex_used = false;
};

class run {
 public:
  run(strategy& chooser, run_limits limits);
  run(const run&) = delete;
  run& operator=(const run&) = delete;

  // Controller side: runs `test` on a new managed thread 0 and returns when the run ended. Blocks at
  // most limits.hard_timeout. Threads of a run that failed stay parked.
  [[nodiscard]] run_outcome execute(const std::function<void()>& test);
  // As execute, but `test` runs on the calling thread, as thread 0, and a helper thread created here
  // watches the run in execute's place: the process's first thread keeps glibc's main malloc arena,
  // which no thread created later gets (docs/scheduler.md). When the run ends, the helper calls
  // `ended` with the outcome (the caller does, with a hung outcome, when the helper cannot be
  // created); this returns once the test function is done and `ended` returned. A
  // run can end with the calling thread parked for good (a failure while it waits), and then this
  // never returns: `ended` must end the process when the outcome is not completed.
  run_outcome execute_here(const std::function<void()>& test,
                           const std::function<void(const run_outcome&)>& ended);

  // ---- called by managed threads, each holding the baton ----

  // `me` is about to perform `op`; returns when `me` is chosen to perform it.
  void point(managed_thread& me, operation op);
  // `me` just released `object` (unlocked, posted, signalled, woke, stored with release order): a
  // point where another thread may run before `me` goes on.
  void after_release(managed_thread& me, std::uintptr_t object);
  // `me` cannot go on until `on.object` is woken or the virtual deadline passes. Returns true when
  // woken, false when timed out; either way `me` holds the baton again. A program's deadline may come
  // early, while other threads can still run (any of them may be slower than the wait); a firm one,
  // weft's own wait, comes only when nothing else can run.
  enum class deadline_kind { may_come_early, firm };
  bool block(managed_thread& me, operation on, std::optional<std::int64_t> deadline_ns,
             deadline_kind kind = deadline_kind::may_come_early);
  // Makes up to `count` threads blocked on `object` runnable, oldest first. Returns how many.
  std::size_t wake(std::uintptr_t object, std::size_t count);
  // syscall(SYS_futex): the futex queues are the run's (futex_queues.hpp) and are changed only here.
  enum class futex_wait_result { woken, timed_out, value_changed };
  struct futex_expectation {
    const std::uint32_t* word = nullptr;
    std::uint32_t expected = 0;
    std::uint32_t bitset = ~std::uint32_t{0};
  };
  // `me` waits on every word while each still holds its expected value (compared with the model
  // locked, so no wake slips in between), for a wake on any of them whose bitset meets the word's, or
  // until the virtual deadline. After a wake, me.waiting_for.object is the word it was woken on (a
  // requeue may have moved it there).
  futex_wait_result futex_wait(managed_thread& me, std::span<const futex_expectation> words,
                               std::optional<std::int64_t> deadline_ns);
  // Makes up to `count` waiters on `word` whose bitset meets `bitset` runnable, oldest first.
  std::size_t futex_wake(std::uintptr_t word, std::uint32_t bitset, std::size_t count);
  // Wakes up to `wake_count` waiters on `from` and moves up to `requeue_count` more to `to`. Returns
  // both together, as the kernel does.
  std::size_t futex_requeue(std::uintptr_t from, std::size_t wake_count, std::uintptr_t to,
                            std::size_t requeue_count);
  // Records a thread about to be created by `creator`; it starts runnable with op start.
  managed_thread& add_thread();
  // In a new thread: waits for its first turn.
  void wait_for_first_turn(managed_thread& me);
  // The thread's routine returned: wakes its joiners and hands the baton on without waiting.
  void finish(managed_thread& me);
  // A user check failed in `me`: the run ends with that failure. Returns only for thread 0, which
  // then unwinds the test function; any other thread stays parked.
  void fail(managed_thread& me, run_end_kind kind, std::string message);

  [[nodiscard]] std::int64_t now_ns() const { return now_ns_; }
  [[nodiscard]] const run_limits& limits() const { return limits_; }
  [[nodiscard]] managed_thread* find(pthread_t handle);
  [[nodiscard]] std::size_t steps() const { return steps_; }
  // Whether every OS thread of the run has exited, so that nothing can touch the run any more.
  [[nodiscard]] bool threads_gone() const;
  // Whether the run has its outcome. Threads of an ended run may still be unwinding (a failed
  // weft::expect) while the next run starts; instrumentation must not mistake them for it.
  [[nodiscard]] bool ended() const { return ended_.load(std::memory_order_acquire) != 0; }
  // The thread that called execute(): it waits there for the run's end, while the test function runs
  // on a thread of the run in its place.
  [[nodiscard]] int controller_tid() const { return controller_tid_.load(std::memory_order_relaxed); }
  // The thread holding the baton does weft's own slow work (a leak check) between these two calls: it
  // reaches no scheduling point, and the watchdog must not release it for that.
  void begin_own_work() { own_work_.fetch_add(1, std::memory_order_relaxed); }
  void end_own_work() { own_work_.fetch_sub(1, std::memory_order_relaxed); }

  // ---- the synchronization model (sync_model.hpp); each call takes the model lock ----
  // Happens-before edges for race reports, as `me` acquires or releases `object`, performs an atomic
  // operation or a fence, creates or joins a thread. Nothing is recorded for a thread the watchdog
  // released (it runs alongside the others, unordered) or once the run ended.
  void acquired(const managed_thread& me, std::uintptr_t object);
  void released(const managed_thread& me, std::uintptr_t object);
  void atomic_done(const managed_thread& me, std::uintptr_t location, happens_before::atomic_access access,
                   int memory_order);
  void fence_done(const managed_thread& me, int memory_order);
  void thread_created(const managed_thread& parent, const managed_thread& child);
  void thread_joined(const managed_thread& joiner, const managed_thread& joined);

  // Mutexes, for blocking, deadlock reports and error-checking mutexes. `me` locked `mutex` (and
  // acquired it); unlocked it once (and released it; when that freed it, its waiters become runnable).
  void mutex_locked(const managed_thread& me, std::uintptr_t mutex);
  void mutex_unlocked(const managed_thread& me, std::uintptr_t mutex);
  [[nodiscard]] std::optional<sync_model::holder> mutex_holder(std::uintptr_t mutex);
  // A condition wait hands its mutex over whatever its depth (returned), and takes the depth back once
  // it relocked it.
  [[nodiscard]] unsigned mutex_handed_over(const managed_thread& me, std::uintptr_t mutex);
  void mutex_depth_restored(std::uintptr_t mutex, unsigned depth);
  // `me` arrived at a barrier of `count` threads; true for the last, which wakes the others.
  [[nodiscard]] bool barrier_arrived(const managed_thread& me, std::uintptr_t barrier, unsigned count);

  // An instrumented plain or atomic access by `me`, which holds the baton, from code address `pc`.
  // Returns true when it showed a data race at code not seen racing before (see racy_sites).
  bool record_access(const managed_thread& me, std::uintptr_t address, std::size_t size, bool write,
                     bool atomic, std::uintptr_t pc);
  // Code addresses of the run's racy accesses so far.
  [[nodiscard]] std::unordered_set<std::uintptr_t> racy_sites();
  // The heap checker (heap_checker.hpp) caught `me` misusing the heap: the run ends with
  // use_after_free or double_free, the misuse's stacks taken from the run's stack depot. Returns only
  // for thread 0, as fail() does.
  void misused_heap(managed_thread& me, heap_misuse misuse);
  // [first, last] was freed by `me`: the race detector forgets what it held.
  void forget_memory(const managed_thread& me, std::uintptr_t first, std::uintptr_t last);
  // Every change of a thread's state goes through here, with the model locked (or before the thread
  // runs): it keeps the sets each scheduling point reads.
  void set_state(managed_thread& thread, thread_state state);

  // Instrumented code entered a function from `call_site`, or returned: `me`'s shadow call stack.
  void entered_function(managed_thread& me, std::uintptr_t call_site);
  void left_function(managed_thread& me);

 private:
  friend void* run_test_thread(void*);
  friend void* watch_for_the_caller(void*);
  // Before thread 0 starts: the run's first records, on the thread that will watch it.
  managed_thread& prepare(const std::function<void()>& test);
  void end_run(run_end_kind kind, std::string message, std::vector<int> tids);
  [[nodiscard]] managed_thread* choose_next(thread_id current);
  // Chooses who runs next and hands them the baton; `me` waits for it unless `me_waits` is false.
  void dispatch(managed_thread& me, bool me_waits);
  void resume_if_idle(thread_id current);
  // Fills candidates_ with the runnable threads, in thread id order.
  void gather_candidates();
  // Adds a time_out candidate to candidates_ for every thread in a timed wait or sleep that may be
  // woken by its deadline now (item 4 of docs/scheduler.md's model), keeping thread id order.
  void offer_early_time_outs();
  [[nodiscard]] bool waits_for_progress(const managed_thread& thread) const;
  // Virtual time jumps to the earliest deadline of a timed wait and wakes who reached it; false when
  // nobody waits for time.
  bool advance_time();
  void note_progress();
  void park(managed_thread& me);
  // Whether `me`'s synchronization is recorded: it is under control and the run goes on.
  [[nodiscard]] bool records(const managed_thread& me) const;
  std::size_t wake_locked(std::uintptr_t object, std::size_t count);
  // Threads whose virtual deadline has come stop waiting. `early` when time jumped because a strategy
  // woke a waiter early: whoever that jump wakes counts as woken early too, or two pollers could take
  // turns waking each other by jumping time, and never let another thread run.
  void time_out_reached_deadlines(bool early);
  bool block_locked(managed_thread& me, operation on, std::optional<std::int64_t> deadline_ns,
                    deadline_kind kind = deadline_kind::may_come_early);
  // Every thread is blocked, some on futexes, which a thread outside the run may still wake (a pool
  // made before the run fulfilling a future). Instead of a deadlock at once, the watchdog watches those
  // words for one watchdog period: a word that changes wakes its waiter (the run is then uncontrolled).
  [[nodiscard]] bool begin_futex_stall();
  [[nodiscard]] bool wake_futex_waiters_whose_word_changed();
  void end_in_deadlock();
  void hand_baton_to(managed_thread& next);
  void pass_baton_to(managed_thread& next);  // hand_baton_to without naming it running_
  void wait_for_baton(managed_thread& me);
  [[nodiscard]] std::string describe_blocked() const;
  void watch(std::chrono::steady_clock::time_point started);

  strategy& chooser_;
  const run_limits limits_;
  std::deque<managed_thread> threads_;  // stable addresses; index = thread id
  thread_set runnable_;                 // threads whose state is runnable
  thread_set timed_waiters_;            // blocked threads with a deadline
  std::vector<candidate> candidates_;   // the last point's, kept to spare an allocation per point
  std::size_t steps_ = 0;
  // Steps that made progress (makes_progress), and the step count at the last one: a yielder waits
  // for the first, a livelock report says how long the second has stood still.
  std::uint64_t progress_made_ = 0;
  std::size_t step_of_last_progress_ = 0;
  // Progress made by threads not woken early since their last timed wait: what lets a timed waiter
  // wake early (offer_early_time_outs).
  std::uint64_t progress_of_punctual_threads_ = 0;
  std::uint64_t yields_ = 0;  // yields so far: yield_turn
  std::uint64_t wake_counter_ = 0;
  std::int64_t now_ns_ = 0;
  bool uncontrolled_ = false;
  bool futex_used_ = false;  // under model_lock_
  const std::function<void()>* test_ = nullptr;

  sync_model model_;                      // under model_lock_, like the thread states it must agree with
  std::atomic<bool> futex_stall_{false};  // set and cleared under model_lock_
  std::vector<std::pair<thread_id, std::uint32_t>> stall_words_;  // each stalled waiter's word then

  std::atomic<bool> test_thread_returned_{false};
  std::atomic<std::uint32_t> ended_{0};     // 1 once the run has an outcome; the controller waits on it
  std::atomic<std::uint64_t> progress_{0};  // bumped at every point, read by the watchdog
  std::atomic<std::uint32_t> own_work_{0};  // > 0 while the baton's holder does weft's own work
  std::atomic<int> controller_tid_{0};
  std::atomic<managed_thread*> running_{nullptr};
  std::atomic<std::uint32_t> model_lock_{0};  // held while the model changes: managed threads vs watchdog
  run_outcome outcome_;
};

// The run the caller's managed thread belongs to; nullptr outside controlled runs.
[[nodiscard]] run* current_run();

}  // namespace weft::sched
