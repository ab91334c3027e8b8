// The controlled scheduler on bug programs with known answers: every bug is found within a stated
// budget and replays identically; every correct twin passes every schedule.
#include <gtest/gtest.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <weft/leaks.hpp>
#include <weft/options.hpp>
#include <weft/sched.hpp>

#include "support/bug_programs.hpp"
#include "support/failure_text.hpp"
#include "support/relabelled_schedule.hpp"
#include "support/scoped_environment.hpp"

namespace {

using namespace std::chrono_literals;
using failure = weft::explore_result::failure;

weft::explore_options with(const char* strategy, std::size_t runs) {
  // The budget is the number of schedules, never the clock: a loaded machine must not cut it short.
  return weft::explore_options()
      .strategy(strategy)
      .iterations(runs)
      .seed(7)
      .time_budget(std::chrono::minutes(30))
      .quiet();
}

void expect_found_and_replayed(const std::function<void()>& program, failure kind, const char* strategy,
                               std::size_t budget) {
  weft::explore_result found = weft::explore(program, with(strategy, budget));
  ASSERT_TRUE(found.failed()) << strategy << " did not find the bug in " << budget << " schedules";
  EXPECT_EQ(found.kind, kind) << found.report;
  EXPECT_FALSE(found.replay.empty());
  EXPECT_NE(found.report.find("WEFT_REPLAY=" + found.replay), std::string::npos) << found.report;
  const std::string failure_text = weft_test::without_story(found.report);
  const std::string first_line = failure_text.substr(0, failure_text.find('\n'));
  for (int i = 0; i < 10; ++i) {
    weft::explore_result again = weft::replay(found.replay, program, weft::explore_options().quiet());
    ASSERT_FALSE(again.diverged) << again.divergence;
    EXPECT_EQ(again.kind, kind) << "replay " << i << ":\n" << again.report;
    EXPECT_EQ(again.report.substr(0, again.report.find('\n')), first_line);
  }
}

void expect_every_schedule_passes(const std::function<void()>& program, const char* strategy,
                                  std::size_t runs) {
  weft::explore_result result = weft::explore(program, with(strategy, runs));
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_FALSE(result.uncontrolled);
}

TEST(LostUpdate, FoundByRandomAndReplayed) {
  expect_found_and_replayed(weft_test::lost_update, failure::user_check, "random", 200);
}
TEST(LostUpdate, FoundByPctAndReplayed) {
  expect_found_and_replayed(weft_test::lost_update, failure::user_check, "pct", 200);
}
TEST(LostUpdate, FoundByDfs) {
  expect_found_and_replayed(weft_test::lost_update, failure::user_check, "dfs", 200);
}
TEST(LostUpdate, FixedTwinPasses) {
  expect_every_schedule_passes(weft_test::lost_update_fixed, "random", 300);
}

TEST(CheckThenAct, FoundByRandomAndReplayed) {
  expect_found_and_replayed(weft_test::check_then_act, failure::user_check, "random", 200);
}
TEST(CheckThenAct, FoundByPct) {
  expect_found_and_replayed(weft_test::check_then_act, failure::user_check, "pct", 200);
}
TEST(CheckThenAct, FoundByDfs) {
  expect_found_and_replayed(weft_test::check_then_act, failure::user_check, "dfs", 200);
}
TEST(CheckThenAct, FixedTwinPasses) {
  expect_every_schedule_passes(weft_test::check_then_act_fixed, "random", 300);
}

TEST(UseBeforeInitialization, FoundByRandomAndPct) {
  expect_found_and_replayed(weft_test::use_before_initialization, failure::user_check, "random", 200);
  expect_found_and_replayed(weft_test::use_before_initialization, failure::user_check, "pct", 200);
}
TEST(UseBeforeInitialization, FixedTwinPasses) {
  expect_every_schedule_passes(weft_test::use_before_initialization_fixed, "random", 300);
}

TEST(AbbaDeadlock, FoundByRandomAndPctAndReported) {
  expect_found_and_replayed(weft_test::abba_deadlock, failure::deadlock, "random", 300);
  expect_found_and_replayed(weft_test::abba_deadlock, failure::deadlock, "pct", 300);
  weft::explore_result found = weft::explore(weft_test::abba_deadlock, with("random", 300));
  EXPECT_NE(found.report.find("weft: deadlock after"), std::string::npos) << found.report;
  EXPECT_NE(found.report.find("waits in mutex_lock"), std::string::npos) << found.report;
}
TEST(AbbaDeadlock, FoundByDfs) {
  expect_found_and_replayed(weft_test::abba_deadlock, failure::deadlock, "dfs", 500);
}
TEST(AbbaDeadlock, FixedTwinPasses) {
  expect_every_schedule_passes(weft_test::abba_deadlock_fixed, "random", 300);
}

TEST(LostWakeup, FoundByRandomAndPct) {
  expect_found_and_replayed(weft_test::lost_wakeup, failure::deadlock, "random", 200);
  expect_found_and_replayed(weft_test::lost_wakeup, failure::deadlock, "pct", 200);
}
TEST(LostWakeup, FixedTwinPasses) {
  expect_every_schedule_passes(weft_test::lost_wakeup_fixed, "random", 300);
}

TEST(BoundedBuffer, IfInsteadOfWhileFoundByRandomAndPct) {
  expect_found_and_replayed(weft_test::bounded_buffer_with_if, failure::user_check, "random", 1000);
  expect_found_and_replayed(weft_test::bounded_buffer_with_if, failure::user_check, "pct", 1000);
}
TEST(BoundedBuffer, WhileTwinPasses) {
  expect_every_schedule_passes(weft_test::bounded_buffer_with_while, "random", 300);
}

TEST(DepthThree, FoundByPctAndRandom) {
  expect_found_and_replayed(weft_test::needs_three_ordered_preemptions, failure::user_check, "pct", 2000);
  expect_found_and_replayed(weft_test::needs_three_ordered_preemptions, failure::user_check, "random", 2000);
}
TEST(DepthThree, FixedTwinPasses) {
  expect_every_schedule_passes(weft_test::needs_three_ordered_preemptions_fixed, "random", 100);
}

TEST(Dfs, CoversTheSpaceOfCorrectTwins) {
  for (auto* program : {weft_test::lost_update_fixed, weft_test::check_then_act_fixed,
                        weft_test::abba_deadlock_fixed, weft_test::lost_wakeup_fixed}) {
    weft::explore_result result = weft::explore(program, with("dfs", 100'000));
    EXPECT_FALSE(result.failed()) << result.report;
    EXPECT_TRUE(result.space_covered) << "after " << result.schedules << " schedules";
  }
}

// Reads the clock under a lock from any thread of a run: virtual time must never move backwards, even
// when a sleeper is woken early and time jumps to its deadline.
class clock_reader {
 public:
  void read() {
    std::lock_guard guard(lock_);
    const auto now = std::chrono::steady_clock::now();
    weft::expect(now >= last_, "virtual time moved backwards");
    last_ = now;
  }

 private:
  std::mutex lock_;
  std::chrono::steady_clock::time_point last_{};
};

// A 10 s wait beside a thread that keeps making progress, so that any strategy may end the wait at
// any of its points: what the waiter sees is 10 s of virtual time, whenever it is chosen.
void ten_seconds_beside_a_busy_thread(const std::function<void()>& wait_ten_seconds) {
  clock_reader clock;
  std::thread waiter([&] {
    const auto before = std::chrono::steady_clock::now();
    wait_ten_seconds();
    weft::expect(std::chrono::steady_clock::now() - before >= 10s,
                 "the wait ended before 10 virtual seconds");
    clock.read();
  });
  std::thread busy([&] {
    for (int step = 0; step < 3; ++step) clock.read();
  });
  clock.read();
  waiter.join();
  busy.join();
}

// 5 strategies x 40 schedules x 10 s: in real time the test would outlast its timeout many times
// over, so passing shows the waits take no real time, with no timing asserted.
void every_strategy_ten_virtual_seconds(const std::function<void()>& wait_ten_seconds) {
  for (const char* strategy : {"random", "pct", "pos", "dfs", "portfolio"}) {
    weft::explore_result result =
        weft::explore([&] { ten_seconds_beside_a_busy_thread(wait_ten_seconds); }, with(strategy, 40));
    EXPECT_FALSE(result.failed()) << strategy << ":\n" << result.report;
    EXPECT_FALSE(result.uncontrolled) << strategy;
  }
}

TEST(VirtualTime, TenSecondSleepFinishesInstantly) {
  every_strategy_ten_virtual_seconds([] { std::this_thread::sleep_for(10s); });
}

// std::chrono's time_point::max() reaches the timed calls as a deadline past any run: no strategy may
// end such a wait early (it would in no real run), and it waits for its wake. The lock is taken with
// pthread_mutex_timedlock directly: libstdc++ built by clang converts a steady_clock deadline to the
// system clock, which overflows for time_point::max() before weft sees it.
TEST(VirtualTime, DeadlinesAtTheEndOfTimeWaitForTheirWake) {
  for (const char* strategy : {"random", "pct", "dfs"}) {
    const weft::explore_result result = weft::explore(
        [] {
          std::mutex mutex;
          std::condition_variable changed;
          pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
          bool ready = false;
          pthread_mutex_lock(&held);
          std::thread waiter([&] {
            std::unique_lock lock(mutex);
            weft::expect(
                changed.wait_until(lock, std::chrono::system_clock::time_point::max(), [&] { return ready; }),
                "a condition wait until the end of time timed out");
            lock.unlock();
            const timespec end_of_time{std::numeric_limits<std::time_t>::max(), 999'999'999};
            weft::expect(pthread_mutex_timedlock(&held, &end_of_time) == 0,
                         "a lock attempt until the end of time timed out");
            pthread_mutex_unlock(&held);
          });
          {
            std::lock_guard lock(mutex);
            ready = true;
          }
          changed.notify_one();
          pthread_mutex_unlock(&held);
          waiter.join();
        },
        with(strategy, 200));
    EXPECT_FALSE(result.failed()) << strategy << ":\n" << result.report;
  }
}

// Two pollers, each woken early in turn, must not keep the test's thread from its turns: a poller may
// wake early only after a thread that was not woken early made progress. Counting any progress, pct
// with both pollers on top let them wake each other forever, a livelock on a correct program.
TEST(VirtualTime, PollersWakingEarlyLeaveTheOthersTheirTurns) {
  for (const char* strategy : {"random", "pct", "pos", "portfolio"}) {
    const weft::explore_result result = weft::explore(
        [] {
          std::atomic<bool> stop{false};  // std::atomic: no scheduling point
          auto poll = [&] {
            while (!stop.load()) std::this_thread::sleep_for(1ms);
          };
          std::thread first(poll), second(poll);
          std::mutex mutex;
          int total = 0;
          for (int i = 0; i < 200; ++i) {
            std::lock_guard lock(mutex);
            ++total;
          }
          stop.store(true);
          first.join();
          second.join();
          weft::expect(total == 200, "lost an increment");
        },
        with(strategy, 200).max_steps(20'000));
    EXPECT_FALSE(result.failed()) << strategy << ":\n" << result.report;
    EXPECT_FALSE(result.uncontrolled) << strategy;
  }
}

TEST(VirtualTime, TimedWaitTimesOutInVirtualTime) {
  every_strategy_ten_virtual_seconds([] {
    std::mutex mutex;
    std::condition_variable never;
    std::unique_lock lock(mutex);
    const bool woken = never.wait_for(lock, 10s, [] { return false; });
    weft::expect(!woken, "nobody signalled");
  });
}

TEST(Watchdog, UninstrumentedSpinLoopIsUncontrolledNotHung) {
  weft::explore_result result = weft::explore(
      [] {
        std::atomic<bool> go{false};  // std::atomic: no scheduling point
        std::thread spinner([&] {
          while (!go.load()) {
          }
        });
        // The sleep blocks the test's thread, so the spinner must run, and never reaches a point.
        std::this_thread::sleep_for(1ms);
        go.store(true);
        spinner.join();
      },
      with("random", 5).watchdog(100ms));
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_TRUE(result.uncontrolled);
}

// A thread the watchdog released takes a mutex alongside controlled ones: both sides change the model
// (who holds it, who waits) under the model lock, and mutual exclusion holds.
TEST(Watchdog, AReleasedThreadSharesAMutexWithControlledOnes) {
  weft::explore_result result = weft::explore(
      [] {
        std::atomic<bool> go{false};  // std::atomic: no scheduling point
        std::mutex mutex;
        long total = 0;
        auto add = [&] {
          for (int i = 0; i < 2'000; ++i) {
            std::lock_guard lock(mutex);
            ++total;
          }
        };
        std::thread released([&] {
          while (!go.load()) {
          }
          add();
        });
        std::this_thread::sleep_for(1ms);
        go.store(true);
        add();
        released.join();
        weft::expect(total == 4'000, "an update was lost: " + std::to_string(total));
      },
      with("random", 5).watchdog(100ms));
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_TRUE(result.uncontrolled);
}

TEST(Replay, MalformedScheduleIsAClearError) {
  try {
    (void)weft::replay("not-a-schedule", [] {});
    FAIL() << "a malformed schedule was accepted";
  } catch (const weft::config_error& error) {
    EXPECT_NE(std::string(error.what()).find("not a weft schedule"), std::string::npos) << error.what();
  }
}

TEST(Replay, DivergenceIsReportedInsteadOfAVerdict) {
  weft::explore_result found = weft::explore(weft_test::lost_update, with("random", 200));
  ASSERT_TRUE(found.failed());
  weft::explore_result other =
      weft::replay(found.replay, weft_test::bounded_buffer_with_while, weft::explore_options().quiet());
  EXPECT_TRUE(other.diverged);
  EXPECT_FALSE(other.failed());
}

TEST(Environment, UnknownStrategyIsRefusedWithTheChoices) {
  const weft_test::scoped_environment strategy("WEFT_STRATEGY", "pcts");
  try {
    (void)weft::explore([] {}, weft::explore_options().quiet());
    FAIL() << "WEFT_STRATEGY=pcts was accepted";
  } catch (const weft::config_error& error) {
    EXPECT_NE(
        std::string(error.what()).find("random, pct, pos, dfs, bytes, surw, rff, portfolio; got \"pcts\""),
        std::string::npos)
        << error.what();
  }
}

TEST(Environment, WeftReplayReplaysThatScheduleOnly) {
  weft::explore_result found = weft::explore(weft_test::lost_update, with("random", 200));
  ASSERT_TRUE(found.failed());
  const weft_test::scoped_environment replay("WEFT_REPLAY", found.replay.c_str());
  weft::explore_result replayed = weft::explore(weft_test::lost_update, with("random", 200));
  EXPECT_EQ(replayed.schedules, 1u);
  EXPECT_EQ(replayed.kind, failure::user_check);
}

TEST(Environment, FromEnvironmentAppliesTheVariablesThatAreSet) {
  const weft_test::scoped_environment seed("WEFT_SEED", "99");
  const weft_test::scoped_environment strategy("WEFT_STRATEGY", "pos");
  const weft_test::scoped_environment iterations("WEFT_ITERATIONS", nullptr);
  const weft_test::scoped_environment races("WEFT_RACES", "report");
  const weft_test::scoped_environment replay("WEFT_REPLAY", nullptr);
  const weft::explore_options read = weft::explore_options().iterations(5).seed(1).from_environment();
  EXPECT_EQ(read.seed(), 99u);
  EXPECT_EQ(read.strategy(), "pos");
  EXPECT_EQ(read.iterations(), 5u);
  EXPECT_EQ(read.races(), weft::race_mode::report);
  EXPECT_EQ(read.replay_schedule(), "");
}

TEST(Environment, FromEnvironmentTakesWeftReplayAsTheScheduleToReplay) {
  weft::explore_result found = weft::explore(weft_test::lost_update, with("random", 200));
  ASSERT_TRUE(found.failed());
  const weft_test::scoped_environment replay("WEFT_REPLAY", found.replay.c_str());
  EXPECT_EQ(weft::explore_options().from_environment().replay_schedule(), found.replay);
}

TEST(Environment, ExploreToldNotToReadTheEnvironmentIgnoresIt) {
  const weft_test::scoped_environment strategy("WEFT_STRATEGY", "pcts");
  const weft_test::scoped_environment replay("WEFT_REPLAY", "not a schedule");
  const weft::explore_result result =
      weft::explore(weft_test::lost_update, with("random", 200).read_environment(false));
  // Read, either variable would have been refused with config_error.
  EXPECT_EQ(result.kind, failure::user_check);
}

TEST(Environment, AReplayScheduleOptionReplaysThatScheduleOnly) {
  weft::explore_result found = weft::explore(weft_test::lost_update, with("random", 200));
  ASSERT_TRUE(found.failed());
  const weft::explore_result replayed =
      weft::explore(weft_test::lost_update, with("random", 200).replay_schedule(found.replay));
  EXPECT_EQ(replayed.schedules, 1u);
  EXPECT_EQ(replayed.kind, failure::user_check);
}

TEST(Exceptions, ThrowingTestIsAFailure) {
  weft::explore_result result = weft::explore([] { throw std::runtime_error("boom"); }, with("random", 2));
  EXPECT_EQ(result.kind, failure::exception);
  EXPECT_NE(result.report.find("boom"), std::string::npos);
}

TEST(Leaks, ThreadBlockedForeverAtTheEndIsALeakOfTheRun) {
  weft::explore_result result = weft::explore(
      [] {
        static std::mutex mutex;
        static std::condition_variable never;
        std::thread([] {
          std::unique_lock lock(mutex);
          never.wait(lock, [] { return false; });
        }).detach();
      },
      with("random", 2));
  EXPECT_EQ(result.kind, failure::leak) << result.report;
}

// A leak check made inside a run (a gtest listener under `weft explore`) gives the run's other threads
// their turns, as its settle wait would without weft, and then checks as weft's own work: the thread
// about to exit is not reported, the one blocked for good is, and nothing hangs.
TEST(Leaks, ALeakCheckInsideARunReportsOnlyTheThreadBlockedForGood) {
  std::vector<std::size_t> reported;
  weft::explore_result result = weft::explore(
      [&] {
        const weft::options baseline = weft::options().ignore_current();
        std::thread([] { std::this_thread::sleep_for(5ms); }).detach();
        static std::mutex mutex;
        static std::condition_variable never;
        std::thread([] {
          std::unique_lock lock(mutex);
          never.wait(lock, [] { return false; });
        }).detach();
        reported.push_back(weft::find_leaks(baseline).thread_count());
      },
      with("random", 3).shrink(false));  // counts the runs: shrinking would run the test again
  EXPECT_EQ(result.kind, failure::leak) << result.report;
  EXPECT_FALSE(result.uncontrolled) << "the watchdog took the leak check for a stuck thread";
  EXPECT_EQ(reported, std::vector<std::size_t>{1});
}

// A check without a baseline in a test that runs in place of its caller: without weft the caller's
// thread makes the check and is never reported; in a run it waits in explore for the run's end (the
// main thread, under `weft explore` or a WEFT_EXPECT_SCHEDULES_OK), and is not reported either.
// Without a baseline it sees every thread of the process: it relies on ctest running each test alone.
TEST(Leaks, ALeakCheckInsideARunExpectsTheThreadThatStartedTheRun) {
  std::vector<std::size_t> reported;
  weft::explore_result result = weft::explore(
      [&] {
        std::thread([] {}).join();
        reported.push_back(weft::find_leaks().thread_count());
      },
      with("random", 3));
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_EQ(reported, std::vector<std::size_t>(3, 0));
}

}  // namespace

namespace {

TEST(CrashDeathTest, CrashInAThreadPrintsTheReplayLineBeforeDying) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        (void)weft::explore(
            [] {
              weft::atomic<int*> target{nullptr};
              // Dies (like a failed assert) unless the store ran first.
              std::thread writer([&] {
                if (target.load() == nullptr) std::abort();
              });
              static int cell = 0;
              target.store(&cell);
              writer.join();
            },
            weft::explore_options().strategy("random").iterations(200).quiet());
        std::abort();  // no crash found: die anyway, without the line, so the test fails
      },
      "during schedule [0-9]+\\. Reproduce: WEFT_REPLAY=w3\\.");
}

}  // namespace

namespace {

void abort_unless_published() {
  weft::atomic<int*> target{nullptr};
  std::thread writer([&] {
    if (target.load() == nullptr) std::abort();  // as a failed assert would
  });
  static int cell = 0;
  target.store(&cell);
  writer.join();
}

TEST(ForkEachRun, ReportsACrashWithItsReplayAndTheProcessGoesOn) {
  weft::explore_result result = weft::explore(abort_unless_published, with("random", 200).fork_each_run());
  ASSERT_EQ(result.kind, failure::crash) << result.report;
  EXPECT_EQ(result.replay.rfind("w3.", 0), 0u) << result.report;
  EXPECT_NE(result.report.find("Aborted"), std::string::npos) << result.report;
}

TEST(ForkEachRun, FindsOrdinaryFailuresAndTheirReplayWorksInProcess) {
  weft::explore_result found = weft::explore(weft_test::lost_update, with("random", 200).fork_each_run());
  ASSERT_EQ(found.kind, failure::user_check) << found.report;
  weft::explore_result again =
      weft::replay(found.replay, weft_test::lost_update, weft::explore_options().quiet());
  EXPECT_FALSE(again.diverged) << again.divergence;
  EXPECT_EQ(again.kind, failure::user_check);
}

TEST(ForkEachRun, StaysSilentOnTheFixedTwinAndRunsEverySchedule) {
  const weft::explore_result result =
      weft::explore(weft_test::lost_update_fixed, with("random", 50).fork_each_run());
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_EQ(result.schedules, 50u);
  EXPECT_FALSE(result.uncontrolled);
}

// glibc gives a thread its malloc arena at its first allocation, and a thread created after others
// gets a secondary one, mmapped far above the brk heap: a program that keeps pointers in 32-bit
// integers breaks there. A forked run keeps the test function on the thread that called explore.
TEST(ForkEachRun, RunsTheTestFunctionWithTheCallersMainMallocArena) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's allocator stands in for glibc's arenas and never uses the brk heap";
#endif
  void* probe = std::malloc(16);
  const bool caller_in_brk_heap =
      reinterpret_cast<std::uintptr_t>(probe) < reinterpret_cast<std::uintptr_t>(sbrk(0));
  std::free(probe);
  ASSERT_TRUE(caller_in_brk_heap) << "this test runs on the process's first thread";
  const auto allocates_in_the_brk_heap = [] {
    void* block = std::malloc(16);
    const bool in_brk_heap =
        reinterpret_cast<std::uintptr_t>(block) < reinterpret_cast<std::uintptr_t>(sbrk(0));
    std::free(block);
    int total = 0;
    std::mutex lock;
    std::thread other([&] {
      std::lock_guard hold(lock);
      ++total;
    });
    {
      std::lock_guard hold(lock);
      ++total;
    }
    other.join();
    weft::expect(in_brk_heap, "malloc(16) in the test function returned a block above the brk heap");
  };
  const weft::explore_result result =
      weft::explore(allocates_in_the_brk_heap, with("random", 20).fork_each_run());
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_EQ(result.schedules, 20u);
}

TEST(ForkEachRun, RefusesDfs) {
  EXPECT_THROW((void)weft::explore([] {}, with("dfs", 10).fork_each_run()), weft::config_error);
}

}  // namespace

namespace {

// The deadlock message counts the threads it then lists, one line each.
TEST(Deadlock, SaysHowManyThreadsAreBlockedAndListsThatMany) {
  weft::explore_result result = weft::explore(weft_test::abba_deadlock, with("random", 200));
  ASSERT_EQ(result.kind, failure::deadlock) << result.report;
  const std::string failure_text = weft_test::without_story(result.report);
  const std::string headline = failure_text.substr(0, failure_text.find("\n\n"));
  EXPECT_NE(headline.find("all 3 threads are blocked:"), std::string::npos) << headline;
  std::size_t listed = 0;
  for (std::size_t at = headline.find("\n  thread "); at != std::string::npos;
       at = headline.find("\n  thread ", at + 1)) {
    ++listed;
  }
  EXPECT_EQ(listed, 3u) << headline;
}

TEST(ForkEachRun, ReplayRunsInAChildAndReportsTheCrashAsExploreDid) {
  weft::explore_result found = weft::explore(abort_unless_published, with("random", 200).fork_each_run());
  ASSERT_EQ(found.kind, failure::crash) << found.report;
  // Without the fork the abort would end this test's process.
  weft::explore_result again =
      weft::replay(found.replay, abort_unless_published, weft::explore_options().fork_each_run().quiet());
  EXPECT_FALSE(again.diverged) << again.divergence;
  EXPECT_EQ(again.kind, failure::crash) << again.report;
  EXPECT_NE(again.report.find("weft: the run died of Aborted"), std::string::npos) << again.report;
  EXPECT_NE(again.report.find("Reproduce: WEFT_REPLAY=w3."), std::string::npos) << again.report;
}

TEST(ForkEachRun, ExploreWithWeftReplaySetForksTheReplayToo) {
  weft::explore_result found = weft::explore(abort_unless_published, with("random", 200).fork_each_run());
  ASSERT_EQ(found.kind, failure::crash) << found.report;
  weft::explore_result again = [&] {
    const weft_test::scoped_environment replay("WEFT_REPLAY", found.replay.c_str());
    return weft::explore(abort_unless_published, with("random", 200).fork_each_run());
  }();
  EXPECT_EQ(again.strategy, "replay");
  EXPECT_FALSE(again.diverged) << again.divergence;
  EXPECT_EQ(again.kind, failure::crash) << again.report;
}

TEST(Replay, SaysWhenTheRunEndsInAnotherKindOfFailureThanRecorded) {
  weft::explore_result found = weft::explore(weft_test::lost_update, with("random", 200));
  ASSERT_EQ(found.kind, failure::user_check) << found.report;
  // The same decisions, said to have ended in a deadlock: the replay must not call its check failure
  // a reproduction.
  weft::explore_result again = weft::replay(weft_test::relabelled(found.replay, "deadlock"),
                                            weft_test::lost_update, weft::explore_options().quiet());
  EXPECT_TRUE(again.diverged);
  EXPECT_EQ(again.kind, failure::user_check);
  EXPECT_NE(again.divergence.find(
                "the replay failed with check, but the schedule was recorded from a deadlock failure"),
            std::string::npos)
      << again.divergence;
  weft::explore_result same =
      weft::replay(found.replay, weft_test::lost_update, weft::explore_options().quiet());
  EXPECT_FALSE(same.diverged) << same.divergence;
}

using weft_test::long_lost_update;

TEST(LongRun, ItsReproduceLineNamesAFileThatReplaysIt) {
  // The file's name depends only on the schedule, so this test run elsewhere at the same time (another
  // build tree's ctest) would write and remove the same file in a shared temporary directory.
  char private_tmp[] = "/tmp/weft-longrun-XXXXXX";
  ASSERT_NE(::mkdtemp(private_tmp), nullptr);
  const weft_test::scoped_environment tmpdir("TMPDIR", private_tmp);
  const auto options = with("random", 20).max_steps(250'000);
  weft::explore_result found = weft::explore(long_lost_update, options);
  ASSERT_EQ(found.kind, failure::user_check) << found.report;
  // A random walk of about 200,000 choices: tens of KiB even compressed, too long for a line.
  EXPECT_GT(found.replay.size(), 300u);
  EXPECT_LT(found.replay.size(), 128u * 1024) << "past Linux's limit for one environment string";
  const std::string marker = "Reproduce: WEFT_REPLAY=";
  const std::size_t at = found.report.find(marker);
  ASSERT_NE(at, std::string::npos) << found.report;
  const std::string shown =
      found.report.substr(at + marker.size(), found.report.find('\n', at) - at - marker.size());
  ASSERT_EQ(shown.rfind("@", 0), 0u) << shown;
  EXPECT_LT(shown.size(), 200u) << shown;

  // As printed: WEFT_REPLAY=@FILE in the environment of the same test.
  weft::explore_result again = [&] {
    const weft_test::scoped_environment replay("WEFT_REPLAY", shown.c_str());
    return weft::explore(long_lost_update, options);
  }();
  EXPECT_EQ(again.strategy, "replay");
  EXPECT_FALSE(again.diverged) << again.divergence;
  EXPECT_EQ(again.kind, failure::user_check) << again.report;
  EXPECT_EQ(again.replay, found.replay);
  // And the string itself.
  weft::explore_result direct = weft::replay(found.replay, long_lost_update, options);
  EXPECT_FALSE(direct.diverged) << direct.divergence;
  EXPECT_EQ(direct.kind, failure::user_check) << direct.report;
  std::remove(shown.substr(1).c_str());
  ::rmdir(private_tmp);
}

TEST(LongRun, AReplayOfAMissingScheduleFileSaysWhichFile) {
  EXPECT_THROW(
      {
        try {
          (void)weft::replay(
              "@/no/such/weft.schedule", [] {}, weft::explore_options().quiet());
        } catch (const weft::config_error& error) {
          EXPECT_NE(std::string(error.what()).find("/no/such/weft.schedule"), std::string::npos)
              << error.what();
          throw;
        }
      },
      weft::config_error);
}

}  // namespace
