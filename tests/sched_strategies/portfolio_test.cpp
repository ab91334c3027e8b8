// portfolio: each member (random, pct with depth 2 and 3, pos, surw, rff) has the first runs in turn,
// making the choices it would make on its own with its derived seed; after that, runs go mostly to
// the members whose runs reach new reads-from pairs.
#include "sched/strategies/portfolio.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "learning_model.hpp"
#include "program_model.hpp"
#include "sched/strategies/pct.hpp"
#include "sched/strategies/pos.hpp"
#include "sched/strategies/prng.hpp"
#include "sched/strategies/random.hpp"
#include "sched/strategies/rff.hpp"
#include "sched/strategies/surw.hpp"

namespace {

using weft_test::run_result;

const std::vector<std::string> member_names = {"portfolio/random",      "portfolio/pct-depth-2",
                                               "portfolio/pct-depth-3", "portfolio/pos",
                                               "portfolio/surw",        "portfolio/rff"};

TEST(PortfolioStrategy, GivesEachMemberOneOfTheFirstRunsAndNamesTheOneInUse) {
  auto coverage = std::make_shared<weft::sched::run_coverage>();
  weft::sched::portfolio_strategy portfolio(1, coverage);
  std::vector<std::string> names;
  for (std::uint64_t run = 0; run < 6; ++run) {
    ASSERT_TRUE(portfolio.begin_run(run));
    names.emplace_back(portfolio.name());
    coverage->note_start();  // the run, as its observer would see it
    coverage->note_end();
    portfolio.end_run(0);
  }
  EXPECT_EQ(names, member_names);
}

TEST(PortfolioStrategy, EachMemberMakesTheChoicesItWouldMakeAlone) {
  const std::uint64_t seed = 11;
  const weft_test::program model = weft_test::lost_update_program(3, 4);
  std::map<std::string, std::unique_ptr<weft::sched::strategy>> alone;
  alone["portfolio/random"] =
      std::make_unique<weft::sched::random_strategy>(weft::sched::derive_seed(seed, 0));
  alone["portfolio/pct-depth-2"] =
      std::make_unique<weft::sched::pct_strategy>(weft::sched::derive_seed(seed, 1), 2);
  alone["portfolio/pct-depth-3"] =
      std::make_unique<weft::sched::pct_strategy>(weft::sched::derive_seed(seed, 2), 3);
  alone["portfolio/pos"] = std::make_unique<weft::sched::pos_strategy>(weft::sched::derive_seed(seed, 3));
  alone["portfolio/surw"] = std::make_unique<weft::sched::surw_strategy>(weft::sched::derive_seed(seed, 4));
  alone["portfolio/rff"] = std::make_unique<weft::sched::rff_strategy>(weft::sched::derive_seed(seed, 5));
  std::map<std::string, std::uint64_t> runs_of;

  auto coverage = std::make_shared<weft::sched::run_coverage>();
  weft::sched::portfolio_strategy portfolio(seed, coverage);
  for (std::uint64_t run = 0; run < 30; ++run) {
    ASSERT_TRUE(portfolio.begin_run(run));
    coverage->note_start();
    const run_result got = weft_test::run_model(model, portfolio);
    coverage->note_end();
    portfolio.end_run(got.order.size());

    const std::string name(portfolio.name());
    weft::sched::strategy& member = *alone.at(name);
    ASSERT_TRUE(member.begin_run(runs_of[name]++));
    const run_result expected = weft_test::run_model(model, member);
    member.end_run(expected.order.size());
    EXPECT_EQ(got.choices, expected.choices) << "run " << run << " (" << name << ")";
  }
}

// Runs of pos read x at a new site each, a reads-from pair no earlier run reached; nobody else's
// reach anything. Returns the member of each of 300 runs.
std::vector<std::string> members_when_only_pos_finds_new_reads(std::uint64_t seed) {
  auto coverage = std::make_shared<weft::sched::run_coverage>();
  weft::sched::portfolio_strategy portfolio(seed, coverage);
  std::vector<std::string> members;
  for (std::uint64_t run = 0; run < 300; ++run) {
    EXPECT_TRUE(portfolio.begin_run(run));
    members.emplace_back(portfolio.name());
    const bool rewarded = portfolio.name() == "portfolio/pos";
    weft_test::teach_run(
        *coverage,
        {{0, weft_test::at(weft_test::op_kind::atomic_store, 0x1000, 0x100)},
         {1, weft_test::at(weft_test::op_kind::atomic_load, 0x1000, rewarded ? 0x10000 + run : 0x200)}});
    portfolio.end_run(2);
  }
  return members;
}

// By its base weight alone pos would get about 27 of the 300 runs (1 of 11 shares); the others keep
// theirs, so every member still gets some.
TEST(PortfolioStrategy, SpendsMoreRunsOnTheMemberThatReachesNewReads) {
  const std::vector<std::string> members = members_when_only_pos_finds_new_reads(4);
  std::map<std::string, int> count;
  for (const std::string& name : members) ++count[name];
  EXPECT_GE(count["portfolio/pos"], 100);
  for (const std::string& name : member_names) EXPECT_GE(count[name], 3) << name;
  EXPECT_EQ(members, members_when_only_pos_finds_new_reads(4))
      << "the same seed and runs must pick the same members";
}

// The weft command begins a fresh portfolio at each run's index: with nothing learned, run i goes to
// member i % 4 of random, pct (d=2), pct (d=3) and pos, begun at run number i / 4.
TEST(PortfolioStrategy, BegunOutOfSequenceRotatesThroughTheMembersThatNeedNoMemory) {
  const std::uint64_t seed = 11;
  const weft_test::program model = weft_test::lost_update_program(3, 4);
  for (std::uint64_t run : {1u, 6u, 7u, 13u}) {
    weft::sched::portfolio_strategy portfolio(seed);
    ASSERT_TRUE(portfolio.begin_run(run));
    EXPECT_EQ(portfolio.name(), member_names[run % 4]) << "run " << run;
    const run_result got = weft_test::run_model(model, portfolio);

    std::unique_ptr<weft::sched::strategy> alone;
    if (run % 4 == 0)
      alone = std::make_unique<weft::sched::random_strategy>(weft::sched::derive_seed(seed, 0));
    if (run % 4 == 1)
      alone = std::make_unique<weft::sched::pct_strategy>(weft::sched::derive_seed(seed, 1), 2);
    if (run % 4 == 2)
      alone = std::make_unique<weft::sched::pct_strategy>(weft::sched::derive_seed(seed, 2), 3);
    if (run % 4 == 3) alone = std::make_unique<weft::sched::pos_strategy>(weft::sched::derive_seed(seed, 3));
    ASSERT_TRUE(alone->begin_run(run / 4));
    EXPECT_EQ(got.choices, weft_test::run_model(model, *alone).choices) << "run " << run;
  }
}

// With fork_each_run the runs happen in children and the portfolio sees none of them: from the second
// run on it rotates as when begun out of sequence.
TEST(PortfolioStrategy, RunsItCannotWatchMakeItRotateThroughTheMembersThatNeedNoMemory) {
  weft::sched::portfolio_strategy portfolio(3);
  std::vector<std::string> names;
  for (std::uint64_t run = 0; run < 12; ++run) {
    ASSERT_TRUE(portfolio.begin_run(run));
    names.emplace_back(portfolio.name());
    portfolio.end_run(0);
  }
  for (std::uint64_t run = 0; run < 12; ++run) EXPECT_EQ(names[run], member_names[run % 4]) << "run " << run;
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
