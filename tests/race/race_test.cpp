// The six race programs of tests/race/programs.hpp, built with weft_instrument: every bug is found
// by pct or pos within a stated budget, as a failed check where it has a symptom and as a data race
// report naming both access sites; every failure replays 10/10; every twin passes every schedule with
// no race report.
//
// Budgets: schedules-to-bug were measured with RaceBudgets.DISABLED_MeasureSchedulesTo* (run them
// with --gtest_also_run_disabled_tests) as the median and worst over seeds 1-20; each budget is
// several times the worst seed's count, so that the fixed seed of each test is not a lucky one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <regex>
#include <string>
#include <vector>
#include <weft/sched.hpp>

#include "race/programs.hpp"
#include "support/failure_text.hpp"
#include "support/scoped_environment.hpp"

namespace {

using failure = weft::explore_result::failure;
using testing::HasSubstr;
namespace programs = weft_test::race;

constexpr std::uint64_t seed = 7;

// Schedules-to-bug, median/worst over seeds 1-20 in one process, GCC 12 RelWithDebInfo, measured with
// DISABLED_MeasureSchedulesToSymptom / ...ToRaceReport. "check": the failed weft::expect with race
// reports off; pct and pos skip the ordinary accesses at code not yet seen racing, which the first
// runs teach them. "race": the race report (ABA's is searched for without the check, see below).
constexpr std::size_t lost_update_budget = 200;        // check: pct 3/9, pos 3/21; race: pct 1/1, pos 1/1
constexpr std::size_t flag_before_data_budget = 200;   // race: pct 1/1, pos 1/1
constexpr std::size_t different_mutexes_budget = 200;  // check: pct 6/24, pos 5/28; race: pct 1/1, pos 1/1
constexpr std::size_t chase_lev_budget = 200;          // race: pct 2/14, pos 2/7
// POS needs the recycler's nine steps to run while the popper waits at its compare-exchange on the
// same top, and every step on top redraws the popper's priority: about 2^-9 per schedule.
constexpr std::size_t aba_stack_pct_budget = 1000;   // check: pct 11/70; race: pct 29/62
constexpr std::size_t aba_stack_pos_budget = 10000;  // check: pos 180/660
constexpr std::size_t message_after_promise_budget = 200;
constexpr std::size_t message_after_futex_wake_budget = 200;
constexpr std::size_t memcpy_snapshot_budget = 200;  // check: pct 5/29, pos 3/18; race: pct 1/1, pos 1/1
// Twins: enough schedules to cover each program's interleavings many times over.
constexpr std::size_t twin_runs = 500;

// The budget is the number of schedules, never the clock: a loaded machine must not cut a run short.
weft::explore_options with(const char* strategy, std::size_t runs) {
  return weft::explore_options()
      .strategy(strategy)
      .iterations(runs)
      .seed(seed)
      .time_budget(std::chrono::minutes(30))
      .quiet();
}

// The failure's first line, after the story explore tells first.
std::string first_line(const std::string& report) {
  const std::string failure_text = weft_test::without_story(report);
  return failure_text.substr(0, failure_text.find('\n'));
}

// Where the racing memory is (a stack or heap address) may differ from run to run; which accesses
// race may not.
std::string without_addresses(const std::string& line) {
  static const std::regex address("0x[0-9a-fA-F]+");
  return std::regex_replace(line, address, "0x...");
}

std::size_t occurrences(const std::string& text, const std::string& word) {
  std::size_t count = 0;
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + word.size())) {
    ++count;
  }
  return count;
}

void expect_replays_ten_times(const weft::explore_result& found, const std::function<void()>& program,
                              const weft::explore_options& options) {
  ASSERT_FALSE(found.replay.empty());
  const std::string expected = without_addresses(first_line(found.report));
  for (int i = 0; i < 10; ++i) {
    const weft::explore_result again = weft::replay(found.replay, program, options);
    ASSERT_FALSE(again.diverged) << "replay " << i << ": " << again.divergence << "\nof:\n" << found.report;
    EXPECT_EQ(again.kind, found.kind) << "replay " << i << ":\n" << again.report;
    EXPECT_EQ(without_addresses(first_line(again.report)), expected) << "replay " << i;
  }
}

