// random: a uniform choice at every point.
#include "sched/strategies/random.hpp"

#include <gtest/gtest.h>

#include <set>

#include "program_model.hpp"

namespace {

using weft_test::explore_until;
using weft_test::run_result;

TEST(RandomStrategy, FindsTheLostUpdateWithin200Runs) {
  weft::sched::random_strategy random(1);
  const long found =
      explore_until(weft_test::lost_update_program(2, 3), random, 200,
                    [](const run_result& result) { return weft_test::lost_an_update(result, 2); });
  EXPECT_GE(found, 0) << "no lost update in 200 runs";
}

TEST(RandomStrategy, NeverLosesAnUpdateOfTheAtomicIncrement) {
  weft::sched::random_strategy random(1);
  const long found =
      explore_until(weft_test::atomic_increment_program(2, 3), random, 200,
                    [](const run_result& result) { return weft_test::lost_an_update(result, 2); });
  EXPECT_EQ(found, -1);
}

TEST(RandomStrategy, ReachesEveryCandidate) {
  weft::sched::random_strategy random(5);
  std::set<std::size_t> first_choices;
  explore_until(weft_test::independent_program(4, 2), random, 100, [&](const run_result& result) {
    first_choices.insert(result.choices.front());
    return false;
  });
  EXPECT_EQ(first_choices, (std::set<std::size_t>{0, 1, 2, 3}));
}

}  // namespace
