// Shapes of real bugs that the scheduler's model of a program decides whether weft can reach, each a
// buggy program beside its correct twin, in plain C++ that weft does not instrument:
// - a use right after an unlock (a point follows every releasing operation, so another thread may
//   run its whole critical section between the unlock and the code after it);
// - a sleeper that wakes early (a sleeping thread may be chosen to wake once another thread has made
//   progress; its virtual clock jumps to its deadline);
// - libstdc++'s futex-based std::stop_token/std::stop_callback, std::shared_future and
//   std::atomic_flag::wait.
// Budgets: the schedules portfolio needed to find each bug over seeds 1-20 (WEFT_SEED=<n>, the test's
// "schedules" property, GCC 12 RelWithDebInfo), stated beside each test.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

#include "support/twin_verdicts.hpp"

namespace {

using failure = weft::explore_result::failure;
using namespace std::chrono_literals;

// A log line under a lock between two steps of a thread: a scheduling point, where another may run.
void log_step(std::mutex& log) {
  std::lock_guard lock(log);
}

// One payload with two owners; each drops its reference when done, and the last one frees it. The
// free is counted instead of made, so that freeing twice fails the run rather than the test process.
struct shared_payload {
  std::mutex lock;
  int owners = 2;
  int frees = 0;

  void free_it() { weft::expect(++frees == 1, "the payload was freed twice"); }
};

// The buggy owner drops its reference under the lock but reads the count again after the unlock: when
// the other owner drops its own in between, both see zero and both free. Between the unlock and that
// read there is no call weft intercepts, so only a point after the unlock can reach the bug.
void drop_reading_the_count_after_unlock(shared_payload& payload) {
  {
    std::lock_guard lock(payload.lock);
    --payload.owners;
  }
  if (payload.owners == 0) payload.free_it();
}

// The correct owner decides under the lock and acts on its own copy of the decision.
void drop_deciding_under_the_lock(shared_payload& payload) {
  bool last = false;
  {
    std::lock_guard lock(payload.lock);
    last = --payload.owners == 0;
  }
  if (last) payload.free_it();
}

void unlock_then_use_program(bool decides_under_the_lock) {
  shared_payload payload;
  std::thread first([&] {
    if (decides_under_the_lock) {
      drop_deciding_under_the_lock(payload);
    } else {
      drop_reading_the_count_after_unlock(payload);
    }
  });
  // The other owner frees inside its critical section, right after the first owner's unlock.
  std::thread second([&] {
    std::lock_guard lock(payload.lock);
    if (--payload.owners == 0) payload.free_it();
  });
  first.join();
  second.join();
  weft::expect(payload.frees == 1, "the payload was never freed");
}

// Needs the point after an unlock: without it, neither dfs over its whole space (513 schedules, no
// preemption bound) nor 2,000 portfolio schedules reach the second free. With it, portfolio finds it
// in 1-12 schedules over seeds 1-20; the budget is 200.
TEST(UnlockThenUse, SecondFreeBetweenUnlockAndTheReadAfterItIsFound) {
  weft_test::found_and_replayed([] { unlock_then_use_program(false); }, failure::user_check, 200);
}

TEST(UnlockThenUse, DecidingUnderTheLockPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { unlock_then_use_program(true); });
}

// How a refresher waits its 500 us: a sleep, or a wait for a stop request (a condition variable's
// wait_for) that times out, as a periodic task's loop does.
enum class refresher_wait { sleep, timed_wait };

// A cache that a refresher empties 500 us after it starts: after its sleep, or when its wait for a
// stop request times out. The buggy reader fills the cache in one critical section and uses it in another, so
// the refresher may empty it in between: on a real machine the reader can be slower than 500 us. The correct
// reader fills and uses it in one.
void sleep_then_race_program(refresher_wait how, bool fills_and_uses_in_one_section) {
  std::mutex lock;
  std::condition_variable stop_requested;
  bool stopping = false;
  std::optional<int> cached;
  std::thread refresher([&] {
    if (how == refresher_wait::sleep) {
      std::this_thread::sleep_for(500us);
      std::lock_guard guard(lock);
      cached.reset();
      return;
    }
    std::unique_lock guard(lock);
    if (!stop_requested.wait_for(guard, 500us, [&] { return stopping; })) cached.reset();
  });
  std::thread reader([&] {
    if (fills_and_uses_in_one_section) {
      std::lock_guard guard(lock);
      cached = 42;
      weft::expect(cached.has_value(), "the cache was emptied between filling and using it");
      return;
    }
    {
      std::lock_guard guard(lock);
      cached = 42;
    }
    std::lock_guard guard(lock);
    weft::expect(cached.has_value(), "the cache was emptied between filling and using it");
  });
  reader.join();
  {
    std::lock_guard guard(lock);
    stopping = true;
  }
  stop_requested.notify_one();
  refresher.join();
}