// (a) The bug's symptom, with race reports off: a failed weft::expect within the budget.
void expect_check_fails(const std::function<void()>& program, const char* strategy, std::size_t budget) {
  const weft::explore_result found = weft::explore(program, with(strategy, budget).report_races(false));
  ASSERT_TRUE(found.failed()) << strategy << " did not find the bug in " << budget << " schedules";
  EXPECT_EQ(found.kind, failure::user_check) << found.report;
  EXPECT_FALSE(found.uncontrolled) << found.report;
  expect_replays_ten_times(found, program, weft::explore_options().quiet().report_races(false));
}

// (b) and (c): the race, reported with both access sites' stacks, within the budget, and replayed.
// When both sites are in one function, its name must appear in both stacks.
void expect_race_reported(const std::function<void()>& program, const char* strategy, std::size_t budget,
                          const std::string& one_site, const std::string& other_site) {
  const weft::explore_result found = weft::explore(program, with(strategy, budget));
  ASSERT_TRUE(found.failed()) << strategy << " found no race in " << budget << " schedules";
  EXPECT_EQ(found.kind, failure::race) << found.report;
  EXPECT_FALSE(found.uncontrolled) << found.report;
  EXPECT_THAT(first_line(found.report), HasSubstr("data race"));
  EXPECT_THAT(found.report, HasSubstr(one_site));
  EXPECT_THAT(found.report, HasSubstr(other_site));
  if (one_site == other_site) {
    EXPECT_GE(occurrences(found.report, one_site), 2u) << found.report;
  }
  EXPECT_THAT(found.report, HasSubstr("WEFT_REPLAY="));
  expect_replays_ten_times(found, program, weft::explore_options().quiet());
}

// (d) With race reports on (the default), no schedule fails in any way.
void expect_every_schedule_passes(const std::function<void()>& program, const char* strategy,
                                  std::size_t runs) {
  const weft::explore_result result = weft::explore(program, with(strategy, runs));
  EXPECT_FALSE(result.failed()) << strategy << ":\n" << result.report;
  EXPECT_FALSE(result.uncontrolled) << strategy;
  EXPECT_EQ(result.schedules, runs) << strategy;
}

// dfs over the whole space within its preemption bound: nothing fails and the space is covered.
void expect_dfs_covers_without_failure(const std::function<void()>& program, std::size_t max_runs) {
  const weft::explore_result result = weft::explore(program, with("dfs", max_runs).preemption_bound(2));
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_TRUE(result.space_covered) << "dfs ran " << result.schedules
                                    << " schedules without covering the space";
}

// ---- 1. lost update on a plain int ----

TEST(RaceLostUpdate, PctFindsTheLostIncrement) {
  expect_check_fails(programs::lost_update, "pct", lost_update_budget);
}

TEST(RaceLostUpdate, PosFindsTheLostIncrement) {
  expect_check_fails(programs::lost_update, "pos", lost_update_budget);
}

TEST(RaceLostUpdate, ReportsTheRaceInBothIncrements) {
  expect_race_reported(programs::lost_update, "pct", lost_update_budget, "bump_counter", "bump_counter");
}

TEST(RaceLostUpdate, LockedTwinPassesEverySchedule) {
  expect_every_schedule_passes(programs::lost_update_twin, "pct", twin_runs);
  expect_every_schedule_passes(programs::lost_update_twin, "pos", twin_runs);
  expect_dfs_covers_without_failure(programs::lost_update_twin, 5000);
}

// ---- 2. a plain flag before the data it guards ----

// races(report): the race no longer stops the exploration at its first run, so the failed check it
// leads to is found, and the race is listed once however many runs exhibit it.
TEST(RaceModes, ReportFindsTheLostIncrementAndListsTheRaceOnce) {
  const weft::explore_result found =
      weft::explore(programs::lost_update, with("pct", lost_update_budget).races(weft::race_mode::report));
  ASSERT_EQ(found.kind, failure::user_check) << found.report;
  EXPECT_THAT(first_line(found.report), HasSubstr("lost update: counter is 1"));
  EXPECT_GT(found.schedules, 1u) << "the check failed in the first run: the race did not have to be passed";
  ASSERT_EQ(found.races.size(), 1u) << testing::PrintToString(found.races);
  EXPECT_THAT(found.races[0], HasSubstr("data race"));
  EXPECT_EQ(occurrences(found.races[0], "bump_counter"), 2u) << found.races[0];
}

