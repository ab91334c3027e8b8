// Races with no weft call in them, found through the hooks -fsanitize=thread compiles in: every bug
// is found within a stated budget and replays identically; every correct twin passes every schedule.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <weft/sched.hpp>

#include "instrument/programs.hpp"
#include "support/failure_text.hpp"

namespace {

using failure = weft::explore_result::failure;
namespace programs = weft_test::instrumented;

weft::explore_options with(const char* strategy, std::size_t runs) {
  // The budget is the number of schedules, never the clock: a loaded machine must not cut it short.
  return weft::explore_options()
      .strategy(strategy)
      .iterations(runs)
      .seed(7)
      .time_budget(std::chrono::minutes(30))
      .quiet();
}

void expect_found_and_replayed(const std::function<void()>& program, const char* strategy,
                               std::size_t budget) {
  // The functional bug, not the data race every one of these schedules exhibits.
  const weft::explore_result found = weft::explore(program, with(strategy, budget).report_races(false));
  ASSERT_TRUE(found.failed()) << strategy << " did not find the bug in " << budget << " schedules";
  EXPECT_EQ(found.kind, failure::user_check) << found.report;
  EXPECT_FALSE(found.uncontrolled) << found.report;
  ASSERT_FALSE(found.replay.empty());
  const std::string failure_text = weft_test::without_story(found.report);
  const std::string first_line = failure_text.substr(0, failure_text.find('\n'));
  for (int i = 0; i < 10; ++i) {
    const weft::explore_result again =
        weft::replay(found.replay, program, weft::explore_options().quiet().report_races(false));
    ASSERT_FALSE(again.diverged) << "replay " << i << ": " << again.divergence;
    EXPECT_EQ(again.kind, failure::user_check) << "replay " << i << ":\n" << again.report;
    EXPECT_EQ(again.report.substr(0, again.report.find('\n')), first_line);
  }
}

void expect_every_schedule_passes(const std::function<void()>& program, const char* strategy,
                                  std::size_t runs) {
  const weft::explore_result result = weft::explore(program, with(strategy, runs));
  EXPECT_FALSE(result.failed()) << strategy << ":\n" << result.report;
  EXPECT_EQ(result.schedules, runs);
}

TEST(InstrumentedPlainAccesses, PctFindsLostUpdateOnPlainIntAndReplaysIt) {
  expect_found_and_replayed(programs::lost_update, "pct", 200);
}

TEST(InstrumentedPlainAccesses, PosFindsLostUpdateOnPlainIntAndReplaysIt) {
  expect_found_and_replayed(programs::lost_update, "pos", 200);
}

TEST(InstrumentedPlainAccesses, LockedIncrementPassesEverySchedule) {
  expect_every_schedule_passes(programs::lost_update_locked, "pct", 200);
  expect_every_schedule_passes(programs::lost_update_locked, "pos", 200);
}

TEST(InstrumentedPlainAccesses, DfsFindsNoLostUpdateUnderALock) {
  const weft::explore_result result =
      weft::explore(programs::lost_update_locked, with("dfs", 5000).preemption_bound(2));
  EXPECT_FALSE(result.failed()) << result.report;
}

TEST(InstrumentedAtomics, PctFindsCheckThenActOnStdAtomicAndReplaysIt) {
  expect_found_and_replayed(programs::check_then_act, "pct", 200);
}

TEST(InstrumentedAtomics, PosFindsCheckThenActOnStdAtomicAndReplaysIt) {
  expect_found_and_replayed(programs::check_then_act, "pos", 200);
}

TEST(InstrumentedAtomics, CompareExchangeClaimPassesEverySchedule) {
  expect_every_schedule_passes(programs::check_then_act_with_compare_exchange, "pct", 200);
  expect_every_schedule_passes(programs::check_then_act_with_compare_exchange, "pos", 200);
}

TEST(InstrumentedCode, RunsNormallyOutsideAControlledRun) {
  // weft::expect throws outside a run, so a wrong result would fail these calls.
  EXPECT_NO_THROW(programs::lost_update_locked());
  EXPECT_NO_THROW(programs::check_then_act_with_compare_exchange());
  EXPECT_EQ(programs::mixed_accesses(100), 100LL * 101);
}

TEST(InstrumentedCode, ComputesTheSameInsideAControlledRun) {
  long long sum = 0;
  const weft::explore_result result =
      weft::explore([&] { sum = programs::mixed_accesses(100); }, with("random", 5));
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_EQ(sum, 100LL * 101);
}

}  // namespace
