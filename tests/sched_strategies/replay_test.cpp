// Recording and replaying: a recorded run, printed and read back, runs again the same way; a run
// that leaves the recorded path says where, and still ends.
#include "sched/strategies/replay.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "program_model.hpp"
#include "sched/schedule_codec.hpp"
#include "sched/strategies/random.hpp"
#include "sched/strategies/recording.hpp"

namespace {

using weft::sched::recording_strategy;
using weft::sched::replaying_strategy;
using weft::sched::schedule;
using weft_test::program;
using weft_test::run_result;

struct recorded_run {
  run_result result;
  schedule decisions;
};

// Explores `model` with random until `wanted` holds, and returns that run with its schedule.
recorded_run record_until(const program& model, const std::function<bool(const run_result&)>& wanted) {
  recording_strategy recording(std::make_unique<weft::sched::random_strategy>(3));
  recorded_run found;
  const long run = weft_test::explore_until(model, recording, 500, [&](const run_result& result) {
    found.result = result;
    return wanted(result);
  });
  EXPECT_GE(run, 0) << "the model never did what the test needs";
  found.decisions = recording.recorded();
  return found;
}

run_result replay(const program& model, replaying_strategy& replaying) {
  EXPECT_TRUE(replaying.begin_run(0));
  run_result result = weft_test::run_model(model, replaying);
  replaying.end_run(result.order.size());
  return result;
}

schedule through_the_string(const schedule& decisions) {
  const auto decoded = weft::sched::decode(weft::sched::encode(decisions));
  EXPECT_TRUE(decoded.ok()) << decoded.error;
  return decoded.decoded;
}

TEST(ReplayingStrategy, ReproducesTheRunThatLostAnUpdateFromItsPrintedSchedule) {
  const program model = weft_test::lost_update_program(3, 4);
  const recorded_run failing =
      record_until(model, [](const run_result& result) { return weft_test::lost_an_update(result, 3); });
  replaying_strategy replaying(through_the_string(failing.decisions));
  const run_result again = replay(model, replaying);
  EXPECT_FALSE(replaying.diverged()) << replaying.divergence();
  EXPECT_EQ(again.order, failing.result.order);
  EXPECT_TRUE(weft_test::lost_an_update(again, 3));
}

TEST(ReplayingStrategy, EveryRunReplaysTheSameSchedule) {
  const program model = weft_test::lost_update_program(2, 3);
  const recorded_run recorded = record_until(model, [](const run_result&) { return true; });
  replaying_strategy replaying(recorded.decisions);
  EXPECT_EQ(replay(model, replaying).order, recorded.result.order);
  EXPECT_EQ(replay(model, replaying).order, recorded.result.order);
}

TEST(ReplayingStrategy, NamesTheDecisionWhereAnAddedThreadChangedTheCandidates) {
  const recorded_run recorded =
      record_until(weft_test::independent_program(2, 3), [](const run_result&) { return true; });
  replaying_strategy replaying(recorded.decisions);
  const run_result result = replay(weft_test::independent_program(3, 3), replaying);
  ASSERT_TRUE(replaying.diverged());
  EXPECT_EQ(replaying.divergence(),
            "the run took another path at decision 1: 3 threads could run, the schedule recorded 2");
  // Off the path it keeps the current thread while it can run: no preemption, one thread after another.
  EXPECT_EQ(result.order, (std::vector<weft::sched::thread_id>{0, 0, 0, 1, 1, 1, 2, 2, 2}));
}

TEST(ReplayingStrategy, NamesTheDecisionPastTheEndOfTheSchedule) {
  const schedule two_decisions{{{0, 2}, {0, 2}}};
  replaying_strategy replaying(two_decisions);
  (void)replay(weft_test::independent_program(2, 3), replaying);
  ASSERT_TRUE(replaying.diverged());
  EXPECT_EQ(replaying.divergence(),
            "the run took another path at decision 3: the schedule recorded only 2 decisions");
}

TEST(ReplayingStrategy, NoticesARunThatEndsBeforeUsingEveryDecision) {
  const recorded_run recorded =
      record_until(weft_test::independent_program(2, 6), [](const run_result&) { return true; });
  replaying_strategy replaying(recorded.decisions);
  (void)replay(weft_test::independent_program(2, 1), replaying);
  ASSERT_TRUE(replaying.diverged());
  EXPECT_NE(replaying.divergence().find("it ended after 1 decisions, the schedule recorded "),
            std::string::npos)
      << replaying.divergence();
}

TEST(ReplayingStrategy, ForgetsADivergenceWhenTheNextRunBegins) {
  replaying_strategy replaying(schedule{{{1, 2}}});
  (void)replay(weft_test::independent_program(3, 1), replaying);
  ASSERT_TRUE(replaying.diverged());
  (void)replay(weft_test::independent_program(2, 1), replaying);
  EXPECT_FALSE(replaying.diverged()) << replaying.divergence();
}

TEST(RecordingStrategy, RecordsOnlyTheCurrentRunAndKeepsTheInnerName) {
  recording_strategy recording(std::make_unique<weft::sched::random_strategy>(1));
  EXPECT_EQ(recording.name(), "random");
  ASSERT_TRUE(recording.begin_run(0));
  const run_result first = weft_test::run_model(weft_test::independent_program(3, 5), recording);
  EXPECT_EQ(recording.recorded().decisions.size(), first.choices.size());
  ASSERT_TRUE(recording.begin_run(1));
  const run_result second = weft_test::run_model(weft_test::independent_program(2, 1), recording);
  ASSERT_EQ(recording.recorded().decisions.size(), 1u);
  EXPECT_EQ(recording.recorded().decisions[0].chosen, second.choices[0]);
  EXPECT_EQ(recording.recorded().decisions[0].candidates, 2u);
}

}  // namespace
