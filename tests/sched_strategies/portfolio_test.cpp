// portfolio: runs rotate through random, pct (depth 2), pct (depth 3) and pos, each member making the
// choices it would make on its own with its derived seed.
#include "sched/strategies/portfolio.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "program_model.hpp"
#include "sched/strategies/pct.hpp"
#include "sched/strategies/pos.hpp"
#include "sched/strategies/prng.hpp"
#include "sched/strategies/random.hpp"

namespace {

using weft_test::run_result;

TEST(PortfolioStrategy, RotatesThroughItsMembersAndNamesTheOneInUse) {
  weft::sched::portfolio_strategy portfolio(1);
  std::vector<std::string> names;
  for (std::uint64_t run = 0; run < 8; ++run) {
    ASSERT_TRUE(portfolio.begin_run(run));
    names.emplace_back(portfolio.name());
    portfolio.end_run(0);
  }
  const std::vector<std::string> cycle = {"portfolio/random", "portfolio/pct-depth-2",
                                          "portfolio/pct-depth-3", "portfolio/pos"};
  std::vector<std::string> expected = cycle;
  expected.insert(expected.end(), cycle.begin(), cycle.end());
  EXPECT_EQ(names, expected);
}

TEST(PortfolioStrategy, EachMemberMakesTheChoicesItWouldMakeAlone) {
  const std::uint64_t seed = 11;
  const weft_test::program model = weft_test::lost_update_program(3, 4);
  std::vector<std::unique_ptr<weft::sched::strategy>> alone;
  alone.push_back(std::make_unique<weft::sched::random_strategy>(weft::sched::derive_seed(seed, 0)));
  alone.push_back(std::make_unique<weft::sched::pct_strategy>(weft::sched::derive_seed(seed, 1), 2));
  alone.push_back(std::make_unique<weft::sched::pct_strategy>(weft::sched::derive_seed(seed, 2), 3));
  alone.push_back(std::make_unique<weft::sched::pos_strategy>(weft::sched::derive_seed(seed, 3)));

  weft::sched::portfolio_strategy portfolio(seed);
  for (std::uint64_t run = 0; run < 12; ++run) {
    weft::sched::strategy& member = *alone[run % 4];
    ASSERT_TRUE(member.begin_run(run / 4));
    const run_result expected = weft_test::run_model(model, member);
    member.end_run(expected.order.size());

    ASSERT_TRUE(portfolio.begin_run(run));
    const run_result got = weft_test::run_model(model, portfolio);
    portfolio.end_run(got.order.size());
    EXPECT_EQ(got.choices, expected.choices) << "run " << run << " (" << portfolio.name() << ")";
  }
}

TEST(PortfolioStrategy, FindsTheLostUpdateAndSaysWhichMemberDid) {
  weft::sched::portfolio_strategy portfolio(1);
  const long found =
      weft_test::explore_until(weft_test::lost_update_program(2, 3), portfolio, 200,
                               [](const run_result& result) { return weft_test::lost_an_update(result, 2); });
  ASSERT_GE(found, 0);
  EXPECT_EQ(portfolio.name().rfind("portfolio/", 0), 0u) << portfolio.name();
}

}  // namespace