TEST(RaceModes, ReportListsRacesOfRunsThatPass) {
  const weft::explore_result found = weft::explore(
      programs::flag_before_data, with("pct", flag_before_data_budget).races(weft::race_mode::report));
  EXPECT_FALSE(found.failed()) << found.report;
  ASSERT_EQ(found.races.size(), 1u) << testing::PrintToString(found.races);
  EXPECT_THAT(found.races[0], HasSubstr("publish_message"));
  EXPECT_THAT(found.races[0], HasSubstr("read_message"));
}

TEST(RaceModes, OffListsNoRaceAndFailIsTheDefault) {
  const weft::explore_result off =
      weft::explore(programs::lost_update, with("pct", lost_update_budget).races(weft::race_mode::off));
  EXPECT_EQ(off.kind, failure::user_check) << off.report;
  EXPECT_TRUE(off.races.empty());
  EXPECT_THAT(off.report, testing::Not(HasSubstr("data race")));
  const weft::explore_result by_default =
      weft::explore(programs::lost_update, with("pct", lost_update_budget));
  EXPECT_EQ(by_default.kind, failure::race) << by_default.report;
  EXPECT_TRUE(by_default.races.empty());
  EXPECT_EQ(weft::explore_options().report_races(false).races(), weft::race_mode::off);
  EXPECT_EQ(weft::explore_options().report_races(true).races(), weft::race_mode::fail);
}

TEST(RaceModes, TheEnvironmentChoosesTheModeAndAMalformedOneIsRefused) {
  weft_test::scoped_environment races("WEFT_RACES", "report");
  const weft::explore_result found = weft::explore(programs::lost_update, with("pct", lost_update_budget));
  EXPECT_EQ(found.kind, failure::user_check) << found.report;
  EXPECT_EQ(found.races.size(), 1u);
  const weft_test::scoped_environment malformed("WEFT_RACES", "sometimes");
  try {
    (void)weft::explore(programs::lost_update, with("pct", 1));
    ADD_FAILURE() << "WEFT_RACES=sometimes was accepted";
  } catch (const weft::config_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("WEFT_RACES must be fail, report or off; got \"sometimes\""));
  }
}

TEST(RaceModes, AForkedRunListsItsRacesToo) {
  const weft::explore_result found = weft::explore(
      programs::flag_before_data, with("pct", 20).races(weft::race_mode::report).fork_each_run());
  EXPECT_FALSE(found.failed()) << found.report;
  EXPECT_EQ(found.schedules, 20u);
  ASSERT_EQ(found.races.size(), 1u) << testing::PrintToString(found.races);
  EXPECT_THAT(found.races[0], HasSubstr("publish_message"));
  EXPECT_THAT(found.races[0], HasSubstr("read_message"));
}

TEST(RaceFlagBeforeData, ReportsTheRaceBetweenPublisherAndReader) {
  expect_race_reported(programs::flag_before_data, "pct", flag_before_data_budget, "publish_message",
                       "read_message");
}

TEST(RaceFlagBeforeData, PosReportsTheRaceToo) {
  expect_race_reported(programs::flag_before_data, "pos", flag_before_data_budget, "publish_message",
                       "read_message");
}

TEST(RaceFlagBeforeData, HasNoSymptomUnderSequentialConsistency) {
  // Why this bug needs the race detector: with reports off, no interleaving fails its check.
  const weft::explore_result result =
      weft::explore(programs::flag_before_data, with("dfs", 5000).preemption_bound(2).report_races(false));
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_TRUE(result.space_covered);
}

TEST(RaceFlagBeforeData, ReleaseAcquireTwinPassesEverySchedule) {
  expect_every_schedule_passes(programs::flag_before_data_twin, "pct", twin_runs);
  expect_every_schedule_passes(programs::flag_before_data_twin, "pos", twin_runs);
  expect_dfs_covers_without_failure(programs::flag_before_data_twin, 5000);
}

