// pct: the highest-priority thread runs; d - 1 change points per run are all that can switch threads
// early, so a run of depth d switches between two threads at most d times.
#include "sched/strategies/pct.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "program_model.hpp"

namespace {

using weft_test::explore_until;
using weft_test::run_result;
using weft_test::switches;

bool lost_update(const run_result& result) {
  return weft_test::lost_an_update(result, 2);
}

// The bug of depth 3 between two threads: A is interrupted by B, which is interrupted by A in turn
// before it finishes (A B A B): two ordering constraints beyond program order.
bool interleaved_four_times(const run_result& result) {
  return switches(result) >= 3;
}

TEST(PctStrategy, FindsTheLostUpdateWithin200Runs) {
  for (int depth : {2, 3}) {
    weft::sched::pct_strategy pct(1, depth);
    EXPECT_GE(explore_until(weft_test::lost_update_program(2, 3), pct, 200, lost_update), 0)
        << "depth " << depth;
  }
}

TEST(PctStrategy, NeverLosesAnUpdateOfTheAtomicIncrement) {
  weft::sched::pct_strategy pct(1, 3);
  EXPECT_EQ(explore_until(weft_test::atomic_increment_program(2, 3), pct, 200, lost_update), -1);
}

TEST(PctStrategy, WithDepthThreeFindsTheBugThatNeedsTwoPreemptionsWithin100Runs) {
  weft::sched::pct_strategy pct(1, 3);
  EXPECT_GE(explore_until(weft_test::independent_program(2, 8), pct, 100, interleaved_four_times), 0);
}

TEST(PctStrategy, WithDepthTwoNeverSwitchesMoreThanTwiceBetweenTwoThreads) {
  weft::sched::pct_strategy pct(1, 2);
  int most = 0;
  explore_until(weft_test::independent_program(2, 8), pct, 1000, [&](const run_result& result) {
    most = std::max(most, switches(result));
    return false;
  });
  EXPECT_EQ(most, 2) << "one change point allows exactly one early switch, and it must happen in some run";
}

TEST(PctStrategy, WithDepthOneRunsEachThreadToItsEndInARandomPriorityOrder) {
  weft::sched::pct_strategy pct(3, 1);
  std::set<std::vector<weft::sched::thread_id>> orders;
  explore_until(weft_test::independent_program(3, 4), pct, 100, [&](const run_result& result) {
    EXPECT_EQ(switches(result), 2);
    std::vector<weft::sched::thread_id> blocks = {result.order.front()};
    for (weft::sched::thread_id t : result.order) {
      if (t != blocks.back()) blocks.push_back(t);
    }
    orders.insert(blocks);
    return false;
  });
  EXPECT_EQ(orders.size(), 6u) << "every priority order of three threads should come up in 100 runs";
}

}  // namespace
