// Shrinking a failing schedule and telling it as a story: the reported schedule has the fewest
// preemptions that still fail the same way, replays that failure, and its story names the functions
// and lines where the preemptions fell. Shrinking never reports a pass or another failure, and ends
// within its budget.
#include "sched/shrink.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <weft/atomic.hpp>
#include <weft/sched.hpp>

#include "sched/story.hpp"

namespace {

using failure = weft::explore_result::failure;

weft::explore_options random_runs(std::uint64_t seed, std::size_t runs) {
  // The budget is the number of schedules, never the clock: a loaded machine must not cut it short.
  return weft::explore_options()
      .strategy("random")
      .seed(seed)
      .iterations(runs)
      .time_budget(std::chrono::minutes(10))
      .quiet();
}

constexpr int bump_load_line = __LINE__ + 2;
void bump(weft::atomic<int>& counter) {
  const int seen = counter.load();
  counter.store(seen + 1);
}

constexpr int bumper_created_line = __LINE__ + 2;
void start_bumper(std::vector<std::thread>& threads, weft::atomic<int>& counter) {
  threads.emplace_back([&counter] { bump(counter); });
}

// One lost update among threads that do unrelated locked work: a random schedule preempts
// everywhere, and one preemption (in bump, between the load and the store) is all the bug needs.
void lost_update_among_busy_threads() {
  weft::atomic<int> counter{0};
  std::mutex busy_lock;
  int busy_work = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 3; ++k) {
        std::lock_guard lock(busy_lock);
        ++busy_work;
      }
    });
  }
  start_bumper(threads, counter);
  start_bumper(threads, counter);
  for (std::thread& thread : threads) thread.join();
  weft::expect(counter.load() == 2, "an increment was lost");
}

// Every schedule fails: with the update lost (one preemption in bump at least) a check fails, without
// it the test throws. Taking the preemption out of a lost update's schedule fails, but otherwise.
void every_schedule_fails_one_way_or_another() {
  weft::atomic<int> counter{0};
  std::vector<std::thread> threads;
  start_bumper(threads, counter);
  start_bumper(threads, counter);
  for (std::thread& thread : threads) thread.join();
  weft::expect(counter.load() == 2, "an increment was lost");
  throw std::runtime_error("no increment was lost");
}

std::optional<std::size_t> number_after(const std::string& text, const std::string& pattern) {
  std::smatch found;
  if (!std::regex_search(text, found, std::regex(pattern))) return std::nullopt;
  return std::stoul(found[1]);
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

TEST(Shrink, ALostUpdateAmongBusyThreadsShrinksToOnePreemption) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const weft::explore_result result = weft::explore(lost_update_among_busy_threads, random_runs(seed, 500));
    ASSERT_TRUE(result.failed()) << "seed " << seed;
    EXPECT_EQ(result.kind, failure::user_check) << result.report;
    EXPECT_GT(number_after(result.report, "shrunk from ([0-9]+)").value_or(0), 1u) << result.report;
    EXPECT_EQ(result.preemptions, 1u) << "seed " << seed << ":\n" << result.report;
  }
}

TEST(Shrink, TheShrunkScheduleReplaysTheSameFailureTenTimesInTen) {
  const weft::explore_result result = weft::explore(lost_update_among_busy_threads, random_runs(3, 500));
  ASSERT_TRUE(result.failed());
  EXPECT_NE(result.report.find("Reproduce: WEFT_REPLAY=" + result.replay + "\n"), std::string::npos)
      << result.report;
  for (int i = 0; i < 10; ++i) {
    const weft::explore_result again =
        weft::replay(result.replay, lost_update_among_busy_threads, weft::explore_options().quiet());
    ASSERT_FALSE(again.diverged) << again.divergence;
    EXPECT_EQ(again.kind, failure::user_check) << again.report;
    EXPECT_EQ(first_line(again.report), "weft: check failed: an increment was lost");
  }
}

TEST(Shrink, TheStoryNamesThePreemptedFunctionAndLinesThenTheFailure) {
  const weft::explore_result result = weft::explore(lost_update_among_busy_threads, random_runs(3, 500));
  ASSERT_TRUE(result.failed());
  const std::string file = "shrink_test.cpp:";
  const std::string story_line = "  1. thread [0-9]+ \\(created at " + file +
                                 std::to_string(bumper_created_line) + "\\) ran `bump` at " + file +
                                 std::to_string(bump_load_line) + " between thread [0-9]+'s atomic_load at " +
                                 file + std::to_string(bump_load_line) + " and its atomic_store at " + file +
                                 std::to_string(bump_load_line + 1) + "\n";
  EXPECT_TRUE(
      std::regex_search(result.report, std::regex("^weft: how it fails, in 1 preemption \\(shrunk from "
                                                  "[0-9]+ in [0-9]+ runs\\):\n" +
                                                  story_line +
                                                  "  then: check failed: an increment was lost\n\n"
                                                  "weft: check failed: an increment was lost\n")))
      << result.report;
}

TEST(Shrink, TurnedOffTheReportIsTheFailureFoundAsItWas) {
  const weft::explore_result result =
      weft::explore(lost_update_among_busy_threads, random_runs(3, 500).shrink(false));
  ASSERT_TRUE(result.failed());
  EXPECT_EQ(first_line(result.report), "weft: check failed: an increment was lost");
  EXPECT_EQ(result.preemptions, 0u);
}

