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

// Ordinary memory accesses (operation::interesting false) are points, but pct places no change point on
// them: the thread that runs keeps running through any number of them.
std::size_t switches_over_ordinary_steps(bool interesting) {
  weft::sched::pct_strategy pct(5, 3);
  std::size_t runs_with_a_switch = 0;
  for (std::uint64_t run = 0; run < 50; ++run) {
    (void)pct.begin_run(run);
    weft::sched::operation access{weft::sched::op_kind::atomic_store, 0x1000};
    access.interesting = interesting;
    const weft::sched::candidate both[] = {{0, access}, {1, access}};
    const weft::sched::thread_id first = both[pct.choose(both, 0)].thread;
    bool switched = false;
    for (int step = 0; step < 40; ++step) switched |= both[pct.choose(both, first)].thread != first;
    runs_with_a_switch += switched ? 1 : 0;
    pct.end_run(41);
  }
  return runs_with_a_switch;
}

TEST(PctStrategy, PlacesNoChangePointOnOrdinaryMemoryAccesses) {
  EXPECT_EQ(switches_over_ordinary_steps(false), 0u);
  EXPECT_GT(switches_over_ordinary_steps(true), 0u) << "the same steps, interesting, do get change points";
}

}  // namespace
