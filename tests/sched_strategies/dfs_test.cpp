// dfs: every schedule within the preemption bound exactly once, then "covered".
#include "sched/strategies/dfs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>
#include <weft/options.hpp>

#include "program_model.hpp"

namespace {

using weft::sched::thread_id;
using weft_test::explore_all;
using weft_test::program;
using weft_test::run_result;

using order = std::vector<thread_id>;

// Every interleaving of `model` with at most `bound` preemptions, by brute force: the model's rules
// (thread 0 is current at the start; a preemption is leaving a thread that could go on) spelled out.
void enumerate(const program& model, std::vector<std::size_t>& next, thread_id current, int preemptions,
               int bound, order& prefix, std::set<order>& out) {
  std::vector<thread_id> runnable;
  for (thread_id t = 0; t < model.threads.size(); ++t) {
    if (next[t] < model.threads[t].size()) runnable.push_back(t);
  }
  if (runnable.empty()) {
    out.insert(prefix);
    return;
  }
  const bool current_runnable = std::find(runnable.begin(), runnable.end(), current) != runnable.end();
  for (thread_id t : runnable) {
    const int cost = (runnable.size() >= 2 && current_runnable && t != current) ? 1 : 0;
    if (preemptions + cost > bound) continue;
    ++next[t];
    prefix.push_back(t);
    enumerate(model, next, t, preemptions + cost, bound, prefix, out);
    prefix.pop_back();
    --next[t];
  }
}

std::set<order> schedules_within(const program& model, int bound) {
  std::vector<std::size_t> next(model.threads.size(), 0);
  order prefix;
  std::set<order> out;
  enumerate(model, next, 0, 0, bound, prefix, out);
  return out;
}

std::vector<order> orders_explored(const program& model, weft::sched::dfs_strategy& dfs) {
  std::vector<order> orders;
  for (const run_result& result : explore_all(model, dfs, 100000)) orders.push_back(result.order);
  return orders;
}

TEST(DfsStrategy, EnumeratesTheSixInterleavingsOfTwoThreadsWithTwoStepsThenReportsCovered) {
  weft::sched::dfs_strategy dfs(10);
  const std::vector<order> orders = orders_explored(weft_test::independent_program(2, 2), dfs);
  EXPECT_EQ(orders.size(), 6u);
  EXPECT_EQ(std::set<order>(orders.begin(), orders.end()).size(), 6u) << "an interleaving ran twice";
  EXPECT_TRUE(dfs.covered());
  EXPECT_FALSE(dfs.begin_run(7)) << "a covered space stays covered";
}

TEST(DfsStrategy, WithBoundZeroExploresOnlyTheNonPreemptiveSchedules) {
  weft::sched::dfs_strategy dfs(0);
  const std::vector<order> orders = orders_explored(weft_test::independent_program(3, 2), dfs);
  // Thread 0 runs to its end; then whichever of 1 and 2 goes first also runs to its end.
  EXPECT_EQ(orders, (std::vector<order>{{0, 0, 1, 1, 2, 2}, {0, 0, 2, 2, 1, 1}}));
  EXPECT_TRUE(dfs.covered());
}

TEST(DfsStrategy, ExploresExactlyTheSchedulesWithinEachBound) {
  const program model = weft_test::independent_program(3, 3);
  for (int bound : {0, 1, 2, 3, 8}) {
    weft::sched::dfs_strategy dfs(bound);
    const std::vector<order> orders = orders_explored(model, dfs);
    const std::set<order> unique(orders.begin(), orders.end());
    EXPECT_EQ(unique.size(), orders.size()) << "bound " << bound << ": a schedule ran twice";
    EXPECT_EQ(unique, schedules_within(model, bound)) << "bound " << bound;
    EXPECT_TRUE(dfs.covered());
  }
  EXPECT_EQ(schedules_within(model, 8).size(), 1680u) << "9! / (3! 3! 3!) interleavings in all";
}

TEST(DfsStrategy, IsNotCoveredWhileSchedulesRemain) {
  weft::sched::dfs_strategy dfs(2);
  ASSERT_TRUE(dfs.begin_run(0));
  (void)weft_test::run_model(weft_test::independent_program(2, 2), dfs);
  dfs.end_run(4);
  EXPECT_FALSE(dfs.covered());
  EXPECT_TRUE(dfs.begin_run(1));
}

TEST(DfsStrategy, FindsTheLostUpdateAndProvesTheAtomicIncrement) {
  const auto lost = [](const run_result& result) { return weft_test::lost_an_update(result, 2); };
  weft::sched::dfs_strategy buggy(1);
  EXPECT_GE(weft_test::explore_until(weft_test::lost_update_program(2, 2), buggy, 1000, lost), 0);
  weft::sched::dfs_strategy fixed(3);
  EXPECT_EQ(weft_test::explore_until(weft_test::atomic_increment_program(2, 2), fixed, 1000, lost), -1);
  EXPECT_TRUE(fixed.covered()) << "every schedule within the bound was checked";
}

TEST(DfsStrategy, IsDeterministic) {
  weft::sched::dfs_strategy first(2);
  weft::sched::dfs_strategy second(2);
  const program model = weft_test::lost_update_program(3, 1);
  EXPECT_EQ(orders_explored(model, first), orders_explored(model, second));
}

TEST(DfsStrategy, RefusesANegativeBound) {
  EXPECT_THROW(weft::sched::dfs_strategy(-1), weft::config_error);
}

}  // namespace
