// Strategies by name, as WEFT_STRATEGY and --strategy spell them, and refusal of bad settings.
#include <gtest/gtest.h>

#include <string>
#include <weft/options.hpp>

#include "sched/strategies/strategy.hpp"

namespace {

using weft::sched::strategy_kind;

constexpr strategy_kind all_kinds[] = {strategy_kind::random, strategy_kind::pct,   strategy_kind::pos,
                                       strategy_kind::dfs,    strategy_kind::bytes, strategy_kind::portfolio,
                                       strategy_kind::surw,   strategy_kind::rff};

TEST(StrategyNames, EveryNameParsesBackToItsKind) {
  for (strategy_kind kind : all_kinds) {
    strategy_kind parsed = strategy_kind::random;
    const std::string_view name = weft::sched::name_of(kind);
    ASSERT_TRUE(weft::sched::parse_strategy(name, parsed)) << name;
    EXPECT_EQ(parsed, kind) << name;
  }
  EXPECT_EQ(weft::sched::name_of(strategy_kind::pos), "pos");
}

TEST(StrategyNames, UnknownNamesAreRefusedAndLeaveTheKindAlone) {
  strategy_kind kind = strategy_kind::dfs;
  EXPECT_FALSE(weft::sched::parse_strategy("pcts", kind));
  EXPECT_FALSE(weft::sched::parse_strategy("PCT", kind));
  EXPECT_FALSE(weft::sched::parse_strategy("", kind));
  EXPECT_EQ(kind, strategy_kind::dfs);
}

TEST(MakeStrategy, BuildsAStrategyThatCallsItselfByItsName) {
  for (strategy_kind kind : all_kinds) {
    const auto made = weft::sched::make_strategy(kind, {});
    ASSERT_NE(made, nullptr);
    EXPECT_EQ(made->name().rfind(weft::sched::name_of(kind), 0), 0u) << made->name();
  }
}

TEST(MakeStrategy, RefusesAPctDepthBelowOneNamingTheValue) {
  try {
    weft::sched::strategy_config config;
    config.pct_depth = 0;
    (void)weft::sched::make_strategy(strategy_kind::pct, config);
    FAIL() << "depth 0 accepted";
  } catch (const weft::config_error& error) {
    EXPECT_NE(std::string(error.what()).find("got 0"), std::string::npos) << error.what();
  }
}

TEST(MakeStrategy, RefusesANegativePreemptionBoundNamingTheValue) {
  try {
    weft::sched::strategy_config config;
    config.dfs_preemption_bound = -1;
    (void)weft::sched::make_strategy(strategy_kind::dfs, config);
    FAIL() << "bound -1 accepted";
  } catch (const weft::config_error& error) {
    EXPECT_NE(std::string(error.what()).find("got -1"), std::string::npos) << error.what();
  }
}

}  // namespace
