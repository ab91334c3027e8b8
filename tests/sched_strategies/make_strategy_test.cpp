// Strategies by name, as WEFT_STRATEGY and --strategy spell them, and refusal of bad settings.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <weft/options.hpp>

#include "sched/strategies/strategy.hpp"

namespace {

using weft::sched::strategy_kind;

constexpr strategy_kind all_kinds[] = {strategy_kind::random, strategy_kind::pct,   strategy_kind::pos,
                                       strategy_kind::dfs,    strategy_kind::bytes, strategy_kind::portfolio,
                                       strategy_kind::surw,   strategy_kind::rff};

std::string refusal(std::string_view name, bool exploring_only) {
  try {
    (void)weft::sched::strategy_named(name, "--strategy", exploring_only);
  } catch (const weft::config_error& error) {
    return error.what();
  }
  return "";
}

TEST(StrategyNames, TheRegistryListsEveryKindOnce) {
  const auto listed = weft::sched::every_strategy();
  ASSERT_EQ(listed.size(), std::size(all_kinds));
  for (strategy_kind kind : all_kinds) EXPECT_EQ(std::count(listed.begin(), listed.end(), kind), 1);
}

TEST(StrategyNames, EveryNameParsesBackToItsKind) {
  for (strategy_kind kind : weft::sched::every_strategy()) {
    const std::string_view name = weft::sched::name_of(kind);
    EXPECT_EQ(weft::sched::strategy_named(name), kind) << name;
    EXPECT_EQ(weft::sched::strategy_named(name, "WEFT_STRATEGY"), kind) << name;
  }
  EXPECT_EQ(weft::sched::name_of(strategy_kind::pos), "pos");
}

TEST(StrategyNames, UnknownNamesAreRefused) {
  EXPECT_EQ(weft::sched::strategy_named("pcts"), std::nullopt);
  EXPECT_EQ(weft::sched::strategy_named("PCT"), std::nullopt);
  EXPECT_EQ(weft::sched::strategy_named(""), std::nullopt);
}

TEST(StrategyNames, ARefusalNamesTheSettingEveryStrategyAndTheValue) {
  EXPECT_EQ(refusal("pcts", false),
            "weft: --strategy must be one of random, pct, pos, dfs, bytes, surw, rff, portfolio; got \"pcts\"");
}

TEST(StrategyNames, ExploringLeavesOutOnlyTheStrategyThatTakesBytes) {
  EXPECT_EQ(refusal("bytes", true),
            "weft: --strategy must be one of random, pct, pos, dfs, surw, rff, portfolio; got \"bytes\"");
  EXPECT_EQ(refusal("bytes", false), "");
  for (strategy_kind kind : weft::sched::every_strategy()) {
    EXPECT_EQ(weft::sched::takes_bytes(kind), kind == strategy_kind::bytes) << weft::sched::name_of(kind);
  }
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