// ---- 3. two mutexes for one balance ----

TEST(RaceDifferentMutexes, PctFindsTheWrongBalance) {
  expect_check_fails(programs::different_mutexes, "pct", different_mutexes_budget);
}

TEST(RaceDifferentMutexes, PosFindsTheWrongBalance) {
  expect_check_fails(programs::different_mutexes, "pos", different_mutexes_budget);
}

TEST(RaceDifferentMutexes, ReportsTheRaceBetweenDepositAndWithdraw) {
  expect_race_reported(programs::different_mutexes, "pct", different_mutexes_budget, "deposit", "withdraw");
}

TEST(RaceDifferentMutexes, OneMutexTwinPassesEverySchedule) {
  expect_every_schedule_passes(programs::different_mutexes_twin, "pct", twin_runs);
  expect_every_schedule_passes(programs::different_mutexes_twin, "pos", twin_runs);
  expect_dfs_covers_without_failure(programs::different_mutexes_twin, 5000);
}

// ---- 4. Chase-Lev deque publishing its bottom with a relaxed store ----

TEST(RaceChaseLev, ReportsTheRaceBetweenPushAndSteal) {
  expect_race_reported(programs::chase_lev_relaxed_publish, "pct", chase_lev_budget, "::push", "::steal");
}

TEST(RaceChaseLev, PosReportsTheRaceToo) {
  expect_race_reported(programs::chase_lev_relaxed_publish, "pos", chase_lev_budget, "::push", "::steal");
}

TEST(RaceChaseLev, HasNoSymptomUnderSequentialConsistency) {
  const weft::explore_result result =
      weft::explore(programs::chase_lev_relaxed_publish, with("pct", twin_runs).report_races(false));
  EXPECT_FALSE(result.failed()) << result.report;
}

TEST(RaceChaseLev, ReleasePublishTwinPassesEverySchedule) {
  expect_every_schedule_passes(programs::chase_lev_twin, "pct", twin_runs);
  expect_every_schedule_passes(programs::chase_lev_twin, "pos", twin_runs);
}

// ---- 5. ABA on a lock-free stack ----

TEST(RaceAbaStack, PctFindsTheNodeWithTwoOwners) {
  expect_check_fails(programs::aba_stack, "pct", aba_stack_pct_budget);
}

TEST(RaceAbaStack, PosFindsTheNodeWithTwoOwners) {
  expect_check_fails(programs::aba_stack, "pos", aba_stack_pos_budget);
}

TEST(RaceAbaStack, ReportsTheRaceOnTheDoublyOwnedNode) {
  // Some ABA schedules corrupt the stack with no racing access (which node is reused decides it), and
  // whether pct meets one of those first depends on the compiler's code: the race is searched for on
  // its own.
  expect_race_reported(programs::aba_stack_unchecked, "pct", aba_stack_pct_budget, "reuse_node",
                       "consume_node");
}

TEST(RaceAbaStack, VersionedTwinPassesEverySchedule) {
  expect_every_schedule_passes(programs::aba_stack_twin, "pct", twin_runs);
  expect_every_schedule_passes(programs::aba_stack_twin, "pos", twin_runs);
}

// ---- 6. memcpy against += ----

TEST(RaceMemcpySnapshot, PctFindsTheTornSnapshot) {
  expect_check_fails(programs::memcpy_snapshot, "pct", memcpy_snapshot_budget);
}

TEST(RaceMemcpySnapshot, PosFindsTheTornSnapshot) {
  expect_check_fails(programs::memcpy_snapshot, "pos", memcpy_snapshot_budget);
}

TEST(RaceMemcpySnapshot, ReportsTheRaceBetweenRecordAndSnapshot) {
  expect_race_reported(programs::memcpy_snapshot, "pct", memcpy_snapshot_budget, "record_hit",
                       "take_snapshot");
}