TEST(Shrink, NeverReportsAnotherKindOfFailureThanTheOneFound) {
  bool saw_a_lost_update = false;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const weft::explore_result found =
        weft::explore(every_schedule_fails_one_way_or_another, random_runs(seed, 50).shrink(false));
    const weft::explore_result shrunk =
        weft::explore(every_schedule_fails_one_way_or_another, random_runs(seed, 50));
    ASSERT_TRUE(found.failed());
    EXPECT_EQ(shrunk.kind, found.kind) << "seed " << seed << ":\n" << shrunk.report;
    if (found.kind != failure::user_check) continue;
    saw_a_lost_update = true;
    // The lost update's one preemption cannot go: without it the test throws instead.
    EXPECT_EQ(shrunk.preemptions, 1u) << "seed " << seed << ":\n" << shrunk.report;
    const weft::explore_result again =
        weft::replay(shrunk.replay, every_schedule_fails_one_way_or_another, weft::explore_options().quiet());
    EXPECT_EQ(again.kind, failure::user_check) << again.report;
  }
  EXPECT_TRUE(saw_a_lost_update) << "no seed found the lost update; pick other seeds";
}

// The shrink loop itself, on made-up switches: every one a preemption.
std::vector<weft::sched::switch_point> preemptions(std::size_t count) {
  std::vector<weft::sched::switch_point> switches(count);
  for (std::size_t i = 0; i < count; ++i) {
    switches[i].from = 1;
    switches[i].point = static_cast<std::uint32_t>(i + 1);
    switches[i].to = 2;
    switches[i].preemption = true;
  }
  return switches;
}

TEST(ShrinkLoop, WhenNoTryFailsTheSameWayTheOriginalStaysAndTheLoopEnds) {
  std::size_t tries = 0;
  const weft::sched::shrink_outcome outcome = weft::sched::shrink(
      preemptions(6),
      [&](std::span<const weft::sched::switch_point>,
          weft::sched::free_order) -> std::optional<std::vector<weft::sched::switch_point>> {
        ++tries;
        return std::nullopt;
      },
      weft::sched::shrink_budget{});
  EXPECT_EQ(weft::sched::preemptions_in(outcome.switches), 6u);
  EXPECT_TRUE(outcome.minimal);
  EXPECT_EQ(outcome.runs, tries);
  EXPECT_EQ(tries, 19u);  // all at once, each one out, then each one alone in either order
}

TEST(ShrinkLoop, StopsAtItsBudgetOfRuns) {
  std::size_t tries = 0;
  // Every try fails the same way with what it was given: each takes one preemption out, and the
  // budget ends it long before the thousand are gone.
  const weft::sched::shrink_outcome outcome = weft::sched::shrink(
      preemptions(1000),
      [&](std::span<const weft::sched::switch_point> guide,
          weft::sched::free_order) -> std::optional<std::vector<weft::sched::switch_point>> {
        ++tries;
        if (weft::sched::preemptions_in(guide) == 0) return std::nullopt;
        return std::vector<weft::sched::switch_point>(guide.begin(), guide.end());
      },
      weft::sched::shrink_budget{.runs = 5, .time = std::chrono::minutes(10)});
  EXPECT_EQ(tries, 5u);
  EXPECT_EQ(outcome.runs, 5u);
  EXPECT_FALSE(outcome.minimal);
  EXPECT_EQ(weft::sched::preemptions_in(outcome.switches), 996u);
}

TEST(ShrinkLoop, KeepsOnlyThePreemptionsTheFailureNeeds) {
  // The failure needs the preemptions at points 3 and 5.
  const weft::sched::shrink_outcome outcome = weft::sched::shrink(
      preemptions(8),
      [&](std::span<const weft::sched::switch_point> guide,
          weft::sched::free_order) -> std::optional<std::vector<weft::sched::switch_point>> {
        bool third = false;
        bool fifth = false;
        for (const weft::sched::switch_point& taken : guide) {
          third |= taken.point == 3;
          fifth |= taken.point == 5;
        }
        if (!third || !fifth) return std::nullopt;
        return std::vector<weft::sched::switch_point>(guide.begin(), guide.end());
      },
      weft::sched::shrink_budget{});
  ASSERT_EQ(outcome.switches.size(), 2u);
  EXPECT_EQ(outcome.switches[0].point, 3u);
  EXPECT_EQ(outcome.switches[1].point, 5u);
  EXPECT_TRUE(outcome.minimal);
}

}  // namespace

namespace {

TEST(Story, TellsOnlyTheLastTwentyOfALongRandomWalksPreemptions) {
  const std::string told = weft::sched::story_lines(preemptions(50), {});
  EXPECT_NE(told.find("(the first 30 preemptions are not told; the Reproduce line replays them all)\n"),
            std::string::npos)
      << told;
  EXPECT_EQ(told.find("  30. thread"), std::string::npos) << told;
  EXPECT_NE(told.find("  31. thread 2"), std::string::npos) << told;
  EXPECT_NE(told.find("  50. thread 2"), std::string::npos) << told;
  EXPECT_EQ(told.find("  51."), std::string::npos) << told;
}

TEST(Story, TellsEveryPreemptionOfAShortStory) {
  const std::string told = weft::sched::story_lines(preemptions(20), {});
  EXPECT_EQ(told.find("not told"), std::string::npos) << told;
  EXPECT_NE(told.find("  1. thread 2"), std::string::npos) << told;
  EXPECT_NE(told.find("  20. thread 2"), std::string::npos) << told;
}

}  // namespace
