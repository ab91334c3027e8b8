// How the tests of a buggy program and its correct twin judge them (tests/futex, tests/sched's model
// shapes): a correct one passes 500 schedules of every strategy with no run left to the watchdog; a
// buggy one is found by portfolio within a measured budget and then replays to the same failure.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <weft/sched.hpp>

namespace weft_test {

inline void passes_every_strategy(const std::function<void()>& program) {
  for (const char* strategy : {"random", "pct", "pos", "dfs", "portfolio"}) {
    weft::explore_options options = weft::explore_options()
                                        .strategy(strategy)
                                        .iterations(500)
                                        .time_budget(std::chrono::minutes(30))
                                        .quiet();
    if (std::string(strategy) == "dfs") options.preemption_bound(2);
    const weft::explore_result result = weft::explore(program, options);
    EXPECT_FALSE(result.failed()) << strategy << ":\n" << result.report;
    EXPECT_FALSE(result.uncontrolled) << strategy << ": a run needed the watchdog";
  }
}

// The futex tests give portfolio 200 schedules. Schedules-to-bug over seeds 1-20 (WEFT_SEED=<n>, the
// count recorded below), GCC 12 RelWithDebInfo: future 1-4, latch 1, barrier 1, semaphore 1-5,
// atomic wait 1-5, abseil Notification 1-4, abseil Mutex check-then-act 1-33.
inline void found_and_replayed(const std::function<void()>& program, weft::explore_result::failure kind,
                               std::size_t budget) {
  const weft::explore_result found = weft::explore(program, weft::explore_options()
                                                                .strategy("portfolio")
                                                                .iterations(budget)
                                                                .time_budget(std::chrono::minutes(30))
                                                                .quiet());
  ASSERT_EQ(found.kind, kind) << "after " << found.schedules << " schedules\n" << found.report;
  // Read by whoever measures the budgets: WEFT_SEED=<n> and --gtest_output=xml.
  testing::Test::RecordProperty("schedules", static_cast<int>(found.schedules));
  EXPECT_FALSE(found.uncontrolled);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const weft::explore_result again = weft::replay(found.replay, program, weft::explore_options().quiet());
    EXPECT_EQ(again.kind, kind) << again.report;
    EXPECT_FALSE(again.diverged) << again.divergence;
  }
}

}  // namespace weft_test
