// Candidates that wait for progress (they yielded, and nobody progressed since): no strategy picks
// one while another can run; pct drops a yielder below every other thread; dfs counts no preemption
// when a yielder gives way and offers no yielder as an alternative.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sched/strategies/dfs.hpp"
#include "sched/strategies/pct.hpp"
#include "sched/strategies/strategy.hpp"

namespace {

using weft::sched::candidate;
using weft::sched::op_kind;
using weft::sched::strategy_kind;

constexpr strategy_kind all_kinds[] = {strategy_kind::random, strategy_kind::pct,   strategy_kind::pos,
                                       strategy_kind::dfs,    strategy_kind::bytes, strategy_kind::portfolio,
                                       strategy_kind::surw,   strategy_kind::rff};

candidate yielding(weft::sched::thread_id thread) {
  return {thread, {op_kind::yield, 0}, true};
}

candidate storing(weft::sched::thread_id thread) {
  return {thread, {op_kind::atomic_store, 0x1000}, false};
}

TEST(YieldingCandidates, NoStrategyChoosesOneThatWaitsForProgress) {
  const std::vector<std::uint8_t> decisions{0, 1, 2, 3, 4, 5, 6, 7, 200, 255};
  for (strategy_kind kind : all_kinds) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const auto chooser = weft::sched::make_strategy(kind, {.seed = seed, .bytes = decisions});
      ASSERT_TRUE(chooser->begin_run(0));
      for (int point = 0; point < 10; ++point) {
        const std::vector<candidate> candidates{yielding(0), storing(1), yielding(2), storing(3)};
        const std::size_t chosen = chooser->choose(candidates, 0);
        ASSERT_LT(chosen, candidates.size()) << chooser->name();
        EXPECT_FALSE(candidates[chosen].waits_for_progress) << chooser->name() << " seed " << seed;
      }
      chooser->end_run(10);
    }
  }
}

TEST(YieldingCandidates, PctRanksAThreadThatYieldedBelowEveryOther) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    weft::sched::pct_strategy pct(seed, 1);
    ASSERT_TRUE(pct.begin_run(0));
    // Whichever thread pct prefers yields; from then on the other one runs first.
    const std::size_t preferred = pct.choose(std::vector<candidate>{storing(0), storing(1)}, 0);
    const auto yielder = static_cast<weft::sched::thread_id>(preferred);
    std::vector<candidate> at_its_yield{storing(0), storing(1)};
    at_its_yield[preferred] = yielding(yielder);
    EXPECT_EQ(pct.choose(at_its_yield, yielder), 1 - preferred) << "seed " << seed;
    EXPECT_EQ(pct.choose(std::vector<candidate>{storing(0), storing(1)}, 1 - yielder), 1 - preferred)
        << "seed " << seed << ": the yielder came back above the other thread";
  }
}

TEST(YieldingCandidates, DfsNeitherPreemptsAtAYieldNorTriesTheYielder) {
  // Even with bound 0 both other threads are tried after the yield: the yielder could not run, so
  // whoever goes instead does not preempt it. The yielder itself is no alternative.
  weft::sched::dfs_strategy dfs(0);
  std::vector<std::size_t> chosen;
  while (dfs.begin_run(chosen.size())) {
    chosen.push_back(dfs.choose(std::vector<candidate>{yielding(0), storing(1), storing(2)}, 0));
    dfs.end_run(1);
  }
  EXPECT_EQ(chosen, (std::vector<std::size_t>{1, 2}));
  EXPECT_TRUE(dfs.covered());
}

}  // namespace
