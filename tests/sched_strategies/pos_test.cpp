// pos: a pending operation keeps its random priority until it runs, unless an operation it
// conflicts with runs first.
#include "sched/strategies/pos.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "program_model.hpp"

namespace {

using weft_test::explore_until;
using weft_test::operation;
using weft_test::program;
using weft_test::run_result;

bool lost_update(const run_result& result) {
  return weft_test::lost_an_update(result, 2);
}

TEST(PosStrategy, FindsTheLostUpdateWithin200Runs) {
  weft::sched::pos_strategy pos(1);
  EXPECT_GE(explore_until(weft_test::lost_update_program(2, 3), pos, 200, lost_update), 0);
}

TEST(PosStrategy, NeverLosesAnUpdateOfTheAtomicIncrement) {
  weft::sched::pos_strategy pos(1);
  EXPECT_EQ(explore_until(weft_test::atomic_increment_program(2, 3), pos, 200, lost_update), -1);
}

// Thread 0 performs `busy` twenty times on x; thread 1 waits to perform `waiting` once on x. Returns
// in how many of 1000 runs thread 1 had still not run after ten steps.
int runs_where_the_waiting_thread_is_late(weft::sched::op_kind busy, weft::sched::op_kind waiting) {
  const program model{
      {std::vector<operation>(20, {busy, weft_test::shared_x}), {{waiting, weft_test::shared_x}}}};
  weft::sched::pos_strategy pos(9);
  int late = 0;
  explore_until(model, pos, 1000, [&](const run_result& result) {
    const auto position = std::find(result.order.begin(), result.order.end(), 1u) - result.order.begin();
    late += position >= 10;
    return false;
  });
  return late;
}

// A kept priority u beats ten fresh draws with probability 1/11 (about 91 runs in 1000); redrawn at
// every step it would be a fair coin each time, 2^-10 (about 1 run in 1000).
TEST(PosStrategy, KeepsThePriorityOfAPendingOperationThatConflictsWithNothingThatRan) {
  EXPECT_GE(runs_where_the_waiting_thread_is_late(weft::sched::op_kind::atomic_load,
                                                  weft::sched::op_kind::atomic_load),
            40);
}

TEST(PosStrategy, RedrawsThePriorityOfAPendingOperationWhenAConflictingOneRuns) {
  EXPECT_LE(runs_where_the_waiting_thread_is_late(weft::sched::op_kind::atomic_store,
                                                  weft::sched::op_kind::atomic_load),
            10);
}

// An ordinary memory access (operation::interesting false) runs at once, the current thread's first:
// pos spends no priority draw on it.
TEST(PosStrategy, TakesOrdinaryMemoryAccessesAtOnce) {
  weft::sched::operation lock{weft::sched::op_kind::mutex_lock, 0x2000};
  weft::sched::operation access{weft::sched::op_kind::atomic_store, 0x1000};
  access.interesting = false;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    weft::sched::pos_strategy pos(seed);
    (void)pos.begin_run(0);
    const weft::sched::candidate one_ordinary[] = {{0, lock}, {1, access}, {2, lock}};
    EXPECT_EQ(pos.choose(one_ordinary, 0), 1u) << "seed " << seed;
    const weft::sched::candidate two_ordinary[] = {{0, access}, {1, lock}, {2, access}};
    EXPECT_EQ(pos.choose(two_ordinary, 2), 2u) << "seed " << seed;
  }
}

}  // namespace