TEST(RaceMemcpySnapshot, LockedTwinPassesEverySchedule) {
  expect_every_schedule_passes(programs::memcpy_snapshot_twin, "pct", twin_runs);
  expect_every_schedule_passes(programs::memcpy_snapshot_twin, "pos", twin_runs);
  expect_dfs_covers_without_failure(programs::memcpy_snapshot_twin, 5000);
}

// ---- the measurement behind the budgets ----

// ---- 7. a message handed over with a std::future ----

TEST(RaceMessageAfterPromise, ReportsTheRaceBetweenWriterAndReader) {
  expect_race_reported(programs::message_after_promise, "pct", message_after_promise_budget,
                       "write_after_promise", "read_after_future");
}

TEST(RaceMessageAfterPromise, MessageFirstTwinPassesEverySchedule) {
  // Among these schedules are those where the reader sleeps in the futex before the promise is kept.
  expect_every_schedule_passes(programs::message_after_promise_twin, "pct", twin_runs);
  expect_every_schedule_passes(programs::message_after_promise_twin, "pos", twin_runs);
  expect_dfs_covers_without_failure(programs::message_after_promise_twin, 5000);
}

// ---- 8. a message handed over with a raw futex: the wake -> wait edge alone orders it ----

TEST(RaceMessageAfterFutexWake, ReportsTheRaceBetweenWriterAndReader) {
  expect_race_reported(programs::message_after_futex_wake, "pct", message_after_futex_wake_budget,
                       "write_after_wake", "read_after_wait");
}

TEST(RaceMessageAfterFutexWake, MessageBeforeTheWakeTwinPassesEverySchedule) {
  expect_every_schedule_passes(programs::message_after_futex_wake_twin, "pct", twin_runs);
  expect_every_schedule_passes(programs::message_after_futex_wake_twin, "pos", twin_runs);
  expect_dfs_covers_without_failure(programs::message_after_futex_wake_twin, 5000);
}

struct measured_program {
  const char* name;
  std::function<void()> program;
  bool has_symptom;
};

std::string median_and_worst(std::vector<std::size_t> found, int seeds) {
  if (found.empty()) return "never";
  std::sort(found.begin(), found.end());
  std::string text = std::to_string(found[found.size() / 2]) + "/" + std::to_string(found.back());
  if (static_cast<int>(found.size()) < seeds) {
    text +=
        " (" + std::to_string(seeds - static_cast<int>(found.size())) + " seeds failed otherwise or never)";
  }
  return text;
}

// Prints, per program and strategy, the median and worst schedules-to-bug over seeds 1-20.
void measure_schedules_to_bug(bool races) {
  constexpr int seeds = 20;
  constexpr std::size_t limit = 20'000;
  const measured_program measured[] = {
      {"lost_update", programs::lost_update, true},
      {"flag_before_data", programs::flag_before_data, false},
      {"different_mutexes", programs::different_mutexes, true},
      {"chase_lev", programs::chase_lev_relaxed_publish, false},
      {"aba_stack", programs::aba_stack, true},
      {"memcpy_snapshot", programs::memcpy_snapshot, true},
  };
  const failure expected = races ? failure::race : failure::user_check;
  for (const measured_program& m : measured) {
    if (!races && !m.has_symptom) continue;
    for (const char* strategy : {"pct", "pos"}) {
      std::vector<std::size_t> found;
      for (int s = 1; s <= seeds; ++s) {
        const weft::explore_result r = weft::explore(
            m.program,
            weft::explore_options().strategy(strategy).iterations(limit).seed(s).quiet().report_races(races));
        if (r.kind == expected) {
          found.push_back(r.schedules);
        } else if (r.failed()) {
          std::printf("%s seed %d: unexpected failure: %s\n", m.name, s, first_line(r.report).c_str());
        }
      }
      std::printf("%-18s %-5s %-4s median/worst %s\n", m.name, races ? "race" : "check", strategy,
                  median_and_worst(found, seeds).c_str());
    }
  }
}

TEST(RaceBudgets, DISABLED_MeasureSchedulesToSymptom) {
  measure_schedules_to_bug(false);
}

TEST(RaceBudgets, DISABLED_MeasureSchedulesToRaceReport) {
  measure_schedules_to_bug(true);
}

}  // namespace