// Needs a sleeper that may wake while the reader is between its sections: without that, the
// refresher wakes only once the reader has finished, and neither dfs over its whole space (533
// schedules, no preemption bound) nor 2,000 portfolio schedules find the bug. With it, portfolio finds
// it in 1-20 schedules over seeds 1-20; the budget is 200.
TEST(SleepThenRace, SleeperWakingBetweenFillAndUseIsFound) {
  weft_test::found_and_replayed([] { sleep_then_race_program(refresher_wait::sleep, false); },
                                failure::user_check, 200);
}

TEST(SleepThenRace, FillingAndUsingInOneSectionBesideASleeperPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { sleep_then_race_program(refresher_wait::sleep, true); });
}

// Needs a timed wait that may time out while the reader is between its sections: without that, it
// times out only when no other thread can run, which here is never before the stop request, and
// neither dfs over its whole space (6,616 schedules, no preemption bound) nor 2,000 portfolio
// schedules find the bug. With it, portfolio finds it in 1-12 schedules over seeds 1-20; the budget
// is 200.
TEST(SleepThenRace, TimedWaitEndingBetweenFillAndUseIsFound) {
  weft_test::found_and_replayed([] { sleep_then_race_program(refresher_wait::timed_wait, false); },
                                failure::user_check, 200);
}

TEST(SleepThenRace, FillingAndUsingInOneSectionBesideATimedWaitPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { sleep_then_race_program(refresher_wait::timed_wait, true); });
}

// A worker that, asked to stop, flushes its result. request_stop() runs the stop callbacks registered
// so far, here one that wakes the worker (std::atomic<bool>::wait, a futex), and returns: the flush
// itself happens later, on the worker's thread. The buggy caller reads the result right after
// request_stop(); the correct one joins the worker first. The worker's stop_callback destructor waits
// (a futex too) when the caller is still running the callback.
void stop_program(bool joins_first) {
  std::atomic<int> flushed{0};
  std::jthread worker([&](std::stop_token token) {
    std::atomic<bool> stopping{false};
    std::stop_callback wake(token, [&] {
      stopping.store(true);
      stopping.notify_one();
    });
    stopping.wait(false);
    flushed.store(1);
  });
  std::mutex log;
  log_step(log);
  worker.request_stop();
  if (joins_first) worker.join();
  weft::expect(flushed.load() == 1, "read the worker's result before it had stopped");
}

// Found in 1-2 schedules over seeds 1-20.
TEST(StopToken, ResultReadRightAfterRequestStopIsFound) {
  weft_test::found_and_replayed([] { stop_program(false); }, failure::user_check, 200);
}

TEST(StopToken, ResultReadAfterJoiningTheWorkerPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { stop_program(true); });
}

// Two readers share one future; each adds to its value a second value the producer writes through
// another path: before fulfilling the promise in the correct twin, after it in the buggy one.
void shared_future_program(bool written_first) {
  std::promise<int> promise;
  const std::shared_future<int> result = promise.get_future().share();
  std::atomic<int> extra{0};
  std::atomic<int> wrong{0};
  std::mutex log;
  auto read = [&] {
    if (result.get() + extra.load() != 42) wrong.fetch_add(1);
  };
  std::thread first(read), second(read);
  if (written_first) extra.store(2);
  promise.set_value(40);
  log_step(log);
  if (!written_first) extra.store(2);
  first.join();
  second.join();
  weft::expect(wrong.load() == 0, "a reader read the second value before it was written");
}

// Found in 1-3 schedules over seeds 1-20.
TEST(SharedFuture, ValueReadBeforeItWasWrittenIsFound) {
  weft_test::found_and_replayed([] { shared_future_program(false); }, failure::user_check, 200);
}

TEST(SharedFuture, ValueWrittenBeforeTheResultPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { shared_future_program(true); });
}

// A consumer that waits for an item on a doorbell, an std::atomic_flag. The buggy producer rings by
// notifying alone: a consumer that found no item and went to sleep before the item came wakes to find
// the flag unchanged and waits again, for good. The correct producer sets the flag, then notifies.
void doorbell_program(bool sets_the_flag) {
  std::atomic<bool> has_item{false};
  std::atomic_flag bell;
  std::thread consumer([&] {
    while (!has_item.load()) bell.wait(false);
  });
  std::thread producer([&] {
    has_item.store(true);
    if (sets_the_flag) bell.test_and_set();
    bell.notify_one();
  });
  producer.join();
  consumer.join();
}

// Found in 1-5 schedules over seeds 1-20. Each deadlock among futex waiters waits one watchdog
// period (1 s) for a wake from outside the run before it is reported, so this test takes about 11 s.
TEST(AtomicFlagWait, RingingWithoutSettingTheFlagIsALostWakeup) {
  weft_test::found_and_replayed([] { doorbell_program(false); }, failure::deadlock, 200);
}

TEST(AtomicFlagWait, SettingTheFlagBeforeNotifyingPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { doorbell_program(true); });
}

}  // namespace
